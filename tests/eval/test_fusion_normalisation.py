"""The normalisation experiment (`eval.fusion_normalisation`) reads real questions' channels
over the shipped corpus (hash encoder: only the vectors are a stand-in), and its min-max
baseline is exactly the service's normalisation and ranking."""

from __future__ import annotations

import numpy as np

from assistant.retriever import FusionWeights
from eval.fusion_normalisation import VARIANTS, channels_for, held_out, hits_table
from eval.tune_fusion import _hits, _prepare

QUESTIONS = [("q1", "三门峡以工代训补贴标准是多少？", "sanmenxia-2019/2.3.1"),
             ("q2", "天津三年共开展职业技能培训多少人次？", "tianjin-2019/2"),
             ("q3", "綦江职业培训补贴每人每年可享受几次？", "qijiang-2019/4.2")]


def _items(assistant):
    items = []
    for qid, question, gold in QUESTIONS:
        item = _prepare(assistant.retriever, assistant, qid=qid, question=question,
                        dataset="seeds", category="figure",
                        gold_match=lambda c, gold=gold: [0] if c.clause_id == gold else [],
                        gold_count=1, needs_all=False)
        assert item is not None
        items.append(item)
    return items


def test_min_max_is_the_service_s_normalisation_and_every_variant_reads_0_to_1(hash_assistant):
    for item in _items(hash_assistant):
        assert item.raw.shape == item.channels.shape and item.scope_stats.shape == (5, 4)
        assert np.allclose(channels_for("min-max", item), item.channels)
        for name in VARIANTS:
            values = channels_for(name, item)
            assert values.shape == item.channels.shape
            assert values.min() >= 0.0 and values.max() <= 1.0 + 1e-9, name
        # Ranks are over the whole scope: the best of each channel is rank 0 there.
        assert all(item.ranks[c][np.argmax(item.raw[c])] == 0 for c in range(4))


def test_the_vectorised_table_agrees_with_the_weights_tool(hash_assistant):
    items = _items(hash_assistant)
    grid = [FusionWeights(), FusionWeights(dense=0.1, coverage=0.0),
            FusionWeights(dense_per_unknown=2.0)]
    items.append(_prepare(hash_assistant.retriever, hash_assistant, qid="q4",
                          question="腿脚不好的人在白城能学手艺吗",
                          dataset="seeds", category="colloquial",
                          gold_match=lambda c: [0] if c.clause_id == "baicheng-2019/2.2.p5"
                          else [], gold_count=1, needs_all=False))
    assert items[-1].unknown_share > 0  # 腿脚: no clause uses it
    table = hits_table(items, grid, lambda item: channels_for("min-max", item))
    for point, weights in enumerate(grid):
        for column, item in enumerate(items):
            assert tuple(table[point, column]) == _hits(item, weights)
    assert table[0, :3, 2].all(), "every gold clause is in the service's top 10"
    result = held_out(table, np.array(["seeds"] * len(items)), repeats=2)
    assert set(result) == {"seeds"} and 0.0 <= result["seeds"]["hit@1"] <= 1.0
