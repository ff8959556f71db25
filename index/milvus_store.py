"""The Milvus clause store: clause vectors and BM25 postings in a Milvus endpoint replicas share.

`POLICY_ASSISTANT_CLAUSE_STORE=milvus` with `POLICY_ASSISTANT_MILVUS_URI` (and `_TOKEN`) selects
it. Milvus holds, per clause, the vector, the jieba words and the character bigrams that the
embedded store's BM25 channels index (each as a whitespace-analysed text field with a BM25
function, so Milvus's postings see exactly our tokens, with the same k1 and b), and the
document, region and status as scalar fields for scope filters. The replica keeps the index
version it serves for the catalogue (documents, clauses, term dictionary) and for the two
channels computed per candidate: the document prior and the question's bigram coverage. It
loads no vectors, maps the BM25 postings rather than reading them and reads the catalogue on
demand (`BuiltIndex.without_local_search`): a search touches only the question's columns and
the documents of the clauses it cites. The sentence vectors of long clauses (`index.sentences`)
stay in the version folder, memory-mapped: retrieval reads the candidates' sentences there
(`assistant.retriever.with_sentences`), as it does over the embedded store.

One search is: each Milvus channel's best `candidates` rows in scope (dense, words, bigrams),
then each channel's exact score for the union of those rows (a second search restricted to
them), and the scope's lowest dense score (a search with the negated vector), so that fusion
normalises exactly as it does over every row of the embedded store. Scores agree with the
embedded store's once Milvus's BM25 is divided by its constant k1 + 1 factor.

`sync` brings Milvus in line with a published index version: documents whose content changed
are deleted and re-inserted, removed ones deleted, and the version recorded, so that a replica
still serving an older version never undoes a newer one. Reads use Strong consistency, so a
document upserted through one replica is searchable from every replica at once.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Iterable

import numpy as np

from index.bigrams import B as BIGRAM_B, K1 as BIGRAM_K1, bigrams
from index.clause_store import (
    ChannelScores,
    StoreQuery,
    StoreUnavailable,
    SyncReport,
    scope_documents,
)
from index.encoders import batches
from index.store import BM25_B, BM25_K1, BuiltIndex, dense_text, lexical_text

log = logging.getLogger(__name__)

# Milvus's VARCHAR limit (bytes); a clause's token text beyond it is cut at a token boundary.
_MAX_VARCHAR = 65_535
_INSERT_BATCH = 500
# Best rows per channel before the union is scored exactly: the embedded store's fused top 10
# came from within each channel's top 200 for every seeds development question (see tests).
DEFAULT_CANDIDATES = 200
_MARKER = [0.0, 0.0]  # the documents collection's placeholder vector (Milvus requires one)
_BM25_SCALE = {"words_bm25": BM25_K1 + 1, "bigrams_bm25": BIGRAM_K1 + 1}


def _capped(tokens: Iterable[str]) -> str:
    text, size = [], 0
    for token in tokens:
        size += len(token.encode("utf-8")) + 1
        if size > _MAX_VARCHAR:
            break
        text.append(token)
    return " ".join(text)


def _quoted(values: Iterable[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


class MilvusClauseStore:
    name = "milvus"
    local_search = False  # Milvus holds the vectors and postings; replicas keep the catalogue

    def __init__(self, uri: str, *, token: str | None = None, prefix: str = "policy",
                 candidates: int = DEFAULT_CANDIDATES, timeout: float = 10.0):
        from pymilvus import MilvusClient  # an optional extra (`.[scale]`)

        self.uri = uri
        self.candidates = candidates
        self.timeout = timeout
        self.clauses = f"{prefix}_clauses"
        self.documents = f"{prefix}_documents"
        self._client_class = MilvusClient
        # pymilvus logs every failed call with a full traceback at ERROR; our StoreUnavailable
        # already says which endpoint failed and why, once, where it is handled.
        logging.getLogger("pymilvus").setLevel(logging.CRITICAL)
        self._token = token
        self._client = None
        self._ready_dim: int | None = None

    # -- connection and schema --------------------------------------------------------------------
    def _connected(self):
        if self._client is None:
            try:
                self._client = self._client_class(uri=self.uri, token=self._token or "",
                                                  timeout=self.timeout)
            except Exception as exc:
                raise StoreUnavailable(self._problem(exc)) from exc
        return self._client

    def _problem(self, exc: Exception) -> str:
        return f"the Milvus clause store at {self.uri} does not answer " \
               f"({type(exc).__name__}: {str(exc).strip()[:300] or 'no detail'})"

    def _call(self, method: str, *args, **kwargs):
        """One client call; a failure drops the client (the next call reconnects) and raises
        `StoreUnavailable` naming the endpoint."""
        try:
            return getattr(self._connected(), method)(*args, **kwargs)
        except StoreUnavailable:
            raise
        except Exception as exc:
            self._client = None
            raise StoreUnavailable(self._problem(exc)) from exc

    def check(self) -> None:
        self._call("list_collections")

    def _ensure_collections(self, dim: int) -> None:
        if self._ready_dim == dim:
            return
        from pymilvus import DataType, Function, FunctionType

        if not self._call("has_collection", self.clauses):
            schema = self._call("create_schema", auto_id=False)
            schema.add_field("clause_id", DataType.VARCHAR, is_primary=True, max_length=512)
            schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
            schema.add_field("region", DataType.VARCHAR, max_length=512)
            schema.add_field("status", DataType.VARCHAR, max_length=64)
            for field in ("words", "bigrams"):
                schema.add_field(field, DataType.VARCHAR, max_length=_MAX_VARCHAR,
                                 enable_analyzer=True, analyzer_params={"tokenizer": "whitespace"})
                schema.add_field(f"{field}_bm25", DataType.SPARSE_FLOAT_VECTOR)
                schema.add_function(Function(name=f"{field}_bm25", function_type=FunctionType.BM25,
                                             input_field_names=[field],
                                             output_field_names=[f"{field}_bm25"]))
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
            indexes = self._call("prepare_index_params")
            indexes.add_index("words_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                              params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
            indexes.add_index("bigrams_bm25", index_type="SPARSE_INVERTED_INDEX",
                              metric_type="BM25", params={"bm25_k1": BIGRAM_K1, "bm25_b": BIGRAM_B})
            # AUTOINDEX: HNSW-like on a Milvus server, exact (FLAT) on Milvus Lite.
            indexes.add_index("vector", index_type="AUTOINDEX", metric_type="IP")
            self._call("create_collection", self.clauses, schema=schema, index_params=indexes,
                       consistency_level="Strong")
        if not self._call("has_collection", self.documents):
            schema = self._call("create_schema", auto_id=False)
            schema.add_field("doc_id", DataType.VARCHAR, is_primary=True, max_length=512)
            schema.add_field("content", DataType.VARCHAR, max_length=64)
            schema.add_field("version", DataType.VARCHAR, max_length=64)
            schema.add_field("marker", DataType.FLOAT_VECTOR, dim=2)  # Milvus needs a vector
            indexes = self._call("prepare_index_params")
            indexes.add_index("marker", index_type="AUTOINDEX", metric_type="L2")
            self._call("create_collection", self.documents, schema=schema, index_params=indexes,
                       consistency_level="Strong")
        self._ready_dim = dim

    # -- ingestion ------------------------------------------------------------------------------
    def stored_version(self) -> str | None:
        """The index version Milvus was last synced with (the `__version__` row)."""
        if not self._call("has_collection", self.documents):
            return None
        rows = self._call("get", self.documents, ids=["__version__"], output_fields=["version"])
        return rows[0]["version"] if rows else None

    def _stored_contents(self) -> dict[str, str]:
        found: dict[str, str] = {}
        iterator = self._call("query_iterator", self.documents, batch_size=1000,
                              filter='doc_id != "__version__"',
                              output_fields=["doc_id", "content"])
        try:
            while batch := iterator.next():
                found.update((row["doc_id"], row["content"]) for row in batch)
        except Exception as exc:
            raise StoreUnavailable(self._problem(exc)) from exc
        finally:
            iterator.close()
        return found

    def sync(self, index: BuiltIndex, *, force: bool = False) -> SyncReport:
        """Upsert the documents of `index` whose content Milvus lacks, delete the others."""
        self._ensure_collections(index.params.dim)
        stored = self.stored_version()
        if stored is not None and not force and stored >= index.version:
            why = "already in sync" if stored == index.version else f"Milvus holds {stored}"
            return SyncReport(index.version, skipped=why)
        have = self._stored_contents()
        want = {doc.doc_id: _content_key(index, doc.doc_id) for doc in index.documents}
        changed = [doc_id for doc_id, key in want.items() if have.get(doc_id) != key]
        removed = [doc_id for doc_id in have if doc_id not in want]
        self.delete_documents(removed)
        clauses = self.upsert_documents(index, changed, contents=want)
        self._call("upsert", self.documents, [{"doc_id": "__version__", "content": "",
                                               "version": index.version, "marker": _MARKER}])
        return SyncReport(index.version, upserted_documents=len(changed),
                          upserted_clauses=clauses, deleted_documents=len(removed))

    def upsert_documents(self, index: BuiltIndex, doc_ids: list[str], *,
                         contents: dict[str, str] | None = None) -> int:
        """Replace these documents' clauses (vectors, tokens, filters) by those of `index`;
        the number of clauses written. Rows are built a few documents at a time: a 512-float
        vector as a Python list costs ~12 KB, too much to hold for a whole corpus at once."""
        self._ensure_collections(index.params.dim)
        vectors = np.load(index.folder / "vectors.npy", mmap_mode="r")
        written = 0
        for batch in batches(doc_ids, 50):
            self._call("delete", self.clauses, filter=f"doc_id in {_quoted(batch)}")
            rows = [row for doc_id in batch for row in self._clause_row(index, vectors, doc_id)]
            for chunk in batches(rows, _INSERT_BATCH):
                self._call("insert", self.clauses, chunk)
            written += len(rows)
            self._call("upsert", self.documents, [
                {"doc_id": doc_id, "content": (contents or {}).get(doc_id)
                 or _content_key(index, doc_id), "version": index.version, "marker": _MARKER}
                for doc_id in batch])
        if doc_ids:
            self._call("flush", self.clauses)  # queries after a bulk load are far slower unflushed
        return written

    def delete_documents(self, doc_ids: list[str]) -> None:
        """Remove these documents' clauses and their content records."""
        for batch in batches(doc_ids, 100):
            self._call("delete", self.clauses, filter=f"doc_id in {_quoted(batch)}")
            self._call("delete", self.documents, ids=batch)

    def _clause_row(self, index: BuiltIndex, vectors: np.ndarray, doc_id: str) -> list[dict]:
        document = index.document(doc_id)
        tokenizer = index.lexical.tokenizer
        first = int(index.row_starts[index.document_code(doc_id)])  # its clauses' rows follow
        rows = []
        for ordinal, clause in enumerate(document.clauses):
            text = lexical_text(document, clause)
            rows.append({"clause_id": clause.clause_id, "doc_id": doc_id,
                         "region": document.region.name, "status": document.status,
                         "words": _capped(tokenizer.tokenize(text)),
                         "bigrams": _capped(bigrams(text)),
                         "vector": np.asarray(vectors[first + ordinal],
                                              dtype=np.float32).tolist()})
        return rows

    # -- search --------------------------------------------------------------------------------
    def _filter(self, query: StoreQuery, ids: Iterable[str] = ()) -> str:
        parts = []
        if query.doc_ids:
            parts.append(f"doc_id in {_quoted(query.doc_ids)}")
        if query.regions:
            parts.append(f"region in {_quoted(query.regions)}")
        if query.statuses:
            parts.append(f"status in {_quoted(query.statuses)}")
        ids = list(ids)
        if ids:
            parts.append(f"clause_id in {_quoted(ids)}")
        return " and ".join(parts)

    def _search(self, field: str, data, query: StoreQuery, limit: int,
                ids: Iterable[str] = ()) -> dict[str, float]:
        metric = "IP" if field == "vector" else "BM25"
        result = self._call("search", self.clauses, data=[data], anns_field=field, limit=limit,
                            filter=self._filter(query, ids), output_fields=["clause_id"],
                            search_params={"metric_type": metric})
        return {hit["id"]: float(hit["distance"]) for hit in result[0]}

    def channels(self, index: BuiltIndex, query: StoreQuery) -> ChannelScores | None:
        self._ensure_collections(index.params.dim)
        # The scope by documents, not by rows: nothing the size of the corpus is built per
        # search (Milvus filters the rows).
        in_scope = scope_documents(index, query) if query.scoped else None
        scope_rows = len(index.clauses) if in_scope is None else \
            int(np.diff(index.row_starts)[in_scope].sum())
        if scope_rows == 0:
            return None
        limit = min(self.candidates, scope_rows)
        vector = np.asarray(query.vector, dtype=np.float32).reshape(-1)
        words = " ".join(index.lexical.tokenizer.tokenize(query.lexical_text))
        grams = " ".join(bigrams(query.lexical_text))
        queries = {"vector": vector.tolist(), "words_bm25": words, "bigrams_bm25": grams}
        queries = {field: data for field, data in queries.items() if len(data)}
        best = {field: self._search(field, data, query, limit)
                for field, data in queries.items()}
        # Rows Milvus has but this version lacks (another replica synced a newer one) are left
        # out: the catalogue cannot cite them until this replica loads that version.
        union = sorted(set().union(*best.values()))
        positions = index.positions(union)
        union = [clause_id for clause_id, row in zip(union, positions) if row >= 0]
        if not union:
            return None
        exact = {}
        for field, data in queries.items():
            missing = [clause_id for clause_id in union if clause_id not in best[field]]
            exact[field] = dict(best[field])
            if missing:  # absent from this channel's best rows: its true score (BM25: often 0)
                exact[field].update(self._search(field, data, query, len(missing), missing))
        rows = positions[positions >= 0]

        def channel(field: str) -> np.ndarray:
            scores = exact.get(field, {})
            values = np.array([scores.get(clause_id, 0.0) for clause_id in union],
                              dtype=np.float32)
            # Milvus's BM25 keeps the (k1 + 1) numerator factor that bm25s leaves out; without
            # it the raw scores are the embedded store's, which the answer decision's
            # thresholds (raw BM25 of the top clause) were measured on.
            return values / _BM25_SCALE.get(field, 1.0)

        def lexical_low(field: str) -> float | None:
            # BM25 search returns every row with a query token, up to the limit. Fewer than the
            # limit: the rows outside score exactly 0 (or there are none). The whole limit: the
            # minimum is estimated by our rows' (None), which include the dense candidates —
            # in a region's scope every row shares the region's name, so 0 would be far off.
            returned = len(best.get(field, ()))
            return 0.0 if returned < limit and returned < scope_rows else None

        document_scores = index.document_bigrams.scores(query.lexical_text)
        scope_docs = in_scope if in_scope is not None else slice(None)
        lowest = self._search("vector", (-vector).tolist(), query, 1)
        return ChannelScores(
            rows=rows, lexical=channel("words_bm25"), bigrams=channel("bigrams_bm25"),
            dense=channel("vector"), document=document_scores[index.doc_code_of_row[rows]],
            coverage=index.bigrams.coverage(query.lexical_text, rows), query_vector=query.vector,
            # The scope's lowest dense score is the best score of the negated vector; the
            # document prior's minimum is over the scope's documents, computed here exactly.
            lows=(lexical_low("words_bm25"), lexical_low("bigrams_bm25"),
                  -next(iter(lowest.values())) if lowest else None,
                  float(document_scores[scope_docs].min()), None))


def _content_key(index: BuiltIndex, doc_id: str) -> str:
    """What a document's Milvus rows depend on: its clauses' texts, the encoder, the terms."""
    document = index.document(doc_id)
    digest = hashlib.sha1(f"{index.params.encoder_id}|{index.params.dictionary_built_at}".encode())
    for clause in document.clauses:
        digest.update(clause.clause_id.encode())
        digest.update(dense_text(document, clause).encode())
        digest.update(lexical_text(document, clause).encode())
    return digest.hexdigest()


__all__ = ["DEFAULT_CANDIDATES", "MilvusClauseStore"]
