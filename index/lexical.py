"""The lexical half of the hybrid index: jieba tokens (search mode) scored with BM25 (bm25s).

jieba alone splits policy terms such as 以工代训 or 两后生 into pieces, so a tokenizer instance
(never jieba's global one) is given a user dictionary: the maintained `policy_terms.txt` plus
terms found in the corpus itself — quoted “…” terms and character n-grams that recur across
clauses of several documents. Stop-words and punctuation are dropped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import bm25s
import jieba
import numpy as np

from corpus.errors import IndexStateError
import stopwordsiso

jieba.setLogLevel(logging.WARNING)

_HERE = Path(__file__).parent
_QUOTED = re.compile(r"[“\"「『]([\u4e00-\u9fffA-Za-z0-9+]{2,10})[”\"」』]")
_WORD = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]+|\d+(?:\.\d+)?")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{3,}")
# Segments up to this length are memoised by `Tokenizer.tokenize`, at most this many at once.
_CACHED_SEGMENT_CHARS = 40
_SEGMENT_CACHE_SIZE = 50_000
EMPTY_TOKEN = "∅"  # what a row without tokens is indexed as (bm25s needs one token per row)
# N-grams that start or end with these are fragments of a phrase, not terms.
_WEAK_EDGES = set("的和与及或等对在是为以按由将把被从向其之中有也都要可能会并且了占各上下")


def _read_list(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


MAINTAINED_TERMS = tuple(_read_list(_HERE / "policy_terms.txt"))
# Chinese stop words of stopwords-iso (the `stopwordsiso` package, MIT licence): a published,
# maintained list, not words picked from questions. Dev set hit@5 is the same as with the
# earlier hand-made list (0.959), the independent questions' too (0.883).
STOPWORDS = frozenset(stopwordsiso.stopwords("zh"))


# Bump when `Tokenizer` changes how it cuts text in a way its inputs below do not show: 2 when
# derived terms stopped starting with a number's unit (年培训 from 2019年培训, `corpus_terms`).
TOKENIZATION_RULES = 2


def _tokenizer_id() -> str:
    """A fingerprint of everything that decides a clause's tokens: the stop words, the
    maintained terms, jieba's version and these rules. An index records it, and one built with
    another tokenizer is rebuilt (its BM25 vocabulary would no longer meet the query tokens)."""
    digest = hashlib.sha256()
    for part in (str(TOKENIZATION_RULES), getattr(jieba, "__version__", ""), _WORD.pattern,
                 "\n".join(sorted(STOPWORDS)), "\n".join(MAINTAINED_TERMS)):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()[:16]


TOKENIZER_ID = _tokenizer_id()


# At most this many derived terms: they are words of jieba's dictionary in every process that
# cuts questions (≈ 295 B each), and they grow with the corpus (1.4 per clause on Legal-DC and
# on LawRefBook alike), so without a bound a corpus of 10⁸ clauses would need ~40 GB for them.
# Above every corpus measured (LawRefBook: 219,760), so no retrieval figure here depends on it.
MAX_DERIVED_TERMS = 250_000


@lru_cache(maxsize=1)
def dictionary_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of every word of its own dictionary (not the corpus's terms
    added at run time): jieba's global table, loaded once and shared, never copied (a frozenset
    of its words alone cost another 16 MB per worker)."""
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


def corpus_terms(texts: Sequence[str], *, min_clauses: int = 4, sizes=(3, 4, 5, 6),
                 max_terms: int = MAX_DERIVED_TERMS) -> list[str]:
    """Terms derived from the corpus: quoted terms and recurring multi-word Chinese n-grams;
    beyond `max_terms`, every quoted term and then the n-grams in the most clauses.

    An n-gram counts only where it starts and ends on jieba word boundaries and spans at least
    two words ("生活费" + "补贴"), so fragments such as "业人员" never become terms.
    """
    terms = {match for text in texts for match in _QUOTED.findall(text)}
    plain = jieba.Tokenizer()
    wanted, longest = frozenset(sizes), max(sizes)
    counts: Counter[str] = Counter()
    for text in texts:
        seen: set[str] = set()
        for found in _CJK_RUN.finditer(text):
            run = found.group(0)
            bounds = [0]
            for word in plain.cut(run):
                bounds.append(bounds[-1] + len(word))
            # A run right after a digit opens with the number's unit (2019年培训, 60万人次以上):
            # an n-gram starting there (年培训) is a fragment, not a term.
            if found.start() and text[found.start() - 1].isdigit():
                bounds = bounds[1:]
            # Pairs of word boundaries with at least one boundary between them (two words or more).
            for first, start in enumerate(bounds):
                for end in bounds[first + 2:]:
                    if end - start > longest:
                        break
                    if end - start in wanted:
                        seen.add(run[start:end])
        counts.update(seen)
    grams = [(count, gram) for gram, count in counts.items()
             if count >= min_clauses and gram[0] not in _WEAK_EDGES and gram[-1] not in _WEAK_EDGES
             and gram not in terms]
    room = max(0, max_terms - len(terms))
    if len(grams) > room:  # the most widespread first; ties in a fixed order
        grams = sorted(grams, key=lambda item: (-item[0], item[1]))[:room]
    terms.update(gram for _, gram in grams)
    return sorted(terms)


