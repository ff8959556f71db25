"""Dependency providers for the API and the CLI: the one place that reads `Settings`.

Tests override `get_settings` (FastAPI `dependency_overrides`) or pass a `Settings` to
`create_app`, so library code never touches the environment.
"""

from __future__ import annotations

from functools import lru_cache

from api.settings import Settings


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
