"""The lead of an answer: what the question asks for, said before the supporting quotes.

An answer quotes whole sentences of clauses; someone asking 补贴标准是多少 wants the figure
first, and someone asking 最长补多久 the period. `asked_for` reads once, from the question's
grammar, which of four things it asks for — an amount, a period, the body responsible, or who
is eligible on what condition — and `lead_lines` then names, for each document the answer
quotes, the fragment of its quoted sentences that holds it (a verbatim piece between commas,
with its citation [n]). When a document's quoted clauses state no amount or period, the lead
says so and quotes the wording they use instead (按规定给予…, 由各县确定…): "the plan sets no
amount" is an answer too. Questions that ask for none of these get no lead; their quotes
answer them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from assistant.definitions import asked_term
from assistant.entry_into_force import asks_enactment, asks_entry_into_force, enacting_body
from assistant.penalties import asks_penalty
from assistant.purpose import asks_application, asks_purpose
from assistant.figures import BOUND, FREQUENCY, PERIOD, asked_unit, in_unit, states_amount
from assistant.quantities import QUANTITY
from assistant.records import Asked, AskedPart, Hit
from assistant.row_comparisons import asks_across_rows
from assistant.document_record import asks_document_number
from assistant.document_status import asks_document_status
from corpus.numbering import is_list_item

# 几 asks only on its own: 十几年, 好几年, 这几年, 头几个月 say "some" (干了十几年), not "how many";
# after a negation too (开业没几年: "only a few years").
_ASKING_JI = r"(?<![十好这那近前头后没不])几"
# A sentence that ends as a yes-no question (…吗, …不, …没有): a question word inside it is an
# indefinite, as Chinese grammar reads wh-words in yes-no questions (能多考几个证吗: "a few";
# 招了几个贫困户…，政府给钱吗 asks whether, not how many).
_YES_NO_SENTENCE = re.compile(r"[^？?！!。]*?(?:吗|(?<![什怎多那这要])么|嘛|不|没有)\s*(?:[？?！!。]|$)")
# 多久 / 多长时间 / 几年 / 几个月 / 最长 / 期限 as the thing asked (期限是多久, 保修期限为？; not
# 超过使用期限的部件…受到何种处罚, 在规定时限内未完成…怎么办): asking for a period.
_ASKS_PERIOD = re.compile(rf"多久|多长时间|多长期限|{_ASKING_JI}(?:个)?(?:年|月|天|日|周)|最长|"
                          r"(?:期限|时限)(?=\s*(?:是|为|有多|多|几|怎|如何|[？?]|$))|"
                          r"how long")
# How often: 多久…一次, 几个月一次, 频率, 按月还是按季, how often.
_ASKS_FREQUENCY = re.compile(r"(?:多久|多长时间|几(?:个)?(?:天|周|月|年)|多少天)[^，,？?。]{0,8}一次|频率|频次|"
                             r"按(?:月|季|季度|年)[^，,？?。]{0,4}还是|how often")
# 多少 (多大, 多高) / 几 + a measure word (not 哪几个: which ones) / 标准 / 金额 / 比例 / 最高 /
# 最多: asking for a figure.
# 标准 asks for a figure only as the thing asked about (标准是多少, 什么标准, 按…标准) and, asked
# without a number word, only as a standard of payment (补贴标准是什么, 征收标准为): a 职业技能
# 标准, an 行业标准 or a 分级标准 is a rule to meet, not an amount.
_ASKS_AMOUNT = re.compile(rf"多[少大高远重]|(?<!哪){_ASKING_JI}(?:个|人|元|倍|项|家|次)|"
                          r"(?:补贴|补助|收费|征收|津贴|工资|奖励|资助|费|金|价)标准(?:是|为|怎(?!么办)|如何)|什么标准|"
                          r"金额|数额|比例|额度|最高|最多|how much|how many|what percentage|amount|"
                          # Whether two standards are the same asks both amounts (标准一样吗,
                          # 标准有什么不同).
                          r"标准(?:是否)?(?:一样|相同|一致|有[什何啥]么?(?:不同|区别|差别|差异))")
# 多少 / 多大 / 几 + a measure word (not 哪几: which ones) / 多久 (not 多久…一次, a frequency
# that 月报 answers) / how much: asking for a number in so many words.
_ASKS_NUMBER = re.compile(rf"多[少大高长远重]|(?<!哪){_ASKING_JI}(?:个|人|元|倍|项|家|次|年|月|天|日|周)|"
                          r"多久(?![^，,？?]{0,8}一次)|how (?:much|many|long)|what percentage")
# The parts of a question between commas and question marks, each of which may ask a figure
# of its own (三年计划培训多少人次？第二年计划多少？).
_QUESTION_PART = re.compile(r"[^，,？?；;。！!]+")
# Asking for a limit: the most (最高补助多少, 封顶是多少) or the least (至少拿出多少比例). A
# figure stated with a limit of that direction answers it (最高分别不超过50万元, 60%以上).
# A text states a limit in the words a question asks for it with, and in a few more.
_UPPER_WORDS = "最高|最多|最长|上限|封顶|至多|不超过"
_LOWER_WORDS = "至少|最少|最短|最低|下限|不少于|不低于"
_ASKS_UPPER = re.compile(f"{_UPPER_WORDS}|at most|maximum|up to")
_ASKS_LOWER = re.compile(f"{_LOWER_WORDS}|at least|minimum")
_UPPER_LIMIT = re.compile(f"{_UPPER_WORDS}|不得超过|不高于|以内|之内|以下")
_LOWER_LIMIT = re.compile(f"{_LOWER_WORDS}|以上")
# 哪 + a measure word + 部门/单位/机构/机关, 责任部门/责任分工 (not 承担什么责任: a liability),
# 谁, 负责/牵头: asking who is responsible.
_ASKS_BODY = re.compile(r"哪(?:个|些|几个|一个|一级|级)?(?:部门|单位|机构|机关)|"
                        r"责任(?:部门|单位|分工|主体|机关)|谁(?!可|能)|负责(?!人)|牵头|"
                        r"responsible|in charge|which department")
# 哪些人 / 什么人 / 哪类群体 / 谁可以 / 对象 / 条件 / 面向 / 针对: who is eligible, and on what
# condition.
_ASKS_WHO = re.compile(r"(?:哪些|什么|哪类|哪种)(?:人|群体|对象|劳动者|企业|职工|学员)|谁(?:可|能)|"
                       r"对象|条件|面向|针对|符合|who (?:can|is eligible)|eligib")
# How a policy text names who a measure is for: a piece that opens with 对/面向/针对/凡/对于,
# or a 的-phrase (…参加培训的) followed by what they get. Not 为: a piece opening with it states
# a purpose far more often (为维护…, 为规范…的执业行为, 为支撑…; Legal-DC answers had led with
# these as "the target group"); no seed answer's lead opened with it.
_WHO_OPENING = re.compile(r"^(?:对于|对|面向|针对|凡)")
# A piece continuing the 的-phrase before it with another case (…的，以及…的; …的，或者…的).
_ALTERNATIVE = re.compile(r"^(?:以及|或者)")
_BENEFIT = re.compile(r"给予|可|按|享受|予以|纳入|免|补贴|发放|开展|提供")
# The share of a piece's bigrams found in the question above which it only restates it.
_RESTATED = 0.8

# How a text says that it leaves the figure to other rules or bodies.
_DEFERRED = re.compile(r"按(?:照)?(?:国家|有关|相关)?(?:有关|相关)?规定|"
                       r"由[^，。；]{1,30}?(?:确定|制定|规定)|结合实际(?:确定|制定)|另行(?:制定|规定)")
# Who is responsible, in three forms, the leftmost found:
# 1. a bracketed note naming a body (（责任单位：区人社局）), but not a short form
#    ((以下简称出版行政主管部门), which renames the body before it) nor a promulgation note
#    ((…国务院令第390号公布…));
# 2. 由…负责 (an adverb before 负责 — 由国务院的一个部门或者几个部门具体负责 — is not part of the
#    body's name);
# 3. a body opening a sentence or clause part, as a law words it without 由 (国务院出版行政主管
#    部门负责…, 国家市场监督管理总局（以下简称市场监管总局）负责…, 国务院文化主管部门主管…), but not
#    负责 inside a body's name (县级以上地方各级人民政府负责出版管理的行政部门（…）负责…).
_ADVERB = r"(?:具体|共同|统一|分别|主要|直接|各自)?"
# A note that explains rather than assigns — （包括政府部门、社会团体…等）, （或者用中文表示的…单位）,
# one ending in 的 — names no body responsible.
_BODY_NOTE = (r"[（(](?!以下简称|以下统称|以下称|下称|简称|统称|包括|含|或者|即|如|指)"
              r"(?![^（()）]*(?:公布|发布|施行|通过))"
              # nor a document number quoted after a title ((国办发〔2019〕24号), (…[2019]3号)),
              # whose issuer's abbreviation (办, 发) is no body
              r"(?![^（()）]*[〔\[［]\d{4}[〕\]］]\s*\d+\s*号)"
              r"(?:责任(?:单位|部门|分工|主体)|牵头单位)?[：:]?"
              r"([^（()）]*(?:局|委|部|办|厅|政府|单位|部门|中心)[^（()）]*?)(?<!的)(?:负责)?[）)]")
_BY_BODY = rf"由([^，。；]{{2,40}}?){_ADVERB}负责(?!人)"  # 由…的负责人组成: persons
#    The body may say by what it acts before 负责 (…等有关部门依照本条例和国务院规定的职责，负责…;
#    …在各自的职责范围内，负责…), and a law says it supervises as "X对…实施（统一）监督管理".
_BODY_SUBJECT = (r"(?:^|(?<=[，。；：:\s]))((?:(?!可以|应当|委托)[^，。；：:（()）\s由自]){2,40}?"
                 r"(?:局|委|部|办|厅|政府|院|署|部门|机关|机构|中心))"
                 r"(?:[（(](?:以下简称|以下统称|以下称|简称)[^（()）]*[）)])?"
                 r"(?:(?:依照|按照|根据|在|依法)[^。；]{0,40}?[，,]?)?"
                 rf"{_ADVERB}(?:负责(?!人)|主管(?!部门|机关)|对[^。；]{{1,60}}?实施(?:统一)?监督管理)"
                 r"(?![^，。；（()]{0,20}?的[^，。；（()]{0,12}?(?:部门|机关|机构)[（(，,])")
# 4. 由 and a body's name, whatever it is said to do (由国家税务总局制定, 由司法部组织或者协助审定,
#    由市场监管总局根据…组织建立): laws name the body that acts on a thing this way as often as
#    with 负责. The name ends at a body's head noun that nothing continues (市场监督管理部门, not
#    市场监督管理部; 非政府组织 and 委托 are no heads).
# "省、自治区、直辖市" and "县（市）" inside a body's name are parts of it, not a list or a note.
_NAME_PART = r"(?:省、自治区、直辖市|[（(][^（()）]{1,4}[）)])"
# The head noun ending a body's name (a 领导小组 too). 国务院 and 人民政府 end it only when no
# department of theirs follows (国务院药品监督管理部门, 县级人民政府文化主管部门; but 县级以上人民政府建立…体制).
_BODY_HEAD = (r"(?:部门|机关|机构|委员会|总局|中心|办公厅|办公室|小组|局|委|部|厅|署|"
              r"(?:院|政府)(?![^，。；：:、]{0,12}?(?:部门|机关|机构|总局|办公厅|办公室|局|委|厅|署)))")
# The name ends here: no character follows that would continue it (…部门, …机关, …委员会, …政府组织,
# …委托, …办公室).
_NAME_ENDS = r"(?![门关构员会心府局厅室组托])"
_BY_BODY_ACTING = (rf"由((?:{_NAME_PART}|(?!根据|按照|依照|会同|在|对|向|与)[^，。；：:、（()）由]){{1,40}}?"
                   rf"(?:{_BODY_HEAD}|办))"
                   + _NAME_ENDS)
_RESPONSIBLE = re.compile(f"{_BODY_NOTE}|{_BY_BODY}|{_BODY_SUBJECT}")
# The fourth form comes after the three saying 负责 (由区府办全面统筹，区人力社保局具体负责: the
# second is the body responsible), and is read in the passages quoted only: in the rest of a
# clause, 由 names who acts on whatever that sentence is about (…的办法由国务院另行规定).
# 5. The body applied to, reported to or approving: 向…部门提出申请, 报…部门审批, 经…部门批准 —
#    read like the fourth form, for "向谁申请", "报哪个单位审批", "由哪个部门批准".
_APPLIED_TO = (rf"(?:(?:向|报)((?:{_NAME_PART}|(?!申请|提出)[^，。；：:、（()）向报经]){{2,40}}?"
               rf"(?:{_BODY_HEAD}|办))"
               rf"{_NAME_ENDS}(?:提出|申请|审批|备案|核准)|"
               r"经((?:[^，。；：:、（()）向报经]){2,40}?"
               rf"(?:{_BODY_HEAD}|办))"
               rf"{_NAME_ENDS}批准)")
_ACTING = re.compile(_BY_BODY_ACTING)
_ACTING_OR_APPLIED_TO = re.compile(f"{_BY_BODY_ACTING}|{_APPLIED_TO}")
# …read only for a question about applying or approval: 须向上一级人民政府计量行政部门申请考核 names
# no body that sets a standard up.
_APPLYING = re.compile(r"申请|审批|批准|备案|核准|上报|报送|报批")
# 6. A body opening the quoted sentence that holds the question's words, as a law states who
#    acts (国务院药品监督管理部门设置国家药品检验机构; 县级以上人民政府建立…体制; 国务院办公厅是…主管
#    部门): read last of the passages' forms, the first body of a list.
_OPENING_BODY = re.compile(
    # The sentence's start, or a comma part's when a modal or the like follows the name ("根据…
    # 需要，国务院标准化行政主管部门可以直接调整…"; not "…，充分发挥行业主管部门作用").
    r"(?:^|(?<=[，,])(?=[^，,。；]{2,40}?(?:应当|可以|依法|负责|统一|会同|按照|依照|根据|对)))"
    r"(?:第[一二三四五六七八九十百千零〇\d]+条|[（(][一二三四五六七八九十\d]+[）)]|"
    r"[一二三四五六七八九十]+、|\d+[.．、])?\s*"
    # Not a body named only by kind (各相关部门要…, 有关部门应当…): it names none; nor a part
    # opening with a preposition (根据技术委员会整体规划…): what follows is no subject.
    r"(?!各|有关|相关|其他|其它|上述|该|本|根据|按照|依照|依据|为|对|在|经|由|向|与|自|从|凡|除|以|将|"
    r"须|应|可|不|有权|并|是)"
    rf"((?:{_NAME_PART}|(?!可以|应当|委托|本法|本条例|本办法|本规定|国家)[^，。；：:（()）\s由自、和及与向并]){{2,40}}?"
    rf"{_BODY_HEAD})" + _NAME_ENDS)
# Pieces of a sentence that the lead quotes: between commas and semicolons, and for a figure
# also between the enumeration commas of a list of targets (…1500人、退役军人750人、…).
_PIECE = re.compile(r"[^，,；;。！？\n]+")
_FIGURE_PIECE = re.compile(r"[^，,；;。！？、\n]+")
_SENTENCE = re.compile(r"[^。；;！？\n]+")
_DIGIT = re.compile(r"\d")
# A piece stating the exception to the rule before it (但, 但是, 但最长…).
_EXCEPTION = re.compile(r"^(?:但是|但)")


# "Which ones": the answer is a list, quoted whole when the clause holds one (哪些内容, 哪几类,
# 包括什么, 需要提交什么材料).
_ASKS_WHICH_ONES = re.compile(r"哪些|哪几|包括什么|包含什么|什么(?:内容|事项|材料|情形)")


def asked_for(question: str) -> Asked:
    """Everything the question's form asks for, read once (`QueryAnalysis.asked`), with the
    parts that each ask a figure when there are two or more (`Asked.parts`)."""
    # What is asked of a table's rows or of the document itself is read of the whole question
    # only: a part's reading is for the figure it asks.
    asked = replace(_asked_in(question), across_rows=asks_across_rows(question),
                    document_number=asks_document_number(question),
                    document_status=asks_document_status(question))
    parts = [AskedPart(part, _asked_in(part)) for part in _QUESTION_PART.findall(question)]
    parts = [part for part in parts if part.asked.figure]
    return replace(asked, parts=tuple(parts)) if len(parts) > 1 else asked


def _asked_in(question: str) -> Asked:
    lowered = question.lower()
    # 几 of a yes-no sentence asks nothing: read as 些 ("some") by the figure patterns.
    lowered = _YES_NO_SENTENCE.sub(lambda m: m.group(0).replace("几", "些"), lowered)
    frequency = bool(_ASKS_FREQUENCY.search(lowered))
    period = frequency or bool(_ASKS_PERIOD.search(lowered))
    purpose = asks_purpose(question)
    # 什么是《X》的主要目的 asks a purpose, not the meaning of 主要目的.
    defined = "" if purpose else asked_term(question) or ""
    amount = bool(_ASKS_AMOUNT.search(lowered)) and not period
    figure = amount or period
    bound = ("upper" if _ASKS_UPPER.search(lowered) else
             "lower" if _ASKS_LOWER.search(lowered) else "") if figure else ""
    return Asked(amount=amount, period=period, frequency=frequency,
                 number=bool(_ASKS_NUMBER.search(lowered)),
                 unit=asked_unit(lowered) if figure else "", bound=bound,
                 body=bool(_ASKS_BODY.search(lowered)),
                 who=bool(_ASKS_WHO.search(lowered)), penalty=asks_penalty(question),
                 listing=bool(_ASKS_WHICH_ONES.search(lowered)),
                 purpose=purpose, application=asks_application(question), defined=defined,
                 entry_into_force=asks_entry_into_force(question),
                 enactment=asks_enactment(question))


def _pieces(quoted: Sequence[tuple[int, Sequence[str]]]) -> list[tuple[int, str]]:
    """(citation number, piece) for every piece of the passages quoted, in answer order."""
    return [(number, piece.strip()) for number, passages in quoted for passage in passages
            for piece in _PIECE.findall(passage) if piece.strip()]


def _figure_pieces(quoted: Sequence[tuple[int, Sequence[str]]]) -> list[tuple[int, str, str]]:
    """(citation number, piece, its sentence) for every piece that may state a figure, in
    answer order: between commas, and between the enumeration commas of a list of targets
    (…1500人、退役军人750人: two figures or more), except where 分别 pairs the figures with
    things named before them (最高分别不超过50万元、10万元: one piece)."""
    found = []
    for number, passages in quoted:
        for passage in passages:
            for sentence in _SENTENCE.findall(passage):
                for part in _PIECE.findall(sentence):
                    pieces = _FIGURE_PIECE.findall(part)
                    if "分别" in part or sum(bool(_DIGIT.search(p)) for p in pieces) < 2:
                        pieces = [part]  # not a list of figures: 季报、年报制度 is one piece
                    found += [(number, piece.strip(), sentence) for piece in pieces
                              if piece.strip()]
    return found


def _relevance(piece: str, terms: Sequence[str]) -> int:
    return sum(len(term) for term in terms if term in piece)


def _held(text: str, terms: Sequence[str]) -> int:
    """How many of the terms `text` holds."""
    return sum(term in text for term in terms)


def _quoted(pieces: list[tuple[int, str]]) -> str:
    """“piece”[n] for each piece, pieces of one citation joined by …… before its marker."""
    parts: list[str] = []
    for i, (number, piece) in enumerate(pieces):
        last = i + 1 == len(pieces) or pieces[i + 1][0] != number
        parts.append(f"“{piece}”" + (f"[{number}]" if last else "……"))
    return "".join(parts)


def _strength(asked: Asked, unit: str, piece: str) -> int:
    """How directly a piece states what was asked: for a period 2 with a bound, 1 without;
    for an amount 1 for any figure but a number of times not asked for
    (`figures.states_amount`); 0 none."""
    if asked.frequency and FREQUENCY.search(piece):
        return 2
    if asked.period:
        return (2 if BOUND.search(piece) else 1) if PERIOD.search(piece) else 0
    return 1 if states_amount(unit, piece) else 0


def _states_limit(asked: Asked, piece: str) -> bool:
    """The piece states a limit of the direction asked (最高…不超过50万元 for 最高是多少)."""
    limit = {"upper": _UPPER_LIMIT, "lower": _LOWER_LIMIT}.get(asked.bound)
    return bool(limit and limit.search(piece))


def _best_figure(asked: Asked, terms: Sequence[str],
                 pieces: Sequence[tuple[int, str, str]]) -> tuple[int, str] | None:
    """(citation number, piece) of the piece stating best the figure asked, None when no
    piece states one."""
    unit = asked.unit
    # The question's subject decides between figures, not the year or span it names: in
    # "到2021年底技能劳动者占…28%，高技能人才占技能劳动者比例达到31%" the year opens the
    # sentence for both figures, and 高技能人才 says which is asked.
    subject = [term for term in terms if not QUANTITY.match(term)]
    quantities = [term for term in terms if QUANTITY.match(term)]

    def rank(entry: tuple[int, tuple[int, str, str]]) -> tuple:
        i, (_, piece, sentence) = entry
        strength = _strength(asked, unit, piece)
        # In the unit asked first, then a figure with the limit asked (最高, 至少), then the
        # most direct statement; the rule before its exception (…不得超过三十日；情况复杂的…，
        # 但是延长期限不得超过三十日); then the sentence holding most of the question's words (the
        # subject may open the sentence: 职工教育经费，其中60%以上用于一线职工培训), counted as
        # words, not characters (one long word in an aside, 经市场监督管理部门负责人批准, does
        # not outweigh 查封、扣押的期限); then the piece holding most of the question's subject,
        # the unit written out (1000名 before 1.8万新型学徒 for 多少位), the subject's length in
        # the piece, its years and spans, the first.
        written_in = in_unit(unit, piece) if strength else 0
        return (written_in > 0, bool(strength) and _states_limit(asked, piece), strength,
                not _EXCEPTION.match(piece), _held(sentence, terms), _held(piece, subject),
                written_in,
                _relevance(piece, subject), _relevance(piece, quantities), -i)

    best = max(enumerate(pieces), key=rank, default=None)
    if best is None or rank(best)[2] == 0:  # its strength: no figure was found
        return None
    number, piece, _ = best[1]
    return number, piece


def _figure_lead(asked: Asked, terms: Sequence[str], title: str,
                 quoted: Sequence[tuple[int, Sequence[str]]], document_title: str = "") -> str:
    pieces = _figure_pieces(quoted)
    # Words of the document's own title (市场监督管理 in 《市场监督管理行政处罚程序规定》) say which
    # document, not which of its figures: every sentence of it is about them. Its years (the
    # plan's period, 2019—2021年) are kept: a year tells figures apart.
    terms = [term for term in terms
             if QUANTITY.match(term) or term not in document_title] or list(terms)
    # A question asking several figures (多大比例，最多补多少) gets the best piece for each
    # part, read with that part's words and the words no part holds (its subject, said once).
    found: list[tuple[int, str]] = []
    for part in asked.parts:
        shared = [t for t in terms if not any(t in other.text for other in asked.parts)]
        best = _best_figure(part.asked, [t for t in terms if t in part.text] + shared, pieces)
        if best is not None and best not in found:
            found.append(best)
    if not found:
        best = _best_figure(asked, terms, pieces)
        found = [best] if best is not None else []
    if found:
        return f"{title}：{_quoted(sorted(found, key=lambda item: item[0]))}。"
    what = "期限" if asked.period else "数额"
    # No figure: the wording used instead, in pieces between commas only (按规定给予…、…).
    deferred = [item for item in _pieces(quoted) if _DEFERRED.search(item[1])]
    if deferred:
        best = max(deferred, key=lambda item: _relevance(item[1], terms))
        return f"{title}未写明具体{what}，只写明{_quoted([best])}。"
    return f"{title}所引条款未写明具体{what}。"


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)}


# A piece that only points to a list (有下列情形之一的): the list, not the piece, says who.
_POINTS_TO_LIST = re.compile(r"下列|以下|如下")


def _restates(piece: str, asked: set[str]) -> bool:
    """Whether a piece only repeats the question's own subject (采集国家一级保护野生植物的, asked
    "采集国家一级保护野生植物需要满足哪些条件？"): most of its character bigrams are among the
    question's (`asked`). Such a lead tells the reader nothing the question did not."""
    own = _bigrams(piece.rstrip("的"))
    return bool(own) and len(own & asked) >= _RESTATED * len(own)


