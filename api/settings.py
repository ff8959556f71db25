"""Configuration read once at the edges (CLI, `api/deps.py`) from `POLICY_ASSISTANT_*` variables.

Library code never reads settings; it takes arguments. Defaults run the shipped corpus fully
offline with the USE encoder.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus import SHIPPED_CORPUS

_DEFAULT_VAR = Path(__file__).resolve().parent.parent / "var"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="POLICY_ASSISTANT_", env_file=".env",
                                      extra="ignore")

    corpus_dir: Path = Field(SHIPPED_CORPUS, description="folder with manifest.json and texts")
    index_dir: Path = Field(_DEFAULT_VAR / "index", description="where the built index lives")
    db_path: Path = Field(_DEFAULT_VAR / "conversations.sqlite3",
                          description="SQLite file for conversations")
    encoder: str = Field("use", description="use | sentence-transformers | hash")
    model_name: str | None = Field(None, description="sentence-transformers model name or path")
    query_instruction: str | None = Field(
        None, description="prefix for queries, e.g. bge's 为这个句子生成表示以用于检索相关文章：")
    dense_index: str = Field("flat", description="flat (exact) or hnsw")
    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: str = Field("", description="comma-separated origins allowed to embed/call")

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]
