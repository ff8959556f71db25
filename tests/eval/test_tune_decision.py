"""Choosing the decision thresholds: the labelled set's document-removed procedure on real
Legal-DC laws (hash encoder), and the budgeted choice and cross-validation on known tables."""

from __future__ import annotations

import json
import shutil

import numpy as np

from assistant.decision import DecisionEvidence, DecisionThresholds
from eval.corpus_loading import load_documents
from eval.corpus_systems import open_index
from eval.tune_decision import Example, _Table, cross_validate, in_test_half, legal_examples
from index.encoders import make_encoder
from tests.eval.test_corpus_mode import LEGAL_DC, TITLES, needs_legal_dc


def _example(qid: str, dataset: str, answerable: bool, coverage: float) -> Example:
    evidence = DecisionEvidence(coverage=coverage, dense=0.5, lexical=5.0, absent=0,
                                has_terms=True, elsewhere_gap=0.0, elsewhere_ratio=1.0)
    return Example(qid, dataset, "labelled", "c", answerable, evidence)


def _synthetic() -> list[Example]:
    """Two sets where answerable questions have high coverage, unanswerable ones low, with a few
    answerable ones as low as the unanswerable: no threshold separates them perfectly."""
    rng = np.random.default_rng(1)
    examples = []
    for dataset, n in (("a", 60), ("b", 200)):
        for i in range(n):
            answerable = i % 4 != 0
            coverage = float(rng.uniform(0.5, 1.0) if answerable else rng.uniform(0.0, 0.6))
            if answerable and i % 20 == 1:
                coverage = float(rng.uniform(0.0, 0.3))
            examples.append(_example(f"{dataset}{i}", dataset, answerable, coverage))
    return examples


GRID = [DecisionThresholds(strong_coverage=1.01, min_coverage=c, min_lexical=0.0, min_dense=0.0)
        for c in np.linspace(0.0, 1.0, 21)]


def test_the_choice_keeps_every_set_within_the_false_refusal_budget():
    examples = _synthetic()
    table = _Table(examples, GRID)
    everything = np.ones(len(examples), dtype=bool)
    for budget in (0.03, 0.10, 0.30):
        chosen = table.choose(everything, budget)
        labels, datasets = table.labels, table.datasets
        for dataset in ("a", "b"):
            rows = (datasets == dataset) & labels
            assert (~table.answered[chosen, rows]).mean() <= budget
        # No point within the budget is more balanced-accurate than the one chosen.
        def balanced(point: int) -> float:
            parts = []
            for dataset in ("a", "b"):
                rows = datasets == dataset
                parts.append((table.answered[point, rows & labels].mean()
                              + (~table.answered[point, rows & ~labels]).mean()) / 2)
            return float(np.mean(parts))
        within = [p for p in range(len(GRID)) if all(
            (~table.answered[p, (datasets == d) & labels]).mean() <= budget for d in ("a", "b"))]
        assert balanced(chosen) == max(balanced(p) for p in within)
    # A looser budget may only refuse more unanswerable questions, never fewer.
    tight, loose = table.choose(everything, 0.03), table.choose(everything, 0.30)
    assert GRID[loose].min_coverage >= GRID[tight].min_coverage


def test_cross_validation_reports_held_out_rates_per_set():
    examples = _synthetic()
    report = cross_validate(examples, _Table(examples, GRID), 0.10)
    assert set(report["held_out"]) == {"a", "b"}
    assert report["held_out"]["a"]["n"] == 60 and report["held_out"]["b"]["answerable"] == 150
    assert len(report["chosen_per_fold"]) == 5
    for entry in report["held_out"].values():
        assert 0.0 <= entry["false_refusals"] <= 0.3 and entry["correct_refusals"] > 0.5
    assert 0.5 < report["balanced_accuracy"] <= 1.0


def test_the_test_half_is_the_even_ids():
    assert in_test_half("i002") and in_test_half("i150")
    assert not in_test_half("i001") and not in_test_half("q")


@needs_legal_dc
def test_removing_a_questions_documents_makes_it_unanswerable(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for title in TITLES:
        shutil.copy(LEGAL_DC / "docs" / f"{title}.docx", docs / f"{title}.docx")
    keep = [line for line in (LEGAL_DC / "questions-dev.jsonl").read_text("utf-8").splitlines()
            if json.loads(line)["title"] in TITLES]
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(keep) + "\n", encoding="utf-8")
    encoder = make_encoder("hash")
    index, _ = open_index(load_documents(docs), encoder, tmp_path / "index")
    from assistant.service import PolicyAssistant

    examples = legal_examples(PolicyAssistant(index, encoder), questions)
    answerable = [e for e in examples if e.procedure == "answerable"]
    removed = [e for e in examples if e.procedure == "document_removed"]
    assert answerable and all(e.answerable for e in answerable)
    assert removed and not any(e.answerable for e in removed)
    # Every removed example pairs with its answerable question; a question whose gold text no
    # single clause holds has no document to remove.
    assert {e.qid for e in removed} <= {e.qid for e in answerable}
    assert len(removed) >= 0.8 * len(answerable)
    # Without its law, a question's words are found much less in the best clauses.
    coverage = {e.qid: e.evidence.coverage for e in answerable}
    assert np.mean([e.evidence.coverage for e in removed]) < \
        np.mean([coverage[e.qid] for e in removed]) - 0.1


def test_each_encoder_kind_searches_cosine_bars_where_its_cosines_fall() -> None:
    from eval.tune_decision import DENSE_BARS, GRID, _grid

    use_bars = {point.min_dense for point in _grid("use")}
    e5_bars = {point.min_dense for point in _grid("e5")}
    assert use_bars == set(GRID["min_dense"])
    assert e5_bars == set(DENSE_BARS["e5"])
    # Between "always" and "never", e5's bars lie above every bar searched for USE.
    assert min(e5_bars - {0.0}) > max(use_bars - {float("inf")})
    # The other thresholds are searched alike, so the grids are the same size.
    assert len(_grid("use")) // len(use_bars) == len(_grid("e5")) // len(e5_bars)
