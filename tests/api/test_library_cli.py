"""`policy-assistant add` and `remove` through typer's runner, on a temporary corpus and index."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.deps import get_settings
from corpus import SHIPPED_CORPUS, read_corpus


@pytest.fixture()
def runner(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(SHIPPED_CORPUS / "seeds", corpus / "seeds")
    shutil.copy(SHIPPED_CORPUS / "manifest.json", corpus / "manifest.json")
    for name, value in {"ENCODER": "hash", "CORPUS_DIR": corpus,
                        "INDEX_DIR": tmp_path / "var" / "index",
                        "DB_PATH": tmp_path / "var" / "db.sqlite3"}.items():
        monkeypatch.setenv(f"POLICY_ASSISTANT_{name}", str(value))
    monkeypatch.delenv("POLICY_ASSISTANT_LIBRARY_DIR", raising=False)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _doc_ids(runner) -> set[str]:
    result = runner.invoke(app, ["documents", "--json"])
    return {json.loads(line)["doc_id"] for line in result.stdout.splitlines() if line}


def test_add_replace_and_remove_a_file(runner, tmp_path):
    source = tmp_path / "incoming" / "郑州方案.txt"
    source.parent.mkdir()
    text = (SHIPPED_CORPUS / "seeds" / "sanmenxia-2019.txt").read_text(encoding="utf-8")
    source.write_text(text, encoding="utf-8")

    added = runner.invoke(app, ["add", str(source)])
    assert added.exit_code == 0, added.stdout
    assert "added" in added.stdout
    # The copy's clauses are the shipped plan's, already encoded: their vectors are reused.
    assert "0 encoded, 177 reused" in added.stdout
    new_ids = _doc_ids(runner) - {"tianjin-2019", "qijiang-2019", "taierzhuang-2019",
                                  "sanmenxia-2019", "baicheng-2019"}
    assert len(new_ids) == 1
    doc_id = new_ids.pop()
    assert doc_id.startswith("zzfa-")

    source.write_text(text.replace("以工代训", "以工代培"), encoding="utf-8")
    replaced = runner.invoke(app, ["add", str(source)])
    assert replaced.exit_code == 0 and "replaced" in replaced.stdout
    sanmenxia = next(d for d in read_corpus().documents if d.doc_id == "sanmenxia-2019")
    changed = sum("以工代训" in c.text or any("以工代训" in p for p in c.section_path)
                  for c in sanmenxia.clauses)
    assert f"{changed} encoded" in replaced.stdout  # only the edited clauses
    found = runner.invoke(app, ["search", "以工代培", "--json"])
    assert json.loads(found.stdout)["hits"][0]["doc_id"] == doc_id

    removed = runner.invoke(app, ["remove", doc_id])
    assert removed.exit_code == 0, removed.stdout
    assert doc_id not in _doc_ids(runner)
    unknown = runner.invoke(app, ["remove", doc_id])
    assert unknown.exit_code == 2 and doc_id in unknown.stdout


def test_add_a_folder_with_a_bad_file(runner, tmp_path):
    folder = tmp_path / "batch"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SHIPPED_CORPUS / "seeds" / "qijiang-2019.txt", folder / "sub" / "綦江.txt")
    (folder / "broken.txt").write_bytes(b"\x00\x01 binary")
    (folder / "README.md").write_text("# 说明", encoding="utf-8")
    result = runner.invoke(app, ["add", str(folder)])
    assert result.exit_code == 1, result.stdout  # something was added, something failed
    assert "broken.txt" in result.stdout and "added" in result.stdout
    library = get_settings().library_path / "files" / "batch"
    assert (library / "sub" / "綦江.txt").exists() and not (library / "broken.txt").exists()


def test_remove_a_corpus_document_and_list_failures(runner):
    (get_settings().corpus_dir / "seeds" / "scan.pdf").write_bytes(b"%PDF-1.4 no text layer")
    assert runner.invoke(app, ["remove", "baicheng-2019"]).exit_code == 0
    listing = runner.invoke(app, ["documents"])
    assert "scan.pdf" in listing.stdout and "未能读取" in listing.stdout
    assert "baicheng-2019" not in _doc_ids(runner)
    assert (get_settings().corpus_dir / "seeds" / "baicheng-2019.txt").exists()
