"""Choosing the fusion weights by cross-validation on three question sets, reporting held-out folds.

For every question of the seeds' development set, of the odd half of the independently written
questions (since stop 36; the even half is the test set, scored once with the point chosen on
all the others) and of a Legal-DC-format benchmark, the
product's retriever computes each channel's raw scores once (`HybridRetriever.channels`) in the
scope the product would search (`PolicyAssistant.scope_for`); questions the product answers by
section reference are left out, since no weight changes them. The candidates are the union of
each channel's best rows, enough that no weight setting ranks a row outside them into the top 10.
Every grid point is scored on every question; then, fold by fold (5 folds, each set split on
its own), the point that scores best on the other four folds is applied to the held-out fold.
The figures reported are those held-out results — never the in-sample best — and the point chosen
most often is printed as the recommended `FusionWeights` (with the point that is best on all
questions, which is what the service then uses: cross-validation estimates how well this way of
choosing does on questions it has not seen).

    python -m eval.tune_fusion --legal-docs ../shared/corpora/legal-dc/docs \\
        --legal-questions ../shared/corpora/legal-dc/questions-dev.jsonl --index-dir /tmp/ldc-index

With `--answer-forms` (stop 42) the grid is the shares of `answer_forms` instead, the channel
weights fixed at the service's; the report is `eval/answer-forms-cv.json` (`--seed` picks the
fold assignment; 13, 14 and 15 were run).
"""

from __future__ import annotations

import argparse
import itertools
import json
import pickle
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from assistant.answer_forms import KINDS, answer_forms
from assistant.retriever import (FusionWeights, HybridRetriever, blend, lift_answer_forms,
                                 normalised, prefer, wanted_clause)
from assistant.service import PolicyAssistant
from corpus import corpus_hash, load_corpus
from eval.corpus_loading import load_documents
from eval.corpus_metrics import normalise
from eval.corpus_questions import scorable_questions
from eval.corpus_systems import open_index
from eval.questions import ClauseCatalog, load_questions
from eval.tune_decision import in_test_half
from index.encoders import Encoder, make_encoder
from index.store import load_or_build

FOLDS = 5
CANDIDATES_PER_CHANNEL = 150  # per channel; the union is what any weighting can rank high
KS = (1, 5, 10)
# The grid fixed before the run reported in the README (768 points). A wider grid (bigrams 0–0.3,
# document 0–0.3, coverage 0–3; 1,280 points) was tried after: its folds each chose a different
# point and held-out Legal-DC hit@5 fell to 0.795 — more choices, more fitting to folds.
GRID = {
    "lexical": (0.1, 0.2, 0.3, 0.4),
    "bigrams": (0.1, 0.2, 0.3, 0.4),
    "dense": (0.1, 0.2, 0.3, 0.4),
    "document": (0.0, 0.1, 0.2),
    "coverage": (0.0, 0.5, 1.0, 1.5),
    # Added at stop 36 (2,304 points): how much the vectors count for when words of the
    # question are words no clause uses (`FusionWeights.dense_per_unknown`).
    "dense_per_unknown": (0.0, 1.0, 2.0),
}
# With --answer-forms, the shares of `answer_forms` (stop 42; 125 points), the channel weights
# fixed at the defaults chosen above.
ANSWER_FORM_SHARES = (0.0, 0.02, 0.05, 0.1, 0.15)
SEEDS_QUESTIONS = Path(__file__).parent / "questions" / "dev.jsonl"
# Paraphrased and colloquial questions written apart from the development set: the odd half is
# a third set of the cross-validation (added at stop 36, as `eval.tune_decision` uses it), the
# even half the test set, scored once with the point chosen on all the others.
INDEPENDENT_QUESTIONS = Path(__file__).parent / "questions" / "independent.jsonl"
TEST_SET = "independent-test"


