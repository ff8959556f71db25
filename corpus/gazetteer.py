"""The gazetteer: which administrative division a text names, with its province/city/county levels.

Every province, prefecture and county of China is known, from `divisions.json` (generated from
the official 行政区划 list by `corpus/tools/build_divisions.py`, never typed by hand). Documents
rarely print their province ("三门峡市人民政府办公室") and questions use short or pinyin names
("三门峡", "Sanmenxia"), so each division is findable by its official name, its full name with
levels (河南省三门峡市), parent-qualified forms (枣庄台儿庄, 重庆市綦江区), its short name where
that is safe, and pinyin. `gazetteer.json` beside this file, or one in a user's corpus folder,
adds rows in the same format: new regions (a development zone) or extra aliases for known ones.

Which names may stand alone in running text — the rule, in three parts:

1. A short name (三门峡市 → 三门峡, 恩施土家族苗族自治州 → 恩施) stands alone only if it has at
   least two characters, and, for county-level units, only if it is not an ordinary word: the
   generator checks it against jieba's dictionary and rejects stems that start with a function
   word (so 和平, 合作, 振兴, 平原, 和安 do not; 綦江 and 台儿庄 do). County full names whose stem is one character (城区, 郊区, 矿区, 东区, 沛县,
   和县) are generic or too easily part of another word ("市和县"), so they count only with a
   parent in front (阳泉市城区, 徐州沛县). A short name inside a longer ordinary word does not
   count either (长治久安 is not 长治市, 东躲西藏 not 西藏).
2. A name several divisions share (朝阳区, 鼓楼区, 通州, 长安) goes to the one whose province or
   city (or a place inside it) the same text also names; failing that, to the single candidate
   of the highest level (吉林 → 吉林省, 海南 → 海南省, Baicheng → 白城市), and otherwise to
   none: an unresolved mention is left out rather than guessed.
3. Pinyin forms (Sanmenxia, Tai'erzhuang, Qijiang District) match case-insensitively and only as
   whole words, and follow rule 2 like any other name.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from corpus.errors import CorpusError
from corpus.records import NATIONAL, Region

DIVISIONS_FILE = Path(__file__).with_name("divisions.json")
GAZETTEER_FILE = Path(__file__).with_name("gazetteer.json")

_LEVELS = {"province": 0, "city": 1, "county": 2}
# Level words as English speakers write them after a pinyin name ("Qijiang District").
_ENGLISH_LEVEL = (("特别行政区", "SAR"), ("自治区", "Autonomous Region"), ("自治州", "Prefecture"),
                  ("地区", "Prefecture"), ("自治县", "County"), ("自治旗", "Banner"), ("省", "Province"),
                  ("市", "City"), ("新区", "New Area"), ("区", "District"), ("县", "County"), ("旗", "Banner"), ("盟", "League"))
# A name ending in a level character followed by this one makes an ordinary compound, not a
# place: 合作市场 is a market, not 合作市; 平安区域 is not 平安区. The shorter alias is tried next.
_NOT_A_PLACE_AFTER = {"市": "场", "区": "域"}
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# National documents: issued or enacted by a central body. Patterns of names, not lists of laws:
# the state and Party centre, the NPC and its Standing Committee, the supreme court and
# procuratorate, 国家…局/委员会/署, ministries and commissions of the State Council (…部 at the
# head of an issuer), 中国人民银行-style central institutions, 海关总署/审计署.
_NATIONAL_BODY = re.compile(
    r"^(?:中华人民共和国|国务院|全国人民代表大会|全国人大|中共中央|中央军事委员会|"
    r"最高人民法院|最高人民检察院|"
    r"(?:国家|中国)[\u4e00-\u9fff]{1,14}?(?:局|委员会|委|署|院|总局|银行|办公室)|"
    r"[\u4e00-\u9fff]{1,10}?(?:部|总署|审计署)(?:令|关于|办公厅|、|等|印发|[\s（(]|$))")
# Only the NPC and its Standing Committee make 法 (laws); provinces and cities make 条例, 规定,
# 办法 — so a title that ends in …法 (not …办法), possibly with a 修正案 or an edition note, is a
# national law even where the file drops the 中华人民共和国 in front (刑法, 行政诉讼法).
_NATIONAL_LAW = re.compile(r"(?<!办)法(?:修正案)?(?:[（(][^）)]*[）)])?$")
# 行政法规 and 部门规章 are titled …条例 / …规定 / …办法 / …细则 / …规则 with no place name, while
# local regulations and local government rules lead with their administrative area (北京市…条例,
# 浙江省…办法): a rule-form title that names no region, issued by no body we can place, is
# national (铁路产品认证管理办法, 私募投资基金监督管理条例).
_RULE_TITLE = re.compile(r"(?:条例|规定|办法|细则|规则)(?:[（(][^）)]*[）)])?$")
# Titles cited inside 《》 say nothing about who issued the citing text: 北京市实施《全国人民代表
# 大会和地方各级人民代表大会代表法》办法 is a Beijing regulation.
_QUOTED = re.compile(r"《[^》]*》")


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


def _level(region: Region) -> int:
    return 2 if region.district else 1 if region.city else 0


def _contains(outer: Region, inner: Region) -> bool:
    return (outer.province == inner.province
            and (outer.city is None or outer.city == inner.city)
            and (outer.district is None or outer.district == inner.district))


def _related(a: Region, b: Region) -> bool:
    return a is not b and (_contains(a, b) or _contains(b, a))


def _pinyin_forms(syllables: str, official: str) -> list[str]:
    """Sanmenxia, SanMenXia, San Men Xia, Tai'erzhuang, Sanmenxia City from "san men xia"."""
    parts = syllables.split()
    if len(parts) < 2:
        return []
    joined = "".join(parts).capitalize()
    apostrophe = parts[0].capitalize() + "".join(
        ("'" + p if p[0] in "aoe" else p) for p in parts[1:])
    forms = [joined, apostrophe, "".join(p.capitalize() for p in parts),
             " ".join(p.capitalize() for p in parts)]
    for suffix, word in _ENGLISH_LEVEL:
        if official.endswith(suffix):
            forms.append(f"{joined} {word}")
            break
    return list(dict.fromkeys(forms))


