"""Corpus mode on real Legal-DC files: the scoring rules, the baseline's chunks, a whole run.

The metric rules are checked on hand-made texts (they are the benchmark's definition, so each
case states one clause of it); the run uses four real .docx laws from
`../shared/corpora/legal-dc/docs` with their development questions, the real loader, parser,
index and `PolicyAssistant`, and the deterministic hash encoder at the model boundary.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from corpus.errors import InputError
from eval.chunk_baseline import CHUNK_CHARS, CHUNK_OVERLAP, ChunkBm25, chunk_sources, chunk_text
from eval.corpus_loading import load_documents, read_sources
from eval.corpus_metrics import (
    clause_hit_at,
    clause_hit_rank,
    hit_at,
    hit_rank,
    normalise,
    place_gold,
    summarise_containment,
)
from eval.corpus_mode import BASELINE, PRODUCT, run_corpus_evaluation
from eval.corpus_questions import read_benchmark_questions, unscorable
from eval.corpus_records import BenchmarkQuestion

LEGAL_DC = Path(__file__).resolve().parents[2].parent / "shared" / "corpora" / "legal-dc"
TITLES = ("外商投资电信企业管理规定", "国务院关于经营者集中申报标准的规定", "放射性药品管理办法",
          "中华人民共和国台湾同胞投资保护法")
needs_legal_dc = pytest.mark.skipif(not (LEGAL_DC / "docs").is_dir(),
                                    reason="../shared/corpora/legal-dc is not present")


def _question(gold, qid="q1", category="概括归纳型", title="t") -> BenchmarkQuestion:
    return BenchmarkQuestion(qid=qid, question="?", title=title, gold=tuple(gold), answer="",
                             category=category, line=1)


# -- the scoring rules ---------------------------------------------------------------------------
def test_normalise_removes_every_whitespace_and_literal_backslash_n():
    assert normalise("第一条\u3000为了 规范\t管理，\n制定本办法。\\n第二条\xa0") == \
        "第一条为了规范管理，制定本办法。第二条"


def test_gold_spanning_two_clauses_counts_for_hit_but_not_clause_hit():
    texts = ["第一条 为了规范外商投资电信企业的管理，", "根据有关法律，制定本规定。", "第三条 其他。"]
    gold = ["为了规范外商投资电信企业的管理，根据有关法律，制定本规定。"]
    assert hit_rank(gold, texts) == 2
    assert not hit_at(gold, texts, 1) and hit_at(gold, texts, 2)
    assert clause_hit_rank(gold, texts) is None
    assert not clause_hit_at(gold, texts, 10)


def test_every_gold_string_must_be_found():
    texts = ["甲条文。", "乙条文。", "丙条文。"]
    assert clause_hit_rank(["甲条文", "丙条文"], texts) == 3
    assert hit_rank(["甲条文", "丙条文"], texts) == 3
    assert not hit_at(["甲条文", "丙条文"], texts, 2)
    assert hit_rank(["甲条文", "丁条文"], texts) is None
    assert hit_rank(["甲条文"], []) is None


def test_whitespace_and_backslash_n_are_ignored_on_both_sides():
    texts = ["第十条　申请人应当\n提交下列材料：", "（一）申请书；"]
    assert clause_hit_rank(["申请人应当提交\\n下列材料："], texts) == 1
    assert hit_rank(["下列 材料：（一）申请书；"], texts) == 2


def test_concatenation_follows_rank_order():
    # The benchmark joins the returned texts in rank order: reversed halves do not match.
    assert hit_rank(["前半句后半句"], ["后半句", "前半句"]) is None


# -- the baseline's chunks -----------------------------------------------------------------------
def test_chunks_are_500_characters_overlapping_by_50():
    text = "".join(chr(0x4E00 + i % 2000) for i in range(1200))
    chunks = chunk_text(text)
    assert (CHUNK_CHARS, CHUNK_OVERLAP) == (500, 50)
    assert [len(c) for c in chunks] == [500, 500, 300]
    assert all(a[-50:] == b[:50] for a, b in zip(chunks, chunks[1:]))
    assert "".join(c if i == 0 else c[50:] for i, c in enumerate(chunks)) == text


def test_short_and_boundary_texts_give_no_empty_or_repeated_chunk():
    assert chunk_text("") == []
    assert chunk_text("短文") == ["短文"]
    assert len(chunk_text("字" * 500)) == 1
    assert [len(c) for c in chunk_text("字" * 501)] == [500, 51]


# -- reading question files ----------------------------------------------------------------------
def test_question_file_class_is_stripped_and_blank_gold_dropped(tmp_path):
    path = tmp_path / "q.jsonl"
    rows = [{"id": "a", "question": "问？", "title": "某法", "gold": ["条文一", "  "],
             "answer": "答", "class": " 逻辑推理型"},
            {"id": "b", "question": "问二？", "title": "某法", "gold": [""], "answer": "",
             "class": "其他"}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    first, second = read_benchmark_questions(path)
    assert first.category == "逻辑推理型" and first.gold == ("条文一",)
    assert [q.qid for q in unscorable([first, second])] == ["b"]


def _valid_line(qid: str) -> str:
    return ('{"id": "%s", "question": "问", "title": "t", "gold": ["g"], "answer": "", '
            '"class": "其他"}' % qid)


@pytest.mark.parametrize("line, expected", [
    ('{"id": "x", "question": "问", "title": "t", "gold": ["g"], "answer": "a"}', "class"),
    ('{"id": "x", "question": "问", "title": "t", "gold": "g", "answer": "a", "class": "其他"}',
     "gold"),
    ('{"id": "x", "question": "问", "title": "t", "gold": [], "answer": "a", "class": "其他"}',
     "gold"),
    ('{"id": "x", "question": "问"', "not valid JSON"),
    ('["not", "an", "object"]', "expected a JSON object"),
])
def test_a_bad_line_is_refused_with_its_line_number(tmp_path, line, expected):
    path = tmp_path / "bad.jsonl"
    path.write_text(f"{_valid_line('ok')}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.jsonl:3: .*{expected}"):
        read_benchmark_questions(path)


def test_duplicate_ids_are_refused(tmp_path):
    line = _valid_line("x")
    path = tmp_path / "dup.jsonl"
    path.write_text(f"{line}\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"dup\.jsonl:2: question id 'x' already used on line 1"):
        read_benchmark_questions(path)


# -- real Legal-DC documents ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def small_benchmark(tmp_path_factory) -> tuple[Path, Path]:
    """Four real laws plus one unreadable file, and the dev questions about the four."""
    if not (LEGAL_DC / "docs").is_dir():
        pytest.skip("../shared/corpora/legal-dc is not present")
    folder = tmp_path_factory.mktemp("legal-dc")
    docs = folder / "docs"
    docs.mkdir()
    for title in TITLES:
        shutil.copy(LEGAL_DC / "docs" / f"{title}.docx", docs / f"{title}.docx")
    (docs / "损坏的文件.docx").write_bytes(b"this is not a Word file")
    keep = [line for line in (LEGAL_DC / "questions-dev.jsonl").read_text("utf-8").splitlines()
            if json.loads(line)["title"] in TITLES]
    questions = folder / "questions.jsonl"
    questions.write_text("\n".join(keep) + "\n", encoding="utf-8")
    return docs, questions


@pytest.fixture(scope="module")
def local_run(small_benchmark, tmp_path_factory) -> tuple[dict, Path, Path]:
    docs, questions = small_benchmark
    out = tmp_path_factory.mktemp("out")
    index_dir = tmp_path_factory.mktemp("index") / "index"
    report = run_corpus_evaluation(docs=docs, questions=questions, out=out, encoder="hash",
                                   index_dir=index_dir, console=Console(quiet=True))
    return report, out, index_dir


@needs_legal_dc
def test_gold_containment_on_real_clauses(small_benchmark):
    docs, questions = small_benchmark
    load = load_documents(docs)
    law = next(d for d in load.documents if d.title == "外商投资电信企业管理规定")
    first, second = law.clauses[1], law.clauses[2]
    made = [_question([first.text], "one", title=law.title),
            _question([first.text[-10:] + second.text[:10]], "two", title=law.title),
            _question([first.text], "three", title="没有这个文件")]
    placements = place_gold(made, load.documents)
    assert [p.in_document for p in placements] == [(True,), (False,), (False,)]
    assert [p.in_corpus for p in placements] == [(True,), (False,), (True,)]
    summary = summarise_containment(placements)
    assert (summary["gold_strings"], summary["in_document"], summary["in_corpus"]) == (3, 1, 2)
    assert summary["questions_without_document"] == ["three"]


@needs_legal_dc
def test_baseline_chunks_real_files_and_finds_a_quoted_article(small_benchmark):
    docs, _ = small_benchmark
    load = load_documents(docs)
    sources, failures = read_sources(docs, load.documents)
    assert not failures and len(sources) == len(TITLES)
    chunks = chunk_sources(sources)
    assert max(len(c.text) for c in chunks) == CHUNK_CHARS
    baseline = ChunkBm25(chunks)
    found = baseline.retrieve("q", "外商投资电信企业的注册资本最低限额", top_k=10)
    assert 0 < len(found.texts) <= 10 and found.error is None
    assert found.ids[0].startswith("外商投资电信企业管理规定.docx#")


@needs_legal_dc
def test_report_files_carry_every_figure(local_run, small_benchmark):
    report, out, _ = local_run
    on_disk = json.loads((out / "report.json").read_text("utf-8"))
    assert set(on_disk) == {"meta", "timings", "corpus", "containment", "retrieval", "answers",
                            "errors", "questions"}
    assert (out / "report.md").read_text("utf-8").startswith("# Corpus-mode evaluation")
    n = report["meta"]["question_count"]
    assert n == len(on_disk["questions"]) >= 15
    assert set(on_disk["retrieval"]) == {PRODUCT, BASELINE}
    for system in (PRODUCT, BASELINE):
        summary = on_disk["retrieval"][system]
        assert summary["overall"]["n"] == n
        assert set(summary["overall"]) == {"n", "hit@1", "hit@5", "hit@10", "clause_hit@1",
                                           "clause_hit@5", "clause_hit@10"}
        assert sum(row["n"] for row in summary["by_class"].values()) == n
        assert set(summary["by_class"]) <= {"概括归纳型", "逻辑推理型", "概念解释型", "其他"}
        rates = summary["overall"]
        assert 0 <= rates["hit@1"] <= rates["hit@5"] <= rates["hit@10"] <= 1
        assert rates["clause_hit@10"] <= rates["hit@10"]
        assert summary["errors"] == 0
    # The product answered every question (`eval.corpus_answers`), without an error.
    answers = on_disk["answers"]
    assert answers["n"] == n and answers["errors"] == 0
    assert 0 < answers["answered"] <= 1 and 0 <= answers["first_cited_gold"] <= 1
    assert 0 <= answers["gold_quoted_whole"] <= answers["gold_sentences_quoted"] <= 1
    assert "## Answers" in (out / "report.md").read_text("utf-8")
    assert on_disk["corpus"]["documents"] == len(TITLES)
    assert [f["file"] for f in on_disk["corpus"]["load_failures"]] == ["损坏的文件.docx"]
    assert 0 <= on_disk["containment"]["containment_document"] <= 1
    assert on_disk["containment"]["questions_without_document"] == []
    timings = on_disk["timings"]
    assert timings["index_status"].startswith("built")
    assert timings["query_latency_ms"][PRODUCT]["median_ms"] > 0
    # The product searched these documents: every returned id is one of their clauses.
    doc_ids = {d.doc_id for d in load_documents(small_benchmark[0]).documents}
    returned = [cid for row in on_disk["questions"] for cid in row["systems"][PRODUCT]["top"]]
    assert returned and {cid.split("/")[0] for cid in returned} <= doc_ids


@needs_legal_dc
def test_a_matching_index_is_reused(local_run, small_benchmark, tmp_path):
    first, _, index_dir = local_run
    docs, questions = small_benchmark
    again = run_corpus_evaluation(docs=docs, questions=questions, out=tmp_path, encoder="hash",
                                  index_dir=index_dir, limit=5, console=Console(quiet=True))
    assert again["timings"]["index_status"] == "reused"
    assert again["meta"]["question_count"] == 5
    ranks = {q["id"]: q["systems"][PRODUCT]["hit_rank"] for q in first["questions"]}
    assert all(ranks[q["id"]] == q["systems"][PRODUCT]["hit_rank"] for q in again["questions"])


@needs_legal_dc
def test_a_deployment_over_http_scores_like_the_product_in_process(local_run, small_benchmark,
                                                                    tmp_path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    docs, questions = small_benchmark
    settings = Settings(corpus_dir=docs, encoder="hash", index_dir=tmp_path / "index",
                        db_path=tmp_path / "conversations.sqlite3")
    with TestClient(create_app(settings)) as client:
        remote = run_corpus_evaluation(docs=docs, questions=questions, out=tmp_path / "out",
                                       url="http://testserver", client=client,
                                       console=Console(quiet=True))
    local = local_run[0]
    assert remote["meta"]["mode"] == "http"
    assert remote["retrieval"][PRODUCT] == local["retrieval"][PRODUCT]
    assert remote["retrieval"][BASELINE] == local["retrieval"][BASELINE]
    # POST /ask answers as `PolicyAssistant.answer` does, read off the response's fields only
    assert remote["answers"] == local["answers"]