@dataclass(frozen=True)
class Prepared:
    """One question's candidate rows with normalised channel values and gold satisfaction."""

    qid: str
    dataset: str
    category: str
    channels: np.ndarray  # (5, n): lexical, bigrams, dense, document (min-max over scope), coverage
    wanted: np.ndarray  # (n,) the candidate's grade as the kind asked for (`wanted_clause`; 0: not)
    satisfies: list[frozenset[int]]  # per candidate, which gold items it contains
    gold_count: int
    needs_all: bool  # Legal-DC: every gold string; seeds: any gold clause
    # The candidates' raw channel values, each channel's (min, max, mean, sd) over the whole
    # scope and the candidates' ranks in it: what other normalisations read
    # (`eval.fusion_normalisation`).
    raw: np.ndarray | None = None  # (5, n)
    scope_stats: np.ndarray | None = None  # (5, 4)
    ranks: np.ndarray | None = None  # (5, n), 0 = best in the scope
    # The mean over the scope of the clause vectors' own cosines (before sentences lift the
    # candidates'): what a store can compute from per-document vector sums.
    clause_dense_mean: float | None = None
    unknown_share: float = 0.0  # `QueryAnalysis.unknown_share`, read by `blend`
    # (3, n): per candidate, whether it is worded in each answer form of `answer_forms.KINDS`,
    # which `lift_answer_forms` raises; None for items prepared before stop 42.
    forms: np.ndarray | None = None


def _prepare(retriever: HybridRetriever, assistant: PolicyAssistant, *, qid: str, question: str,
             dataset: str, category: str, gold_match, gold_count: int,
             needs_all: bool) -> Prepared | None:
    analysis = assistant.analyse(question)
    scope = analysis.scope
    if analysis.referenced or (scope.unknown and not scope.restricted):
        return None
    channels = retriever.channels(analysis.searched, doc_ids=scope.doc_ids,
                                  query_vector=retriever.query_vector(question),
                                  synonyms=analysis.synonyms)
    if channels is None:
        return None
    values = normalised(channels)
    raw = np.vstack([channels.lexical, channels.bigrams, channels.dense, channels.document,
                     channels.coverage]).astype(np.float64)
    picked: set[int] = set()
    for row in values:
        count = min(CANDIDATES_PER_CHANNEL, row.size)
        picked.update(np.argpartition(-row, count - 1)[:count].tolist())
    candidates = np.array(sorted(picked))
    wanted = wanted_clause(question, analysis.asked, retriever.title_of,
                           names_document=bool(scope.documents))
    clauses = [assistant.index.clauses[channels.rows[c]] for c in candidates]
    forms_of = answer_forms(analysis.asked, analysis.terms)
    forms = np.array([forms_of(c) if forms_of else (0,) * len(KINDS) for c in clauses],
                     dtype=np.int8).T.reshape(len(KINDS), len(clauses))
    return Prepared(
        qid=qid, dataset=dataset, category=category, channels=values[:, candidates],
        wanted=np.array([int(wanted(c)) for c in clauses], dtype=np.int8),
        satisfies=[frozenset(gold_match(c)) for c in clauses], gold_count=gold_count,
        needs_all=needs_all, raw=raw[:, candidates],
        scope_stats=np.stack([_lows(channels, raw), raw.max(1), raw.mean(1), raw.std(1)], axis=1),
        ranks=np.argsort(np.argsort(-raw, axis=1, kind="stable"), axis=1)[:, candidates],
        clause_dense_mean=float((channels.dense if channels.clause_dense is None
                                 else channels.clause_dense).mean()),
        unknown_share=analysis.unknown_share, forms=forms)


def _lows(channels, raw: np.ndarray) -> np.ndarray:
    """Each channel's low end as `retriever.normalised` reads it: the scope minimum the
    channels carry (the clause vectors' own for a dense channel lifted by sentences), else the
    minimum of the values."""
    lows = channels.lows or (None,) * len(raw)
    return np.array([min(float(low), float(row.min())) if low is not None else float(row.min())
                     for low, row in zip(lows, raw)])


def hits_at_ks(item: Prepared, order: np.ndarray) -> tuple[bool, ...]:
    """For each k of `KS`, whether the first k candidates of `order` find the gold (all of it
    when the question needs all)."""
    results = []
    for k in KS:  # a scope smaller than k simply returns all it has
        found = set().union(*(item.satisfies[position] for position in order[:k]))
        results.append(len(found) >= item.gold_count if item.needs_all else bool(found))
    return tuple(results)


def fused_scores(item: Prepared, weights: FusionWeights) -> np.ndarray:
    """The candidates' scores as `HybridRetriever.rank_scores` computes them."""
    scores = blend(item.channels, weights, item.unknown_share)
    if item.forms is not None and item.forms.any():
        scores = lift_answer_forms(scores, lambda position: item.forms[:, position], weights)
    if item.wanted.any():
        scores = prefer(scores, lambda position: int(item.wanted[position]), weights)
    return scores


