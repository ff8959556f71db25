"""Other ways to normalise the channels before fusion, cross-validated like the weights.

The service min-max normalises each channel over the searched scope (`retriever.normalised`):
the best clause of every channel gets 1, however far ahead of the rest it is. The issue asked
to try normalisations that respect how confident each side is. This measures, with the same
questions, grid, folds and objective as `eval.tune_fusion`, and the same lift for the clause of
the kind asked for, each of:

- `min-max` (the service): (x - min) / (max - min) over the scope;
- `max`: x / max, so a channel whose best is weak stays weak against the others' zero;
- `z`: (x - mean) / sd over the scope, read in [0, 1] as z / 4 clipped: how far a clause stands
  out of the scope's crowd, not where it sits between the extremes;
- `rank`: 60 / (60 + rank), reciprocal-rank fusion with the weights;
- `dense z` and `dense from mean`: only the dense channel read as `z`, or from the scope's mean
  cosine to its best (cosines crowd high, so min-max stretches noise), the others min-max.

Coverage is a share in [0, 1] already and stays as it is in every variant. For each, the
held-out hit@1/5/10 of the seeds' development set and the Legal-DC split are the mean over
`--repeats` fold splits, each fold's weights chosen on the other four.

    python -m eval.fusion_normalisation --legal-docs ../shared/corpora/legal-dc/docs \\
        --legal-questions ../shared/corpora/legal-dc/questions-dev.jsonl --index-dir /tmp/ldc-index
"""

from __future__ import annotations

import argparse
import json
from typing import Callable

import numpy as np

from eval.tune_fusion import (FOLDS, KS, Prepared, _grid, _objective, fold_assignment,
                              TEST_SET, held_out_outcome, hits_at_ks, prepared_items,
                              question_arguments)
from assistant.retriever import FusionWeights, dense_scale

# Reciprocal-rank fusion's usual constant (Cormack et al. 2009), not tuned.
RRF_K = 60
# A clause this many standard deviations above the scope's mean reads 1 in `z`.
Z_SPAN = 4.0


def _min_max(x: np.ndarray, low: float, high: float) -> np.ndarray:
    """As `retriever._min_max`: a channel flat over the scope reads 1 where it scored, else 0."""
    if high - low < 1e-9:
        return np.zeros_like(x) if high <= 0 else np.ones_like(x)
    return (x - low) / (high - low)


def _z(x: np.ndarray, mean: float, sd: float) -> np.ndarray:
    return np.zeros_like(x) if sd < 1e-9 else np.clip((x - mean) / sd / Z_SPAN, 0.0, 1.0)


def _channel(name: str, index: int, item: Prepared) -> np.ndarray:
    low, high, mean, sd = item.scope_stats[index]
    x = item.raw[index]
    if name == "max":
        return np.zeros_like(x) if high <= 1e-9 else np.clip(x / high, 0.0, 1.0)
    if name == "z":
        return _z(x, mean, sd)
    if name == "rank":
        return RRF_K / (RRF_K + item.ranks[index])
    if name == "dense z" and index == 2:
        return _z(x, mean, sd)
    if name == "dense from mean" and index == 2:
        return np.clip(_min_max(x, mean, high), 0.0, 1.0)
    if name == "dense from clause mean" and index == 2:
        return np.clip(_min_max(x, item.clause_dense_mean, high), 0.0, 1.0)
    return _min_max(x, low, high)


VARIANTS: tuple[str, ...] = ("min-max", "max", "z", "rank", "dense z", "dense from mean",
                             "dense from clause mean")


def channels_for(name: str, item: Prepared) -> np.ndarray:
    """The candidates' five channel values under normalisation `name`, each in [0, 1]."""
    rows = [_channel(name, index, item) for index in range(4)]
    return np.vstack(rows + [item.raw[4]])


def hits_table(items: list[Prepared], grid: list[FusionWeights],
               channels: Callable[[Prepared], np.ndarray]) -> np.ndarray:
    """(grid points, questions, len(KS)): whether each weighting finds the gold within k."""
    weights = np.array([[w.lexical, w.bigrams, w.dense, w.document, w.coverage] for w in grid])
    per_unknown = np.array([w.dense_per_unknown for w in grid])
    lift = grid[0].definition  # the same share for every point of the grid
    table = np.zeros((len(grid), len(items), len(KS)), dtype=bool)
    for column, item in enumerate(items):
        # As `retriever.blend` does: the dense weight raised by the question's unknown words.
        scaled = weights.copy()
        scaled[:, 2] *= dense_scale(per_unknown, item.unknown_share)
        scores = scaled @ channels(item) / scaled.sum(axis=1, keepdims=True)
        if item.wanted.any() and lift > 0:  # `retriever.prefer`, every grid point at once
            pool = min(scores.shape[1], grid[0].definition_pool)
            best = np.argpartition(-scores, pool - 1, axis=1)[:, :pool]
            lifted = scores * (1 - lift)
            for point in range(len(grid)):
                grades = item.wanted[best[point]]  # the highest grade in the pool is lifted
                if grades.max() > 0:
                    lifted[point, best[point][grades == grades.max()]] += lift
            scores = lifted
        order = np.argsort(-scores, axis=1, kind="stable")[:, :max(KS)]
        for point in range(len(grid)):
            table[point, column] = hits_at_ks(item, order[point])
    return table


def held_out(table: np.ndarray, datasets: np.ndarray, repeats: int) -> dict:
    """Mean held-out hit@k per set over `repeats` fold splits (seeds 13, 14, …)."""
    results: dict[str, list[np.ndarray]] = {}
    for repeat in range(repeats):
        outcome, _ = held_out_outcome(table, datasets, fold_assignment(datasets, 13 + repeat))
        for dataset in np.unique(datasets):
            results.setdefault(str(dataset), []).append(outcome[datasets == dataset].mean(axis=0))
    return {dataset: {f"hit@{k}": round(float(np.mean(values, axis=0)[i]), 3)
                      for i, k in enumerate(KS)} for dataset, values in results.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    question_arguments(parser, "eval/out/fusion-normalisation.json")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    # The independent set's test half is scored by `eval.tune_fusion` alone, never chosen on.
    items = [item for item in prepared_items(args) if item.dataset != TEST_SET]
    grid = _grid()
    datasets = np.array([item.dataset for item in items])
    report = {"folds": FOLDS, "repeats": args.repeats, "grid_points": len(grid), "variants": {}}
    for name in VARIANTS:
        table = hits_table(items, grid, lambda item, name=name: channels_for(name, item))
        everything = np.ones(len(items), dtype=bool)
        best = grid[int(np.argmax(_objective(table, datasets, everything)))]
        report["variants"][name] = {
            "held_out": held_out(table, datasets, args.repeats),
            "best_on_all": [best.lexical, best.bigrams, best.dense, best.document,
                            best.coverage]}
        print(name, json.dumps(report["variants"][name], ensure_ascii=False), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
