"""Questions asked of the wrong document: a refusal test made from real Legal-DC questions.

A question that names its law in book-title marks (《食品生产许可管理办法》规定的…) is asked twice
by the product (`PolicyAssistant.answer`, the whole benchmark corpus loaded):

* as written: answerable, so a refusal is a false refusal;
* with the title replaced by another loaded national document's, drawn at random (seeded):
  unanswerable by construction when the question asks about a subject inside its law — a user
  asking a rule about something it does not cover. Questions about a document as a whole (its
  purpose, what it applies to, when it took effect, its number or standing: `Asked.
  document_as_a_whole`) are left out of this half: any document answers them. So is a swap
  to a document holding one of the question's gold texts. Some swapped questions stay
  answerable by any law (违反《X》会有什么处罚), so the refusal rate is a floor.

    python -m eval.wrong_document --legal-docs ../shared/corpora/legal-dc/docs \\
        --legal-questions ../shared/corpora/legal-dc/questions-dev.jsonl --index-dir /tmp/ldc
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import asdict, dataclass
from collections.abc import Iterator
from pathlib import Path

from assistant.service import PolicyAssistant
from eval.corpus_loading import load_documents
from eval.corpus_metrics import normalise
from eval.corpus_questions import scorable_questions
from eval.corpus_records import BenchmarkQuestion
from eval.corpus_systems import open_index
from index.encoders import make_encoder

_TITLE = re.compile(r"《([^》]+)》")


@dataclass(frozen=True)
class Outcome:
    """One question as written and as swapped, with what the product answered (not to be
    confused with `records.Asked`, what a question's form asks for, read here too)."""

    qid: str
    question: str
    answered: bool
    swapped: str  # "" when the question asks of the document as a whole, or no swap fits
    swapped_refused: bool


def swaps(assistant: PolicyAssistant, questions, *,
          seed: int = 7) -> Iterator[tuple[BenchmarkQuestion, str]]:
    """Each question naming a loaded document in book-title marks, with the same question asked
    of another national document ("" when it asks of its document as a whole or no document
    fits; see the module docstring)."""
    rng = random.Random(seed)
    national = sorted((d for d in assistant.index.documents if d.region.is_national),
                      key=lambda d: d.doc_id)
    texts = {d.doc_id: "\n".join(normalise(c.text) for c in d.clauses) for d in national}
    for question in questions:
        named = _TITLE.search(question.question)
        analysis = assistant.analyse(question.question)
        if named is None or not analysis.scope.documents:
            continue
        swapped = ""
        if not analysis.asked.document_as_a_whole:
            gold = [normalise(text) for text in question.gold]
            others = [d for d in national if d.doc_id not in analysis.scope.documents
                      and not any(g in texts[d.doc_id] for g in gold)]
            if others:
                other = rng.choice(others)
                swapped = question.question.replace(named.group(0), f"《{other.title}》", 1)
        yield question, swapped


def asked_twice(assistant: PolicyAssistant, questions, *, seed: int = 7) -> list[Outcome]:
    """Each question naming a loaded document, asked as written and of another document."""
    results = []
    for question, swapped in swaps(assistant, questions, seed=seed):
        answered = assistant.answer(question.question).status == "answered"
        refused = bool(swapped) and assistant.answer(swapped).status == "not_found"
        results.append(Outcome(question.qid, question.question, answered, swapped, refused))
    return results


def summary(results: list[Outcome]) -> dict[str, float | int]:
    swapped = [r for r in results if r.swapped]
    return {"named": len(results),
            "answered_as_written": sum(r.answered for r in results) / max(1, len(results)),
            "swapped": len(swapped),
            "swapped_refused": sum(r.swapped_refused for r in swapped) / max(1, len(swapped))}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--legal-docs", type=Path, required=True)
    parser.add_argument("--legal-questions", type=Path, required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="write every question's outcome here (JSON)")
    args = parser.parse_args(argv)
    encoder = make_encoder(args.encoder)
    index, _ = open_index(load_documents(args.legal_docs), encoder, args.index_dir)
    results = asked_twice(PolicyAssistant(index, encoder),
                          scorable_questions(args.legal_questions), seed=args.seed)
    print(json.dumps(summary(results), ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps([asdict(r) for r in results], ensure_ascii=False,
                                       indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
