"""Question files: shipped gold is valid, the three gold forms resolve, bad files are refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corpus.errors import InputError
from eval.questions import (
    DEFAULT_CONVERSATIONS,
    DEFAULT_QUESTIONS,
    ClauseCatalog,
    load_conversations,
    load_questions,
    normalise_section,
    read_conversations,
    read_questions,
)


@pytest.fixture(scope="module")
def catalog(corpus_documents) -> ClauseCatalog:
    return ClauseCatalog.from_documents(corpus_documents)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _write(tmp_path: Path, rows: list, name: str = "q.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in rows) + "\n", encoding="utf-8")
    return path


def _question(qid: str = "t1", gold=("sanmenxia-2019/2.3.1",), **extra) -> dict:
    return {"id": qid, "question": "三门峡以工代训补贴标准是多少？", "category": "figure",
            "answerable": bool(gold), "gold": list(gold), **extra}


def test_every_shipped_gold_id_is_a_parsed_clause(corpus_documents, catalog) -> None:
    clauses = {c.clause_id: c for d in corpus_documents for c in d.clauses}
    questions = read_questions(DEFAULT_QUESTIONS)
    turns = [t for c in read_conversations(DEFAULT_CONVERSATIONS) for t in c.turns]
    assert len(questions) == 209 and len(turns) == 63
    for spec in [*questions, *turns]:
        for ref, evidence in zip(spec.gold, spec.evidence):
            assert ref.clause_id in clauses, f"{spec.qid}: {ref.clause_id} is not a clause"
            # Naive RAG relies on the evidence being verbatim text of its gold clause.
            assert _squash(evidence) in _squash(clauses[ref.clause_id].text), spec.qid
    # And the loader agrees: nothing in the shipped files fails to resolve.
    assert len(load_questions(DEFAULT_QUESTIONS, catalog)) == 209
    assert sum(len(c.turns) for c in load_conversations(DEFAULT_CONVERSATIONS, catalog)) == 63


def test_conversation_turns_keep_the_reference_rewrite_apart(catalog) -> None:
    first = load_conversations(DEFAULT_CONVERSATIONS, catalog)[0]
    assert [t.qid for t in first.turns] == ["c01#1", "c01#2", "c01#3"]
    assert first.turns[1].question == "那綦江呢？"
    assert first.turns[1].reference_resolved == "綦江以工代训补贴标准是多少？"
    assert first.turns[1].turn == 2


@pytest.mark.parametrize("entry", [
    "sanmenxia-2019/2.3.1",
    {"doc_id": "sanmenxia-2019", "section": "二、（三）1."},
    {"doc_id": "sanmenxia-2019", "section": "二（三）1"},
    {"doc_id": "sanmenxia-2019", "section": "二、(三)1．"},
    {"doc_id": "sanmenxia-2019", "section": " 二、（三）1 "},
    {"quote": "按每人每月200元的标准给予生产经营主体以工代训补贴"},
    {"quote": "按每人每月200元的标准\n给予生产经营主体以工代训补贴"},  # a line break inside
])
def test_gold_forms_resolve_to_the_same_clause(tmp_path, catalog, entry) -> None:
    path = _write(tmp_path, [_question(gold=[entry])])
    [question] = load_questions(path, catalog)
    assert question.gold == ("sanmenxia-2019/2.3.1",)


def test_mixed_gold_forms_and_evidence_fallback(tmp_path, catalog) -> None:
    path = _write(tmp_path, [_question(gold=[
        {"doc_id": "taierzhuang-2019", "section": "五、（十六）"},
        {"quote": "对参加培训的就业困难人员和零就业家庭人员"},
        "qijiang-2019/annex.total"])])
    [question] = load_questions(path, catalog)
    assert question.gold == ("taierzhuang-2019/5.16", "tianjin-2019/3.1.3",
                             "qijiang-2019/annex.total")
    # No evidence given: the first 30 characters of each gold clause stand in, aligned.
    assert len(question.evidence) == 3
    assert question.evidence[0] == _squash(catalog.text("taierzhuang-2019/5.16"))[:30]


def test_section_normalisation() -> None:
    assert normalise_section("二、（三）1.") == normalise_section("二(三)1") == "二(三)1"
    assert normalise_section("三、（一）2．") == "三(一)2"
    assert normalise_section("1.5") == "1.5"  # a decimal keeps its point


@pytest.mark.parametrize(("rows", "message"), [
    (['{"id": "t1", "question": "x"', ], r"q\.jsonl:1: not valid JSON"),
    ([_question("t1"), "[1, 2]"], r"q\.jsonl:2: expected a JSON object"),
    ([{"question": "x", "answerable": False, "gold": []}], r":1: missing required field 'id'"),
    ([{"id": "t1", "answerable": False, "gold": []}], r"question t1: missing required field 'question'"),
    ([{**_question("t1"), "answerable": "yes"}], r"'answerable' must be true or false"),
    ([{**_question("t1"), "answerable": True, "gold": []}], r"answerable question with an empty 'gold'"),
    ([{**_question("t1"), "evidence": ["a", "b"]}], r"'evidence' has 2 entries but 'gold' has 1"),
    ([_question("t1"), _question("t1")], r":2: question id 't1' already used at q\.jsonl:1"),
    ([_question("t1", gold=["sanmenxia-2019/9.9.9"])],
     r"q\.jsonl:1: question t1: gold clause 'sanmenxia-2019/9.9.9' does not exist"),
    ([_question("t7", gold=[{"doc_id": "sanmenxia-2019", "section": "九、（九）"}])],
     r"question t7: gold .*matches no clause"),
    ([_question("t8", gold=[{"doc_id": "nowhere-2019", "section": "一、"}])],
     r"question t8: .*no document 'nowhere-2019'"),
    ([_question("t9", gold=[{"quote": "职业技能"}])], r"question t9: gold quote .* occurs in \d+ clauses"),
    ([_question("t9", gold=[{"quote": "这句话不在任何文件里"}])], r"question t9: .*occurs in no clause"),
    ([_question("t9", gold=[42])], r"question t9: gold entry 42 is not a clause id"),
    ([""], r"holds no questions"),
])
def test_bad_question_files_raise_input_error(tmp_path, catalog, rows, message) -> None:
    path = _write(tmp_path, rows)
    with pytest.raises(InputError, match=message):
        load_questions(path, catalog)


def test_unanswerable_with_gold_is_refused(tmp_path, catalog) -> None:
    path = _write(tmp_path, [{**_question("t1"), "answerable": False}])
    with pytest.raises(InputError, match="question t1: unanswerable question with gold"):
        read_questions(path)


def test_missing_file_and_bad_conversation(tmp_path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_questions(tmp_path / "absent.jsonl")
    path = _write(tmp_path, [{"id": "c1", "turns": [{"question": "谁负责？", "gold": []}]}],
                  name="c.jsonl")
    with pytest.raises(InputError, match=r"c\.jsonl:1: conversation c1 turn 1: missing required "
                                         r"field 'answerable'"):
        read_conversations(path)
