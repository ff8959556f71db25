"""Rule-based follow-up resolution: "那綦江呢？" → "綦江以工代训补贴标准是多少？".

Frontline staff ask the way people talk. A follow-up inherits what it leaves out from the turn
before: a new region keeps the topic ("那綦江呢？"), a new aspect keeps region and topic
("最长能补多久？"), a pronoun points at the clause just discussed ("这项培训由哪个部门负责？"), and
"其中和平区呢？" drills into the table just cited. A complete question replaces what it names;
one opening with 那/要是 that asks about a subject of its own keeps only the place ("那三门峡计划
培训多少退役军人？"); "台儿庄有没有类似的？" asks the previous question of the new place; "还有别的
吗？" asks it again, to be answered from the clauses not yet cited (`asks_for_more`).
A demonstrative (这类企业, 这种做法, 这笔资金) points at the subject unless it follows a noun of
its own (培训机构这块); "綦江那边呢，…" moves to a place; "跟綦江比，期限有什么不同？" compares an
aspect.

`resolve` gives a `Resolution`: the rewrite the user is shown, and apart from it the state the
search is built from (places, what is asked, the key terms carried), so that a rewrite that reads
badly does not change what is searched. No language model is involved: it is fast, predictable
and testable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from corpus import Region
from corpus.gazetteer import Mention

from assistant.answer import A_NOT_A
from assistant.lead import asked_for
from assistant.quantities import NUMBER, UNITS
from assistant.records import Asked
from assistant.row_comparisons import ASKING_AT, EACH, LEAST, MOST

_FOLLOWUP_START = re.compile(
    r"^(那么?|那如果|要是|如果是|其中|另外|还有|再问|这|该|此|它|那个|and\b|what about|how about|and in|"
    r"what if|also)", re.IGNORECASE)
# Demonstratives with a classifier or a noun of reference (这类企业, 这种做法, 这笔资金, 这部分人),
# and 人家 ("they", the place just named), point at the subject discussed too.
_PRONOUN = re.compile(r"(这项|该项|此项|这个|这一条|这条|该条|此条|那一条|那条|那项|那个|上述|上面|刚才|"
                      r"它的|它|这些|该政策|这一|这(?:类|种|样的|方面|块|件事|件|事|笔|部分)|"
                      r"那(?:类|种|方面|笔|部分)|此类|该类|人家|this|that|it\b|these)", re.IGNORECASE)
# Words for a body just named (他们 after "…归哪个部门管", 该部门): they point at the body the
# previous answer's lead named (`TurnContext.focus_body`), and at nothing else — 他们 after a
# question about a group of people is those people, already the subject.
_BODY_POINTER = re.compile(r"他们|她们|它们|(?:该|这个|那个|这一|这家|那家)(?:部门|单位|机构|机关)|"
                           r"(?:这个|那个)局")
# Pronouns that point at the clause itself ("这条由哪些单位负责"), not at the topic.
_CLAUSE_PRONOUN = re.compile(r"(这项|该项|此项|这一条|这条|该条|此条|那一条|那条|那项|上述|上面)")
# "和綦江比呢？", "与白城相比如何", "跟天津对比一下": the same question about both places.
_COMPARE = re.compile(r"(和|与|跟|同|对比)[^，,？?]{0,12}?(相?比|对比|比较)[起来一下较]*呢?[，,]?")
# "綦江那边呢，谁负责？", "台儿庄那边有没有…": a place, then a word for "over there", opens a
# follow-up about that place; the word is not part of what is asked.
_PLACE_SIDE = re.compile(r"^(?:(?:那边|这边|那里|那儿|这里)(?:的|呢)?|呢)[，,]?")
# The same demonstratives right after a content word are appositive: 创业培训这方面, 培训机构这块
# name their own referent, the word before them, and point at nothing said earlier.
_APPOSITIVE = re.compile(r"(?<=[\u4e00-\u9fff])(?<![对在的于把给跟和与是了有从按就都也])"
                         r"(?:这|那)(?:类|种|方面|块|部分)")
# A 呢 that closes a clause before the question goes on ("綦江呢，谁负责？") marks a follow-up as
# much as one at the end.
_INNER_NE = re.compile(r"呢[，,]")
# A follow-up that names a unit or place of its own ("其中和平区呢？") drops the previous row.
_NAMES_UNIT = re.compile(r"[\u4e00-\u9fff]{1,8}(区|县|市|镇|乡|街道|局|委|办|院|会|中心)$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_JOINING = re.compile(r"^(?:和|与|跟|同|及|、)")
_FOLLOWING = " (following: "
_TRAILING = re.compile(r"(呢|吗|啊|呀)?[？?。!！\s]*$")
# "两边哪个报送频率高", "两地有什么不同": both of the places the conversation was last about.
_BOTH_PLACES = re.compile(r"两边|两地|两个地方|两个地区|两个区|两个市|这两处|二者|两者")
# How many places a turn remembers (`TurnContext.places_discussed`).
_PLACES_KEPT = 4
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
# "换个地方，天津的呢", "改成綦江": words that only say the place changes, read beside a place
# named (地方 and 地区 are words the texts use, so they would otherwise read as a new subject).
# Only opening the turn: inside a question, 改成 / 换到 say something of their own (…改成按月发放).
_SWITCH_PLACE = re.compile(r"^(?:那么?)?(?:换|改)(?:(?:个|一个)(?:地方|地区|城市|区县|省份|地儿)|成|到|为)"
                           r"(?:看看|问问|说说)?[，,]?")
# "那台儿庄的情况呢？", "白城的政策又如何": a place's "situation", "policy" or "rules" with no
# subject of their own ask the previous question of that place; with one (白城的培训补贴政策呢)
# the subject is new.
_PLACE_SITUATION = re.compile(
    r"^(?:那么?|那如果|要是|如果是|那在|在)?(?:那边|这边|那里|这里)?的?(?:情况|政策|规定|做法|安排)"
    r"(?:呢|吗|又?(?:怎样|怎么样|如何)|是怎样的?|是什么样的?)?[？?。!！\s]*$")
# …and after a subject of the turn's own (创业培训的情况呢), the same words add nothing to it.
_SITUATION_TAIL = re.compile(r"的(情况|政策|规定|做法|安排)$")
# "白城和綦江哪个标准高？", "天津与綦江谁补得多": two places named and asked which is more, less,
# longer…: a comparison of the two, whatever the conversation was about before.
_WHICH_MORE = re.compile(r"(?:哪|谁)(?:个|边|里|家|一个|个地方)?[^，,？?]{0,10}?"
                         r"(?:高|低|多|少|长|短|大|小|早|晚|快|慢|宽|严|优惠)")
# "具体是第几条规定的？", "出自哪个文件": which clause the answer just quoted, asked of that clause.
# Not 哪项 (哪项补贴最高 asks which subsidy), nor 哪个文件 asking which text covers a subject
# (哪个文件规定了…): only "is it / comes from" which file.
_WHICH_CLAUSE = re.compile(r"第几(?:条|款|项|点)|哪一?(?:条|款)|哪个条款|出处|出自|原文|"
                           r"是哪(?:个|份|一个)文件")
# A value with its unit (2021年, 第二批, 三个月, 500人): a follow-up that is nothing else asks the
# previous question of another value of the same unit ("2021年呢？" after a question about 2020年).
_UNIT = rf"({UNITS})"
# The value may be followed by 的 ("2021年的呢？": the 2021 one), and a year may be written with
# its last two digits ("21年的呢？"), which reads as the century of the previous question's year.
_VALUE_WITH_UNIT = re.compile(rf"^((?:到|至|在|截至|截止到)?)(第?)({NUMBER})\s*{_UNIT}的?$")
_SHORT_YEAR = re.compile(r"^\d{2}$")
# "区应急局呢？", "那区司法局同一年呢": another unit of the table row just discussed, the rest of
# the question (the year, the figure) kept; 同一年 / 同年 / 同期 say the value stays.
_ANOTHER_UNIT = re.compile(r"^([\u4e00-\u9fff]{1,12}?(?:局|委|办|院|会|中心|队|站|所))"
                           r"(?:的|在)?(?:同一年|同一时期|同年|同期)?的?$")
_VALUES = re.compile(rf"(第?)(?<![\d.]){NUMBER}\s*{_UNIT}")
_NUMBER_TERM = re.compile(rf"第?{NUMBER}\s*{_UNIT}?")
_LEADING = re.compile(r"^(那么?(?![个项条一])|要是|如果是|其中|另外|还有|再问一下|what about|how about|and)"
                      r"\s*[,，]?\s*",
                      re.IGNORECASE)

# "那X怎么申请？", "那三门峡计划培训多少退役军人？": a shift marker, then a question of its own.
_SHIFT = re.compile(r"^(那么?|那如果|要是|如果是)(?![个项条些])")
_ASKS = re.compile(r"多少|几|什么|啥|怎么|怎样|如何|哪|谁|吗|是否|能否|可否|有没有|能不能|可不可以")
# A term this long that the documents use names a subject (退役军人, 生活费补贴, 培训机构);
# shorter ones are mostly the aspect asked (要求, 材料, 期限) of the subject carried over.
SUBJECT_CHARS = 4
# Key terms of a turn that a new aspect carries as its subject: the topic the rewrite shows.
_SUBJECT_TERMS = 3

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
    # The body the answer's lead named for "哪个部门负责…" (区退役军人事务局): "他们…" and
    # "该部门…" next ask about it.
    focus_body: str = ""
    focus_clause: str = ""  # the id of that clause, for a follow-up pointing at it ("这条…")
    # That clause was quoted whole (asked for by its number): "还有别的吗？" then has nothing
    # more of it to quote, and goes on to other clauses.
    focus_whole: bool = False
    # The scope the turn was answered in, carried as state: a follow-up that names no place or
    # document of its own is answered in it, however the scope was set (the request's region
    # field, a document named by title, a place named in the question).
    scope_doc_ids: tuple[str, ...] = ()
    scope_regions: tuple[str, ...] = ()  # names of the regions the scope was made from
    scope_documents: tuple[str, ...] = ()  # documents the turn named by title
    # The clauses the turn cited (ids), and those its own "more" turns had cited before it:
    # "还有别的吗？" is answered from the clauses after them.
    cited_clauses: tuple[str, ...] = ()
    # What the turn was searched with, its places left to the scope ("以工代训补贴标准是多少？"),
    # and its key terms in order: a later turn builds its search from these, not from the
    # rewrite it is shown. Turns stored before these existed fall back to the rewrite.
    search_text: str = ""
    topic_terms: tuple[str, ...] = ()
    # The place words of this turn and of the turns before it, the latest first, each once
    # (`places_discussed`): "两边哪个…" compares the last two.
    places_discussed: tuple[str, ...] = ()

    @property
    def searched(self) -> str:
        """The text this turn was searched with, without its places."""
        return self.search_text or without_places(self.resolved_question,
                                                  self.region_words).strip(" ，,")

    @property
    def subject_terms(self) -> tuple[str, ...]:
        """The key terms a new aspect of this turn's subject carries over."""
        return self.topic_terms[:_SUBJECT_TERMS] if self.topic_terms else \
            ((self.topic,) if self.topic else ())


