"""Hybrid retrieval: BM25 and dense scores fused, within the region scope of the question.

Both score lists are min-max normalised over the searched scope and blended with weights that
were chosen by measuring on the development question set (see `eval/` and the README), not by
guessing. English questions get the Chinese words a general dictionary gives for their English
phrases (`assistant.english`, CC-CEDICT, via `QueryAnalysis.synonyms`) appended to the lexical
query, so BM25 contributes for them too; the multilingual encoder does the rest.

Which engine scores the channels is the clause store's business (`index.clause_store`): the
embedded store scores every row in the process, the Milvus store returns candidates with each
channel's scope minimum; fusion is the same for both.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from assistant.answer_forms import answer_forms
from assistant.crossrefs import follow_citations
from assistant.definitions import definition_strength
from assistant.entry_into_force import states_enactment, states_entry_into_force
from assistant.lead import asked_for
from assistant.penalties import states_penalty
from assistant.purpose import states_purpose
from assistant.records import Asked, Hit
from assistant.tables import names_row
from corpus import Clause
from index.encoders import Encoder
from index.clause_store import ChannelScores, ClauseStore, EmbeddedClauseStore, StoreQuery
from index.sentences import SentenceVectors
from index.store import BuiltIndex


@dataclass(frozen=True)
class FusionWeights:
    """How the retrieval channels are blended; chosen by cross-validation (`eval.tune_fusion`).

    Each channel is min-max normalised over the searched scope before weighting; coverage is a
    share in [0, 1] already. The defaults are the grid point best on all 1,685 questions (seeds
    development set + Legal-DC development split), the choice of 2 of the 5 folds (each other
    fold chose a different point). Held-out folds, rerun at stop 23 once a long clause's dense
    score became its best sentence's (`index.sentences`): Legal-DC hit@1/5/10
    0.620/0.819/0.881, seeds 0.910/0.968/0.981 (0.619/0.808/0.878 and 0.897/0.955/0.974 with
    clause vectors alone; README, "Retrieval"). Rerun at stop 34, once a question naming its
    law is searched as the law names itself: 0.632/0.826/0.889 and 0.917/0.968/0.981; the point
    on all questions is a neighbour (dense 0.3, no document prior) that ranks every set within
    a point of these weights, which stay (README, "A question naming its law"). Rerun at stop
    35, once an English question's names in pinyin are read in Chinese: 0.633/0.826/0.889 and
    0.929/0.981/0.987 (English questions 0.562/0.875 → 0.688/1.000 at hit@1/5). Rerun at stop
    36 with `dense_per_unknown` in the grid and the independent set's odd half as a third set:
    every fold chose these weights with 2.0; held out 0.634/0.829/0.886, 0.923/0.981/0.987, the
    odd half 0.767/0.883/0.917; its even half, used in no choice, 0.650/0.917 → 0.700/0.950 at
    hit@1/5 (README, "Words no clause uses").
    """

    lexical: float = 0.1  # BM25 over jieba words (with the corpus's own terms)
    bigrams: float = 0.1  # BM25 over character bigrams
    dense: float = 0.4  # cosine of the question and the clause (or its best sentence) vectors
    document: float = 0.1  # BM25 of the clause's whole document (bigrams): topic prior
    coverage: float = 0.5  # IDF share of the question's bigrams the clause contains
    # The dense weight is multiplied by 1 + this × the share of the question's key terms that no
    # clause mentions (`QueryAnalysis.unknown_share`): the lexical channels then match only the
    # question's other, often generic, words (腿脚不好的人能参加培训吗 matches every clause on
    # 参加培训), while the vectors may still place it near 残疾人职业技能培训.
    dense_per_unknown: float = 2.0  # chosen by every fold of `eval.tune_fusion` (0, 1, 2)
    # Share of the score given to "this clause defines the term asked about" for 什么是X
    # questions, and how many top candidates are checked for a definition. Legal-DC dev, BM25
    # alone: 概念解释型 hit@1 0.288 → 0.513 at 0.2–1.0 (flat beyond 0.4), other classes unchanged.
    # The same lift and pool serve "when does it take effect" (`entry_into_force`), "what was
    # it made for" (`purpose`) and "what penalty" questions (`penalties`): each prefers the
    # clause of a fixed drafting form the question asks for; not tuned apart.
    definition: float = 0.3
    definition_pool: int = 100
    # Shares added, among the same best `definition_pool`, to a clause worded as the kind of
    # answer the question asks for, about its key terms (`answer_forms`): a figure of the kind
    # asked, a body responsible, a list's lead-in. Chosen with the weights above fixed
    # (`python -m eval.tune_fusion --answer-forms`, stop 42, 125 points): 13 of the 15 folds of
    # three fold assignments chose 0.1 / 0.1 / 0.05. Held out, against no lift: Legal-DC
    # hit@1/5 0.640/0.831 → 0.651–0.653/0.835–0.836, seeds hit@1 0.923 → 0.929; the independent
    # set's odd half (0.767/0.883) and its test half (0.700/0.950) unchanged.
    answer_figure: float = 0.1
    answer_body: float = 0.1
    answer_listing: float = 0.05
    # The articles that the first `citation_depth` hits cite by number (本法第X条) follow them,
    # at most `citations_per_hit` each (see `assistant.crossrefs`); 0 turns this off.
    citation_depth: int = 1
    citations_per_hit: int = 1
    # A long clause's dense score is its best sentence's when that is higher
    # (`index.sentences`), for the rows among the best `sentence_candidates` of some channel:
    # scoring every sentence of Legal-DC (52k) cost 7.5 ms a search, the candidates' well under
    # 1 ms, and the top 5 was the same for all 1,529 Legal-DC questions (for 0.999 with 100).
    sentence_candidates: int = 300


def _min_max(values: np.ndarray, low: float | None = None) -> np.ndarray:
    """Values scaled to [0, 1] between their minimum (or `low`, the scope's, when the values
    are only candidates) and their maximum."""
    if values.size == 0:
        return values
    high = float(values.max())
    low = float(values.min()) if low is None else min(low, float(values.min()))
    if high - low < 1e-9:
        return np.zeros_like(values) if high <= 0 else np.ones_like(values)
    return (values - low) / (high - low)


def normalised(channels: ChannelScores) -> np.ndarray:
    """The channels as a (5, rows) matrix in `FusionWeights` order, each in [0, 1]."""
    lows = channels.lows or (None,) * 5
    return np.vstack([_min_max(channels.lexical, lows[0]), _min_max(channels.bigrams, lows[1]),
                      _min_max(channels.dense, lows[2]), _min_max(channels.document, lows[3]),
                      channels.coverage])


def dense_scale(per_unknown, unknown_share):
    """What the dense weight is multiplied by for a question with this share of key terms no
    clause mentions (`FusionWeights.dense_per_unknown`); numbers or arrays of them."""
    return 1.0 + per_unknown * unknown_share


def blend(values: np.ndarray, weights: FusionWeights, unknown_share: float = 0.0) -> np.ndarray:
    """Weighted mean of `normalised` channel values: a score in [0, 1] per row; the dense
    weight raised for a question many of whose words no clause uses (`unknown_share`)."""
    dense = weights.dense * dense_scale(weights.dense_per_unknown, unknown_share)
    vector = np.array([weights.lexical, weights.bigrams, dense, weights.document,
                       weights.coverage])
    total = vector.sum()
    return vector @ values / total if total > 0 else vector @ values


def with_sentences(channels: ChannelScores, sentences: SentenceVectors | None,
                   candidates: int) -> ChannelScores:
    """`channels` with the dense score of each candidate row raised to its best sentence's
    cosine (`index.sentences`); the candidates are the rows among the best `candidates` of
    some channel (every row of a smaller scope). The dense channel keeps the clause vectors'
    minimum as its floor, which is what a store that returns candidates knows of the scope."""
    if sentences is None or not len(sentences) or channels.query_vector is None or \
            channels.rows.size == 0:
        return channels
    own = channels.dense
    if own.size <= candidates:
        positions = np.arange(own.size)
    else:
        positions = np.unique(np.concatenate([
            np.argpartition(-values, candidates - 1)[:candidates]
            for values in (channels.lexical, channels.bigrams, own, channels.coverage)]))
    dense = np.array(own, dtype=np.float32, copy=True)
    dense[positions] = sentences.lift_rows(own[positions], channels.rows[positions],
                                           channels.query_vector)
    lows = list(channels.lows or (None,) * 5)
    if lows[2] is None:
        lows[2] = float(own.min())
    return dataclasses.replace(channels, dense=dense, lows=tuple(lows), clause_dense=own)


def wanted_clause(question: str, asked: Asked,
                  title_of: Callable[[str], str] = lambda doc_id: "",
                  names_document: bool = False) -> Callable[[Clause], int]:
    """A test for clauses of the kind the question asks for (`asked`, read off it once by
    `lead.asked_for`): the opening statement of purpose for 立法目的 (`purpose`), the definition
    for 什么是X (`definitions`), the entry into force for 何时施行 (`entry_into_force`), the
    promulgation note for 《X》是由哪个机构颁布的 when the question names the document
    (`names_document`; `entry_into_force.states_enactment`), an article setting a sanction for
    受到什么处罚 (`penalties`); for any other question, the table
    rows it names by their label (`tables.names_row`). A grade, 0 for none: a definition of the
    term exactly as asked is 2, one of a narrower thing it is part of 1
    (`definitions.definition_strength`, which reads the title of the clause's document:
    `title_of(doc_id)`); every other kind is 0 or 1."""
    if asked.purpose:
        return lambda clause: states_purpose(clause.text)
    if asked.defined:
        return lambda clause: definition_strength(clause.text, asked.defined,
                                                  title_of(clause.doc_id))
    if asked.entry_into_force:
        return lambda clause: states_entry_into_force(clause.text)
    if asked.enactment and names_document:
        # Only of a document the question names: "水效标识的实施规则由谁制定" asks who makes
        # rules under the text, not who made it.
        return lambda clause: states_enactment(clause.text)
    if asked.penalty:
        return lambda clause: states_penalty(clause.text)
    return lambda clause: names_row(question, clause)


def prefer(scores: np.ndarray, wanted_at: Callable[[int], int],
           weights: FusionWeights, *, every_row: bool = False) -> np.ndarray:
    """Give the best-scored `definition_pool` positions (every position with `every_row`) that
    `wanted_at` grades highest (above 0) a `definition` share of the score: the clause of the
    kind the question asks for (a definition, an entry into force). Only the highest grade
    present is lifted: a law defining both 农业机械 and 危及人身财产安全的农业机械 answers
    什么是农业机械 with the first."""
    lift = weights.definition
    if lift <= 0 or scores.size == 0:
        return scores
    pool = scores.size if every_row else min(scores.size, weights.definition_pool)
    candidates = np.argpartition(-scores, pool - 1)[:pool]
    graded = [(c, grade) for c in candidates if (grade := wanted_at(c))]
    if not graded:
        return scores
    best = max(grade for _, grade in graded)
    wanted = [c for c, grade in graded if grade == best]
    lifted = scores * (1 - lift)
    lifted[wanted] += lift
    return lifted


def lift_answer_forms(scores: np.ndarray, forms_at: Callable[[int], tuple[int, ...]],
                      weights: FusionWeights) -> np.ndarray:
    """`scores` with each of the best `definition_pool` positions raised by the shares of the
    answer forms `forms_at` finds in it (`answer_forms`: figure, body, listing), all scaled
    back into [0, 1] (which leaves the order, and every ratio `close_to_top` reads, alone)."""
    shares = np.array([weights.answer_figure, weights.answer_body, weights.answer_listing])
    if not shares.any() or scores.size == 0:
        return scores
    pool = min(scores.size, weights.definition_pool)
    positions = np.argpartition(-scores, pool - 1)[:pool]
    lifted = np.array(scores, copy=True)
    lifted[positions] += np.array([forms_at(position) for position in positions],
                                  dtype=np.float64) @ shares
    return lifted / (1.0 + shares.sum())


class HybridRetriever:
    def __init__(self, index: BuiltIndex, encoder: Encoder,
                 weights: FusionWeights = FusionWeights(), store: ClauseStore | None = None):
        self.index = index
        self.encoder = encoder
        self.weights = weights
        # The index version supplies the clauses (the catalogue); the store scores them.
        self.store: ClauseStore = store or EmbeddedClauseStore()

    def lexical_query(self, question: str, synonyms: Sequence[str] = ()) -> str:
        """What the lexical channels score: the question and the words its analysis found in the
        corpus for words the corpus never uses (`QueryAnalysis.synonyms`: synonyms of Chinese
        words, Chinese words for English phrases)."""
        extra = " ".join(synonyms)
        return f"{question} {extra}" if extra else question

    def scored(self, question: str, query_vector: np.ndarray | None = None,
               synonyms: Sequence[str] = ()) -> ChannelScores | None:
        """Every channel's score for every row, once per question, for the searches of one
        request to slice (in scope, other regions), with the question's embedding; None when
        the dense index cannot score every row (hnsw), so each search scores its own scope."""
        if self.index.dense is None or self.index.dense.kind != "flat" or \
                self.store.name != "embedded":
            return None
        # Without the sentences: a scope's candidates are picked once it is cut out.
        return self._store_channels(question, (), query_vector, synonyms)

    def _store_channels(self, question: str, doc_ids: tuple[str, ...],
                        query_vector: np.ndarray | None,
                        synonyms: Sequence[str]) -> ChannelScores | None:
        """The store's raw channel scores within `doc_ids`, the dense one from clause vectors."""
        # Embedding the question on a helper thread while the lexical channels are scored was
        # tried: /search p50 on Legal-DC went from 21.2 to 22.8 ms (GIL hand-offs), so not kept.
        if query_vector is None:
            query_vector = self.query_vector(question)
        return self.store.channels(self.index, StoreQuery(self.lexical_query(question, synonyms),
                                                          query_vector, doc_ids=doc_ids))

    def channels(self, question: str, *, doc_ids: tuple[str, ...] = (),
                 query_vector: np.ndarray | None = None,
                 scored: ChannelScores | None = None,
                 synonyms: Sequence[str] = ()) -> ChannelScores | None:
        """Raw scores of every channel within `doc_ids` (all documents when empty), the dense
        one read by sentence too (`with_sentences`)."""
        if scored is not None:
            rows = np.flatnonzero(self.index.rows_of(doc_ids)) if doc_ids \
                else np.arange(len(self.index.clauses))
            found = scored.take(rows) if rows.size else None
        else:
            found = self._store_channels(question, doc_ids, query_vector, synonyms)
        if found is None:
            return None
        return with_sentences(found, self.index.sentences, self.weights.sentence_candidates)

    def query_vector(self, question: str) -> np.ndarray:
        """The question's embedding: computed once per request and passed to each `search`."""
        return self.encoder.encode([question], is_query=True)

    def search(self, question: str, *, doc_ids: tuple[str, ...] = (), top_k: int = 10,
               weights: FusionWeights | None = None,
               query_vector: np.ndarray | None = None,
               scored: ChannelScores | None = None,
               synonyms: Sequence[str] = (), asked: Asked | None = None,
               named_scope: bool = False, unknown_share: float = 0.0,
               terms: Sequence[str] = ()) -> list[Hit]:
        """Best clauses for a question within `doc_ids` (all documents when empty); `scored`,
        from `scored()`, saves scoring the corpus again for another scope of the question;
        `asked`, the question's analysis (`QueryAnalysis.asked`), saves reading its form again.
        `named_scope`: `doc_ids` are the documents the question names, every clause of which
        is looked at for the kind of clause it asks for (`prefer`): a law of 122 articles
        states its entry into force in the last, which ranks far below the best 100 for
        "《中华人民共和国体育法》何时开始实施？" (nothing but the title in common).
        `unknown_share`: `QueryAnalysis.unknown_share`, read by `blend`. `terms`: the
        question's key terms (`QueryAnalysis.terms`), which an answer form must be about
        (`answer_forms`); none, no lift."""
        weights = weights or self.weights
        channels = self.channels(question, doc_ids=doc_ids, query_vector=query_vector,
                                 scored=scored, synonyms=synonyms)
        if channels is None:
            return []
        fused = self.rank_scores(question, channels, weights, asked, named_scope=named_scope,
                                 unknown_share=unknown_share, terms=terms)
        lexical_norm = _min_max(channels.lexical, channels.lows[0] if channels.lows else None)
        if fused.size > top_k:  # partial selection first: a full sort of 100k rows costs ~8 ms
            candidates = np.argpartition(-fused, top_k)[:top_k]
            order = candidates[np.argsort(-fused[candidates], kind="stable")]
        else:
            order = np.argsort(-fused, kind="stable")
        # The clause vectors' own cosines (the decision reads them), when `dense` was lifted.
        own_dense = channels.dense if channels.clause_dense is None else channels.clause_dense
        hits = []
        for position in order:
            clause = self.index.clauses[channels.rows[position]]
            hits.append(Hit(clause=clause, document=self.index.document(clause.doc_id),
                            score=float(fused[position]), lexical=float(lexical_norm[position]),
                            dense=float(channels.dense[position]),
                            clause_dense=float(own_dense[position]),
                            lexical_raw=float(channels.lexical[position])))
        return follow_citations(hits, self._clause, depth=weights.citation_depth,
                                per_hit=weights.citations_per_hit, top_k=top_k)

    def title_of(self, doc_id: str) -> str:
        """The title of a loaded document ("" for none)."""
        document = self.index.document(doc_id)
        return document.title if document is not None else ""

    def _clause(self, clause_id: str) -> Clause | None:
        position = self.index.position(clause_id)
        return None if position is None else self.index.clauses[position]

    def rank_scores(self, question: str, channels: ChannelScores,
                    weights: FusionWeights, asked: Asked | None = None,
                    named_scope: bool = False, unknown_share: float = 0.0,
                    terms: Sequence[str] = ()) -> np.ndarray:
        """Fused scores, clauses worded as the kind of answer asked for raised a little
        (`answer_forms`, about the key `terms`), then clauses of the kind asked for preferred
        (`wanted_clause`): among every row when `named_scope` (the rows are the documents the
        question names)."""
        asked = asked if asked is not None else asked_for(question)
        fused = blend(normalised(channels), weights, unknown_share)
        clauses = self.index.clauses
        forms = answer_forms(asked, terms)
        if forms is not None:
            fused = lift_answer_forms(fused, lambda c: forms(clauses[channels.rows[c]]), weights)
        wanted = wanted_clause(question, asked, self.title_of, names_document=named_scope)
        return prefer(fused, lambda c: wanted(clauses[channels.rows[c]]), weights,
                      every_row=named_scope)
