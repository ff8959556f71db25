"""Questions that ask when a document takes effect, and the clauses that say it.

Every law, regulation and rule states its entry into force in one fixed form — a closing article
"本法自2019年1月1日起施行" or the promulgation note "（…公布　自2023年5月1日起施行）" — while people
ask "《X法》何时开始实施", "X条例什么时候生效", "X办法的施行日期". The clause is short and shares
almost no words with the question (实施 against 施行, no date in the question), so neither BM25
nor the sentence vectors rank it; recognising both forms lets retrieval prefer it, as
`definitions` does for 什么是X. Who made a document and when (《X》是由哪个机构颁布的,
谁负责制定《X》) is read here too: like the date it applies, the title line says it.
"""

from __future__ import annotations

import re

from corpus.metadata import states_entry_into_force

# What the question is about must be a document ("…法", "…条例", "《…》", "这个政策"), so that
# "合同何时生效" (a contract's effect, a rule inside a law) is not mistaken for it.
_DOCUMENT = r"(?:法|条例|办法|规定|细则|决定|规则|意见|方案|通知|政策|文件|》)[”\"]?"
_WHEN = r"(?:何时|什么时候|什么时间|哪天|哪一天|哪日|何日|哪年|哪一年|几时)"
_IN_FORCE = r"(?:施行|实施|生效|执行)"
_ASKS = re.compile(
    rf"{_DOCUMENT}(?:是|将|会|要)?(?:从|自|于|在)?{_WHEN}(?:开始|起)?{_IN_FORCE}"
    rf"|{_DOCUMENT}的?{_IN_FORCE}(?:的)?(?:时间|日期|日子)")


def asks_entry_into_force(question: str) -> bool:
    """The question asks from when a document applies."""
    return bool(_ASKS.search(re.sub(r"\s+", "", question)))


# Who made a document and when: its title line and promulgation note say it ("（2008年6月11日
# 国家质量监督检验检疫总局令第107号发布）", "…已由…通过，现予公布"), as they say when it applies.
_MADE_WORDS = "颁布|发布|公布|制定|印发|出台|通过"
_MADE = rf"(?:{_MADE_WORDS})"
_BY_WHOM = r"(?:谁|哪个|哪些|哪一?级|什么)(?:机构|机关|部门|单位|会议)?"
# Asked, an office's own words for issuing count too: 下发, 签发, 发文, and 发 before 的 or 了
# (这个通知是哪个部门发的).
_MADE_ASKED = rf"(?:{_MADE_WORDS}|下发|签发|发文|发(?=的|了))"
_ASKS_ENACTMENT = re.compile(
    rf"{_DOCUMENT}(?:是|将|于|在|由|从)*(?:{_WHEN}|{_BY_WHOM})(?:负责)?{_MADE_ASKED}"
    rf"|{_DOCUMENT}的?{_MADE_ASKED}(?:的)?(?:时间|日期|机关|机构|部门)"
    # 《X法》首次颁布和施行分别是什么时间: when it was made and when it applied, asked together.
    rf"|{_DOCUMENT}(?:首次|最初|最早)?{_MADE_ASKED}[和及与、]{_IN_FORCE}(?:的|分别)?是?(?:{_WHEN}|时间|日期)"
    rf"|(?:谁|哪个(?:机构|机关|部门|单位))(?:负责)?{_MADE_ASKED}了?(?:《|这个|该)")


# How a promulgation note or a notice's closing line says it was made: a full date, then who
# passed, published or issued it ("2016年4月28日第十二届全国人民代表大会常务委员会第二十次会议通过",
# "2019年12月1日国家市场监督管理总局令第12号公布"), or an order number (国务院令第715号).
_DATE = r"(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d〇零一二三四五六七八九十]{1,2}月[\d〇零一二三四五六七八九十]{1,3}日"
# Not a line about another text (…令第87号公布的《…暂行办法》同时废止).
_OF_ANOTHER_TEXT = r"(?![^。；，]{0,4}?的?《)"
_MADE_ON = re.compile(rf"(?:{_DATE}[^。；]{{0,40}}?{_MADE}|令第[\d〇零一二三四五六七八九十百]+号)"
                      rf"{_OF_ANOTHER_TEXT}")


# The body a promulgation note names as passing or publishing the text: 全国人民代表大会常务委员会
# (…第二十次会议通过), 国家市场监督管理总局 (…令第72号公布).
_ENACTED_BY = re.compile(
    rf"{_DATE}(?:第[一二三四五六七八九十]+届)?"
    r"([^，。；：:（()）\d]{1,30}?(?:常务委员会|委员会|政府|总局|部|局|署|院|厅|办公室))"
    r"(?:第[一二三四五六七八九十百\d]+次(?:全体|常务)?会议|常务会议|令第[\d〇零一二三四五六七八九十百]+号)?"
    rf"(?:审议)?{_MADE}{_OF_ANOTHER_TEXT}")


def enacting_body(text: str) -> str:
    """The body that passed or published the text, as its promulgation note names it ("" for
    none)."""
    found = _ENACTED_BY.search(text)
    return found.group(1) if found else ""


def states_enactment(text: str) -> bool:
    """The text says who made the document and when: its promulgation note or issuing line."""
    return bool(_MADE_ON.search(text))


def asks_enactment(question: str) -> bool:
    """The question asks who made a document or when it was made: a fact about the document
    itself, not about what it says."""
    return bool(_ASKS_ENACTMENT.search(re.sub(r"\s+", "", question)))


__all__ = ["asks_enactment", "asks_entry_into_force", "enacting_body", "states_enactment",
           "states_entry_into_force"]
