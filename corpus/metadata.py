"""Document facts read from its wording: promulgation notes, dates, status.

Statutes and regulations open with a bracketed promulgation note ("（2019年4月22日中华人民共和国
国务院令第715号公布　自2019年6月1日起施行）") and close with an entry-into-force article ("本法自
2019年1月1日起施行"); plans and notices carry a 文号 and a signature date instead (see
`frontmatter`). Everything here reads general shapes of official Chinese documents, never a
particular document.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

from corpus.records import Document
from corpus.text import iso_date

_DATE = r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
_ACTS = "通过|公布|发布|修正|修订|批准|印发|施行|颁布|制定"
# A note made of dated acts: "（…通过 …公布 根据…修正 …施行）", or unbracketed lines such as
# "2014年7月31日 浙江省第十二届人民代表大会常务委员会第十一次会议通过" under a title.
PROMULGATION = re.compile(
    rf"^[（(].*{_DATE}.*({_ACTS}).*[）)]$|^(根据)?{_DATE}[^。]{{0,300}}({_ACTS})(通过|。)?$")
_ACT_DATE = re.compile(rf"{_DATE}[^，。；（）()]*?({_ACTS})")
_IN_FORCE = re.compile(rf"自{_DATE}起(?:施行|实施|执行|生效)")
_IN_FORCE_ON_ISSUE = re.compile(r"自(?:公布|发布|印发)之日起(?:施行|实施|执行|生效)")
# "国务院令第715号", "…总局令2018年第15号" (ministries number their orders per year).
_ORDER_NUMBER = re.compile(
    r"([\u4e00-\u9fff、]{2,80}?令)\s*[（(]?\s*((?:\d{4}\s*年\s*)?)第\s*(\d+)\s*号")
_ORDER_NUMBER_AFTER = re.compile(r"([\u4e00-\u9fff、]{2,40}?)第\s*(\d+)\s*号令")
_LEGISLATURE = re.compile(r"第[一二三四五六七八九十]+届(全国人民代表大会(?:常务委员会)?)")
_REPEALED = re.compile(r"[（(【\[]?(已废止|已失效|已被废止)[）)】\]]?")


@dataclass(frozen=True)
class Promulgation:
    """What a promulgation note says: dated acts, the order number, who made it."""

    issue_date: str | None  # the latest dated act (the version of the text at hand)
    first_date: str | None
    effective_date: str | None
    doc_number: str | None  # 国务院令第715号
    issuer: str | None


def read_promulgation(note: str) -> Promulgation:
    acts = [(iso_date(*found.groups()[:3]), found.group(4)) for found in _ACT_DATE.finditer(note)]
    dates = [date for date, act in acts if act != "施行"]
    effective = in_force_date(note, dates[0] if dates else None)
    number = _ORDER_NUMBER.search(note)
    doc_number = (f"{number.group(1)}{number.group(2).replace(' ', '')}第{number.group(3)}号"
                  if number else None)
    if doc_number is None and (after := _ORDER_NUMBER_AFTER.search(note)):
        doc_number = f"{after.group(1)}第{after.group(2)}号令"
    issuer = None
    if number:
        issuer = re.sub(r"^\d*日?", "", number.group(1))[:-1] or None
    elif after := _ORDER_NUMBER_AFTER.search(note):
        issuer = after.group(1)
    elif legislature := _LEGISLATURE.search(note):
        issuer = legislature.group(1)
    if doc_number:
        doc_number = re.sub(r"^.*?日", "", doc_number)
    if issuer:
        issuer = re.sub(r"^.*?日", "", issuer)
    return Promulgation(issue_date=dates[-1] if dates else None,
                        first_date=dates[0] if dates else None, effective_date=effective,
                        doc_number=doc_number, issuer=issuer)


def in_force_date(text: str, issue_date: str | None) -> str | None:
    """The 施行 date a text states ("自2019年1月1日起施行"; "自公布之日起施行" = the issue date)."""
    found = _IN_FORCE.search(text)
    if found:
        return iso_date(*found.groups())
    if _IN_FORCE_ON_ISSUE.search(text):
        return issue_date
    return None


def states_entry_into_force(text: str) -> bool:
    """The text says when it takes effect ("本法自2019年1月1日起施行", "自公布之日起施行")."""
    return bool(_IN_FORCE.search(text) or _IN_FORCE_ON_ISSUE.search(text))


def is_repealed(lines: list[str]) -> bool:
    """The document itself is marked as repealed (in its title block, not about another text)."""
    return any(_REPEALED.fullmatch(line) or line.endswith(("（已废止）", "(已废止)", "（已失效）"))
               for line in lines)


# An edition or version note at the end of a title: （2023版）, （2018年修正文本）, (试行).
_EDITION_NOTE = re.compile(r"[（(][^（）()]{0,20}(版|修正|修订|文本|试行|草案)[^（）()]{0,6}[）)]$")


def _spaceless(title: str) -> str:
    return re.sub(r"\s+", "", title)


def _work_title(title: str) -> str:
    return _EDITION_NOTE.sub("", _spaceless(title))


SUPERSEDED_LABEL = "已被新版本替代"


def _newest_by_work(documents: Sequence[Document]) -> dict[str, Document]:
    """The latest dated final document of each title, edition notes aside."""
    newest: dict[str, Document] = {}
    for document in documents:
        if document.status == "final" and document.date:
            work = _work_title(document.title)
            if work not in newest or document.date > newest[work].date:
                newest[work] = document
    return newest


def newest_versions(documents: Sequence[Document]) -> dict[str, Document]:
    """For every superseded document, the loaded version of its title that supersedes it (the
    latest dated final one), by the superseded document's id."""
    newest = _newest_by_work(documents)
    return {d.doc_id: newest[_work_title(d.title)] for d in documents
            if d.status == "superseded" and _work_title(d.title) in newest}