def _who_lead(terms: Sequence[str], title: str, question: str,
              quoted: Sequence[tuple[int, Sequence[str]]]) -> str | None:
    """The piece of the quoted sentences naming who the measure is for: one opening with
    对/面向/针对/凡, or a 的-phrase followed by what they get, and not only the question's own
    words again (`_restates`), nor a pointer to a list (有下列情形之一的), nor one item of a list
    (（三）对不符合法定条件的申请人准予注册的 is one case of a penalty, not who the law is for);
    the one whose words and the measure after it share most of the question's words, then the
    first."""
    found = []
    asked = _bigrams(question)
    for number, passages in quoted:
        for passage in passages:
            spans = [(m.start(), m.end()) for m in _PIECE.finditer(passage)
                     if m.group(0).strip()]
            opened = -1  # where the 的-phrase that a 以及/或者 piece continues begins
            for i, (start, end) in enumerate(spans):
                piece = passage[start:end].strip()
                follows = passage[slice(*spans[i + 1])].strip() if i + 1 < len(spans) else ""
                if len(piece) >= 6 and (_WHO_OPENING.match(piece) or (
                        piece.endswith("的") and _BENEFIT.search(follows))) and \
                        not _restates(piece, asked) and not is_list_item(piece) and \
                        not _POINTS_TO_LIST.search(piece):
                    # "…吸纳贫困劳动力就业…的，以及参保企业吸纳就业困难人员…的": one who-phrase
                    # in two alternatives, quoted together (a verbatim span of the passage).
                    if _ALTERNATIVE.match(piece) and opened >= 0:
                        piece = passage[opened:end].strip()
                    else:
                        opened = start if piece.endswith("的") else -1
                    # Who, and what they get: 对贫困劳动力… is chosen for 免费培训 by the
                    # piece after it (开展免费职业技能培训).
                    found.append((_relevance(piece + follows, terms), number, piece))
                else:
                    opened = -1
    if not found:
        return None
    _, number, piece = max(enumerate(found), key=lambda entry: (entry[1][0], -entry[0]))[1]
    return f"{title}写明的对象和条件：{_quoted([(number, piece)])}。"


