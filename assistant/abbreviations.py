"""Short forms the documents define themselves, used as synonyms of their full forms.

Policy texts name a group or body in full once and then by a short form they define on the
spot: 城乡未继续升学的初高中毕业生（以下简称“两后生”）, 建档立卡贫困劳动力（以下简称贫困劳动力）,
《中华人民共和国外商投资法》（以下简称外商投资法）. A question may use either form, and another
document of the corpus may use only the other one (台儿庄's plan says 城乡未继续升学的初高中毕业生
where 三门峡's says 两后生). `Abbreviations` reads every such definition of the loaded corpus once
per index version; a question naming one form gets the other in its lexical query.

A short form that is an everyday word (企业, 考试, 目录: words of jieba's own dictionary) is not
expanded to the full form one law gave it: across hundreds of documents it means many things.
Nothing here comes from a question set: the pairs are what the loaded documents define.

Memory: tagging the full forms needs jieba's own word dictionary (~65 MB of Python objects),
which nothing else in a server uses (its tokenizer has a dictionary of its own, with the corpus's
terms added). `Abbreviations` loads it into a tagger of its own and drops it once the corpus is
read, instead of leaving it in jieba's global tokenizer for the life of every worker
(bench/bench_memory.py). The part-of-speech table is jieba's global one, which answering uses
anyway (`assistant.answer`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from index.lexical import dictionary_tags

# （以下简称“两后生”）, （以下称两后生）, （以下统称“两后生”）, （简称《管理条例》）, (下称…)
_DEFINITION = re.compile(r"[（(]\s*(?:以下|下文)?(?:简称|统称|称)\s*[：:]?\s*[“\"「]"
                         r"(?P<short>[^“”\"《》「」（）()，,。；;、\s]{2,16})[”\"」]\s*[）)]")
# What ends the full form on its left: punctuation, a line break, an opening bracket.
_LEFT_BOUNDARY = re.compile(r"[，,。；;：:、\n“”「」（(）)]")
_ARTICLE_HEADING = re.compile(r"^\s*第[一二三四五六七八九十百千零〇\d]+条\s*")
_TITLE_BEFORE = re.compile(r"《([^《》]{2,60})》\s*$")
# Parts of speech (jieba's ICTCLAS tags) that open a phrase without belonging to the name:
# prepositions, conjunctions, auxiliaries, adverbs, pronouns (对…, 和…, 的…).
_LEADING_TAGS = ("p", "c", "u", "d", "r")
_LONGEST_FULL_FORM = 40


def short_forms(text: str) -> list[str]:
    """The short forms a text defines (城乡未继续升学的初高中毕业生（以下简称“两后生”） → 两后生)."""
    return [match.group("short") for match in _DEFINITION.finditer(text)]


def full_form(before: str, tagger=None) -> str:
    """The full form a definition names, from the text just before it: a title in book-title
    marks whole; otherwise the phrase back to the last punctuation, from after its last verb
    (城乡未继续升学的初高中毕业生 → 升学的初高中毕业生 by jieba's tags), leading prepositions and
    the like dropped. Only a synonym for BM25 is made of it, so a word too many costs little.
    `tagger`: a jieba POSTokenizer (`_own_tagger`); jieba's global one by default."""
    if _TITLE_BEFORE.search(before):
        return ""
    phrase = _LEFT_BOUNDARY.split(before)[-1]
    phrase = _ARTICLE_HEADING.sub("", phrase).strip()
    if not phrase:
        return ""
    words = _tagged(phrase, tagger)
    # After the last verb (v, not the verbal nouns vn of 考试服务方) that leaves a name of two
    # characters or more: "…可以提供培训的机构" → 机构, not the clause around it.
    for i in range(len(words) - 1, -1, -1):
        if words[i][1] == "v" and len("".join(w for w, _ in words[i + 1:])) >= 2:
            words = words[i + 1:]
            break
    while words and words[0][1].startswith(_LEADING_TAGS):
        words = words[1:]
    name = "".join(word for word, _ in words)
    return name if len(name) <= _LONGEST_FULL_FORM else ""


def _tagged(phrase: str, tagger=None) -> list[tuple[str, str]]:
    import jieba.posseg

    pairs = jieba.posseg.lcut(phrase) if tagger is None else tagger.lcut(phrase)
    return [(pair.word, pair.flag) for pair in pairs]


def _own_tagger():
    """A jieba POSTokenizer over a word dictionary of its own, the same as jieba's global one
    (the default dictionary, no words added), sharing jieba's global part-of-speech table:
    it cuts and tags as `jieba.posseg.lcut` does, and its dictionary is freed with it."""
    import jieba
    import jieba.posseg

    class OwnTagger(jieba.posseg.POSTokenizer):
        def __init__(self) -> None:  # not the base's: it would read the tag table again
            self.tokenizer = jieba.Tokenizer()
            self.word_tag_tab = dictionary_tags()

    return OwnTagger()


def definitions(text: str, tagger=None) -> list[tuple[str, str]]:
    """(short form, full form) for every definition of a short form in `text` (`tagger`: as
    for `full_form`)."""
    if "称" not in text:  # most clauses: no regular expression run at all
        return []
    pairs = []
    for match in _DEFINITION.finditer(text):
        short = match.group("short")
        full = full_form(text[:match.start()], tagger)
        if len(full) > len(short) and full != short:
            pairs.append((short, full))
    return pairs


class Abbreviations:
    """The short forms the loaded corpus defines and their full forms, both ways."""

    def __init__(self, texts: Iterable[str], per_form: int = 3):
        self.per_form = per_form
        self.full_forms: dict[str, list[str]] = {}
        self.short_forms: dict[str, list[str]] = {}
        tagger = None  # made for the first definition: most clauses define none
        for text in texts:
            if tagger is None and "称" in text and _DEFINITION.search(text):
                tagger = _own_tagger()
            for short, full in definitions(text, tagger):
                fulls = self.full_forms.setdefault(short, [])
                if full not in fulls:
                    fulls.append(full)
                shorts = self.short_forms.setdefault(full, [])
                if short not in shorts:
                    shorts.append(short)
        # The words of jieba's own dictionary, as the keys of its part-of-speech table.
        everyday = dictionary_tags()
        # An everyday word as a short form (企业, 考试) is not read as one law's full form.
        self.expandable = {short for short in self.full_forms if short not in everyday}

    def expansions(self, question: str, used: Callable[[str], bool]) -> tuple[str, ...]:
        """The other form of every defined form the question contains whose searched documents
        never use that form (`used`: whether they hold a string): 两后生 asked of a plan that
        only says 城乡未继续升学的初高中毕业生. Where the documents use the question's own form,
        BM25 finds it as it is, and the other form would only weigh the question's words
        twice. Longest forms first (建档立卡贫困劳动力 before 贫困劳动力)."""
        found: list[str] = []
        for form, others in [*self._present(question, self.short_forms),
                             *self._present(question, self.full_forms, self.expandable)]:
            if used(form):
                continue
            found.extend(other for other in others[:self.per_form]
                         if other not in question and other not in found)
        return tuple(found)

    @staticmethod
    def _present(question: str, forms: dict[str, list[str]],
                 allowed: set[str] | None = None) -> list[tuple[str, list[str]]]:
        return [(form, forms[form]) for form in sorted(forms, key=len, reverse=True)
                if form in question and (allowed is None or form in allowed)]

    def __len__(self) -> int:
        return sum(len(fulls) for fulls in self.full_forms.values())


__all__ = ["Abbreviations", "definitions", "full_form"]
