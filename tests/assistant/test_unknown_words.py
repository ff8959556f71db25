"""Words of a question that no clause uses (`QueryAnalysis.unknown_share`) and how fusion reads
them (`FusionWeights.dense_per_unknown`): on the shipped plans, and on channel values."""

from __future__ import annotations

import numpy as np

from assistant.retriever import FusionWeights, blend


def test_the_share_counts_key_terms_no_clause_mentions(hash_assistant):
    formal = hash_assistant.analyse("三门峡以工代训补贴标准是多少？")
    assert formal.terms and formal.unknown_share == 0.0
    colloquial = hash_assistant.analyse("腿脚不好的人在白城能学手艺吗")
    unknown = [t for t in colloquial.terms if not hash_assistant.mentioned(t)]
    assert unknown, colloquial.terms
    assert colloquial.unknown_share == len(unknown) / len(colloquial.terms)
    # A bare search reads it too: the thesaurus cuts the key terms anyway.
    bare = hash_assistant.analyse("腿脚不好的人在白城能学手艺吗", with_terms=False)
    assert bare.unknown_share == colloquial.unknown_share


def test_the_dense_weight_grows_with_the_share():
    # Row 0 leads on the lexical channels, row 1 on the vectors.
    values = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.5, 0.5], [1.0, 0.2]])
    weights = FusionWeights(dense_per_unknown=2.0)
    assert np.allclose(blend(values, weights, 0.0), blend(values, FusionWeights()))
    plain = blend(values, weights, 0.0)
    leaning = blend(values, weights, 1.0)
    assert plain[0] > plain[1] and leaning[1] > plain[1] and leaning[0] < plain[0]
    # Still a weighted mean: every score stays in [0, 1].
    assert leaning.min() >= 0.0 and leaning.max() <= 1.0
