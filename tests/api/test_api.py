"""The HTTP contract of API.md, field by field, through the real app over the shipped corpus."""

from __future__ import annotations

import re

import pytest

CITATION_FIELDS = {"n", "clause_id", "doc_id", "doc_title", "doc_number", "region", "section",
                   "section_path", "text", "score", "url"}
SANMENXIA_TITLE = "三门峡市职业技能提升行动方案（2019—2021年）"


def _ask(client, question, **extra):
    response = client.post("/ask", json={"question": question, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def _markers(answer: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", answer)]


def test_health_reports_corpus_and_encoder(client):
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["documents"] == 5
    assert body["clauses"] == 150
    assert body["encoder"].startswith("hash")
    assert re.match(r"\d{4}-\d\d-\d\dT", body["index_built_at"])


def test_documents_list_metadata(client):
    documents = {d["doc_id"]: d for d in client.get("/documents").json()["documents"]}
    assert set(documents) == {"tianjin-2019", "qijiang-2019", "taierzhuang-2019",
                              "sanmenxia-2019", "baicheng-2019"}
    sanmenxia = documents["sanmenxia-2019"]
    assert sanmenxia["title"] == SANMENXIA_TITLE
    assert sanmenxia["doc_number"] == "三政办〔2019〕26号"
    assert sanmenxia["region"] == "河南省三门峡市"
    assert sanmenxia["clause_count"] == 27
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", sanmenxia["date"])
    assert sanmenxia["issuer"]
    assert documents["baicheng-2019"]["status"] == "draft"
    assert documents["baicheng-2019"]["status_label"] == "送审稿"
    assert documents["sanmenxia-2019"]["status"] == "final"
    assert documents["tianjin-2019"]["doc_number"] is None


def test_document_has_clauses_in_reading_order(client):
    body = client.get("/documents/taierzhuang-2019").json()
    assert body["doc_number"] == "台政发〔2019〕11号"
    assert len(body["clauses"]) == body["clause_count"] == 21
    sections = [c["section"] for c in body["clauses"]]
    assert sections.index("五、（十六）") > sections.index("五、（十五）")
    assert all(c["url"] == f"/documents/taierzhuang-2019#{c['clause_id'].split('/', 1)[1]}"
               for c in body["clauses"])


def test_document_page_is_html_for_browsers(client):
    response = client.get("/documents/sanmenxia-2019?highlight=2.3.1",
                          headers={"accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert SANMENXIA_TITLE in response.text
    assert 'id="2.3.1"' in response.text
    page = client.get("/documents/sanmenxia-2019/page")
    assert page.headers["content-type"].startswith("text/html")
    missing = client.get("/documents/nowhere-2019", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "nowhere-2019" in missing.text


def test_clause_lookup_is_a_citation_without_n_and_score(client):
    body = client.get("/clauses/sanmenxia-2019/2.3.1").json()
    assert CITATION_FIELDS - {"n", "score"} <= set(body)
    assert "n" not in body and "score" not in body
    assert body["section"] == "二、（三）1."
    assert body["section_path"][:2] == ["二、重点工作及责任分工", "（三）完善培训补贴政策，提升补贴资金实效"]
    assert "按每人每月200元的标准给予生产经营主体以工代训补贴" in body["text"]
    assert body["url"] == "/documents/sanmenxia-2019#2.3.1"


def test_ask_answers_with_verbatim_quotes_and_full_citations(client):
    body = _ask(client, "三门峡以工代训补贴标准是多少？")
    assert body["status"] == "answered"
    assert body["resolved_question"] == "三门峡以工代训补贴标准是多少？"
    assert len(body["conversation_id"]) >= 20
    first = body["citations"][0]
    assert set(first) >= CITATION_FIELDS
    assert first["clause_id"] == "sanmenxia-2019/2.3.1"
    assert first["doc_title"] == SANMENXIA_TITLE
    assert first["doc_number"] == "三政办〔2019〕26号"
    assert first["region"] == "河南省三门峡市"
    assert first["section"] == "二、（三）1."
    assert 0 < first["score"] <= 1
    assert [c["n"] for c in body["citations"]] == list(range(1, len(body["citations"]) + 1))
    assert all(c["doc_id"] == "sanmenxia-2019" for c in body["citations"])  # region scope
    assert "按每人每月200元的标准给予生产经营主体以工代训补贴" in body["answer"]
    markers = _markers(body["answer"])
    assert markers and all(1 <= n <= len(body["citations"]) for n in markers)
    # Every quotation in the answer is verbatim text of the clause its marker points to.
    # A quotation may itself contain quoted words (企业“师带徒”津贴): one level of nesting;
    # passages apart in the clause are quoted apart (“…”……“…”[n]).
    passage = r"“(?:[^“”]|“[^“”]*”)+”"
    for quotes, n in re.findall(rf"((?:{passage}(?:……)?)+)\[(\d+)\]", body["answer"]):
        for quote in re.findall(passage, quotes):
            assert quote[1:-1] in body["citations"][int(n) - 1]["text"].replace("\n", "")


@pytest.mark.parametrize("question", [
    "北京市的培训补贴标准", "今天天气怎么样", "三门峡个人所得税税率是多少？"])
def test_ask_not_found_when_the_corpus_does_not_answer(client, question):
    body = _ask(client, question)
    assert body["status"] == "not_found", body["answer"]
    assert body["answer"]
    for citation in body["citations"]:
        assert set(citation) >= CITATION_FIELDS


def test_region_scoped_topic_only_other_regions_have(client):
    body = _ask(client, "三门峡的生活费补贴有什么规定")
    assert body["status"] == "not_found"
    assert SANMENXIA_TITLE in body["answer"] and "生活费" in body["answer"]
    other_regions = {c["doc_id"] for c in body["citations"]} - {"sanmenxia-2019"}
    assert "taierzhuang-2019" in other_regions  # 台儿庄 does set a living allowance
    assert all(1 <= n <= len(body["citations"]) for n in _markers(body["answer"]))


def test_unknown_region_says_so(client):
    body = _ask(client, "北京市的培训补贴标准")
    assert "北京" in body["answer"] and "没有" in body["answer"]


@pytest.mark.parametrize(("question", "clause_id"), [
    ("三门峡方案二（三）1讲什么", "sanmenxia-2019/2.3.1"),
    ("台儿庄第（十六）条", "taierzhuang-2019/5.16"),
    ("天津方案第三部分（二）2", "tianjin-2019/3.2.2"),
])
def test_section_references_fetch_the_clause(client, question, clause_id):
    body = _ask(client, question)
    assert body["status"] == "answered"
    assert body["citations"][0]["clause_id"] == clause_id


def test_table_row_lookup_carries_the_header(client):
    body = _ask(client, "滨海新区2019年补贴培训多少人次？")
    first = body["citations"][0]
    assert first["clause_id"] == "tianjin-2019/annex.row1"
    assert first["section"].startswith("附件")
    assert "补贴培训总数（人次）：50000" in first["text"]
    assert "50000" in body["answer"]


def test_region_filter_and_top_k(client):
    body = _ask(client, "培训补贴", region="白城市", top_k=2)
    assert 1 <= len(body["citations"]) <= 2
    assert {c["doc_id"] for c in body["citations"]} == {"baicheng-2019"}
    assert len(_ask(client, "培训补贴", top_k=1)["citations"]) <= 1


def test_search_returns_numbered_citations(client):
    body = client.post("/search", json={"query": "新型学徒制", "top_k": 7}).json()
    hits = body["hits"]
    assert len(hits) == 7
    assert [h["n"] for h in hits] == list(range(1, 8))
    assert all(set(h) >= CITATION_FIELDS for h in hits)
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    scoped = client.post("/search", json={"query": "新型学徒制", "region": "綦江"}).json()
    assert {h["doc_id"] for h in scoped["hits"]} == {"qijiang-2019"}


# -- bad input: always a 4xx that names the problem ---------------------------------------

@pytest.mark.parametrize(("body", "field", "words"), [
    ({"question": ""}, "question", "empty"),
    ({"question": "   \n\t "}, "question", "empty"),
    ({"question": "补" * 10_000}, "question", "1000"),
    ({"question": 123}, "question", "string"),
    ({"question": ["三门峡"]}, "question", "string"),
    ({}, "question", "required"),
    ({"question": "三门峡", "top_k": 0}, "top_k", "greater than or equal to 1"),
    ({"question": "三门峡", "top_k": 100}, "top_k", "less than or equal to 20"),
    ({"question": "三门峡", "top_k": "five"}, "top_k", "integer"),
    ({"question": "三门峡", "conversation_id": 5}, "conversation_id", "string"),
    ({"question": "三门峡", "region": 7}, "region", "string"),
    ({"question": "三门峡", "colour": "red"}, "colour", "extra"),
])
def test_ask_validation_errors_name_the_field(client, body, field, words):
    response = client.post("/ask", json=body)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert any(error["loc"][-1] == field and words.lower() in error["msg"].lower()
               for error in errors), errors


@pytest.mark.parametrize(("raw", "words"), [
    ('{"question": "三门峡"', "not valid JSON"),
    ("question=三门峡", "not valid JSON"),
    ('["三门峡以工代训"]', "JSON object"),
    ('"三门峡以工代训"', "JSON object"),
    ("null", "JSON object"),
])
def test_ask_rejects_bodies_that_are_not_json_objects(client, raw, words):
    response = client.post("/ask", content=raw.encode(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert words in str(response.json()["detail"])


def test_unknown_region_filter_is_422_listing_known_regions(client):
    response = client.post("/ask", json={"question": "培训补贴", "region": "北京市"})
    assert response.status_code == 422
    [problem] = response.json()["detail"]  # the one 422 shape, naming the field
    assert problem["loc"] == ["body", "region"]
    assert "北京市" in problem["msg"] and "三门峡" in problem["msg"]


@pytest.mark.parametrize(("path", "words"), [
    ("/documents/nowhere-2019", "nowhere-2019"),
    ("/clauses/sanmenxia-2019/9.9.9", "sanmenxia-2019/9.9.9"),
    ("/clauses/nonsense", "nonsense"),
    ("/conversations/not-a-conversation", "not-a-conversation"),
])
def test_unknown_ids_are_404_naming_the_id(client, path, words):
    response = client.get(path)
    assert response.status_code == 404
    assert words in response.json()["detail"]


def test_unknown_conversation_is_404_not_a_silent_restart(client):
    response = client.post("/ask", json={"question": "那綦江呢？", "conversation_id": "nope"})
    assert response.status_code == 404
    assert "nope" in response.json()["detail"]


def test_search_validation(client):
    assert client.post("/search", json={"query": "  "}).status_code == 422
    assert client.post("/search", json={"query": "补贴", "top_k": 0}).status_code == 422
    assert client.post("/search", content=b"[]",
                       headers={"content-type": "application/json"}).status_code == 422


def test_openapi_docs_are_served(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/ask", "/search", "/documents", "/documents/{doc_id}", "/clauses/{clause_id}",
            "/health", "/conversations/{conversation_id}"} <= set(paths)


def test_the_english_dictionary_is_read_before_the_first_question(client):
    # A server that read it on the first English question held that request up for seconds.
    from assistant.english import english_index

    english_index.cache_clear()
    client.app.state.live.warm_up()  # what the app does at start-up
    assert english_index.cache_info().currsize == 1
    assert client.post("/ask", json={"question": "What does Tianjin's plan say?"}).status_code == 200
