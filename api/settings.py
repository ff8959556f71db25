"""Configuration read once at the edges (CLI, `api/deps.py`) from `POLICY_ASSISTANT_*` variables.

Library code never reads settings; it takes arguments. Defaults run the shipped corpus fully
offline with the USE encoder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus import SHIPPED_CORPUS

_DEFAULT_VAR = Path(__file__).resolve().parent.parent / "var"
# Policy files are text, Word or PDF; 20 MB holds the largest Legal-DC .docx (well under 1 MB)
# many times over while keeping one upload from filling memory.
DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# A question is at most 1,000 characters (3 bytes each in UTF-8) plus a few short fields: 64 KB
# is twenty times the largest valid /ask or /search body.
DEFAULT_MAX_BODY_BYTES = 64 * 1024


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICY_ASSISTANT_", env_file=".env",
                                      extra="ignore")

    corpus_dir: Path = Field(SHIPPED_CORPUS, description="folder of documents, read recursively "
                             "(manifest.json optional, for overrides)")
    index_dir: Path = Field(_DEFAULT_VAR / "index", description="where the built index lives")
    library_dir: Path | None = Field(
        None, description="documents added while running (files/) and removals (removed.json); "
                          "default: a `library` folder beside the index folder (var/library)")
    cache_dir: Path | None = Field(
        None, description="files derived from installed packages that every process maps "
                          "(the USE embedding table); default: a `cache` folder beside the "
                          "index folder (var/cache)")
    db_path: Path = Field(_DEFAULT_VAR / "conversations.sqlite3",
                          description="SQLite file for conversations")
    conversations_url: SecretStr | None = Field(
        None, description="postgresql://user:password@host:port/db: keep conversations in "
                          "PostgreSQL (replicas share them) instead of the SQLite file")
    clause_store: Literal["embedded", "milvus"] = Field(
        "embedded", description="embedded: FAISS + bm25s in each process; milvus: vectors and "
                                "BM25 in a Milvus endpoint that replicas share")
    milvus_uri: str | None = Field(None, description="the Milvus endpoint, e.g. "
                                   "http://milvus.internal:19530 (clause_store=milvus)")
    milvus_token: SecretStr | None = Field(None, description="Milvus user:password or API key")
    milvus_prefix: str = Field("policy", pattern=r"^[A-Za-z][A-Za-z0-9_]{0,40}$",
                               description="collection name prefix (one per deployment)")
    encoder: str = Field("use", description="use | e5 | sentence-transformers | hash")
    model_name: str | None = Field(None, description="sentence-transformers model name or path")
    query_instruction: str | None = Field(
        None, description="prefix for queries, e.g. bge's 为这个句子生成表示以用于检索相关文章：")
    dense_index: Literal["auto", "flat", "hnsw"] = Field(
        "auto", description="flat (exact), hnsw (a graph, for large corpora) or auto: flat "
                            "below 50,000 clauses, hnsw from there (index.dense.AUTO_HNSW_FROM)")
    # On: dev hit@1/5 0.917/0.959 -> 0.923/0.970, Legal-DC hit@5 0.822 -> 0.831, at about
    # twice the encoding time of a full build and ~5 KB more per clause (README, "Retrieval").
    sentence_vectors: bool = Field(True, description="also encode each sentence of a clause "
                                   "of several, and score the clause by its best sentence "
                                   "(index.sentences); off halves a full build's encoding")
    thesaurus: bool = Field(True, description="add a published thesaurus's synonyms for question "
                            "words the corpus never uses (assistant.synonyms; README, Licenses)")
    english_dictionary: bool = Field(True, description="add CC-CEDICT's Chinese words for the "
                                     "English phrases of a question (assistant.english; README, "
                                     "Licenses)")
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: str = Field("", description="comma-separated origins allowed to embed/call")
    admin_token: SecretStr | None = Field(
        None, description="bearer token for POST/DELETE /documents; unset: those routes are off")
    max_upload_bytes: int = Field(DEFAULT_MAX_UPLOAD_BYTES, ge=1,
                                  description="largest document POST /documents accepts")
    max_body_bytes: int = Field(DEFAULT_MAX_BODY_BYTES, ge=1024,
                                description="largest JSON request body (413 beyond it)")
    workers: int = Field(os.cpu_count() or 1, ge=1,
                         description="server processes for `serve` (default: one per core)")
    # Requests working at once per worker. Answering is CPU-bound, but the questions of requests
    # working together are embedded in one forward pass (query_batch), which more than pays for
    # the GIL they share: 32 clients, 45 s runs interleaved twice (bench/bench_load.py), /ask p95
    # 484/372 ms with 2 working and no batching, 358/307 with 4, 316/219 with 8, 283/211 with 16.
    max_active: int = Field(16, ge=1, description="requests working at once, per worker")
    # Questions of concurrent requests embedded in one forward pass, at most this many (1: each
    # alone). USE: 4.3 ms for one question, 1.3 ms each in a batch of 16 (index/query_batching).
    query_batch: int = Field(16, ge=1, description="most questions embedded together, per worker")
    max_waiting: int = Field(64, ge=0, description="requests queued per worker before a "
                                                    "quick 503 with Retry-After")
    wait_seconds: float = Field(10.0, gt=0, description="longest wait in the queue before a "
                                                        "503 with Retry-After")
    # A worker keeps a keep-alive connection until it closes: closing one every N responses
    # lets connections move to the less busy worker (bench/bench_load.py, see RecycleConnections).
    recycle_connections_every: int = Field(16, ge=0, description="responses per keep-alive "
                                           "connection before it is closed (0: never)")
    rate_limit_per_minute: int = Field(0, ge=0, description="requests per client address and "
                                                            "minute (429 beyond); 0: no limit")
    frame_ancestors: str = Field("'self'", description="CSP frame-ancestors: the sites that may "
                                 "embed the widget in a frame, e.g. 'self' https://www.example.gov.cn "
                                 "(the CORS origins are added)")
    # 0 checks the index pointer (one stat call, ~2 µs) on every request, so a change made by
    # `policy-assistant add` in another process is served by the very next request.
    reload_check_seconds: float = Field(0.0, ge=0,
                                        description="how often the server looks for a new "
                                                    "index version")

    @field_validator("conversations_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip() and not \
                value.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL (unset it to use the SQLite file)")
        return value if value is not None and value.get_secret_value().strip() else None

    @model_validator(mode="after")
    def _milvus_needs_uri(self) -> Settings:
        if self.clause_store == "milvus" and not self.milvus_uri:
            raise ValueError("clause_store=milvus needs POLICY_ASSISTANT_MILVUS_URI")
        return self

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def library_path(self) -> Path:
        return self.library_dir or Path(self.index_dir).parent / "library"

    @property
    def cache_path(self) -> Path:
        return self.cache_dir or Path(self.index_dir).parent / "cache"

    @property
    def admin_token_value(self) -> str | None:
        token = self.admin_token.get_secret_value().strip() if self.admin_token else ""
        return token or None