def responsible_body(clauses: Sequence[tuple[int, Sequence[str], str]],
                     terms: Sequence[str] = ()) -> tuple[int, str] | None:
    """The body responsible and the number of the citation naming it, from the clauses quoted
    (citation number, passages quoted, whole text): in a clause's quoted passages first
    (区农业农村委负责职业农民培训, quoted from a clause whose opening sentence names 区人力社保局 for
    the whole plan), then in the rest of the clause (a 责任单位 note at its end). Within the
    passages, the sentences holding more of the question's key `terms` are read first: a
    passage quoting items (三) and (四) names a body in each, and the question's words are in
    one of them."""
    acting = _ACTING_OR_APPLIED_TO if any(_APPLYING.search(term) for term in terms) \
        else _ACTING
    for number, passages, text in clauses:
        sentences = sorted((sentence for passage in passages
                            for sentence in _SENTENCE.findall(passage)),
                           key=lambda sentence: -_held(sentence, terms))
        relevant = [sentence for sentence in sentences if _held(sentence, terms)]
        for pattern, where in (*((_RESPONSIBLE, sentence) for sentence in sentences),
                               *((acting, sentence) for sentence in sentences),
                               *((_OPENING_BODY, sentence) for sentence in relevant),
                               (_RESPONSIBLE, text.replace("\n", ""))):
            match = pattern.search(where)
            if match:
                return number, next(group for group in match.groups() if group)
    return None


