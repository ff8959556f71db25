"""Reading the product's answers on a Legal-DC-format benchmark (`eval.corpus_answers`)."""

from __future__ import annotations

from eval.corpus_answers import Answered, body_led, lead_quoted, quoted_from, score_answer, \
    summarise_answers
from eval.corpus_records import BenchmarkQuestion

ARTICLE = ("第七条　能效标识的名称为“中国能效标识”，能效标识应当包括以下基本内容：（一）生产者名称；"
           "（二）能效等级。")


def _question(qid: str, gold: str) -> BenchmarkQuestion:
    return BenchmarkQuestion(qid=qid, question="能效标识包括哪些内容？", title="能源效率标识管理办法",
                             gold=(gold,), answer="", category="概括归纳型", line=1)


def test_the_passages_are_read_by_the_line_not_by_quote_marks():
    text = ("《能源效率标识管理办法》第七条：“能效标识的名称为“中国能效标识”，能效标识应当包括以下基本内容："
            "”……“（二）能效等级。”[1]\n《另一办法》第二条：“无关。”[2]")
    assert quoted_from(text, "《能源效率标识管理办法》第七条") == (
        "能效标识的名称为“中国能效标识”，能效标识应当包括以下基本内容：", "（二）能效等级。")
    assert quoted_from(text, "《不在此处》第一条") == ()


def test_an_answer_is_scored_on_the_gold_sentences_it_quotes():
    question = _question("q1", "能效标识应当包括以下基本内容：（一）生产者名称；（二）能效等级。")
    half = Answered("q1", "answered", ARTICLE, ("（二）能效等级。",), 5.0)
    # two gold sentences (split at 。 and ；, not at the colon), one quoted
    assert score_answer(question, half) == {"answered": True, "first_cited_gold": True,
                                            "gold_quoted": 0.5, "figure_lead_in_gold": None,
                                            "body_lead_in_gold": None}
    wrong_clause = Answered("q1", "answered", "第八条　其他。", ("其他。",), 5.0)
    assert score_answer(question, wrong_clause)["gold_quoted"] is None
    refused = Answered("q1", "not_found", "", (), 5.0)
    failed = Answered("q1", "error", "", (), 5.0, error="RuntimeError: boom")
    summary = summarise_answers(
        [question, _question("q2", "x"), _question("q3", "y"), _question("q4", "z")],
        {"q1": half, "q2": refused, "q3": wrong_clause, "q4": failed})
    assert summary == {"n": 3, "answered": round(2 / 3, 4), "first_cited_gold": 0.5,
                       "gold_sentences_quoted": 0.5, "gold_quoted_whole": 0.0,
                       "figure_leads": 0, "figure_leads_in_gold": None, "body_leads": 0,
                       "body_leads_in_gold": None, "errors": 1}


def test_an_articles_number_is_no_gold_sentence_to_quote():
    """The citation gives 第十一条; the quote starts after it, as `answer` writes it."""
    question = _question("q5", "第十一条　食盐生产经营者应当建立追溯体系。记录保存期限不得少于二年。")
    answered = Answered("q5", "answered", question.gold[0],
                        ("食盐生产经营者应当建立追溯体系。记录保存期限不得少于二年。",), 5.0)
    assert score_answer(question, answered)["gold_quoted"] == 1.0


def test_a_figure_lead_counts_when_it_quotes_from_inside_a_gold_first_citation():
    gold = "第十七条　回收台账应当至少保存两年。"
    question = BenchmarkQuestion(qid="q6", question="回收台账应当保存几年？", title="农用薄膜管理办法",
                                 gold=(gold,), answer="", category="概括归纳型", line=1)
    right = "《农用薄膜管理办法》：“回收台账应当至少保存两年”[1]。\n《农用薄膜管理办法》第十七条：“回收台账应当至少保存两年。”[1]"
    none = "《农用薄膜管理办法》所引条款未写明具体期限。\n《农用薄膜管理办法》第十七条：“回收台账应当至少保存两年。”[1]"
    assert lead_quoted(right) == ("回收台账应当至少保存两年",)
    assert lead_quoted(none) == ()
    assert lead_quoted("《农用薄膜管理办法》第十七条：“回收台账应当至少保存两年。”[1]") is None

    def scored(text: str, first: str = gold) -> bool | None:
        answered = Answered("q6", "answered", first, (), 5.0, lead_quoted=lead_quoted(text))
        return score_answer(question, answered)["figure_lead_in_gold"]

    assert scored(right) is True
    assert scored(none) is False  # a gold clause said to state no period
    assert scored(right, first="第九条　其他。") is None  # not the gold clause: retrieval's miss


def test_a_body_lead_counts_when_the_gold_names_that_body():
    gold = "第四条　计量基准由市场监管总局统一规划，组织建立。"
    question = BenchmarkQuestion(qid="q7", question="计量基准由哪个部门建立？", title="计量基准管理办法",
                                 gold=(gold,), answer="", category="概括归纳型", line=1)
    right = ("《计量基准管理办法》写明的负责单位：“市场监管总局”[1]。\n"
             "《计量基准管理办法》第四条：“计量基准由市场监管总局统一规划，组织建立。”[1]")
    wrong = right.replace("“市场监管总局”[1]", "“国务院计量行政部门”[1]", 1)
    assert body_led(right) == "市场监管总局"
    assert body_led("《计量基准管理办法》第四条：“计量基准由市场监管总局统一规划。”[1]") == ""
    assert body_led("《某某法》写明的通过或发布机关：“全国人民代表大会常务委员会”[1]。") == \
        "全国人民代表大会常务委员会"

    def scored(text: str, first: str = gold) -> bool | None:
        answered = Answered("q7", "answered", first, (), 5.0, body_led=body_led(text))
        return score_answer(question, answered)["body_lead_in_gold"]

    assert scored(right) is True
    assert scored(wrong) is False
    assert scored(right, first="第九条　其他。") is None  # not the gold clause: retrieval's miss
    assert scored("《计量基准管理办法》第四条：“…”[1]") is None  # no body lead
