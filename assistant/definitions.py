"""Questions that ask what a term means, and the clauses that define it.

Chinese legislative drafting writes definitions in a few fixed forms — "本法所称X，是指…",
"X，是指…", "下列用语的含义：（一）X，是指…" (《立法技术规范（试行）》 of the NPC Standing
Committee's Legislative Affairs Commission) — while people ask "什么是X", "X是什么", "X指什么",
"X的定义/含义", "哪些Y被定义为X", "X具体指哪些Y". BM25 sees neither side's form words in the
other, so a definition question finds clauses that merely use the term; recognising both forms
lets retrieval prefer the clause that defines it.
"""

from __future__ import annotations

import re


# How a question asks for a meaning: "什么是X" / "何为X", or "X是什么（意思）" / "X指什么" /
# "X的定义（是什么）".
_ASKS_BEFORE = re.compile(r"^(?:请问)?(?:什么是|何为|何谓|什么叫做?)(?P<term>[^，,；;？?。]+)"
                          r"(?:[，,；;].*)?[？?。]?$")  # "什么是文物，根据…如何定义？": 文物
# "X的定义", or in a keyword query "X定义".
_ASKS_AFTER = re.compile(
    r"^(?P<term>.+?)(?:是什么意思|是指什么|指的是什么|指什么|是什么|"
    r"的?(?:定义|含义|概念|内涵)(?:是什么)?|如何定义|怎么定义|怎样定义)[？?。]?$")
# "哪些组织被定义为X", "什么样的文件算是X": which things the term covers, asked from the things'
# side; and "X具体指哪种/哪些…", which asks what X is by its kind.
_ASKS_WHICH_ARE = re.compile(
    r"^(?:请问)?(?:哪些|哪种|哪类|哪一类|何种|什么样的?)[^，,；;？?。]{0,12}?"
    r"(?:被定义为|被称为|定义为|称为|叫做|叫作|算是|算作|被视为)(?P<term>[^，,；;？?。]+)[？?。]?$")
_ASKS_WHICH_KIND = re.compile(
    r"^(?P<term>.+?)(?:具体)?(?:是指|指的是|指)(?:哪种|哪些|哪类|哪一类|何种)[^，,；;？?。]*[？?。]?$")
# A term that holds a question word is no term: "要讲哪些安全概念" asks which, not what 概念 means.
_INTERROGATIVE = re.compile(r"哪|什么|怎|如何|多少|几|谁|吗|是否")
# "X法所称的Y", "本办法中的Y": the term is the part after the document it is quoted from.
_QUOTED_FROM = re.compile(r"所称的|所称|中的|里的|规定的")
_TRIM = "“”\"'‘’《》的 "
# A definition in a clause: the term, a short qualifier at most, then 是指/系指/指; or the term
# coordinated with another defined together ("X和Y，是指…", "X、Y，是指…"). The term stands on
# its own on the left — at the start, after punctuation or a number, after an article's number
# (第二条X是指) or after 所称/的 ("本法所称X", "本办法中的X") — so that
# 地方重点保护野生植物，是指… defines that compound, not 野生植物. A bracketed note may follow the
# term: "能源效率标识（以下简称能效标识），是指…".
_DEFINES = (r"(?:^|(?<![\u4e00-\u9fff])|(?<=所称)|(?<=的)|(?<=条))"
            r"{term}(?:[（(][^（）()。；]{{1,30}}[）)])?"
            r"(?:[^。；]{{0,8}}?|(?:和|及|以及|或者|、)[^。；，]{{1,24}}?[，,]?)"
            r"(?:是指|系指|指的是|，指|,指|：指)")


def asked_term(question: str) -> str | None:
    """The term whose meaning the question asks for, or None when it asks something else."""
    text = re.sub(r"\s+", "", question)
    for pattern in (_ASKS_BEFORE, _ASKS_AFTER, _ASKS_WHICH_ARE, _ASKS_WHICH_KIND):
        found = pattern.match(text)
        if found:
            term = _QUOTED_FROM.split(found.group("term"))[-1]
            term = re.sub(r"^《[^》]*》", "", term).strip(_TRIM)
            return term if len(term) >= 2 and not _INTERROGATIVE.search(term) else None
    return None


# The same forms with the term exactly as asked: nothing between it and 是指 but a bracketed note
# or a term defined with it, and on its left nothing that qualifies it — only the start, a
# punctuation mark, an article's number or 所称/中的. "本条例所称农业机械，是指…" defines
# 农业机械 exactly; "本条例所称危及人身财产安全的农业机械，是指…" and "《档案法》所称档案的利用，
# 是指…" define narrower things, and a law often has both.
_DEFINES_EXACTLY = (r"(?:^|(?<![\u4e00-\u9fff])|(?<=所称)|(?<=所称的)|(?<=中的)|(?<=条))"
                    r"{term}(?:[（(][^（）()。；]{{1,30}}[）)])?"
                    r"(?:(?:和|及|以及|或者|、)[^。；，]{{1,24}}?)?"
                    r"[，,：:]?(?:是指|系指|指的是|指)")
# The civil code's form, an article opening "X是…": "第九百三十七条物业服务合同是物业服务人…的合同".
_OPENS_WITH = r"^第[一二三四五六七八九十百千零〇\d]+条{term}是(?!指)"
# A short form introduced on the spot, with or without quotation marks: "能源效率标识（以下简称能效
# 标识），是指…", "必须经过认证（以下简称强制性产品认证）".
_INTRODUCES = r"[（(](?:以下|下文)?(?:简称|统称|称)[：:]?[“\"「]?{term}[”\"」]?[）)]"


def definition_strength(text: str, term: str, title: str = "") -> int:
    """How closely `text` defines `term`: 2 for a definition of the term exactly as asked (one
    of the drafting forms with nothing qualifying it, or a short form the text introduces:
    "城乡未继续升学初高中毕业生（以下统称“两后生”）" defines 两后生), 1 for a definition of
    something the term is part of ("危及人身财产安全的农业机械，是指…", "档案的利用，是指…"), 0 for
    none. Retrieval lifts the closest definitions a question's candidates hold.

    `title`, the title of the text's document: a document defines its terms without the
    qualifier its own title carries (检验检测机构能力验证管理办法: "本办法所称能力验证，是指…";
    机动车排放召回管理规定: "本规定所称排放召回，是指…"), so an exact definition of the term's
    end, when the rest of the term is in the title, counts 1."""
    text = re.sub(r"\s+", "", text)
    grade = _strength(text, term)
    if grade or not title:
        return grade
    for cut in range(1, len(term) - 1):
        if term[:cut] in title and _strength(text, term[cut:]) == 2:
            return 1
    return 0


def _strength(text: str, term: str) -> int:
    """`definition_strength` of whitespace-free text, the title aside."""
    escaped = re.escape(term)
    if re.search(_INTRODUCES.format(term=escaped), text) or \
            re.search(_DEFINES_EXACTLY.format(term=escaped), text) or \
            re.search(_OPENS_WITH.format(term=escaped), text):
        return 2
    return 1 if re.search(_DEFINES.format(term=escaped), text) else 0


def defines(text: str, term: str) -> bool:
    """Whether `text` contains a definition of `term` in one of the drafting forms: "X，是指…",
    or a short form it introduces (`definition_strength` above 0)."""
    return definition_strength(text, term) > 0


__all__ = ["asked_term", "defines", "definition_strength"]