@dataclass(frozen=True)
class Resolution:
    """A turn read against the one before it: the rewrite the user is shown, and the state the
    search is built from. The rewrite is display only; retrieval reads `search` (the places, then
    `asked`: subject and aspect, composed from the previous turn's search text and key terms),
    `places` (for the scope) and `carried` (the previous turn's key terms kept as the subject,
    which stay key terms however the rewrite reads)."""

    question: str  # the standalone rewrite: "綦江以工代训补贴标准是多少？"
    asked: str  # the subject and aspect asked, no place words: "以工代训补贴标准是多少？"
    places: tuple[str, ...] = ()  # place words the turn is about, its own or carried
    carried: tuple[str, ...] = ()  # key terms carried from the previous turn
    kind: str = "standalone"  # which reading applied (for logs and tests)
    # A question that stands alone and names its own places is searched as typed.
    standalone: bool = False
    # The regions the previous turn was scoped to and those enclosing them: they settle a shared
    # place name the turn uses (和平区, Jizhou District) when its places are read again for the
    # scope.
    anchors: tuple[Region, ...] = ()

    @property
    def search(self) -> str:
        """What retrieval embeds and scores: the places, then what is asked. A first question
        names its place the same way, and the decision's lexical bar was chosen on such
        questions (without the place word, BM25 scores of the same clauses drop)."""
        if self.standalone:
            return self.question
        return joined("和".join(self.places), self.asked)


