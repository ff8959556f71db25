"""A small gazetteer: which region a text names, with its province/city/district levels.

Documents rarely print their province ("三门峡市人民政府办公室"), and questions use short or
pinyin names ("三门峡", "Sanmenxia"). Both are resolved against `gazetteer.json`, which is data:
supporting a new region means adding a row, not a branch in code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.records import Region

GAZETTEER_FILE = Path(__file__).with_name("gazetteer.json")


@dataclass(frozen=True)
class Mention:
    """A region named in a text, and where."""

    region: Region
    alias: str
    start: int


def _full_name(row: dict) -> str:
    parts: list[str] = []
    for level in (row["province"], row.get("city"), row.get("district")):
        if level and level not in parts:
            parts.append(level)
    return "".join(parts)


class Gazetteer:
    """Looks up regions by any of their names."""

    def __init__(self, rows: list[dict]):
        self.regions: list[Region] = []
        alias_pairs: list[tuple[str, Region]] = []
        for row in rows:
            full = _full_name(row)
            aliases = tuple(dict.fromkeys([*row.get("aliases", []), row["name"], full]))
            region = Region(name=full, province=row["province"], city=row.get("city"),
                            district=row.get("district"), aliases=aliases)
            self.regions.append(region)
            alias_pairs.extend((alias, region) for alias in aliases)
        # Longest alias first so that "枣庄市台儿庄区" wins over "枣庄".
        alias_pairs.sort(key=lambda pair: -len(pair[0]))
        self._aliases = alias_pairs
        self._pattern = re.compile(
            "|".join(re.escape(alias) for alias, _ in alias_pairs), re.IGNORECASE)
        self._by_alias = {alias.lower(): region for alias, region in alias_pairs}

    @classmethod
    def load(cls, path: Path = GAZETTEER_FILE) -> Gazetteer:
        return cls(json.loads(path.read_text(encoding="utf-8"))["regions"])

    def mentions(self, text: str) -> list[Mention]:
        """Every region named in `text`, in order of appearance, without overlaps."""
        found: list[Mention] = []
        for match in self._pattern.finditer(text):
            alias = match.group(0)
            if alias.isascii() and not _ascii_word_boundary(text, match.start(), match.end()):
                continue
            found.append(Mention(self._by_alias[alias.lower()], alias, match.start()))
        return found

    def most_specific(self, text: str) -> Region | None:
        """The deepest region named in `text` (district over city over province)."""
        mentions = self.mentions(text)
        if not mentions:
            return None
        return max(mentions, key=lambda m: (_depth(m.region), -m.start)).region

    def by_name(self, name: str) -> Region | None:
        return self._by_alias.get(name.lower())


def _depth(region: Region) -> int:
    return 2 if region.district else 1 if region.city else 0


def _ascii_word_boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer.load()
