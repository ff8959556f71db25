"""Composing extractive answers: key terms, their coverage, and the sentences quoted.

An answer quotes, verbatim, the sentences of the top clauses that best match the question, each
followed by its citation marker `[n]`. Whether the clauses answer the question at all is
`assistant.decision`'s business; it reads the key terms and their coverage defined here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Sequence

from assistant.definitions import defines
from assistant.entry_into_force import states_enactment, states_entry_into_force
from assistant.figures import BOUND, FREQUENCY, PERIOD, states_in_unit
from assistant.lead import read_lead
from assistant.penalties import states_penalty
from assistant.purpose import states_purpose
from assistant.records import Asked, Hit
from assistant.quantities import QUANTITY
from corpus.numbering import is_list_item, match_heading
from index.lexical import STOPWORDS, Tokenizer, dictionary_tags
from index.store import lexical_text

# Function words by jieba's own dictionary (ICTCLAS tags), not by list: pronouns, among them the
# interrogatives 怎样/哪些 and 我们 (r), modal particles (y), auxiliaries (u), interjections (e),
# onomatopoeia (o), conjunctions (c) and prepositions (p). Adverbs and numerals stay content
# words (一次性, 首次), except the interrogative quantities of Chinese grammar: 几… and 多 + a
# one-syllable adjective (多少, 多久, 多长, 多大).
_FUNCTION_TAGS = frozenset("ryueocp")
# A demonstrative glued to a classifier or a noun of reference, which jieba's dictionary tags as
# a numeral-classifier compound (mq: 这方面, 这件, 这部分): it points at something, as the
# pronouns do, and names nothing itself.
_NUMERAL_CLASSIFIER = "mq"
_DEMONSTRATIVES = "这那"
_ASKED_QUANTITY = re.compile(r"几|多[少久长大高远重]")  # .match: a word; .search: a question
# The question forms of Chinese grammar, whatever verb they carry: A-not-A questions (有没有,
# 能不能, 行不行), X否 (是否, 可否), and the superlative 最 + a one-syllable adjective that asks for
# a bound (最多, 最长, 最高).
_QUESTION_FORM = re.compile(r"^(.)[不没]\1|^.否$|^最.$")
# The same A-not-A form inside running text, read as its verb before jieba cuts it: jieba cuts
# 能不能申请 into 能 / 不能 / 申请 and 享不享受 into 享不 / 享受, leaving a negation (不能, 不会) as
# a key term that no clause answering the question needs to hold.
A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
# …and its short form, 没有 closing a sentence (有教电商的没有？ "is there or not").
_NOT_TAIL = re.compile(r"没有(?=\s*(?:[？?！!。]|$))")
# A modal verb (能愿动词) glued by jieba to a one-syllable verb it does not know as a word
# (能领, 可拿): the modal asks, the verb alone carries too little to be a term.
_MODAL_PHRASE = re.compile(r"^[能可会要想该][\u4e00-\u9fff]$")
_SENTENCE = re.compile(r"[^。；！？\n]+[。；！？]?|（责任[^）]*）|\([^)]*负责\)")
_RESPONSIBILITY_PART = re.compile(r"[（(](?:责任单位|责任部门|责任分工)?[^（()）]*(?:负责|单位|部门|局|委)[^（()）]*[）)]$")


def key_terms(question: str, tokenizer: Tokenizer, *, extra: str = "",
              region_words: tuple[str, ...] = (),
              mentioned: Callable[[str], bool] = lambda word: True) -> list[str]:
    """The content words of a question: jieba precise-mode words minus question words.

    A word jieba's HMM guessed (`Tokenizer.guessed`) that no clause uses either is mostly a
    wrong join of a colloquial question's characters (的人建学习记录 → 人建, 厂想): it is
    replaced by the dictionary words inside it, so that a key term nobody wrote does not count
    against every clause. `mentioned(word)`: whether some clause holds the word."""
    text = question
    for word in sorted(region_words, key=len, reverse=True):
        text = text.replace(word, " ")
    text = _NOT_TAIL.sub("", A_NOT_A.sub(r"\1", text))
    words = []
    for source in (text, extra):
        cut = []
        for word in tokenizer.cut(source):
            if tokenizer.guessed(word) and not mentioned(word):
                cut.extend(tokenizer.dictionary_cut(word))
            else:
                cut.append(word)
        for word in cut:
            word = word.strip().lower()
            if (len(word) < 2 and not word.isdigit()) or _is_function_word(word) \
                    or not re.search(r"[\u4e00-\u9fff\d]", word):
                continue
            for part in tokenizer.parts(word) or [word]:
                if part not in words and not _is_function_word(part):
                    words.append(part)
    return words


def unused_terms(terms: Sequence[str], used: Callable[[str], bool]) -> list[str]:
    """The key terms the documents searched never use (`used(term)` False), the words naming
    things first: nouns by jieba's tags, and words its dictionary lacks (军装, 公租房 before 离开,
    快要). Quantities (三年, 2021) are left out: a text may write them another way."""
    unused = [term for term in terms if not QUANTITY.match(term) and not used(term)]
    tags = dictionary_tags()
    naming = [term for term in unused if tags.get(term) is None or tags[term][0] in "nj"]
    return naming + [term for term in unused if term not in naming]


def _is_function_word(word: str) -> bool:
    """A word that shapes a question but names nothing: a stop word of the published list
    (`index.lexical.STOPWORDS`), a function word by jieba's tags, or a question form."""
    tag = dictionary_tags().get(word)
    return (word in STOPWORDS or tag in _FUNCTION_TAGS or bool(_ASKED_QUANTITY.match(word))
            or (tag == _NUMERAL_CLASSIFIER and word[0] in _DEMONSTRATIVES)
            or bool(_QUESTION_FORM.match(word))
            or (tag is None and bool(_MODAL_PHRASE.match(word))))