# A document's title in book-title marks, with the word placing the question in it (中, 里).
_TITLE = re.compile(r"《[^《》]+》(?:中|里面|里|的)?")
# "下一条呢？", "上一条", "再往下一条", "后面那条说了什么": the clause before or after the one in
# focus, in the document's reading order.
_NEIGHBOUR = re.compile(r"^(?:那么?|再往?|往)?(下|上|前|后)(?:面|边)?(?:的|那)?(?:一|1)?(?:条|款|段|项)"
                        r"(?:呢|是什么|说了什么|写了什么|讲了什么|的内容|怎么说)?[？?。!！\s]*$")


def neighbour_step(question: str, previous: TurnContext | None) -> int:
    """+1 for a follow-up asking the clause after the one in focus, -1 for the one before, 0
    for any other question (or when no clause is in focus)."""
    if previous is None or not previous.focus_clause:
        return 0
    found = _NEIGHBOUR.match(question.strip())
    if not found:
        return 0
    return 1 if found.group(1) in "下后" else -1


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
    preposition, ordinal, number, unit = asked.groups()
    # Every value of the previous question with its whole unit (300人次 is 人次, not 人), then
    # those of the follow-up's unit and ordinal form (第一批 ↔ 第二批, 2020年 ↔ 2021年).
    found = [m for m in _VALUES.finditer(base)
             if m.group(2) == unit and (m.group(1) == ordinal)]
    if len(found) != 1:
        return None
    previous_number = re.match(rf"第?({NUMBER})", found[0].group(0)).group(1)
    if unit == "年" and _SHORT_YEAR.match(number) and len(previous_number) == 4 and \
            previous_number.isdigit():
        number = previous_number[:2] + number
    value = f"{preposition}{ordinal}{number}{unit}"
    return f"{base[:found[0].start()]}{value}{base[found[0].end():]}"


