"""The report's chart: recall@5 per question category, one bar per system, as a PNG.

Drawn with matplotlib's Agg backend, so it works on machines without a display; it reads only
the `ranking` part of the report dictionary.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

METRIC = "recall@5"


def write_chart(report: dict, path: Path) -> None:
    ranking = report["ranking"]
    systems = list(ranking)
    categories = sorted({c for s in systems for c in ranking[s]["by_category"]})
    figure, axes = plt.subplots(figsize=(max(8.0, 1.1 * len(categories) + 2), 4.8), dpi=120)
    width = 0.8 / max(1, len(systems))
    positions = np.arange(len(categories))
    for n, system in enumerate(systems):
        values = [ranking[system]["by_category"].get(c, {}).get(METRIC, np.nan)
                  for c in categories]
        axes.bar(positions + (n - (len(systems) - 1) / 2) * width, values, width, label=system)
    axes.set_xticks(positions, categories, rotation=30, ha="right")
    axes.set_ylim(0, 1.2)  # headroom above 1.0 keeps the legend clear of the bars
    axes.set_ylabel(METRIC)
    axes.set_title(f"{METRIC} per question category (answerable questions)")
    axes.legend(ncols=max(1, len(systems)), loc="upper center", fontsize="small", frameon=False)
    axes.set_yticks(np.linspace(0, 1, 6))
    axes.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)