def _ascii_word_boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def division_rows(data: dict) -> list[dict]:
    """The rows of `divisions.json` in the gazetteer row format, parents derived from the codes
    (GB/T 2260: two digits for the province, four for the prefecture)."""
    by_code = {row[0]: row for row in data["regions"]}
    rows = []
    for code, name, short, alone, pinyin in data["regions"]:
        province = by_code[code[:2] + "0000"][1]
        level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
        city = None
        if level == "city":
            city = name
        elif level == "county" and code[:4] + "00" in by_code:
            city = by_code[code[:4] + "00"][1]
        rows.append({"name": name, "province": province, "city": city,
                     "district": name if level == "county" else None, "code": code,
                     "short": short or None, "short_stands_alone": bool(alone),
                     "pinyin": pinyin.split("|") if pinyin else [], "_generated": True})
    return rows


def read_rows(path: Path) -> list[dict]:
    """Rows of a `gazetteer.json` ({"regions": [...]} or a bare list); [] if there is none."""
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data["regions"] if isinstance(data, dict) else data)


class Gazetteer:
    """Looks up regions by any of their names."""

    def __init__(self, rows: list[dict], *, blockers: dict[str, list] | None = None):
        self._rows = list(rows)
        self._blockers = {key: [(word, offset) for word, offset in items]
                          for key, items in (blockers or {}).items()}
        specs = self._merge(self._rows)
        names = self._names(specs)
        self.regions: list[Region] = []
        self._by_code: dict[str, Region] = {}
        table: dict[str, list[Region]] = defaultdict(list)
        for full, spec in specs.items():
            region = Region(name=full, province=spec["province"], city=spec["city"],
                            district=spec["district"], aliases=tuple(names[full]),
                            code=spec["code"])
            self.regions.append(region)
            if region.code:
                self._by_code[region.code] = region
            for alias in names[full]:
                key = alias.translate(_ASCII_LOWER)
                if region not in table[key]:
                    table[key].append(region)
        self._table = dict(table)
        # Candidate lengths per first character, longest first: the scan tries only those.
        lengths: dict[str, set[int]] = defaultdict(set)
        for key in self._table:
            lengths[key[0]].add(len(key))
        self._lengths = {char: sorted(sizes, reverse=True) for char, sizes in lengths.items()}

    # -- building -----------------------------------------------------------------------------
    @staticmethod
    def _merge(rows: list[dict]) -> dict[str, dict]:
        """One spec per region; a later row for a known region (same code or full name) adds to it."""
        specs: dict[str, dict] = {}
        by_code: dict[str, str] = {}
        for row in rows:
            if not isinstance(row, dict) or not row.get("province") or not row.get("name"):
                raise CorpusError(f"gazetteer row {row!r} needs at least a name and a province, "
                                  'e.g. {"name": "綦江区", "province": "重庆市", "district": "綦江区"}')
            full = by_code.get(row.get("code") or "") or _full_name(row)
            spec = specs.get(full)
            if spec is None:
                spec = specs[full] = {
                    "province": row["province"], "city": row.get("city"),
                    "district": row.get("district"), "code": row.get("code"),
                    "official": row.get("district") or row.get("city") or row["province"],
                    "short": None, "alone": False, "pinyin": [], "aliases": [],
                    "generated": False}
                if spec["code"]:
                    by_code[spec["code"]] = full
            if row.get("_generated"):
                spec.update(short=row.get("short"), alone=row.get("short_stands_alone", False),
                            pinyin=row.get("pinyin", []), generated=True)
            else:
                # Hand-written rows (ours or a corpus folder's) name their aliases explicitly;
                # the row's own name counts as one.
                spec["aliases"].extend([row["name"], *row.get("aliases", [])])
                spec["pinyin"].extend(row.get("pinyin", []))
        return specs

    @staticmethod
    def _names(specs: dict[str, dict]) -> dict[str, list[str]]:
        """Every alias of every region, per the rule in the module docstring."""
        names: dict[str, list[str]] = {}
        for full, spec in specs.items():
            official, short = spec["official"], spec["short"]
            level = "county" if spec["district"] else "city" if spec["city"] else "province"
            stem = short or official
            own: list[str] = [full, *spec["aliases"]]
            # A one-character stem (城区, 沛县) makes a generic or fragile name.
            if level != "county" or len(stem) >= 2 or not spec["generated"]:
                own.append(official)
            if short and spec["alone"]:
                own.append(short)
            # Parent-qualified forms: 枣庄台儿庄, 枣庄市台儿庄区, 河南三门峡, 重庆綦江区.
            parents: list[dict] = []
            if spec["city"] and level == "county":
                parents.append(specs.get(spec["province"] + spec["city"], {}))
            if level != "province":
                parents.append(specs.get(spec["province"], {}))
            prefixes: list[str] = []
            for parent in parents:
                if parent:
                    prefixes += [parent["official"]] + ([parent["short"]] if parent["short"] else [])
            if len(parents) == 2 and all(parents):
                province, city = parents[1], parents[0]
                for p in (province["official"], province["short"]):
                    for c in (city["official"], city["short"]):
                        if p and c:
                            prefixes.append(p + c)
            tails = [official] + ([short] if short and len(short) >= 2 else [])
            own += [prefix + tail for prefix in prefixes for tail in tails]
            for syllables in spec["pinyin"]:
                own += _pinyin_forms(syllables, official)
            names[full] = list(dict.fromkeys(alias for alias in own if alias))
        return names

    @classmethod
    def load(cls, path: Path = DIVISIONS_FILE, extra: Path | None = GAZETTEER_FILE) -> Gazetteer:
        """The national list plus the local additions in `extra` (same format as a corpus folder's)."""
        data = json.loads(path.read_text(encoding="utf-8"))
        rows = division_rows(data) if "columns" in data else list(data["regions"])
        if extra is not None:
            rows += read_rows(extra)
        return cls(rows, blockers=data.get("blockers"))

    def with_extra_rows(self, rows: list[dict]) -> Gazetteer:
        """This gazetteer plus `rows` (e.g. a corpus folder's `gazetteer.json`): new regions, or
        aliases added to a known region (matched by code or by province/city/district)."""
        if not rows:
            return self
        return Gazetteer([*self._rows, *rows], blockers={
            key: [list(item) for item in items] for key, items in self._blockers.items()})

    # -- lookups ------------------------------------------------------------------------------
    def _candidates(self, text: str) -> list[tuple[int, str, list[Region]]]:
        """Leftmost-longest alias matches: (start, alias as written, candidate regions)."""
        keyed = text.translate(_ASCII_LOWER)
        found: list[tuple[int, str, list[Region]]] = []
        i, n = 0, len(text)
        while i < n:
            for size in self._lengths.get(keyed[i], ()):
                key = keyed[i:i + size]
                regions = self._table.get(key)
                if regions and self._stands_here(text, i, size, key):
                    found.append((i, text[i:i + size], regions))
                    i += size
                    break
            else:
                i += 1
        return found

    def _stands_here(self, text: str, start: int, size: int, key: str) -> bool:
        end = start + size
        if key.isascii():
            return _ascii_word_boundary(text, start, end)
        follower = _NOT_A_PLACE_AFTER.get(key[-1])
        if follower and text[end:end + 1] == follower:
            return False
        for word, offset in self._blockers.get(key, ()):
            if start >= offset and text.startswith(word, start - offset):
                return False
        return True

    @staticmethod
    def _choose(candidates: list[Region], anchors: list[Region],
                context: Sequence[Region] = ()) -> Region | None:
        """Rule 2 of the module docstring; the `context`'s regions settle a name only when the
        text's own `anchors` do not."""
        if len(candidates) == 1:
            return candidates[0]
        related = [c for c in candidates if any(_related(c, a) for a in anchors)] or \
            [c for c in candidates if any(_related(c, a) for a in context)]
        pool = related if related else candidates
        if len(pool) == 1:
            return pool[0]
        top = min(_level(c) for c in pool)
        highest = [c for c in pool if _level(c) == top]
        return highest[0] if len(highest) == 1 else None

    def mentions(self, text: str, anchors: Sequence[Region] = ()) -> list[Mention]:
        """Every region named in `text`, in order of appearance, without overlaps. `anchors`:
        regions the context has named already (a conversation's earlier turns), which settle a
        shared name as the text's own unambiguous mentions do (rule 2): after a question about
        Tianjin, "那和平区呢？" is Tianjin's 和平区, not Shenyang's."""
        found = self._candidates(text)
        own = [regions[0] for _, _, regions in found if len(regions) == 1]
        result: list[Mention] = []
        for start, alias, regions in found:
            region = self._choose(regions, own, anchors)
            if region is not None:
                result.append(Mention(region, alias, start))
        return result

    def most_specific(self, text: str) -> Region | None:
        """The deepest region named in `text` that agrees with the first one named.

        A title or issuer leads with its region (洛阳市…, 浙江省…); a later mention deeper but
        elsewhere (洛浦公园 is not 洛浦县, Xinjiang) does not override it, one inside it does
        (北京市人民政府关于朝阳区… → 北京市朝阳区)."""
        mentions = self.mentions(text)
        if not mentions:
            return None
        first = mentions[0].region
        agreeing = [m for m in mentions
                    if m.region is first or _contains(first, m.region) or _contains(m.region, first)]
        return max(agreeing, key=lambda m: (_level(m.region), -m.start)).region

    def document_region(self, title: str, issuer: str | None = None) -> Region | None:
        """The region of a document from its title and issuer: `NATIONAL` for a central issuer
        (国务院, 财政部, 最高人民法院…) or a national law, else the region they name, else None
        (the caller decides: ask for it, or `UNKNOWN_REGION`)."""
        if issuer and is_national_text(issuer):
            return NATIONAL
        head = _QUOTED.sub("", title).strip()
        if _NATIONAL_LAW.search(head) or (not issuer and _NATIONAL_BODY.search(head)):
            return NATIONAL  # a 法 (香港特别行政区基本法) is national whatever it names
        region = self.most_specific(f"{title} {issuer or ''}")
        if region is not None:
            return region
        if is_national_text(title) or (not issuer and _RULE_TITLE.search(head)):
            return NATIONAL
        return None

    def by_name(self, name: str) -> Region | None:
        """The region a whole name denotes (any alias, or a 6-digit code); None if unknown, or if
        the name is shared and no single region of the highest level has it (朝阳区)."""
        name = name.strip()
        if name in self._by_code:
            return self._by_code[name]
        regions = self._table.get(name.translate(_ASCII_LOWER))
        return self._choose(regions, []) if regions else None

    def with_enclosing(self, region: Region) -> tuple[Region, ...]:
        """The region, then its city and province where it has them (天津市和平区 → 天津市; 河南省
        三门峡市 → 河南省)."""
        levels = [region]
        for name in dict.fromkeys(_full_name({"province": region.province, "city": city})
                                  for city in (region.city if region.district else None, None)):
            enclosing = self.by_name(name)
            if enclosing is not None and enclosing not in levels:
                levels.append(enclosing)
        return tuple(levels)

    def candidates(self, name: str) -> tuple[Region, ...]:
        """Every region that has `name` as an alias (several for 朝阳区, 鼓楼区)."""
        return tuple(self._table.get(name.strip().translate(_ASCII_LOWER), ()))


def national_body_at(text: str) -> str:
    """The name of a central body (国务院, 人力资源社会保障部关于…) that `text` starts with, or
    "" when it starts with none."""
    match = _NATIONAL_BODY.match(text)
    return match.group(0) if match else ""


def is_national_text(text: str) -> bool:
    """Whether a title or issuer is that of a national body or law: it starts with a central
    body's name (中华人民共和国…, 国务院…, 财政部 人力资源社会保障部关于…, 国家税务总局…), or it
    is the title of a 法. Cited titles in 《》 are ignored. Meant for texts that name no region,
    or for the issuer alone: `Gazetteer.document_region` applies it in that order."""
    text = _QUOTED.sub("", text).strip()
    text = re.sub(r"[（(]\d{4}-\d{2}-\d{2}[）)]$", "", text)  # a date the file name appends
    return bool(_NATIONAL_BODY.search(text) or _NATIONAL_LAW.search(text))


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    return Gazetteer.load()