def _another_unit(remainder: str, base: str, previous: TurnContext) -> str | None:
    """The previous question with the table row's unit it asked about replaced by the
    follow-up's ("区应急局呢？" after "綦江区人力社保局2020年的培训指导计划是多少人次？"); None when
    the follow-up names nothing but a unit, or the previous answer's first clause was no row
    whose unit the previous question names."""
    asked = _ANOTHER_UNIT.match(remainder)
    label = previous.focus_entity
    if asked is None or not label:
        return None
    # The row's label as the question wrote it: 区人力社保局, or 人力社保局 after a place word.
    written = next((form for form in (label, label.removeprefix("区")) if form and form in base),
                   "")
    if not written or asked.group(1) in (label, written):
        return None
    unit = asked.group(1)
    if written != label:  # the question dropped the label's 区; drop the new unit's too
        unit = unit.removeprefix("区")
    return base.replace(written, unit, 1)


def _asks_another_figure(remainder: str, previous: TurnContext) -> bool:
    """Whether `remainder` asks a figure of another kind than the previous question did: an
    amount, a period or a frequency where that asked another kind, or no figure."""
    asked = asked_for(remainder)
    if not asked.figure:
        return False
    before = asked_for(previous.resolved_question)
    return (asked.amount, asked.period, asked.frequency) != \
        (before.amount, before.period, before.frequency)


def _with_place(previous: TurnContext, place: str, base: str) -> str:
    """The previous question asked of `place`: its one place word replaced where it stood
    ("我是退役士兵，在台儿庄培训能领生活费吗？" → "…在三门峡培训…"), else `place` in front of
    `base` (the previous question without its place words)."""
    words = previous.region_words
    if len(words) == 1 and previous.resolved_question.count(words[0]) == 1:
        return previous.resolved_question.replace(words[0], place)
    # A comparison's places taken out leave the word that joined them ("台儿庄和綦江…" → "和…").
    return joined(place, _JOINING.sub("", base, count=1))


def joined(place: str, text: str) -> str:
    """`place` put before `text`, with a space between two Latin words ("Tianjin How many…")."""
    if place and text and place[-1].isascii() and place[-1].isalpha() and text[0].isascii() \
            and text[0].isalpha():
        return f"{place} {text}"
    return f"{place}{text}"


def _shown(question: str, previous: TurnContext, composed: str) -> str:
    """The rewrite shown for a follow-up composed from the previous turn's key terms: those are
    Chinese, so a follow-up written without Chinese is shown as typed, after the question it
    follows, rather than as a mixed-language rewrite."""
    if _CJK.search(question):
        return composed
    root = previous.resolved_question
    if _FOLLOWING in root:  # the turn before was shown this way: follow what it followed
        root = root[root.index(_FOLLOWING) + len(_FOLLOWING):-1]
    return f"{question}{_FOLLOWING}{root})"


def without_places(text: str, places: Sequence[str]) -> str:
    """`text` with its place words taken out (longest first: 三门峡市 before 三门峡)."""
    for place in sorted(places, key=len, reverse=True):
        text = text.replace(place, "")
    return text


def _topic_beside(previous: TurnContext, own: str) -> str:
    """The previous turn's subject terms put before a follow-up's own words, less those the
    follow-up repeats itself ("退役军人，每年计划多少" after a question about 退役军人) and those
    inside another of them: each turn's subject is then no longer than the last one's plus the
    new words (joining a term with the terms inside it made it double every turn)."""
    terms = previous.subject_terms
    kept = [t for t in terms if t not in own and not any(t != other and t in other
                                                          for other in terms)]
    text = ""
    for term in kept:
        text = joined(text, term)
    return text


def _only_terms(text: str, own_topic: Sequence[str]) -> bool:
    """Whether `text` is nothing but the turn's key terms: a bare noun (生活费补贴, 新型学徒制)."""
    return bool(own_topic) and "".join(own_topic) == text


def _names_a_new_topic(remainder: str, own_topic: list[str], previous: TurnContext,
                       pronoun: bool, known) -> bool:
    """The follow-up is nothing but a new subject ("生活费补贴呢"): content words only, every one
    of them in some clause, and not a unit or place of the table just discussed. After a table
    row ("其中和平区呢？"), a bare noun asks for that row's column ("新型学徒制呢？"), not a new
    subject."""
    return (not pronoun and not previous.focus_entity and _only_terms(remainder, own_topic)
            and remainder != previous.topic and all(known(term) for term in own_topic)
            and not _NAMES_UNIT.search(remainder))


def _names_subject(own_topic: Sequence[str], known) -> bool:
    """Whether a turn names a subject of its own: two terms or more that some clause uses, or
    one of `SUBJECT_CHARS` or more, numbers and values aside. One that names none
    ("到2021年增加到多少": 2021 and 增加) asks about the subject carried over, however long."""
    content = [term for term in own_topic if known(term) and not _NUMBER_TERM.fullmatch(term)]
    return len(content) >= 2 or any(len(term) >= SUBJECT_CHARS for term in content)


