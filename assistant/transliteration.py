"""Chinese names the corpus uses for the pinyin names of an English question.

English writes Chinese proper names in pinyin: "Luban Workshops" for 鲁班工坊, "Jilin Sanjie"
for 吉林三姐. A general dictionary (`english`) has no entry for most such names, and places are
the gazetteer's (`corpus.gazetteer`). For a capitalised word that neither knows, this reads the
word as toneless pinyin syllables (every way it splits into two to four of them), builds the
strings of characters with those readings that the corpus holds (one character at a time, each
two-character step kept only when some clause holds it, so the search stays small), and keeps
those that are names: a word jieba's dictionary tags as a person, place, organisation or other
proper noun, or a term of the index's dictionary (the corpus's own recurring terms: a brand like
吉林三姐) that jieba does not list. Any other string the corpus holds may straddle two words
(方式取得 holds 式取, "Shiqu"), so it is no name. Readings come from pypinyin's
table of every character's pronunciations; nothing here comes from a question set or the
shipped texts: which names are found depends on that table, jieba's dictionary and what the
loaded corpus mentions.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Callable

from index.lexical import dictionary_tags

# Words jieba's dictionary tags as names: person (nr, nrfg, nrt), place (ns), organisation
# (nt), other proper noun (nz).
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "nz"})
# A capitalised word inside the question (not its first word, which is capitalised anyway).
_CAPITALISED = re.compile(r"(?<=[\s\"'(“‘])([A-Z][a-z]+(?:'[a-z]+)?)(?![A-Za-z])")
# Syllables of a name: two to four (a longer one is not read, its candidates multiply).
_SYLLABLES = (2, 4)
# Character pairs looked up to read one split of a word. Real names need far fewer on Legal-DC's
# 21,672 clauses (鲁班 15,000; 吉林三姐 32,000; 以工代训 36,000); strings of the commonest
# syllables multiply past it (yiyiyiyi 380,000, ~0.14 s), and a 1,000-character question of
# them took 14 s before this bound: such a word is too ambiguous to read as a name anyway.
_PAIR_LOOKUPS = 100_000
# Unknown capitalised words read per question: a question names a few things; a pasted text
# full of them is not read name by name.
_WORDS_READ = 6
# Syllables made of one consonant (嗯 n, 呣 m) are interjections, never part of a name's reading.
_NOT_A_NAME_SYLLABLE = frozenset({"n", "m", "ng", "hm", "hng"})


@lru_cache(maxsize=1)
def characters_by_syllable() -> dict[str, tuple[str, ...]]:
    """Every toneless pinyin syllable with the characters read so (pypinyin's table). Taking the
    marks off a reading takes ü's too: 吕 (lǚ) reads lu, as English texts mostly write it."""
    found: dict[str, list[str]] = {}
    for code, readings in _pinyin_table().items():
        character = chr(int(code))
        if not "\u4e00" <= character <= "\u9fff":
            continue
        for reading in readings.split(","):
            plain = "".join(ch for ch in unicodedata.normalize("NFD", reading)
                            if not unicodedata.combining(ch))
            if plain.isascii() and plain not in _NOT_A_NAME_SYLLABLE:
                found.setdefault(plain, []).append(character)
    return {syllable: tuple(dict.fromkeys(chars)) for syllable, chars in found.items()}


def _pinyin_table() -> dict[str, str]:
    """pypinyin's table of every character's readings (code point → "lǔ,lú"), read from its
    JSON file: importing the package would also load its 2.5 MB table of phrases, ~50 MB in
    memory that nothing here uses."""
    package = importlib.util.find_spec("pypinyin")  # finds the folder without importing it
    if package is None or not package.submodule_search_locations:
        raise ImportError("pypinyin is not installed")
    folder = Path(list(package.submodule_search_locations)[0])
    return json.loads((folder / "pinyin_dict.json").read_text(encoding="utf-8"))


def syllable_splits(word: str) -> list[tuple[str, ...]]:
    """Every way the lower-cased `word` reads as two to four pinyin syllables ("luban" →
    (lu, ban); "xian" → (xi, an)); an apostrophe marks a syllable boundary (Tai'erzhuang)."""
    syllables = characters_by_syllable()
    splits: list[tuple[str, ...]] = []

    def walk(rest: str, taken: tuple[str, ...]) -> None:
        if len(taken) > _SYLLABLES[1]:
            return
        if not rest:
            if len(taken) >= _SYLLABLES[0]:
                splits.append(taken)
            return
        if rest[0] == "'":
            if taken:
                walk(rest[1:], taken)
            return
        for end in range(min(6, len(rest)), 0, -1):
            if rest[:end] in syllables:
                walk(rest[end:], taken + (rest[:end],))

    walk(word.lower(), ())
    return splits


class NameReader:
    """Names of the loaded corpus for the pinyin words of an English question.

    `clauses_mentioning` says how many clauses hold a string (`BuiltIndex.mention_count`),
    `is_term` whether a word is in the index's term dictionary (`Tokenizer.is_term`),
    `holds_pair` whether some clause holds a two-character string (the bigram postings'
    vocabulary: thousands are asked per word, so it must not read clauses), `known_in_english`
    whether the English dictionary glosses a word (then it is an English word, not a name)."""

    def __init__(self, clauses_mentioning: Callable[[str], int],
                 holds_pair: Callable[[str], bool], is_term: Callable[[str], bool],
                 known_in_english: Callable[[str], bool], per_word: int = 1):
        self.clauses_mentioning = clauses_mentioning
        self.is_term = is_term
        self.holds_pair = holds_pair
        self.known_in_english = known_in_english
        self.per_word = per_word
        # The corpus is fixed per reader (one per index version): a word reads the same
        # every time it is asked.
        self.names_for = lru_cache(maxsize=4096)(self.names_for)

    def names(self, question: str) -> tuple[str, ...]:
        """The corpus's names for the question's capitalised words that are not English words."""
        unknown = [(match.start(), match.end(), match.group(1))
                   for match in _CAPITALISED.finditer(question)
                   if not self.known_in_english(match.group(1).lower())][:_WORDS_READ]
        found: list[str] = []
        position = 0
        while position < len(unknown):
            start, end, word = unknown[position]
            # Two such words in a row may be one name written apart ("Yigong Daixun" for
            # 以工代训): read together first, each alone if the corpus holds no such name.
            if position + 1 < len(unknown) and unknown[position + 1][0] == end + 1:
                together = self.names_for(word + unknown[position + 1][2].lower())
                if together:
                    found.extend(name for name in together if name not in found)
                    position += 2
                    continue
            found.extend(name for name in self.names_for(word) if name not in found)
            position += 1
        return tuple(found)

    def names_for(self, word: str) -> list[str]:
        """The names the corpus holds that read as `word`, the most mentioned first, at most
        `per_word`."""
        names = {name for split in syllable_splits(word) for name in self._strings(split)
                 if self._is_name(name)}
        ranked = sorted(names, key=lambda name: (-self.clauses_mentioning(name), name))
        return ranked[:self.per_word]

    def _is_name(self, word: str) -> bool:
        """A name by jieba's dictionary (tagged as one), or a term of the corpus it does not
        list."""
        tag = dictionary_tags().get(word)
        return tag in _NAME_TAGS or (tag is None and self.is_term(word))

    def _strings(self, split: tuple[str, ...]) -> list[str]:
        """The strings of characters read as `split` that some clause holds, built a character
        at a time through the two-character pieces the corpus holds."""
        table = characters_by_syllable()
        strings, lookups = [""], 0
        for syllable in split:
            lookups += len(strings) * len(table[syllable]) if strings != [""] else 0
            if lookups > _PAIR_LOOKUPS:
                return []
            strings = [text + ch for text in strings for ch in table[syllable]
                       if not text or self.holds_pair(text[-1] + ch)]
            if not strings:
                return []
        return [text for text in strings if len(text) < 3 or self.clauses_mentioning(text) > 0]


__all__ = ["NameReader", "characters_by_syllable", "syllable_splits"]
