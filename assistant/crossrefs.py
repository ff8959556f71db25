"""Articles a retrieved clause points at within its own document ("违反本法第二十八条的规定").

Statutes split a rule across articles: an obligation in one, the penalty for breaking it in
another that cites it by number (《立法技术规范》: 本法第X条 / 本条例第X条 / 依照本办法第X条).
A question about the penalty needs both, and so does its answer; ranking alone rarely puts
the cited article next to the citing one, because the obligation's wording is not the question's.
So the articles a top hit cites are placed right after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.records import Hit
from corpus import Clause
from corpus.numbering import chinese_to_int

_NUMERAL = r"[零〇一二两三四五六七八九十百千\d]+"
# "本法第十条、第十二条" and "本条例第五条至第七条": the document's own articles only (本…),
# never another law's (《…法》第X条).
_SELF_CITATION = re.compile(
    rf"本(?:法|条例|办法|规定|细则|规则|决定|准则|实施细则)"
    rf"(?P<list>第{_NUMERAL}条(?:之[一二三四五六七八九十])?"
    rf"(?:(?:、|，|和|及|或者|至|到)第{_NUMERAL}条(?:之[一二三四五六七八九十])?)*)")
_ARTICLE = re.compile(rf"第(?P<num>{_NUMERAL})条(?:之(?P<sub>[一二三四五六七八九十]))?")
# A range longer than this is a sweeping reference ("第一条至第三十条"), not a rule's other half.
_MAX_RANGE = 5


def cited_keys(text: str) -> list[str]:
    """Clause keys (a28, a24-1) of the document's own articles that `text` cites, in order."""
    keys: list[str] = []
    for found in _SELF_CITATION.finditer(text):
        previous = None
        for article in _ARTICLE.finditer(found["list"]):
            number = _number(article["num"])
            if not number:
                continue
            joined_by = found["list"][:article.start()][-1:]
            if previous and joined_by in ("至", "到") and 0 < number - previous <= _MAX_RANGE:
                keys.extend(f"a{n}" for n in range(previous + 1, number))
            sub = _number(article["sub"]) if article["sub"] else None
            keys.append(f"a{number}" + (f"-{sub}" if sub else ""))
            previous = number
    return list(dict.fromkeys(keys))


def _number(numeral: str) -> int | None:
    try:
        return chinese_to_int(numeral)
    except ValueError:
        return None


def follow_citations(hits: Sequence[Hit], clause: Callable[[str], Clause | None], *,
                     depth: int, per_hit: int, top_k: int) -> list[Hit]:
    """`hits` with the articles cited by each of the first `depth` placed right after it.

    `clause(clause_id)` looks a clause up (None when there is none). A cited article already
    ranked above its citing hit stays where it is; one ranked below moves up. The list keeps
    `top_k` hits.
    """
    if depth <= 0 or per_hit <= 0:
        return list(hits[:top_k])
    result: list[Hit] = []
    placed: set[str] = set()
    for position, hit in enumerate(hits):
        if hit.clause.clause_id in placed:
            continue
        result.append(hit)
        placed.add(hit.clause.clause_id)
        if position >= depth:
            continue
        followed = 0
        for key in cited_keys(hit.clause.text):
            cited = clause(f"{hit.clause.doc_id}/{key}")
            if cited is None or cited.clause_id in placed or followed >= per_hit:
                continue
            # the same document as the citing hit, by construction
            result.append(Hit(clause=cited, document=hit.document, score=hit.score,
                              via="cross_reference"))
            placed.add(cited.clause_id)
            followed += 1
    return result[:top_k]