def _asks_its_own_question(question: str, remainder: str, own_topic: list[str],
                           previous: TurnContext, known, new_place: bool) -> bool:
    """A follow-up that opens with a shift marker (那, 那么, 要是) or names a new place, and asks,
    in a question form, about a subject of its own: a term of `SUBJECT_CHARS` or more that some
    clause uses and the previous question does not hold ("那三门峡计划培训多少退役军人？",
    "白城那边办不办创业培训"). Without either the turn is read as a new aspect of the subject
    carried over ("培训机构需要什么资质？" after a question about a subsidy keeps the subsidy)."""
    return (bool(_SHIFT.match(question)) or new_place) and \
        bool(_ASKS.search(remainder) or A_NOT_A.search(remainder)) and \
        any(len(term) >= SUBJECT_CHARS and term not in previous.resolved_question and known(term)
            for term in own_topic)


def places_discussed(own: Sequence[str], previous: TurnContext | None,
                     same_place: Callable[[str], object] = lambda word: word
                     ) -> tuple[str, ...]:
    """A turn's place words and then those the conversation discussed before it, the latest
    first, each place once (`same_place(word)`: what a word names, so that 綦江 and 綦江区 are
    one place), at most `_PLACES_KEPT`."""
    earlier = previous.places_discussed or previous.region_words if previous else ()
    kept: dict[object, str] = {}
    for word in (*own, *earlier):
        kept.setdefault(same_place(word), word)
    return tuple(kept.values())[:_PLACES_KEPT]


def _both_places(question: str, places: Sequence[str],
                 previous: TurnContext) -> tuple[str, ...]:
    """For a follow-up that names no place and asks about "both" (两边, 两地), the last two
    places the conversation discussed, the earlier first; () otherwise."""
    if places or not _BOTH_PLACES.search(question):
        return ()
    discussed = previous.places_discussed
    return (discussed[1], discussed[0]) if len(discussed) >= 2 else ()


def clause_in_focus(question: str, previous: TurnContext | None,
                    mentions: Sequence[Mention]) -> str:
    """The id of the clause a follow-up points at ("这条由哪个部门负责？", "上述补贴标准是多少"): the
    clause the previous answer cited first, when the question refers to the clause itself and
    names no place of its own; "" otherwise. The answer then reads that clause, not whatever a
    search for the rewritten question ranks first. `mentions`: the places the question names."""
    if previous is None or not previous.focus_clause or not (
            _CLAUSE_PRONOUN.search(question) or _WHICH_CLAUSE.search(question)):
        return ""
    return "" if mentions else previous.focus_clause


@dataclass(frozen=True)
class NamedDocuments:
    """The loaded documents a follow-up names (ids), how it writes them, and how the previous
    question wrote its own (`DocumentResolver.written`)."""

    ids: tuple[str, ...] = ()
    written: tuple[str, ...] = ()
    written_before: tuple[str, ...] = ()
    # The titles of the documents the previous turn named (its scope's), for "这部法律…".
    titles_before: tuple[str, ...] = ()


# "这部法律什么时候施行", "该条例由谁制定", "这个办法的适用范围": a word for the document the
# conversation is about. Not 这个规定 or 这项政策, which mostly mean the provision just quoted.
_DOCUMENT_POINTER = re.compile(r"(?:这|该|此)(?:一|部|个|份)?(?:法律|法规|条例|办法|细则|规章|"
                               r"实施方案|方案|意见|通知|文件|法)(?![规律条])")


def _point_at_document(question: str, previous: TurnContext,
                       documents: NamedDocuments) -> Resolution | None:
    """A turn naming the one document the previous turn named by a word for it ("这部法律什么时候
    施行？"): that word replaced by the title, read as a question of its own about the document;
    None otherwise."""
    if len(documents.titles_before) != 1 or documents.ids:
        return None
    found = _DOCUMENT_POINTER.search(question)
    if not found:
        return None
    rewrite = question.replace(found.group(0), f"《{documents.titles_before[0]}》", 1)
    return Resolution(rewrite, rewrite, (), kind="document_pointer", standalone=True)


def _switch_document(question: str, previous: TurnContext,
                     documents: NamedDocuments) -> Resolution | None:
    """"那《互联网广告管理办法》呢？" after a question about another document: the previous
    question asked of the document named, when the turn says nothing else (呢, 的规定呢, 是否也
    一样); None otherwise."""
    if not documents.ids or not documents.written or not previous.scope_documents or \
            set(documents.ids) <= set(previous.scope_documents):
        # (a document switch is read only after a turn that named its documents by title)
        return None
    rest = question
    for name in documents.written:
        rest = rest.replace(name, "")
    rest = _SAME_QUESTION.sub("", _SWITCH_PLACE.sub("", rest.strip()))
    rest = _TRAILING.sub("", _LEADING.sub("", rest)).strip(" ，,")
    if rest and not _PLACE_SITUATION.match(rest):
        return None
    new = documents.written[0]
    new = new if new.startswith("《") else f"《{new}》"
    rewrite = previous.resolved_question
    old = next((name for name in documents.written_before if name in rewrite), None)
    rewrite = rewrite.replace(old, new, 1) if old else f"{new}{rewrite}"
    return Resolution(rewrite, rewrite, (), kind="document_switch", standalone=True)