def _term_credits(terms: list[str], hit: Hit) -> list[float]:
    """Per key term, 1 when the clause, its heading path, title or region names hold it, 0.5
    for a compound found split (生活费补贴 vs 生活费…补贴), else 0."""
    haystack = lexical_text(hit.document, hit.clause).lower()
    return [1.0 if term in haystack else
            0.5 if len(term) >= 3 and term[:2] in haystack and term[-2:] in haystack else 0.0
            for term in terms]


def coverage(terms: list[str], hit: Hit) -> float:
    """Share of key terms found in the clause, its heading path, title or region names."""
    if not terms:
        return 0.0
    return sum(_term_credits(terms, hit)) / len(terms)


def terms_found(terms: list[str], hit: Hit) -> frozenset[str]:
    """The key terms the clause holds, whole or split (those `coverage` gives credit)."""
    return frozenset(term for term, credit in zip(terms, _term_credits(terms, hit)) if credit)


def split_sentences(text: str) -> list[str]:
    """Sentences of a clause, keeping their punctuation; responsibility notes separate."""
    parts = []
    for line in text.split("\n"):
        body, note = line, ""
        found = _RESPONSIBILITY_PART.search(line)
        if found and found.start() > 0:
            body, note = line[:found.start()], found.group(0)
        parts.extend(s.strip() for s in re.findall(r"[^。；！？]+[。；！？]?", body) if s.strip())
        if note:
            parts.append(note)
    return parts


# Items quoted after a lead-in at most: a statute's list is rarely longer (个人所得税法第四条 has
# ten); longer lists are cut rather than quoting a whole schedule.
MAX_LIST_ITEMS = 12


# A sentence opening with a clause's number (（三）, 1., 二、).
_NUMBERED = re.compile(r"^[（(]?[一二三四五六七八九十\d]+[、.．）)]")


def states_asked(asked: Asked, sentence: str) -> bool:
    """Whether a sentence states what the question's form asks for, so that quoting it
    answers the question whatever words it shares with it: the sanction (受到什么处罚), the
    entry into force (何时施行), who made it and when (由哪个机构颁布), the purpose (立法目的),
    the definition of the term asked (什么是X) — the kinds retrieval prefers whole clauses for (`retriever.wanted_clause`) — or,
    for "how long", a bounded period (不超过五年, 三年内). Any other figure is only a sign: a
    clause that defers the amount asked (按规定给予) may state another (先行拨付50%)."""
    return bool((asked.penalty and states_penalty(sentence))
                or (asked.frequency and FREQUENCY.search(sentence))
                or (asked.period and PERIOD.search(sentence) and BOUND.search(sentence))
                or (asked.entry_into_force and states_entry_into_force(sentence))
                or (asked.enactment and states_enactment(sentence))
                or (asked.purpose and states_purpose(sentence))
                or (asked.defined and defines(sentence, asked.defined)))


# How a clause reached an answer when the question asked for the clause itself, not for what
# it says on a subject: by its number, or as the one before or after the clause in focus.
QUOTED_WHOLE = frozenset({"section_reference", "followup_neighbour"})


