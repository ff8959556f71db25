"""`BuiltIndex.mentions`: whether some clause holds a term, read through the bigram postings.

It must say exactly what a substring search of every clause's BM25 text would say (the way it
was computed before: one lower-cased string of the whole corpus), for the words of questions,
for pieces of the clauses themselves, for pieces glued across two clauses (present nowhere),
and for terms with digits, Latin letters or a single Chinese character.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from assistant.answer import key_terms
from index.store import lexical_text

QUESTIONS = Path(__file__).resolve().parents[2] / "eval" / "questions"


@pytest.fixture(scope="module")
def corpus_text(hash_assistant) -> str:
    index = hash_assistant.index
    return "\n".join(lexical_text(index.document(c.doc_id), c) for c in index.clauses).lower()


def _question_terms(hash_assistant) -> set[str]:
    terms = set()
    for name in ("dev.jsonl", "independent.jsonl"):
        for line in (QUESTIONS / name).read_text("utf-8").splitlines():
            if line.strip():
                question = json.loads(line)["question"]
                terms.update(key_terms(question, hash_assistant.index.lexical.tokenizer))
    return terms


def _corpus_pieces(hash_assistant, count: int = 400) -> set[str]:
    """Spans of 2–8 characters of the clauses, and spans glued from the end of one clause and
    the start of the next (which no single clause holds, mostly)."""
    rng = random.Random(11)
    clauses = hash_assistant.index.clauses
    pieces = set()
    for _ in range(count):
        text = re.sub(r"\s+", "", rng.choice(clauses).text)
        length = rng.randint(2, 8)
        if len(text) > length:
            start = rng.randrange(len(text) - length)
            pieces.add(text[start:start + length])
        first, second = rng.sample(clauses, 2)
        pieces.add(first.text.strip()[-3:] + second.text.strip()[:3])
    return pieces


def test_mentions_agree_with_a_search_of_the_whole_corpus_text(hash_assistant, corpus_text):
    terms = _question_terms(hash_assistant) | _corpus_pieces(hash_assistant) | {
        "住房公积金", "2019", "2019年", "6个月", "50%", "一", "区", "bim", "a类", "covid-19"}
    assert len(terms) > 600
    found = {term: hash_assistant.index.mentions(term) for term in terms}
    wrong = [term for term, said in found.items() if said != (term.lower() in corpus_text)]
    assert wrong == []
    # Both answers occur many times over: the check is not one-sided.
    assert 100 < sum(found.values()) < len(found) - 100