def resolve(question: str, previous: TurnContext | None, mentions: Sequence[Mention],
            topic_of: callable, known: callable = lambda term: True,
            anchors: Sequence[Region] = (),
            documents: NamedDocuments = NamedDocuments()) -> Resolution:
    """A turn read against the one before it. `mentions`: the places the question names (its
    gazetteer mentions, read once per turn with `anchors`, the previous turn's regions, which
    the resolution carries); `topic_of(text)` gives a text's key terms; `known(term)` tells
    whether some clause contains a term: a follow-up naming a new region whose other words no
    clause contains ("换成白城呢", "换到綦江看看") asks nothing new."""
    switched = (_switch_document(question.strip(), previous, documents)
                or _point_at_document(question.strip(), previous, documents)) \
        if previous is not None and not mentions else None
    if switched is None and previous is not None and documents.ids and \
            asked_for(question).document_as_a_whole:
        # "那《中华人民共和国煤炭法》的立法目的是什么？": a question about a document it names as a
        # whole is complete; nothing of the previous subject is carried.
        question = question.strip()
        switched = Resolution(question, question, (), kind="own_question", standalone=True)
    resolution = switched or _resolve(question, previous, mentions, topic_of, known)
    return replace(resolution, anchors=tuple(anchors)) if anchors else resolution


def _asks_record(asked: Asked) -> bool:
    """Asks a fact of the document's record (its number, whether it is in force): no word of
    the previous question needs to be in it for it to ask the same of another place."""
    return asked.document_number or asked.document_status


def _across_rows(question: str, kind: str, places: Sequence[str],
                 previous: TurnContext) -> Resolution | None:
    """After a turn about a table row, a question across the table's rows
    (`row_comparisons`): "哪一个区最多？" asks the previous subject of every row, in the
    document's place rather than the row's ("天津市补贴培训总数哪一个区最多？"); "和平区和河西区加
    起来呢？", "河西区比和平区多多少？" ask it of the rows named, as written, the subject put
    before the words asking ("河西区补贴培训总数比和平区多多少？"). Rows are named by whatever
    labels them (districts, units), so they are not looked for among the places. None for any
    other turn. `kind`: what the question asks across rows (`Asked.across_rows`)."""
    if not kind or not previous.focus_entity or kind in (MOST, LEAST, EACH) and places:
        return None
    # The table's place: the region of the document whose row was in focus (天津市, not the
    # rows 和平区 or 天津和平区 the turns named), else a place word of the previous turn that
    # is not that row.
    region = previous.focus_region or next(
        (place for place in previous.region_words
         if previous.focus_entity not in place and place not in places), "")
    text = _TRAILING.sub("", _LEADING.sub("", question)).strip(" ，,")
    # Where it starts asking: the subject goes before 哪一个区, 前三, 加起来, 比和平区…, 分别….
    at = min((found.start() for found in (pattern.search(text) for pattern in ASKING_AT[kind])
              if found), default=len(text))
    # The subject carried, less the row the previous turn was about (人力社保局 of the row
    # 区人力社保局) and the rows this one names.
    entity = previous.focus_entity
    subject = "".join(term for term in previous.subject_terms
                      if term not in entity and entity not in term and term not in places
                      and term not in text)
    asks = "" if _ASKS.search(text[at:]) else "是多少"
    asked = f"{text[:at].removesuffix('的')}{subject}{text[at:]}{asks}？"
    # Read as typed, so that the rows named are places of the question, not key terms a next
    # turn would carry as its subject (綦江区妇联 still holds the row's label 区妇联).
    return Resolution(_after_place(region, asked), asked, (region,) if region else (),
                      previous.subject_terms, "across_rows", standalone=True)


def _after_place(region: str, text: str) -> str:
    """`text` after `region`, shown as 綦江区退役军人事务局…, not 綦江区区退役军人事务局…: a
    district's bodies are named 区…局 inside its own plan."""
    shown = text[1:] if region and text[0] in "区市县" and region.endswith(text[0]) else text
    return joined(region, shown)