def best_sentences(terms: list[str], hit: Hit, asked: Asked = Asked(), *,
                   limit: int = 2) -> list[str]:
    """The sentences of a clause that best answer the question (its key terms and what it
    asks for), in reading order."""
    if hit.clause.kind == "table_row" or hit.via in QUOTED_WHOLE:
        # a row, or a clause asked for by number or by its place (下一条): quote it whole
        return [hit.clause.text]
    sentences = split_sentences(hit.clause.text)
    if not sentences:
        return [hit.clause.text]
    wants_figure, wants_owner = asked.figure, asked.body

    def answers(sentence: str) -> bool:
        # What the form asks for, or a figure on the subject in the unit asked (3年培训4.75万
        # 人次 for 三年培训多少人次, in a clause whose first sentences hold more of its words).
        return states_asked(asked, sentence) or (
            asked.amount and states_in_unit(asked.unit, sentence)
            and any(term in sentence for term in terms))

    def score(index_sentence: tuple[int, str]) -> float:
        index, sentence = index_sentence
        value = sum(len(term) for term in terms if term in sentence)
        if wants_figure and re.search(r"\d", sentence):
            value += 2
        if answers(sentence):
            value += 6
        if wants_owner and _RESPONSIBILITY_PART.search(sentence):
            value += 6
        if index == 0 and _NUMBERED.match(sentence):
            value -= 1  # the heading sentence alone rarely answers anything
        return value

    scores = [score(entry) for entry in enumerate(sentences)]  # each sentence scored once
    ranked = sorted(enumerate(sentences), key=lambda entry: scores[entry[0]], reverse=True)
    best = scores[ranked[0][0]]
    if best <= 0:
        chosen = [0]
    else:
        chosen = [i for i, _ in ranked[:limit] if scores[i] >= max(1.0, best * 0.6)]
    if wants_owner:  # "who is responsible" is answered by the responsibility note itself
        chosen += [i for i, s in enumerate(sentences)
                   if _RESPONSIBILITY_PART.search(s) and i not in chosen][:1]
    if not any(answers(sentences[i]) for i in chosen):
        # The sentence stating what was asked, when the question's words are in another: the
        # sanction in a list article's lead-in ("有下列行为之一的，……处……罚款：") while the
        # conduct is in an item; the period in a sentence of its own after the duty
        # ("……报告个人财产及日常活动。报告期限不超过五年。").
        chosen += [i for i, s in ranked if answers(s)][:1]
    picked = set(chosen)  # chosen for what they say, not added to complete another
    if asked.penalty:
        chosen += [j for j in _graded_sanctions(sentences, chosen) if j not in chosen]
    for i in list(chosen):
        # An item says nothing without its lead-in: "（一）限制他人人身自由、搜查他人身体" is what
        # 保安员不得有下列行为： forbids. Only the lead-in is added, not the other items, unless
        # the question asks which ones (below).
        lead_in = _lead_in_of(sentences, i)
        if lead_in is not None and lead_in not in chosen:
            chosen.append(lead_in)
    for i in list(chosen):
        # …and a lead-in ("下列各项个人所得，免征个人所得税：") says nothing without its items. A
        # question asking which ones (书面举报应当包括哪些内容？) is answered by the whole list, so
        # there the lead-in of an item that matched brings the other items too.
        if _is_lead_in(sentences[i]) and (i in picked or asked.listing):
            following = range(i + 1, min(len(sentences), i + 1 + MAX_LIST_ITEMS))
            # A lead-in closing its line introduces the lines after it, numbered or not
            # ("中药保护品种的保护期限：\n中药一级保护品种分别为三十年、二十年、十年。\n…").
            unnumbered = _ends_line(hit.clause.text, sentences[i]) and \
                i + 1 < len(sentences) and not is_list_item(sentences[i + 1])
            for j in following:
                if not (unnumbered or is_list_item(sentences[j])):
                    break
                if j not in chosen:
                    chosen.append(j)
    return [sentences[i] for i in sorted(chosen)]


def _graded_sanctions(sentences: list[str], chosen: list[int]) -> list[int]:
    """The sentences that carry on a chosen sanction within its provision: a penalty article
    grades its sanctions in parts joined by ；("……责令改正，给予通报批评；拒不改正的，处五千元以上
    五万元以下罚款。"), and the part quoted alone leaves out the fine. Each part after a chosen one
    ending in ；is added while it sets a sanction too, up to the end of the sentence (。)."""
    added = []
    for i in chosen:
        j = i
        while sentences[j].rstrip().endswith(("；", ";")) and j + 1 < len(sentences) and \
                not is_list_item(sentences[j + 1]) and states_penalty(sentences[j + 1]):
            j += 1
            added.append(j)
    return added


def _ends_line(text: str, sentence: str) -> bool:
    """`sentence` closes a line of `text` that another line follows."""
    return f"{sentence.rstrip()}\n" in text


def _is_lead_in(sentence: str) -> bool:
    """A sentence ending in a colon, which introduces the list items after it."""
    return sentence.rstrip().endswith(("：", ":"))


