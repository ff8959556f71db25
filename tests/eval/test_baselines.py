"""The bm25 and dense baselines of the evaluation are one retrieval channel each."""

from __future__ import annotations

import numpy as np
import pytest

from eval.systems import DENSE_ONLY, LEXICAL_ONLY


@pytest.mark.parametrize(("weights", "channel"), [(DENSE_ONLY, "dense"),
                                                  (LEXICAL_ONLY, "lexical")])
def test_a_baseline_ranks_by_its_own_channel_alone(hash_assistant, weights, channel):
    question = "綦江以工代训补贴最长能补多久？"
    retriever = hash_assistant.retriever
    channels = retriever.channels(question)
    scores = getattr(channels, channel)
    hits = retriever.search(question, top_k=10, weights=weights)
    expected = [hash_assistant.index.clauses[channels.rows[i]].clause_id
                for i in np.argsort(-scores, kind="stable")[:10]]
    # Ties may fall either way; the scores of the ranked clauses must be the channel's best.
    ranked = {h.clause.clause_id for h in hits}
    best = np.sort(scores)[::-1][:10]
    got = np.sort([scores[list(channels.rows).index(hash_assistant.index.position(c))]
                   for c in ranked])[::-1]
    assert np.allclose(got, best), (expected, [h.clause.clause_id for h in hits])