def _resolve(question: str, previous: TurnContext | None, mentions: Sequence[Mention],
             topic_of: callable, known: callable) -> Resolution:
    question = question.strip()
    places = tuple(m.alias for m in mentions)
    if previous is None:
        return Resolution(question, without_places(question, places), places, standalone=True)
    if places and _TITLE.search(previous.resolved_question):
        # "那綦江呢？" after "《三门峡市…方案》中…": the title names the previous document, not
        # the place asked; a place written into it made a title no document has. A question
        # about that document itself ("《…》还有效吗？") asks it of the place's document.
        document = "的文件" if asked_for(previous.resolved_question).of_the_document else ""
        previous = replace(previous,
                           resolved_question=_TITLE.sub(document, previous.resolved_question),
                           search_text=_TITLE.sub(document, previous.searched))
    previous_places = previous.region_words
    if asks_for_more(question, previous):
        return Resolution(previous.resolved_question, previous.searched, previous_places,
                          previous.subject_terms, "more")
    same_question = bool(_SAME_QUESTION.search(question))
    question = _SAME_QUESTION.sub("", question)
    if places:
        switched = _SWITCH_PLACE.sub("", question)
        situation = _PLACE_SITUATION.match(without_places(switched, places).strip(" ，,"))
        if situation or switched != question:
            same_question = True
            question = joined("、".join(places), "呢？") if situation else switched
    own_topic = topic_of(without_places(question, places))
    pronoun = bool(_PRONOUN.search(_APPOSITIVE.sub("", without_places(question, places))))
    body_pointer = bool(previous.focus_body and not places and _BODY_POINTER.search(question))
    pronoun = pronoun or body_pointer
    pair = _both_places(question, places, previous)
    if pair:  # "两边哪个…": the earlier place compared with the one just discussed
        places = pair
        question = _BOTH_PLACES.sub("", question, count=1)
    # "白城和綦江哪个标准高？": the two places named are compared with each other.
    named_pair = tuple(places) if len(places) >= 2 and _WHICH_MORE.search(question) else ()
    compared = bool(places and (_COMPARE.search(question) or pair or named_pair))
    marked = bool(_FOLLOWUP_START.match(question)) or question.rstrip("？?").endswith("呢") \
        or same_question or compared or bool(_INNER_NE.search(question)) or \
        bool(places and _PLACE_SIDE.match(without_places(question, places))) or \
        bool(previous.focus_clause and _WHICH_CLAUSE.search(question))
    short = len(_TRAILING.sub("", question)) <= 8
    form = asked_for(question)
    # "天津的文件是哪年发的？": a fact about a place's document is a question of its own, whose
    # subject is the document, however few words it shares with the clauses.
    about_document = bool(places) and not marked and not pronoun and \
        form.of_the_document
    if about_document or not (marked or pronoun or short or
                              not _names_subject(own_topic, known)):
        # A complete question: keep it, but inherit the region when it names none.
        if places or not previous_places:
            return Resolution(question, without_places(question, places), places,
                              standalone=True)
        return Resolution(joined(previous_places[0], question), question, previous_places[:1],
                          kind="own_question")

    # A comparison with another place (跟X比…) compares places, not a table's rows.
    across = None if compared else _across_rows(question, form.across_rows, places,
                                                       previous)
    if across is not None:
        return across
    remainder = _TRAILING.sub("", _LEADING.sub("", question))
    remainder = without_places(remainder, places).strip(" ，,")
    if compared:
        remainder = _COMPARE.sub("", remainder, count=1)
    remainder = _INNER_NE.sub("，", _PLACE_SIDE.sub("", remainder, count=1)).strip(" ，,")
    region = places[0] if places else (previous_places[0] if previous_places
                                       else previous.focus_region)
    here = (region,) if region else ()
    base = without_places(previous.resolved_question, previous_places).strip(" ，,")
    searched = previous.searched
    if compared and previous_places:
        # "和綦江比呢？": the previous question, asked of its place and the new one together;
        # "跟綦江比，范围有啥不同？": an aspect of the subject, asked of both.
        both = pair or named_pair or \
            (previous_places[0], *(p for p in places if p not in previous_places))
        aspect = _JOINING.sub("", _PRONOUN.sub("", remainder).strip(" ，,"))
        if not any(known(term) for term in topic_of(aspect)):
            return Resolution(joined("和".join(both), base), searched, both,
                              previous.subject_terms, "comparison")
        asked = f"{_topic_beside(previous, aspect)}{aspect}？"
        return Resolution(joined("和".join(both), asked), asked, both, previous.subject_terms,
                          "comparison")
    # Nothing but words of the previous question ("綦江那边的标准呢" after "…补贴标准是多少").
    repeats = _only_terms(remainder.removeprefix("的"), own_topic) and \
        all(term in base for term in own_topic)
    # 文号 is in no clause, yet "那三门峡的文号呢？" asks it: a fact of the document is no
    # word the previous question would have had to use.
    if places and (repeats or not any(known(term) for term in own_topic)) and \
            not _asks_another_figure(_PRONOUN.sub("", remainder), previous) and \
            not _asks_record(asked_for(remainder)):
        # "那綦江呢？", "河西区是多少": the previous question with its region replaced; so is a
        # bare noun of that question, which names no new subject. A turn asking another kind of
        # figure ("綦江那块每月补多少钱" after "最长补几个月": an amount after a period) asks a
        # new aspect, below.
        return Resolution(_with_place(previous, region, base), searched, here,
                          previous.subject_terms, "same_question")
    if body_pointer:
        # "他们明年要培训多少人": the body the previous answer named is the subject.
        own = f"{previous.focus_body}{_BODY_POINTER.sub('', remainder, count=1).strip(' ，,')}？"
        return Resolution(_after_place(region, own), own, here, kind="body_pointer")
    # "它2021年的呢": the pronoun points at the subject the value is asked of.
    value = _PRONOUN.sub("", remainder).strip() if pronoun else remainder
    other_value = _another_value(value, base)
    if other_value is not None:
        return Resolution(joined(region, other_value),
                          _another_value(value, searched) or other_value, here,
                          kind="another_value")
    other_unit = _another_unit(remainder, base, previous)
    if other_unit is not None:
        return Resolution(joined(region, other_unit),
                          _another_unit(remainder, searched, previous) or other_unit, here,
                          kind="another_unit")
    new_place = any(p not in previous_places for p in places)
    if _asks_its_own_question(question, remainder, own_topic, previous, known, new_place):
        # "那綦江的生活费补贴标准是多少？": a question of its own, in the place named or else
        # the same place; nothing of the previous question is carried but the place.
        own = f"{remainder.removeprefix('的')}？"
        return Resolution(joined(region, own), own, here, kind="own_question")
    subject = remainder.removeprefix("的")  # "白城的职业培训补贴呢" once 白城 is taken out
    situation = _SITUATION_TAIL.search(subject)
    if situation and situation.start() > 0:
        # "白城创业培训的情况呢": 创业培训 is the subject, 的情况 asks nothing of its own.
        subject = subject[:situation.start()]
        own_topic = [term for term in own_topic if term != situation.group(1)]
    if _names_a_new_topic(subject, own_topic, previous, pronoun, known) and \
            previous.topic and previous.topic in base:
        # "那生活费补贴呢？", "白城的职业培训补贴呢？": the previous question about another
        # subject, in the place named or else the same place.
        asked = searched.replace(previous.topic, subject, 1) if previous.topic in searched \
            else base.replace(previous.topic, subject, 1)
        return Resolution(joined(region, base.replace(previous.topic, subject, 1)), asked, here,
                          kind="new_subject")
    # A table row just discussed stays the subject ("新型学徒制呢？" after 和平区's row),
    # unless the follow-up names a new one.
    entity = previous.focus_entity if previous.focus_entity and \
        previous.focus_entity not in remainder and not _NAMES_UNIT.search(remainder) else ""
    column = subject.removesuffix("的")
    if entity and not pronoun and _only_terms(column, own_topic) and \
            all(known(term) for term in own_topic) and previous.topic and \
            previous.topic in base and column not in base:
        # "新型学徒制呢？" after a row's 补贴培训总数: the row's other column, asked as the
        # previous question was ("河西区新型学徒制是多少？"), the row's place kept.
        asked = base.replace(previous.topic, column, 1)
        return Resolution(joined(region, asked), asked, here, kind="row_column")
    if _WHICH_CLAUSE.search(question) and previous.focus_clause and not places:
        # "具体是第几条规定的？": the previous question, answered again from the clause in
        # focus (`clause_in_focus`), so the answer quotes what it quoted before, with its
        # document and section.
        return Resolution(f"{previous.resolved_question.rstrip('？?。 ')}（出自哪一条）？",
                          searched, previous_places, previous.subject_terms, "which_clause")
    if pronoun and previous.focus_heading and (
            _CLAUSE_PRONOUN.search(question) or not previous.topic):
        # "这条由哪个部门负责？": the clause in focus (carried as state) is the subject.
        own = f"{previous.focus_heading}{_PRONOUN.sub('', remainder)}？"
        return Resolution(_shown(question, previous, joined(region, own)), own, here,
                          kind="clause_pointer")
    if pronoun:
        remainder = _PRONOUN.sub("", remainder).strip()
        if entity:  # "它的配合单位是谁？" after a table row: the row's unit is the subject
            own = f"{entity}{remainder}？"
            return Resolution(_shown(question, previous, joined(region, own)), own, here,
                              kind="row_pointer")
    # A new aspect of the subject carried over ("最长能补多久？"): its key terms stay key
    # terms of the search whatever the rewrite reads like.
    # Subject terms inside the row's unit are not repeated (文化旅游委 in 区文化旅游委).
    # The row's unit is not written twice when it is also the place (河西区 in Tianjin's table).
    entity = "" if entity and entity == region else entity
    asked = f"{_topic_beside(previous, entity + remainder)}{entity}{remainder}？"
    return Resolution(_shown(question, previous, joined(region, asked)), asked, here,
                      previous.subject_terms, "new_aspect")