def names_responsible(sentence: str) -> bool:
    """Whether a sentence says who is responsible in one of the forms above (a 责任单位 note,
    由…负责, a body opening what it 负责/主管)."""
    return bool(_RESPONSIBLE.search(sentence))


# A lead-in to a list (应当具备下列条件：, 有以下情形之一的：): the items quoted after it name who
# and on what condition themselves.
_LIST_LEAD_IN = re.compile(r"(?:下列|以下)[^。；：:]{0,12}[：:]")


def _lists(passages: Sequence[str]) -> bool:
    """Whether the quoted passages hold a list with its lead-in."""
    return any(_LIST_LEAD_IN.search(passage) for passage in passages)


def _by_document(hits: Sequence[Hit]) -> list[list[int]]:
    """The hits' positions grouped by document, documents in the order of their first hit."""
    by_document: dict[str, list[int]] = {}
    for i, hit in enumerate(hits):
        by_document.setdefault(hit.document.doc_id, []).append(i)
    return list(by_document.values())


@dataclass(frozen=True)
class Lead:
    """The lead of an answer: one line per document quoted, and the body it names first for a
    question asking which body ("" for any other question, or when no clause quoted names one;
    a follow-up's 他们 / 该部门 points at it)."""

    lines: tuple[str, ...] = ()
    body: str = ""


