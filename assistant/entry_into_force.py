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
_WHEN = r"(?:何时|什么时候|什么时间|哪天|哪一天|哪日|何日|哪年|几时)"
_IN_FORCE = r"(?:施行|实施|生效|执行)"
_ASKS = re.compile(
    rf"{_DOCUMENT}(?:是|将|会|要)?(?:从|自|于|在)?{_WHEN}(?:开始|起)?{_IN_FORCE}"
    rf"|{_DOCUMENT}的?{_IN_FORCE}(?:的)?(?:时间|日期|日子)")


def asks_entry_into_force(question: str) -> bool:
    """The question asks from when a document applies."""
    return bool(_ASKS.search(re.sub(r"\s+", "", question)))


# Who made a document and when: its title line and promulgation note say it ("（2008年6月11日
# 国家质量监督检验检疫总局令第107号发布）", "…已由…通过，现予公布"), as they say when it applies.
_MADE = r"(?:颁布|发布|公布|制定|印发|出台|通过)"
_BY_WHOM = r"(?:谁|哪个|哪些|哪一?级|什么)(?:机构|机关|部门|单位|会议)?"
_ASKS_ENACTMENT = re.compile(
    rf"{_DOCUMENT}(?:是|将|于|在|由|从)*(?:{_WHEN}|{_BY_WHOM})(?:负责)?{_MADE}"
    rf"|{_DOCUMENT}的?{_MADE}(?:的)?(?:时间|日期|机关|机构|部门)"
    rf"|(?:谁|哪个(?:机构|机关|部门|单位))(?:负责)?{_MADE}了?(?:《|这个|该)")


def asks_enactment(question: str) -> bool:
    """The question asks who made a document or when it was made: a fact about the document
    itself, not about what it says."""
    return bool(_ASKS_ENACTMENT.search(re.sub(r"\s+", "", question)))


__all__ = ["asks_enactment", "asks_entry_into_force", "states_entry_into_force"]
