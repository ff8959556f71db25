"""The lexical side of a full build, run beside the encoder instead of after it.

A full build derives the term dictionary from the corpus, tokenizes every clause with it (jieba)
and builds the two character-bigram indexes: single-threaded Python, ~65 s at 20,000 clauses,
which used to start only once the encoder had finished. `FreshLexical` starts that work in a
separate interpreter before encoding, so the two share the cores instead of taking turns.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from index.bigrams import BigramIndex
from index.lexical import Tokenizer, corpus_terms
from index.token_rows import TokenRows, tokenize_rows

log = logging.getLogger(__name__)
_PROJECT_ROOT = Path(__file__).resolve().parents[1]
_INPUT, _TOKENS, _TERMS, _LOG = "texts.json", "tokens.npz", "terms.json", "child.log"
_CLAUSE_BIGRAMS, _DOCUMENT_BIGRAMS = "bigrams", "document_bigrams"
# Below this many rows a child costs more (interpreter start, jieba's dictionary loaded a second
# time: ~3 s) than the overlap saves.
MIN_ROWS_FOR_CHILD = 4000


@dataclass(frozen=True)
class LexicalParts:
    terms: list[str]  # the corpus's own terms (the maintained ones are added by `Tokenizer`)
    tokens: TokenRows  # every clause's BM25 tokens under those terms
    clause_bigrams: BigramIndex  # rows in clause order
    document_bigrams: BigramIndex  # rows in document order


@dataclass(frozen=True)
class LexicalTexts:
    clauses: list[str]  # clause texts alone: where terms are derived from
    lexical: list[str]  # what BM25 indexes per clause (`index.store.lexical_text`)
    documents: list[str]  # each document's whole text (`index.store.document_text`)


def build_bigrams(texts: LexicalTexts) -> tuple[BigramIndex, BigramIndex]:
    """The clause and the document bigram indexes (no dictionary needed: never reused)."""
    return BigramIndex.build(texts.lexical), BigramIndex.build(texts.documents)


def build_lexical_parts(texts: LexicalTexts) -> LexicalParts:
    terms = corpus_terms(texts.clauses)
    return LexicalParts(terms, tokenize_rows(texts.lexical, Tokenizer(terms)),
                        *build_bigrams(texts))


class FreshLexical:
    """`build_lexical_parts`, started now and collected with `result()`.

    With enough rows and more than one core it runs as ``python -m index.fresh_lexical FOLDER``,
    inputs and outputs as files in `folder`. Not `multiprocessing`: a forked child would copy
    the locks of the parent's threads (the encoder's pool, a progress bar) mid-use, and a
    spawned one re-runs the caller's main script. If the child fails, the work is done in place
    instead, with a warning: a build never fails because of it.
    """

    def __init__(self, texts: LexicalTexts, folder: Path) -> None:
        self._texts = texts
        self._folder = Path(folder)
        self._process: subprocess.Popen | None = None
        if len(texts.lexical) >= MIN_ROWS_FOR_CHILD and (os.cpu_count() or 1) > 1:
            self._folder.mkdir(parents=True, exist_ok=True)
            (self._folder / _INPUT).write_text(json.dumps(
                {"clauses": texts.clauses, "lexical": texts.lexical,
                 "documents": texts.documents}, ensure_ascii=False), encoding="utf-8")
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                filter(None, [str(_PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
            with open(self._folder / _LOG, "wb") as log_file:
                self._process = subprocess.Popen(
                    [sys.executable, "-m", "index.fresh_lexical", str(self._folder)],
                    stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, env=env)

    @property
    def in_child(self) -> bool:
        return self._process is not None

    def result(self) -> LexicalParts:
        if self._process is None:
            return build_lexical_parts(self._texts)
        try:
            code = self._process.wait()
            if code == 0:
                return _read_parts(self._folder)
            tail = (self._folder / _LOG).read_text(encoding="utf-8", errors="replace")[-500:]
            log.warning("the lexical build in a child process failed (exit %s): %s; "
                        "building it here", code, tail.strip())
        except (OSError, ValueError, KeyError) as exc:
            log.warning("the child process's lexical parts are unreadable (%s); building them "
                        "here", exc)
        finally:
            self.close()
        return build_lexical_parts(self._texts)

    def close(self) -> None:
        """Stop the child at once (a build that failed meanwhile does not wait for it)."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            self._process = None
        shutil.rmtree(self._folder, ignore_errors=True)


def _write_parts(folder: Path, parts: LexicalParts) -> None:
    parts.tokens.save(folder / _TOKENS)
    (folder / _TERMS).write_text(json.dumps(parts.terms, ensure_ascii=False), encoding="utf-8")
    parts.clause_bigrams.save(folder / _CLAUSE_BIGRAMS)
    parts.document_bigrams.save(folder / _DOCUMENT_BIGRAMS)


def _read_parts(folder: Path) -> LexicalParts:
    return LexicalParts(json.loads((folder / _TERMS).read_text(encoding="utf-8")),
                        TokenRows.load(folder / _TOKENS),
                        BigramIndex.load(folder / _CLAUSE_BIGRAMS),
                        BigramIndex.load(folder / _DOCUMENT_BIGRAMS))


def _main(folder: Path) -> None:
    data = json.loads((folder / _INPUT).read_text(encoding="utf-8"))
    _write_parts(folder, build_lexical_parts(
        LexicalTexts(data["clauses"], data["lexical"], data["documents"])))


if __name__ == "__main__":
    _main(Path(sys.argv[1]))


__all__ = ["FreshLexical", "LexicalParts", "LexicalTexts", "build_bigrams",
           "build_lexical_parts"]