def read_lead(asked: Asked, question: str, terms: Sequence[str], hits: Sequence[Hit],
              passages: Sequence[Sequence[str]]) -> Lead:
    """One lead line per document quoted, in the answer's order; `passages[i]` are the
    passages quoted of `hits[i]`, which is citation i + 1. The "who" lead of a document is read
    from its first clause quoted only, and not when that clause is a list with its lead-in
    (应当具备下列条件：（一）…): the list says it, and a piece picked from another clause would
    answer beside the point. The body responsible is read for a question asking which body
    even when it asks a figure too, whose lead then says the figure; for one asking which body
    made the document, the body its promulgation note names."""
    if not (asked.figure or asked.body or asked.who):
        return Lead()
    lines: list[str] = []
    named = ""
    for indices in _by_document(hits):
        title = f"《{hits[indices[0]].document.title}》"
        found = enacting(indices, hits, passages) if asked.enactment and asked.body else None
        if found is not None:
            # "《X》是由哪个机构颁布的": the body its promulgation note names.
            named = named or found[1]
            lines.append(f"{title}写明的通过或发布机关：{_quoted([found])}。")
            continue
        found = responsible_body([(i + 1, passages[i], hits[i].clause.text) for i in indices],
                                 terms) if asked.body else None
        named = named or (found[1] if found else "")
        if asked.figure:
            lines.append(_figure_lead(asked, terms, title,
                                      [(i + 1, passages[i]) for i in indices],
                                      hits[indices[0]].document.title))
            continue
        line = f"{title}写明的负责单位：{_quoted([found])}。" if found else None
        first = indices[0]
        if line is None and asked.who and not _lists(passages[first]):
            # Only the document's first clause quoted: a piece of a clause quoted after it
            # (a penalty's 对…的, a neighbouring procedure) answers beside the point.
            line = _who_lead(terms, title, question, [(first + 1, passages[first])])
        if line:
            lines.append(line)
    return Lead(tuple(lines), named)


def enacting(indices: Sequence[int], hits: Sequence[Hit],
             passages: Sequence[Sequence[str]]) -> tuple[int, str] | None:
    """The first of a document's quoted passages naming the body that passed or published the
    document (`entry_into_force.enacting_body`), with its citation number."""
    for i in indices:
        for passage in passages[i]:
            body = enacting_body(passage)
            if body:
                return i + 1, body
    return None


def lead_lines(asked: Asked, question: str, terms: Sequence[str], hits: Sequence[Hit],
               passages: Sequence[Sequence[str]]) -> list[str]:
    """The lead's lines (`read_lead`)."""
    return list(read_lead(asked, question, terms, hits, passages).lines)


__all__ = ["Asked", "Lead", "asked_for", "lead_lines", "names_responsible", "read_lead",
           "responsible_body"]