def mark_superseded(documents: Sequence[Document]) -> list[Document]:
    """Documents with the status "superseded" where a newer version of the same title is loaded.

    Versions are the same title up to an edition note; the one with the latest date stays in
    force. Drafts and repealed documents keep their status; undated versions are left alone,
    since which one is newer cannot be told.
    """
    # A status set here earlier is recomputed (the newer version may have been removed since).
    documents = [dataclasses.replace(d, status="final", status_label="正式文件")
                 if d.status_label == SUPERSEDED_LABEL else d for d in documents]
    newest = _newest_by_work(documents)
    older = {d.doc_id for d in documents if d.status == "final" and d.date
             and d.date < newest[_work_title(d.title)].date}
    return [dataclasses.replace(d, status="superseded", status_label=SUPERSEDED_LABEL)
            if d.doc_id in older else d for d in documents]


REPEALED_LABEL = "已废止"
# A sentence that repeals texts by name closes with the verb: "1996年1月29日人事部发布的《人才市场
# 管理暂行规定》（人发〔1996〕11号）同时废止", "《A》和《B》同时废止". A title that holds the verb
# (《国务院关于修改和废止部分行政法规的决定》 in a promulgation note) repeals nothing by itself.
_REPEAL_SENTENCE = re.compile(r"[^。；;\n]*》[^《》。；;\n]{0,40}?(?:同时|一并|予以|即行)?废止[。；;]?\s*$")
_SENTENCE_END = re.compile(r"(?<=[。；;\n])")
_TITLE = re.compile(r"《([^《》]{2,80})》(?!第[一二三四五六七八九十百零〇\d]+条)")


def repealed_titles(text: str) -> list[str]:
    """The titles a clause repeals in so many words, in their order; a title followed by an
    article number (《X》第十条同时废止) repeals only that article and is left out."""
    titles: list[str] = []
    for sentence in _SENTENCE_END.split(text):
        if _REPEAL_SENTENCE.fullmatch(sentence.strip()):
            titles.extend(_spaceless(t) for t in _TITLE.findall(sentence))
    return titles


def mark_repealed(documents: Sequence[Document]) -> list[Document]:
    """Documents with the status "repealed" where another loaded text repeals them by title.

    A newer rule ends "…发布的《X》同时废止"; if X is loaded, citing it as in force misleads. The
    repealed text is found by its exact title (an edition note counts: 《进口药材管理办法（试行）》
    is not 《进口药材管理办法》), and a text never repeals itself, nor a version of its own title
    that is not older than it (商标印制管理办法 repeals "1996年…发布的《商标印制管理办法》", its own
    earlier version), nor a text dated after it (the title then names an earlier version that
    is not loaded). Like `mark_superseded`, recomputed whole on every build: a status set
    here before is cleared first, so removing the repealing text restores the other.
    """
    documents = [dataclasses.replace(d, status="final", status_label="正式文件", repealed_by=None)
                 if d.repealed_by else d for d in documents]
    by_title: dict[str, list[Document]] = defaultdict(list)
    for document in documents:
        by_title[_spaceless(document.title)].append(document)
    repealer: dict[str, str] = {}
    for document in documents:
        if document.status == "draft":
            continue  # a draft repeals nothing yet
        own_title = _spaceless(document.title)
        for clause in document.clauses:
            for title in repealed_titles(clause.text):
                for target in by_title.get(title, ()):
                    if target.doc_id == document.doc_id or target.doc_id in repealer:
                        continue
                    if title == own_title and not (
                            target.date and document.date and target.date < document.date):
                        continue
                    # A text repeals an earlier one: 反间谍法 (2014) repeals "1993年…通过的《中华
                    # 人民共和国国家安全法》", not the loaded 国家安全法 of 2015.
                    if target.date and document.date and target.date > document.date:
                        continue
                    repealer[target.doc_id] = clause.clause_id
    return [dataclasses.replace(d, status="repealed", status_label=REPEALED_LABEL,
                                repealed_by=repealer[d.doc_id])
            if d.doc_id in repealer and d.status != "draft" else d for d in documents]


def mark_corpus_status(documents: Sequence[Document]) -> list[Document]:
    """The statuses that depend on the whole corpus: repealed by another loaded text, then
    superseded by a newer version of the same title. Each step clears what it set before, so a
    document whose repealing text or newer version is gone is in force again."""
    return mark_superseded(mark_repealed(documents))