class Tokenizer:
    """jieba search-mode tokenizer with the policy-term dictionary and stop-words."""

    def __init__(self, terms: Iterable[str] = ()):
        self.terms = sorted(set(MAINTAINED_TERMS) | set(terms))
        self._term_set = frozenset(self.terms)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self._segment_cache: dict[str, tuple[str, ...]] = {}
        for term in self.terms:
            self._jieba.add_word(term, freq=2000)

    def is_term(self, word: str) -> bool:
        """Whether `word` is in the term dictionary (maintained terms and the corpus's own)."""
        return word in self._term_set

    def parts(self, word: str) -> list[str]:
        """A compound term split into the known terms it starts or ends with.

        以工代训补贴 → [以工代训, 补贴]: search mode only yields 2- and 3-character pieces, so
        without this a question's "以工代训补贴" never meets a clause that says 以工代训 and
        补贴 apart. Returns [] when the word is not such a compound.
        """
        if len(word) < 5:
            return []
        for size in range(len(word) - 2, 2, -1):
            head, tail = word[:size], word[size:]
            if head in self._term_set and len(tail) >= 2:
                return [head, tail]
            head, tail = word[:-size], word[-size:]
            if tail in self._term_set and len(head) >= 2:
                return [head, tail]
        return []

    def cut(self, text: str) -> list[str]:
        """Precise-mode words (no stop-word filtering), for finding a question's key terms."""
        return list(self._jieba.cut(text))

    def guessed(self, word: str) -> bool:
        """A word of Chinese characters in neither jieba's dictionary nor the policy terms:
        jieba's HMM joined characters it could not place otherwise."""
        return len(word) > 1 and not self._jieba.FREQ.get(word) and bool(_HAN.search(word))

    def dictionary_cut(self, text: str) -> list[str]:
        """The dictionary's words only, no HMM guesses (首席技师 → 首席, 技师; 人建 → 人, 建)."""
        return list(self._jieba.cut(text, HMM=False))

    def tokenize(self, text: str) -> list[str]:
        # jieba cuts whitespace-separated segments independently, so tokenizing segment by
        # segment gives the same tokens; short segments (a document's title, a heading path,
        # repeated in front of every clause by `lexical_text`) are cut once and remembered.
        tokens: list[str] = []
        for segment in text.lower().split():
            if len(segment) > _CACHED_SEGMENT_CHARS:
                tokens.extend(self._segment_tokens(segment))
                continue
            cached = self._segment_cache.get(segment)
            if cached is None:
                if len(self._segment_cache) >= _SEGMENT_CACHE_SIZE:
                    self._segment_cache.clear()
                cached = self._segment_cache[segment] = tuple(self._segment_tokens(segment))
            tokens.extend(cached)
        return tokens

    def _segment_tokens(self, segment: str) -> list[str]:
        tokens = []
        for token in self._jieba.cut_for_search(segment):
            token = token.strip()
            if not token or token in STOPWORDS or not _WORD.search(token):
                continue
            tokens.append(token)
            tokens.extend(part for part in self.parts(token) if len(part) >= 4)
        return tokens


class LexicalIndex:
    """BM25 over tokenized clause texts; scores every row for a query."""

    def __init__(self, tokenizer: Tokenizer, retriever: bm25s.BM25, size: int):
        self.tokenizer = tokenizer
        self._retriever = retriever
        self.size = size

    @classmethod
    def build(cls, texts: Sequence[str], *, extra_terms: Iterable[str] = ()) -> LexicalIndex:
        tokenizer = Tokenizer(extra_terms)
        corpus_tokens = [tokenizer.tokenize(text) or [EMPTY_TOKEN] for text in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(corpus_tokens, show_progress=False)
        return cls(tokenizer, retriever, len(texts))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every row (0 where no query token occurs)."""
        if not self._retriever.vocab_dict:
            raise IndexStateError("this index was loaded for a shared clause store, without "
                                  "its word vocabulary: the store scores words, not this process")
        tokens = [t for t in self.tokenizer.tokenize(query) if t in self._retriever.vocab_dict]
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(tokens), dtype=np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(folder / "bm25"))
        (folder / "terms.json").write_text(
            json.dumps({"terms": self.tokenizer.terms, "size": self.size}, ensure_ascii=False),
            encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        meta = json.loads((folder / "terms.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(folder / "bm25"))
        return cls(Tokenizer(meta["terms"]), retriever, meta["size"])
