"""A question naming several regions, one of which has no rule on its subject: the answer says
so for that region instead of quoting one of its clauses about something else. The shipped
plans through the real assistant (hash encoder)."""

from __future__ import annotations


def test_a_region_whose_documents_never_use_the_subject_is_said_to_have_no_rule(hash_assistant):
    # Tianjin's plan never says 以工代训; Sanmenxia's sets 每人每月200元.
    answer = hash_assistant.answer("三门峡和天津的以工代训补贴标准分别是多少？")
    assert answer.status == "answered"
    assert {hit.document.doc_id for hit in answer.hits} == {"sanmenxia-2019"}, answer.text
    assert "天津市的文件没有关于“以工代训" in answer.text.splitlines()[-1]
    assert "每人每月200元" in answer.text


def test_a_region_writing_the_subject_apart_is_still_quoted(hash_assistant):
    # Tianjin says 新型学徒制培训补贴 but never 补贴标准: it grants the subsidy, without a figure.
    answer = hash_assistant.answer("綦江和天津的新型学徒制补贴标准各是多少？")
    assert {"tianjin-2019", "qijiang-2019"} <= {hit.document.doc_id for hit in answer.hits}
    assert "没有关于" not in answer.text
