"""Questions that ask when a document takes effect, and the clauses that say it.

Every law, regulation and rule states its entry into force in one fixed form — a closing article
"本法自2019年1月1日起施行" or the promulgation note "（…公布　自2023年5月1日起施行）" — while people
ask "《X法》何时开始实施", "X条例什么时候生效", "X办法的施行日期". The clause is short and shares
almost no words with the question (实施 against 施行, no date in the question), so neither BM25
nor the sentence vectors rank it; recognising both forms lets retrieval prefer it, as
`definitions` does for 什么是X.
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


__all__ = ["asks_entry_into_force", "states_entry_into_force"]