def _hits(item: Prepared, weights: FusionWeights) -> tuple[bool, ...]:
    return hits_at_ks(item, np.argsort(-fused_scores(item, weights), kind="stable")[:max(KS)])


def _grid() -> list[FusionWeights]:
    names = list(GRID)
    return [replace(FusionWeights(), **dict(zip(names, values)))
            for values in itertools.product(*(GRID[name] for name in names))]


def _answer_form_grid() -> list[FusionWeights]:
    return [replace(FusionWeights(), answer_figure=figure, answer_body=body,
                    answer_listing=listing)
            for figure, body, listing in itertools.product(ANSWER_FORM_SHARES, repeat=3)]


def _objective(table: np.ndarray, datasets: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Per grid point: mean over datasets of hit@5 + hit@1/2 on the masked questions.

    Each set counts equally, so the 1,500 Legal-DC questions do not drown the seeds' 170.
    """
    parts = []
    for dataset in np.unique(datasets):
        rows = mask & (datasets == dataset)
        if rows.any():
            parts.append(table[:, rows, 1].mean(axis=1) + 0.5 * table[:, rows, 0].mean(axis=1))
    return np.mean(parts, axis=0)


def fold_assignment(datasets: np.ndarray, seed: int) -> np.ndarray:
    """Each question's fold (0 to `FOLDS` - 1), every set split on its own."""
    rng = np.random.default_rng(seed)
    fold_of = np.empty(len(datasets), dtype=int)
    for dataset in np.unique(datasets):
        members = np.flatnonzero(datasets == dataset)
        fold_of[members] = rng.permutation(len(members)) % FOLDS
    return fold_of


def held_out_outcome(table: np.ndarray, datasets: np.ndarray,
                     fold_of: np.ndarray) -> tuple[np.ndarray, list[int]]:
    """(questions, len(KS)): each question's hits under the grid point the other folds chose
    (`table`: grid points × questions × KS); and the point each fold chose."""
    outcome = np.zeros((len(datasets), len(KS)))
    chosen = []
    for fold in range(FOLDS):
        best = int(np.argmax(_objective(table, datasets, fold_of != fold)))
        chosen.append(best)
        outcome[fold_of == fold] = table[best, fold_of == fold]
    return outcome, chosen


def cross_validate(items: list[Prepared], grid: list[FusionWeights], *,
                   seed: int = 13) -> dict:
    """Held-out figures of every set but the test half, which is scored once, with the point
    best on all the others."""
    tests = [item for item in items if item.dataset == TEST_SET]
    items = [item for item in items if item.dataset != TEST_SET]
    report = _cross_validate(items, grid, seed=seed)
    if tests:
        point = replace(FusionWeights(), **report["in_sample_best"])
        outcome = np.array([_hits(item, point) for item in tests], dtype=float)
        report["test_half"] = {"questions": "independent.jsonl, even ids", "n": len(tests),
                               **{f"hit@{k}": round(float(outcome[:, i].mean()), 3)
                                  for i, k in enumerate(KS)}}
        current = np.array([_hits(item, FusionWeights()) for item in tests], dtype=float)
        report["test_half"]["current_defaults"] = {
            f"hit@{k}": round(float(current[:, i].mean()), 3) for i, k in enumerate(KS)}
    return report


def _cross_validate(items: list[Prepared], grid: list[FusionWeights], *,
                    seed: int = 13) -> dict:
    table = np.array([[_hits(item, weights) for item in items] for weights in grid], dtype=float)
    datasets = np.array([item.dataset for item in items])
    held_out, picks = held_out_outcome(table, datasets, fold_assignment(datasets, seed))
    chosen: Counter[int] = Counter(picks)
    in_sample = int(np.argmax(_objective(table, datasets, np.ones(len(items), dtype=bool))))
    report: dict = {"folds": FOLDS, "grid_points": len(grid),
                    "chosen_per_fold": {json.dumps(asdict(grid[i])): n for i, n in chosen.items()},
                    "recommended": asdict(grid[chosen.most_common(1)[0][0]]),
                    "in_sample_best": asdict(grid[in_sample]), "held_out": {}}
    default = grid.index(FusionWeights()) if FusionWeights() in grid else None
    for dataset in np.unique(datasets):
        rows = datasets == dataset
        entry = {"n": int(rows.sum()),
                 **{f"hit@{k}": round(float(held_out[rows, i].mean()), 3)
                    for i, k in enumerate(KS)}}
        categories = sorted({item.category for item, r in zip(items, rows) if r})
        entry["by_category"] = {
            category: {f"hit@{k}": round(float(held_out[rows & (np.array(
                [item.category for item in items]) == category), i].mean()), 3)
                for i, k in enumerate(KS)} for category in categories}
        # The first grid point: with --answer-forms, the channels alone (no form lifted).
        entry["first_grid_point"] = {f"hit@{k}": round(float(table[0, rows, i].mean()), 3)
                                     for i, k in enumerate(KS)}
        if default is not None:
            entry["current_defaults"] = {f"hit@{k}": round(float(table[default, rows, i].mean()), 3)
                                         for i, k in enumerate(KS)}
        report["held_out"][str(dataset)] = entry
    return report


def _seed_items(encoder: Encoder, index_dir: Path) -> list[Prepared]:
    """The development set's questions (`seeds`), then the independent set's, odd half
    `independent` and even half `independent-test`."""
    index, _ = load_or_build(index_dir, encoder=encoder, load_corpus=lambda: load_corpus(),
                             corpus_hash=corpus_hash())
    assistant = PolicyAssistant(index, encoder)
    catalog = ClauseCatalog.from_documents(index.documents)
    items = []
    sets = [(question, "seeds") for question in load_questions(SEEDS_QUESTIONS, catalog)]
    sets += [(question, "independent-test" if in_test_half(question.qid) else "independent")
             for question in load_questions(INDEPENDENT_QUESTIONS, catalog)]
    for question, dataset in sets:
        if not question.answerable or not question.gold:
            continue
        gold = {clause_id: i for i, clause_id in enumerate(question.gold)}
        item = _prepare(assistant.retriever, assistant, qid=question.qid,
                        question=question.question, dataset=dataset,
                        category=question.category,
                        gold_match=lambda c, gold=gold: [gold[c.clause_id]] if c.clause_id in gold
                        else [], gold_count=len(gold), needs_all=False)
        if item is not None:
            items.append(item)
    return items


def _legal_items(encoder: Encoder, docs: Path, questions_file: Path,
                 index_dir: Path, limit: int | None) -> list[Prepared]:
    load = load_documents(docs)
    index, _ = open_index(load, encoder, index_dir)
    assistant = PolicyAssistant(index, encoder)
    items = []
    for question in scorable_questions(questions_file)[:limit]:
        gold = [normalise(text) for text in question.gold]
        item = _prepare(assistant.retriever, assistant, qid=question.qid,
                        question=question.question, dataset="legal-dc",
                        category=question.category,
                        gold_match=lambda c, gold=gold: [i for i, g in enumerate(gold)
                                                         if g in normalise(c.text)],
                        gold_count=len(gold), needs_all=True)
        if item is not None:
            items.append(item)
    return items


def question_arguments(parser: argparse.ArgumentParser, out: str) -> None:
    """The options naming the questions and indexes to prepare (shared with
    `eval.fusion_normalisation`)."""
    parser.add_argument("--legal-docs", type=Path)
    parser.add_argument("--legal-questions", type=Path)
    parser.add_argument("--index-dir", type=Path, default=Path(tempfile.gettempdir()) / "ldc-index")
    parser.add_argument("--seeds-index-dir", type=Path,
                        default=Path(tempfile.gettempdir()) / "seeds-tune-index")
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", type=Path, default=Path(out))
    parser.add_argument("--cache", type=Path,
                        help="pickle of the prepared questions: reused when present")


def prepared_items(args: argparse.Namespace) -> list[Prepared]:
    """Every question of the sets `question_arguments` named, prepared (or read from --cache)."""
    if args.cache and args.cache.exists():
        return pickle.loads(args.cache.read_bytes())
    encoder = make_encoder(args.encoder)
    items = _seed_items(encoder, args.seeds_index_dir)
    if args.legal_docs and args.legal_questions:
        items += _legal_items(encoder, args.legal_docs, args.legal_questions,
                              args.index_dir, args.limit)
    if args.cache:
        args.cache.write_bytes(pickle.dumps(items))
    return items


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    question_arguments(parser, "eval/out/fusion-cv.json")
    parser.add_argument("--answer-forms", action="store_true",
                        help="choose the answer-form shares (the channel weights fixed)")
    parser.add_argument("--seed", type=int, default=13, help="of the fold assignment")
    args = parser.parse_args(argv)
    items = prepared_items(args)
    report = cross_validate(items, _answer_form_grid() if args.answer_forms else _grid(),
                            seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
