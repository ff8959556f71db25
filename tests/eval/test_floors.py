"""The regression floors judge both retrieval and answer metrics, in the right direction."""

from __future__ import annotations

from eval.floors import (DEV_CONVERSATION_FLOORS, FLOORS_BY_FILE, INDEPENDENT_CONVERSATION_FLOORS,
                         INDEPENDENT_FLOORS, REGRESSION_FLOORS, check_floors)


def _report(hit5: float, false_refusals: float, refusals: float, precision: float,
            verbatim: float = 1.0, other_region: float = 0.0, figure_leads: float = 0.935,
            refusals_citing_gold: float = 1.0):
    ranking = {"hybrid": {"overall": {"hit_rate@5": hit5}}}
    answers = {"hybrid": {"false_refusal_rate": false_refusals,
                          "not_found_accuracy_unanswerable": refusals,
                          "marked_citation_precision": precision,
                          "verbatim_segment_rate": verbatim,
                          "figure_lead_accuracy": figure_leads,
                          "asked_region_other_document_rate": other_region,
                          "refusals_citing_gold": refusals_citing_gold}}
    return ranking, answers


def test_measured_values_pass_and_each_regression_fails_its_own_floor():
    assert check_floors(*_report(0.970, 0.030, 0.775, 0.912))["passed"]
    for bad, metric in [((0.90, 0.030, 0.775, 0.912), "hit_rate@5"),
                        ((0.970, 0.10, 0.775, 0.912), "false_refusal_rate"),
                        ((0.970, 0.030, 0.70, 0.912), "not_found_accuracy_unanswerable"),
                        ((0.970, 0.030, 0.775, 0.20), "marked_citation_precision"),
                        ((0.970, 0.030, 0.775, 0.912, 0.99), "verbatim_segment_rate"),
                        ((0.970, 0.030, 0.775, 0.912, 1.0, 0.01),
                         "asked_region_other_document_rate"),
                        ((0.970, 0.030, 0.775, 0.912, 1.0, 0.0, 0.742),
                         "figure_lead_accuracy"),
                        ((0.970, 0.030, 0.775, 0.912, 1.0, 0.0, 0.935, 0.5),
                         "refusals_citing_gold")]:
        result = check_floors(*_report(*bad))
        assert not result["passed"]
        assert [c["metric"] for c in result["checks"] if not c["passed"]] == [metric]


def test_a_missing_metric_fails_rather_than_passing_silently():
    ranking, answers = _report(0.970, 0.030, 0.775, 0.912)
    del answers["hybrid"]["marked_citation_precision"]
    result = check_floors(ranking, answers)
    assert not result["passed"] and len(result["checks"]) == len(REGRESSION_FLOORS)


def test_the_independent_questions_have_floors_of_their_own():
    assert FLOORS_BY_FILE["dev.jsonl"] == REGRESSION_FLOORS
    assert FLOORS_BY_FILE["independent.jsonl"] == INDEPENDENT_FLOORS
    measured = _report(0.917, 0.133, 0.767, 0.737)
    assert check_floors(*measured, INDEPENDENT_FLOORS)["passed"]
    # The dev set's floors are stricter: the same figures fail them.
    failed = [c["metric"] for c in check_floors(*measured)["checks"] if not c["passed"]]
    assert failed == ["hit_rate@5", "false_refusal_rate", "not_found_accuracy_unanswerable",
                      "marked_citation_precision"]
    worse = check_floors(*_report(0.883, 0.175, 0.667, 0.716), INDEPENDENT_FLOORS)
    assert [c["metric"] for c in worse["checks"] if not c["passed"]] == ["false_refusal_rate"]


def _turns(hit5: float, answered: float, refused: float, strays: float = 0.0) -> dict:
    return {"follow_ups": {"n": 79, "hit@5": hit5, "hit@1": 0.7, "answered": answered},
            "unanswerable_turns": {"n": 7, "not_found_accuracy": refused},
            "asked_region_turns": {"n": 111, "other_document_rate": strays}}


def test_conversations_have_floors_on_follow_ups_and_unanswerable_turns():
    assert FLOORS_BY_FILE["conversations.jsonl"] == DEV_CONVERSATION_FLOORS
    assert FLOORS_BY_FILE["conversations-independent.jsonl"] == INDEPENDENT_CONVERSATION_FLOORS
    floors = INDEPENDENT_CONVERSATION_FLOORS
    assert check_floors({}, {}, floors, _turns(0.899, 0.911, 1.0))["passed"]
    for bad, metric in [((0.80, 0.911, 1.0), "hit@5"), ((0.899, 0.80, 1.0), "answered"),
                        ((0.899, 0.911, 0.57), "not_found_accuracy"),
                        ((0.899, 0.911, 1.0, 0.01), "other_document_rate")]:
        result = check_floors({}, {}, floors, _turns(*bad))
        assert [c["metric"] for c in result["checks"] if not c["passed"]] == [metric]
    # Without the conversations' figures the floors fail rather than pass unseen.
    assert not check_floors({}, {}, floors)["passed"]
