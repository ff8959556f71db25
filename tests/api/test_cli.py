"""The `policy-assistant` command line through typer's runner, over the shipped corpus."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.deps import get_settings


@pytest.fixture()
def runner(hash_settings, monkeypatch):
    # The CLI reads settings from the environment, as a user's shell would set them.
    monkeypatch.setenv("POLICY_ASSISTANT_ENCODER", "hash")
    monkeypatch.setenv("POLICY_ASSISTANT_INDEX_DIR", str(hash_settings.index_dir))
    monkeypatch.setenv("POLICY_ASSISTANT_DB_PATH", str(hash_settings.db_path))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_documents_json(runner):
    result = runner.invoke(app, ["documents", "--json"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["doc_id"] for row in rows} >= {"sanmenxia-2019", "baicheng-2019"}


def test_clauses_json_for_one_document(runner):
    result = runner.invoke(app, ["clauses", "--doc", "taierzhuang-2019", "--json"])
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 21
    assert {"clause_id", "doc_id", "doc_title", "doc_number", "region", "section",
            "section_path", "text"} <= set(rows[0])


def test_unknown_document_is_a_clear_error(runner):
    result = runner.invoke(app, ["clauses", "--doc", "nowhere"])
    assert result.exit_code == 2
    assert "nowhere" in result.stdout


def test_index_then_ask_and_search(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_ASSISTANT_INDEX_DIR", str(tmp_path / "fresh-index"))
    get_settings.cache_clear()
    built = runner.invoke(app, ["index"])
    assert built.exit_code == 0, built.stdout
    assert "150 clauses" in built.stdout
    asked = runner.invoke(app, ["ask", "三门峡以工代训补贴标准是多少？", "--json"])
    body = json.loads(asked.stdout)
    assert body["status"] == "answered"
    assert body["citations"][0]["clause_id"] == "sanmenxia-2019/2.3.1"
    readable = runner.invoke(app, ["ask", "今天天气怎么样"])
    assert "文件未涉及" in readable.stdout
    found = runner.invoke(app, ["search", "新型学徒制", "--region", "綦江", "--json"])
    hits = json.loads(found.stdout)["hits"]
    assert hits and {h["doc_id"] for h in hits} == {"qijiang-2019"}


def test_ask_rejects_an_empty_question(runner):
    result = runner.invoke(app, ["ask", "   "])
    assert result.exit_code == 2
    assert "1–1000" in result.stdout


LEGAL_DC = __import__("pathlib").Path(__file__).resolve().parents[2].parent / "shared" / \
    "corpora" / "legal-dc"


@pytest.mark.skipif(not LEGAL_DC.exists(), reason="../shared/corpora/legal-dc is not present")
def test_eval_corpus_mode_on_a_few_real_laws(runner, tmp_path):
    titles = ["中华人民共和国个人所得税法", "报废机动车回收管理办法"]
    docs = tmp_path / "docs"
    docs.mkdir()
    for title in titles:
        (docs / f"{title}.docx").symlink_to(LEGAL_DC / "docs" / f"{title}.docx")
    lines = [line for line in (LEGAL_DC / "questions-dev.jsonl").read_text("utf-8").splitlines()
             if json.loads(line)["title"] in titles]
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--corpus-docs", str(docs), "--corpus-questions",
                                 str(questions), "--out", str(tmp_path / "out"),
                                 "--index-dir", str(tmp_path / "index")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text("utf-8"))
    assert len(report["questions"]) == len(lines)
    assert set(report["retrieval"]) == {"product", "bm25-chunks"}
    assert (tmp_path / "out" / "report.md").exists()
    assert report["containment"]


def test_eval_corpus_mode_needs_both_options(runner, tmp_path):
    result = runner.invoke(app, ["eval", "--corpus-docs", str(tmp_path)])
    assert result.exit_code != 0
    assert "--corpus-questions" in result.output
