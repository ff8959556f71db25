"""Questions that ask why a document was made, and the clause that says it; questions that ask
what a document applies to.

Chinese laws, regulations, rules and plans open with their purpose in one fixed drafting form
(《立法技术规范（试行）》: the first article states the purpose and the basis) — "为了保障农产品质量
安全，维护公众健康，……，制定本法", "为加强……，根据……，结合我市实际，制定本实施方案" — while people
ask "《X法》的立法目的是什么", "X办法的主要目的是什么", "为什么要制定X条例". The question's words
(目的, 为什么) are not in that clause, and the clause's words (为了, 制定本法) are in no question, so
retrieval finds clauses that merely share the topic. Recognising both forms lets retrieval prefer
the purpose clause, with the same lift as a definition for 什么是X (`definitions`) and the entry
into force for 何时施行 (`entry_into_force`).
"""

from __future__ import annotations

import re

# What the question asks about must be a document (as in `entry_into_force`), so that "合同
# 行政监督管理的目的是什么" — the aim of an activity, which a clause inside the rule may state —
# is not read as asking for the rule's opening article.
_DOCUMENT = r"(?:法|条例|办法|规定|细则|决定|规则|意见|方案|通知|准则|规范|》)[”\"]?"
_PURPOSE = r"(?:主要|立法|制定|制订|出台|根本|核心|基本|首要)?(?:目的|宗旨|意图)"
# 目标 (aim) is a purpose only for a law, regulation or rule: a plan's or an opinion's "主要目标"
# asks for its targets, which have a section of their own (一、总体要求和目标任务).
_STATUTE = r"(?:法|条例|办法|规定|细则|规则)》?[”\"]?"
_AIM = r"(?:主要|根本|核心|基本|首要)?目标"
_WHY = r"(?:为何|为什么|为啥|出于什么(?:目的|考虑))"
_MADE = r"(?:要|需要|会)?(?:制定|制订|出台|颁布|印发|发布)"
_ASKS = re.compile(rf"{_DOCUMENT}的?{_PURPOSE}|{_STATUTE}的?{_AIM}|{_WHY}{_MADE}.*{_DOCUMENT}")
# The clause: 为(了)…，(根据…，)(结合…，)(特)制定本法 / 本条例 / 本实施方案 …, in one sentence.
_STATES = re.compile(
    r"为了?[^。；]{2,}?(?:特)?(?:制定|制订)本(?:法|条例|办法|规定|细则|规则|决定|实施方案|方案|意见|"
    r"准则|规范|标准|通知|计划|制度)")


# What a document applies to (《X办法》的适用范围是什么, …所适用的范围, 谁是《X》的主要监管对象,
# 《X条例》适用于哪些…, 哪些活动适用于X法), which its own article states (本办法适用于…,
# 本条例所称…). "是否适用于养蜂" asks about one subject of its own: not this.
_APPLICATION = re.compile(rf"{_DOCUMENT}[的所]{{0,2}}(?:主要)?(?:适用|调整|监管|规范)的?(?:范围|对象)|"
                          rf"{_DOCUMENT}(?:主要)?适用于?(?:哪些|什么|何种)|"
                          # 哪些活动适用于生物安全法: what falls under it, asked from the other end.
                          rf"(?:哪些|什么|何种)[^，。？?]{{0,6}}适用于?《?[^，。？?《》]{{2,40}}{_DOCUMENT}")


def asks_application(question: str) -> bool:
    """The question asks what a document applies to as a whole."""
    return bool(_APPLICATION.search(re.sub(r"\s+", "", question)))


def asks_purpose(question: str) -> bool:
    """The question asks what a document was made for."""
    return bool(_ASKS.search(re.sub(r"\s+", "", question)))


def states_purpose(text: str) -> bool:
    """Whether a clause states the purpose its document was made for, in the drafting form."""
    return bool(_STATES.search(re.sub(r"\s+", "", text)))


__all__ = ["asks_application", "asks_purpose", "states_purpose"]
