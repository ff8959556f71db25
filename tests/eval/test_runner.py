"""A whole evaluation run over a few real questions: in-process, and over HTTP via TestClient."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console

from api.app import create_app
from api.settings import Settings
from corpus.errors import InputError
from eval.questions import DEFAULT_CONVERSATIONS, DEFAULT_QUESTIONS
from eval.runner import run_evaluation

SYSTEMS = ["bm25", "dense", "hybrid", "naive-rag"]


@pytest.fixture(scope="module")
def small_files(tmp_path_factory) -> tuple[Path, Path]:
    """Every 15th dev question (all kinds: figures, section refs, English, unanswerable)."""
    folder = tmp_path_factory.mktemp("eval-files")
    lines = DEFAULT_QUESTIONS.read_text("utf-8").splitlines()
    questions = folder / "few.jsonl"
    questions.write_text("\n".join(lines[::15]) + "\n", encoding="utf-8")
    conversations = folder / "few_conversations.jsonl"
    keep = [line for line in DEFAULT_CONVERSATIONS.read_text("utf-8").splitlines()
            if json.loads(line)["id"] in ("c01", "c03")]
    conversations.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return questions, conversations


@pytest.fixture(scope="module")
def local_run(small_files, hash_settings, hash_assistant, tmp_path_factory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("eval-out")
    questions, conversations = small_files
    report = run_evaluation(questions=questions, conversations=conversations, out=out,
                            settings=hash_settings, console=Console(file=None, quiet=True))
    return report, out


def test_run_writes_the_three_files(local_run) -> None:
    report, out = local_run
    assert (out / "systems_by_category.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    on_disk = json.loads((out / "report.json").read_text("utf-8"))
    assert on_disk["meta"]["question_count"] == report["meta"]["question_count"] == 14
    markdown = (out / "report.md").read_text("utf-8")
    for heading in ("## Retrieval", "## hit@5 / recall@5 per category", "## Answers",
                    "## Latency", "## Multi-turn"):
        assert heading in markdown
    assert "| naive-rag |" in markdown and "hash-256" in markdown


def test_report_json_holds_every_number(local_run) -> None:
    report, _ = local_run
    meta = report["meta"]
    assert meta["mode"] == "in-process" and meta["encoder"] == "hash-256"
    assert meta["systems"] == SYSTEMS and meta["skipped_systems"] == {}
    assert meta["regression_floor"] is None  # the floor is for the full dev set with USE
    for system in SYSTEMS:
        overall = report["ranking"][system]["overall"]
        assert set(overall) == {"hit_rate@1", "hit_rate@5", "recall@5", "mrr@10", "ndcg@10"}
        assert all(0.0 <= value <= 1.0 for value in overall.values())
        assert "unanswerable" not in report["ranking"][system]["by_category"]
    answers = report["answers"]["hybrid"]
    for key in ("citation_precision", "section_accuracy", "not_found_precision",
                "not_found_recall", "false_refusal_rate", "not_found_accuracy_unanswerable",
                "latency_ms"):
        assert key in answers
    assert answers["latency_ms"]["n"] == 14 and answers["latency_ms"]["p95_ms"] > 0
    multi = report["multi_turn"]
    assert multi["turns"] == 6
    assert multi["first_turns"]["n"] == 2 and multi["follow_ups"]["n"] == 3
    assert multi["unanswerable_turns"]["n"] == 1


def test_per_question_and_per_turn_results(local_run) -> None:
    report, _ = local_run
    row = report["questions"][0]
    assert row["id"] == "q001"
    assert set(row["rankings"]) == set(SYSTEMS)
    assert {"first_gold_rank", "top", "hit_rate@5"} <= set(row["rankings"]["hybrid"])
    assert row["answer"]["status"] in ("answered", "not_found")
    unanswerable = next(r for r in report["questions"] if not r["answerable"])
    assert unanswerable["rankings"]["hybrid"]["first_gold_rank"] is None
    turns = report["conversations"][0]["turns"]
    assert [t["turn"] for t in turns] == [1, 2, 3]
    # The service's own rewrite is recorded next to the file's reference rewrite.
    assert turns[1]["question"] == "那綦江呢？"
    assert "綦江" in turns[1]["resolved_question"]
    assert turns[1]["reference_resolved_question"] == "綦江以工代训补贴标准是多少？"


def test_http_mode_evaluates_the_hybrid_service_only(small_files, hash_settings, local_run,
                                                     tmp_path) -> None:
    questions, conversations = small_files
    with TestClient(create_app(hash_settings), base_url="http://testserver") as client:
        report = run_evaluation(questions=questions, conversations=conversations,
                                out=tmp_path, url="http://testserver", client=client,
                                console=Console(file=None, quiet=True))
    meta = report["meta"]
    assert meta["mode"] == "http" and meta["systems"] == ["hybrid"]
    assert set(meta["skipped_systems"]) == {"bm25", "dense", "naive-rag"}
    assert "skipped" in (tmp_path / "report.md").read_text("utf-8")
    # Same index, same code: the HTTP contract must give exactly the in-process results.
    local = {r["id"]: r for r in local_run[0]["questions"]}
    for row in report["questions"]:
        assert row["rankings"]["hybrid"]["top"] == local[row["id"]]["rankings"]["hybrid"]["top"]
        assert row["answer"]["status"] == local[row["id"]]["answer"]["status"]
        assert row["answer"]["cited"] == local[row["id"]]["answer"]["cited"]
    remote_turns = [t["resolved_question"] for c in report["conversations"] for t in c["turns"]]
    local_turns = [t["resolved_question"] for c in local_run[0]["conversations"]
                   for t in c["turns"]]
    assert remote_turns == local_turns


def test_a_bad_question_file_fails_before_any_index_work(tmp_path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x1", "question": "谁负责？", "answerable": true}\n', "utf-8")
    settings = Settings(encoder="hash", index_dir=tmp_path / "index",
                        db_path=tmp_path / "c.sqlite3")
    with pytest.raises(InputError, match=r"bad\.jsonl:1: question x1: missing required "
                                         r"field 'gold'"):
        run_evaluation(questions=bad, out=tmp_path / "out", settings=settings,
                       console=Console(file=None, quiet=True))
    assert not (tmp_path / "index").exists() and not (tmp_path / "out").exists()