def _lead_in_of(sentences: list[str], index: int) -> int | None:
    """The sentence ending in a colon that introduces the list item at `index`, when every
    sentence between them is an item too; None for a sentence that is no list item."""
    # The nearest colon first: most clauses have none, and then no numbering is read at all.
    lead_in = next((j for j in range(index - 1, max(-1, index - 1 - MAX_LIST_ITEMS), -1)
                    if _is_lead_in(sentences[j])), None)
    if lead_in is None or \
            not all(is_list_item(sentences[j]) for j in range(lead_in + 1, index + 1)):
        return None
    return lead_in


# A clause's opening sentence that is only its numbered heading ("（三）加大资金投入力度。").
_HEADING_SENTENCE = re.compile(_NUMBERED.pattern + r"[^，,；;]{0,20}[。]?$")


def unquoted_sentences(terms: list[str], hit: Hit, asked: Asked = Asked()) -> list[str]:
    """The sentences of a clause that an answer to a question with these key `terms` (and
    `asked`) did not quote (`best_sentences`), its bare numbered heading aside: what "还有别的吗？"
    asks for first when the clause says more than was quoted. None of a table row (quoted
    whole)."""
    if hit.clause.kind == "table_row":
        return []
    quoted = set(best_sentences(terms, hit, asked))
    return [sentence for sentence in split_sentences(hit.clause.text)
            if sentence not in quoted and not _HEADING_SENTENCE.match(sentence)]


def rest_of_clause_text(hit: Hit, sentences: list[str]) -> str:
    """The answer to "还有别的吗？" that quotes the rest of the clause just cited."""
    passages = quoted_passages(sentences, hit.clause.text)
    return f"{cite(hit)}还写明：" + "……".join(f"“{passage}”" for passage in passages) + "[1]"


def cite(hit: Hit) -> str:
    return f"《{hit.document.title}》{hit.clause.section}"


def quoted_passages(sentences: list[str], text: str) -> list[str]:
    """Chosen sentences grouped into passages that each occur verbatim in the clause.

    Sentences next to each other in the clause form one passage; sentences apart stay apart
    (joined they would quote words the clause never puts side by side).
    """
    flat = text.replace("\n", "")
    passages: list[str] = []
    for sentence in sentences:
        if passages and passages[-1] + sentence in flat:
            passages[-1] += sentence
        else:
            passages.append(sentence)
    return passages


@lru_cache(maxsize=8192)
def _own_number(text: str, section: str) -> str:
    """The clause's own number as printed at its start ("第九十条　", "1."), or "" when it
    does not open with it; read once per clause (numbering is the costly part of composing)."""
    first = text.split("\n", 1)[0].strip()
    heading = match_heading(first)
    if heading is None or not heading.rest.strip() or not section.endswith(heading.label):
        return ""
    return first[:len(first) - len(heading.rest)]


def _without_own_number(passages: list[str], hit: Hit) -> list[str]:
    """The passages with the clause's own number taken off the first: the citation before the
    quote already says 第九十条 or 二、（一）1., and "“第九十条辞退公务员…”" repeats it glued to
    the text. What is left still occurs verbatim in the clause; an item's number inside an
    article (（一）…) is not the article's and stays."""
    number = _own_number(hit.clause.text, hit.clause.section) if passages else ""
    if not number or not passages[0].startswith(number) or \
            not passages[0][len(number):].strip():
        return passages
    return [passages[0][len(number):].strip(), *passages[1:]]


def composed(question: str, terms: list[str], hits: list[Hit],
             asked: Asked = Asked()) -> tuple[str, str]:
    """The answer's text — the lead (`assistant.lead`: the figure, period or body asked for)
    and then, per hit, its citation and the passages quoted, each marked with its number — and
    the body its lead names ("" when none: `lead.Lead.body`)."""
    quoted = [passages_quoted(terms, hit, asked) for hit in hits]
    lead = read_lead(asked, question, terms, hits, quoted)
    lines = list(lead.lines)
    for number, (hit, passages) in enumerate(zip(hits, quoted), start=1):
        lines.append(quoted_line(hit, passages, number))
    return "\n".join(lines), lead.body


def passages_quoted(terms: list[str], hit: Hit, asked: Asked = Asked()) -> list[str]:
    """The passages of a hit's clause an answer quotes: its best sentences, joined where they
    are adjacent, without the clause's own number."""
    return _without_own_number(quoted_passages(best_sentences(terms, hit, asked),
                                               hit.clause.text), hit)


def quoted_line(hit: Hit, passages: Sequence[str], number: int) -> str:
    """A hit's citation, its passages quoted, marked with its number in the answer."""
    joined = "……".join(f"“{passage}”" for passage in passages)
    return f"{cite(hit)}：{joined}[{number}]"


def answered_text(question: str, terms: list[str], hits: list[Hit],
                  asked: Asked = Asked()) -> str:
    """The answer's text (`composed`)."""
    return composed(question, terms, hits, asked)[0]
