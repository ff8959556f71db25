"""Rule-based follow-up resolution: "那綦江呢？" → "綦江以工代训补贴标准是多少？".

Frontline staff ask the way people talk. A follow-up inherits what it leaves out from the turn
before: a new region keeps the topic ("那綦江呢？"), a new aspect keeps region and topic
("最长能补多久？"), a pronoun points at the clause just discussed ("这项培训由哪个部门负责？"), and
"其中和平区呢？" drills into the table just cited. A complete question replaces what it names;
one opening with 那/要是 that asks about a subject of its own keeps only the place ("那三门峡计划
培训多少退役军人？"); "台儿庄有没有类似的？" asks the previous question of the new place; "还有别的
吗？" asks it again, to be answered from the clauses not yet cited (`asks_for_more`).
No language model is involved: it is fast, predictable and testable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from corpus.gazetteer import Mention

from assistant.quantities import NUMBER, UNITS

_FOLLOWUP_START = re.compile(
    r"^(那么?|那如果|要是|如果是|其中|另外|还有|再问|这|该|此|它|那个|and\b|what about|how about|and in|"
    r"what if|also)", re.IGNORECASE)
_PRONOUN = re.compile(r"(这项|该项|此项|这个|这一条|这条|该条|此条|那一条|那条|那项|那个|上述|上面|刚才|"
                      r"它的|它|这些|该政策|这一|this|that|it\b|these)", re.IGNORECASE)
# Pronouns that point at the clause itself ("这条由哪些单位负责"), not at the topic.
_CLAUSE_PRONOUN = re.compile(r"(这项|该项|此项|这一条|这条|该条|此条|那一条|那条|那项|上述|上面)")
# "和綦江比呢？", "与白城相比如何", "跟天津对比一下": the same question about both places.
_COMPARE = re.compile(r"(和|与|跟|同|对比)[^，,？?]{0,12}?(相?比|对比|比较)")
# A follow-up that names a unit or place of its own ("其中和平区呢？") drops the previous row.
_NAMES_UNIT = re.compile(r"[\u4e00-\u9fff]{1,8}(区|县|市|镇|乡|街道|局|委|办|院|会|中心)$")
_TRAILING = re.compile(r"(呢|吗|啊|呀)?[？?。!！\s]*$")
# "同样的问题，綦江怎么样？", "一样的问题问白城": the question itself is what is carried over.
# "台儿庄有没有类似的？", "白城是不是也一样？", "綦江也有吗？": the same, asked of another place.
# Only at the end of the question, or after 有没有: "与公办相同的待遇" asks something of its own.
_END = r"(?=[？?。！!\s]*$)"
_SAME_QUESTION = re.compile(
    r"(?:同样|一样|相同|同一个?)的?问题[，,]?|同上[，,]?"
    r"|(?:有没有|有无|是否有)(?:类似|相似|相同|同样)的?(?:规定|政策|做法|情况|安排)?(?:吗|么)?"
    rf"|有?(?:类似|相似)的?(?:规定|政策|做法|情况|安排)?(?:吗|呢|么|没有)?{_END}"
    rf"|(?:是不是|是否|会不会)?也(?:一样|这样|是这样|如此|相同|有)(?:吗|么|没有|呢)?{_END}"
    rf"|(?:是)?一样的?(?:吗|么){_END}")
# A value with its unit (2021年, 第二批, 三个月, 500人): a follow-up that is nothing else asks the
# previous question of another value of the same unit ("2021年呢？" after a question about 2020年).
_UNIT = rf"({UNITS})"
_VALUE_WITH_UNIT = re.compile(rf"^(第?){NUMBER}\s*{_UNIT}$")
_VALUES = re.compile(rf"(第?)(?<![\d.]){NUMBER}\s*{_UNIT}")
_LEADING = re.compile(r"^(那么?(?![个项条一])|要是|如果是|其中|另外|还有|再问一下|what about|how about|and)"
                      r"\s*[,，]?\s*",
                      re.IGNORECASE)

# "那X怎么申请？", "那三门峡计划培训多少退役军人？": a shift marker, then a question of its own.
_SHIFT = re.compile(r"^(那么?|那如果|要是|如果是)(?![个项条些])")
_ASKS = re.compile(r"多少|几|什么|怎么|怎样|如何|哪|谁|吗|是否|能否|可否|有没有|能不能|可不可以")
# A term this long that the documents use names a subject (退役军人, 生活费补贴, 培训机构);
# shorter ones are mostly the aspect asked (要求, 材料, 期限) of the subject carried over.
SUBJECT_CHARS = 4

# "还有别的吗？", "还有其他规定吗", "其他的呢？": more on the question just answered, beyond the
# clauses already cited (`asks_for_more`).
_MORE = re.compile(r"^(?:那么?)?(?:还有(?:没有)?(?:别的|其他|其它|更多)的?(?:规定|条款|政策|内容|要求|办法)?"
                   r"|还有|其他的?|其它的?|别的|更多的?)(?:吗|呢|么|没有|了)?[？?。!！\s]*$")


@dataclass(frozen=True)
class TurnContext:
    """What a later turn may inherit from an earlier one."""

    resolved_question: str
    region_words: tuple[str, ...]  # the region names as written in the resolved question
    topic: str  # the question's key terms, e.g. 以工代训补贴
    focus_heading: str = ""  # the heading of the clause the answer cited first
    focus_region: str = ""  # short name of that clause's region
    focus_entity: str = ""  # the row label when that clause is a table row: 和平区, 区应急局
    focus_clause: str = ""  # the id of that clause, for a follow-up pointing at it ("这条…")
    # The scope the turn was answered in, carried as state: a follow-up that names no place or
    # document of its own is answered in it, however the scope was set (the request's region
    # field, a document named by title, a place named in the question).
    scope_doc_ids: tuple[str, ...] = ()
    scope_regions: tuple[str, ...] = ()  # names of the regions the scope was made from
    scope_documents: tuple[str, ...] = ()  # documents the turn named by title
    # The clauses the turn cited (ids), and those its own "more" turns had cited before it:
    # "还有别的吗？" is answered from the clauses after them.
    cited_clauses: tuple[str, ...] = ()


def asks_for_more(question: str, previous: TurnContext | None) -> bool:
    """Whether a follow-up asks for more on the previous question ("还有别的吗？")."""
    return previous is not None and bool(_MORE.match(question.strip()))


def _another_value(remainder: str, base: str) -> str | None:
    """The previous question with its value of the follow-up's unit replaced by the follow-up's
    ("2021年呢？" after "…2020年的培训指导计划是多少？" → "…2021年的培训指导计划是多少？"); None
    when the follow-up is not a bare value, or the previous question holds no value of that
    unit (or several: which one is meant is then unclear)."""
    asked = _VALUE_WITH_UNIT.match(remainder)
    if asked is None:
        return None
    ordinal, unit = asked.group(1), asked.group(2)
    # Every value of the previous question with its whole unit (300人次 is 人次, not 人), then
    # those of the follow-up's unit and ordinal form (第一批 ↔ 第二批, 2020年 ↔ 2021年).
    found = [m for m in _VALUES.finditer(base)
             if m.group(2) == unit and (m.group(1) == ordinal)]
    if len(found) != 1:
        return None
    return f"{base[:found[0].start()]}{remainder}{base[found[0].end():]}"


def _with_place(previous: TurnContext, place: str, base: str) -> str:
    """The previous question asked of `place`: its one place word replaced where it stood
    ("我是退役士兵，在台儿庄培训能领生活费吗？" → "…在三门峡培训…"), else `place` in front of
    `base` (the previous question without its place words)."""
    words = previous.region_words
    if len(words) == 1 and previous.resolved_question.count(words[0]) == 1:
        return previous.resolved_question.replace(words[0], place)
    return f"{place}{base}"


def _strip_regions(text: str, words: tuple[str, ...]) -> str:
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, "")
    return text


def _names_a_new_topic(remainder: str, own_topic: list[str], previous: TurnContext,
                       pronoun: bool, known) -> bool:
    """The follow-up is nothing but a new subject ("生活费补贴呢"): content words only, every one
    of them in some clause, and not a unit or place of the table just discussed. After a table
    row ("其中和平区呢？"), a bare noun asks for that row's column ("新型学徒制呢？"), not a new
    subject."""
    return (not pronoun and not previous.focus_entity and bool(own_topic)
            and "".join(own_topic) == remainder
            and remainder != previous.topic and all(known(term) for term in own_topic)
            and not _NAMES_UNIT.search(remainder))


def _asks_its_own_question(question: str, remainder: str, own_topic: list[str],
                           previous: TurnContext, known) -> bool:
    """A follow-up that opens with a shift marker (那, 那么, 要是) and asks, in a question form,
    about a subject of its own: a term of `SUBJECT_CHARS` or more that some clause uses and the
    previous question does not hold ("那三门峡计划培训多少退役军人？"). Without the marker the turn
    is read as a new aspect of the subject carried over ("培训机构需要什么资质？" after a question
    about a subsidy keeps the subsidy)."""
    return (bool(_SHIFT.match(question)) and bool(_ASKS.search(remainder))
            and any(len(term) >= SUBJECT_CHARS and term not in previous.resolved_question
                    and known(term) for term in own_topic))


def clause_in_focus(question: str, previous: TurnContext | None,
                    mentions: Sequence[Mention]) -> str:
    """The id of the clause a follow-up points at ("这条由哪个部门负责？", "上述补贴标准是多少"): the
    clause the previous answer cited first, when the question refers to the clause itself and
    names no place of its own; "" otherwise. The answer then reads that clause, not whatever a
    search for the rewritten question ranks first. `mentions`: the places the question names."""
    if previous is None or not previous.focus_clause or not _CLAUSE_PRONOUN.search(question):
        return ""
    return "" if mentions else previous.focus_clause


def resolve(question: str, previous: TurnContext | None, mentions: Sequence[Mention],
            topic_of: callable, known: callable = lambda term: True) -> str:
    """The standalone question to search with. `mentions`: the places the question names (its
    gazetteer mentions, read once per turn); `topic_of(text)` gives a text's key terms;
    `known(term)` tells whether some clause contains a term: a follow-up naming a new region
    whose other words no clause contains ("换成白城呢", "换到綦江看看") asks nothing new."""
    question = question.strip()
    if previous is None:
        return question
    if asks_for_more(question, previous):
        return previous.resolved_question
    mentions = [m.alias for m in mentions]
    same_question = bool(_SAME_QUESTION.search(question))
    question = _SAME_QUESTION.sub("", question)
    own_topic = topic_of(_strip_regions(question, tuple(mentions)))
    pronoun = bool(_PRONOUN.search(question))
    marked = bool(_FOLLOWUP_START.match(question)) or question.rstrip("？?").endswith("呢") \
        or same_question
    short = len(_TRAILING.sub("", question)) <= 8
    if not (marked or pronoun or short or not own_topic):
        # A complete question: keep it, but inherit the region when it names none.
        if mentions or not previous.region_words:
            return question
        return f"{previous.region_words[0]}{question}"

    remainder = _TRAILING.sub("", _LEADING.sub("", question))
    remainder = _strip_regions(remainder, tuple(mentions)).strip(" ，,")
    region = mentions[0] if mentions else (previous.region_words[0] if previous.region_words
                                           else previous.focus_region)
    base = _strip_regions(previous.resolved_question, previous.region_words).strip(" ，,")
    if mentions and _COMPARE.search(question) and previous.region_words:
        # "和綦江比呢？": the previous question, asked of its place and the new one together.
        places = [previous.region_words[0], *(m for m in mentions if m not in previous.region_words)]
        return f"{'和'.join(places)}{base}"
    if mentions and not any(known(term) for term in own_topic):
        # "那綦江呢？": the previous question with its region replaced.
        return _with_place(previous, region, base)
    other_value = _another_value(remainder, base)
    if other_value is not None:
        return f"{region}{other_value}"
    if _asks_its_own_question(question, remainder, own_topic, previous, known):
        # "那綦江的生活费补贴标准是多少？": a question of its own, in the place named or else
        # the same place; nothing of the previous question is carried but the place.
        return f"{region}{remainder.removeprefix('的')}？"
    subject = remainder.removeprefix("的")  # "白城的职业培训补贴呢" once 白城 is taken out
    if _names_a_new_topic(subject, own_topic, previous, pronoun, known) and \
            previous.topic and previous.topic in base:
        # "那生活费补贴呢？", "白城的职业培训补贴呢？": the previous question about another
        # subject, in the place named or else the same place.
        return f"{region}{base.replace(previous.topic, subject, 1)}"
    # A table row just discussed stays the subject ("新型学徒制呢？" after 和平区's row),
    # unless the follow-up names a new one.
    entity = previous.focus_entity if previous.focus_entity and \
        previous.focus_entity not in remainder and not _NAMES_UNIT.search(remainder) else ""
    if pronoun and previous.focus_heading and (
            _CLAUSE_PRONOUN.search(question) or not previous.topic):
        cleaned = _PRONOUN.sub("", remainder)
        return f"{region}{previous.focus_heading}{cleaned}？"
    if pronoun:
        remainder = _PRONOUN.sub("", remainder).strip()
        if entity:  # "它的配合单位是谁？" after a table row: the row's unit is the subject
            return f"{region}{entity}{remainder}？"
    return f"{region}{previous.topic}{entity}{remainder}？"
