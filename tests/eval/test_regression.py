"""Regression guard: the full dev set with the real USE encoder must stay within its floors.

Slow (it loads USE and embeds the corpus into a fresh index), hence `-m slow`; the floor and
how it was measured live in `eval/floors.py`.
"""

from __future__ import annotations

import pytest
from rich.console import Console

from api.settings import Settings
from eval.floors import (DEV_CONVERSATION_FLOORS, INDEPENDENT_CONVERSATION_FLOORS,
                         INDEPENDENT_FLOORS, REGRESSION_FLOOR_HIT5, REGRESSION_FLOORS)
from eval.runner import DEFAULT_QUESTIONS, run_evaluation


@pytest.mark.slow
def test_hybrid_hit5_on_the_dev_set_stays_above_the_floor(tmp_path) -> None:
    settings = Settings(encoder="use", index_dir=tmp_path / "index",
                        db_path=tmp_path / "conversations.sqlite3")
    report = run_evaluation(out=tmp_path / "out", settings=settings,
                            console=Console(file=None, quiet=True))
    hybrid = report["ranking"]["hybrid"]
    assert hybrid["n"] == 169
    assert hybrid["overall"]["hit_rate@5"] >= REGRESSION_FLOOR_HIT5, (
        f"hybrid hit@5 fell to {hybrid['overall']['hit_rate@5']:.3f} "
        f"(floor {REGRESSION_FLOOR_HIT5}); see {tmp_path / 'out' / 'report.md'}")
    floors = report["meta"]["regression_floor"]
    assert len(floors["checks"]) == len(REGRESSION_FLOORS) + len(DEV_CONVERSATION_FLOORS)
    failed = [c for c in floors["checks"] if not c["passed"]]
    assert not failed, f"out of bounds: {failed}; see {tmp_path / 'out' / 'report.md'}"
    assert floors["passed"]
    # The service must beat its own parts and the naive baseline, or the fusion is pointless.
    for baseline in ("dense", "naive-rag"):
        baseline_hit5 = report["ranking"][baseline]["overall"]["hit_rate@5"]
        assert hybrid["overall"]["hit_rate@5"] > baseline_hit5


@pytest.mark.slow
def test_the_independent_questions_stay_within_their_floors(tmp_path) -> None:
    """Paraphrased, colloquial and unanswerable questions written apart from the development
    set: the guard against rules that only fit the questions they were tuned on."""
    settings = Settings(encoder="use", index_dir=tmp_path / "index",
                        db_path=tmp_path / "conversations.sqlite3")
    report = run_evaluation(
        questions=DEFAULT_QUESTIONS.with_name("independent.jsonl"),
        conversations=DEFAULT_QUESTIONS.with_name("conversations-independent.jsonl"),
        out=tmp_path / "out", settings=settings, console=Console(file=None, quiet=True))
    assert report["ranking"]["hybrid"]["n"] == 120
    assert report["multi_turn"]["follow_ups"]["n"] == 79
    floors = report["meta"]["regression_floor"]
    assert len(floors["checks"]) == len(INDEPENDENT_FLOORS) + len(INDEPENDENT_CONVERSATION_FLOORS)
    failed = [c for c in floors["checks"] if not c["passed"]]
    assert not failed, f"out of bounds: {failed}; see {tmp_path / 'out' / 'report.md'}"
