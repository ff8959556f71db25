"""The PDF and web-page paths on real laws: Legal-DC's .docx exported by LibreOffice, read back
and compared with the .docx path (a measurement, not a test).

Real users load PDFs and saved pages that an office suite made; Legal-DC ships Word files only,
so a sample of them (every `--step`-th file from `--offset`) is exported with `soffice
--headless --convert-to pdf|html` (Debian's libreoffice-writer-nogui with fonts-noto-cjk; a file
that takes longer than `--timeout` seconds is skipped: LibreOffice hangs on a few) into
`--export-dir`, which is reused on the next run. Each export is read and parsed as a user's
upload would be and compared with the same file's .docx parse: files refused, titles, articles,
clause keys, and the Legal-DC gold strings of the file's development questions found inside one
clause.

    python -m bench.bench_office_exports [--to pdf] [--export-dir var/ldc-pdf] [--step 3]
    python -m bench.bench_office_exports --to html --export-dir var/ldc-html --step 12 --offset 4
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from corpus.errors import CorpusError
from corpus.parser import parse_source
from corpus.reading import read_source

REPO = Path(__file__).resolve().parent.parent
LEGAL_DC = REPO.parent / "shared" / "corpora" / "legal-dc"
_SPACE = re.compile(r"\s")


def export(docs: list[Path], export_dir: Path, target: str, timeout: float) -> list[str]:
    """Export the .docx files that have no export yet; the names LibreOffice gave up on."""
    if shutil.which("soffice") is None:
        raise SystemExit("soffice is not installed: apt-get install libreoffice-writer-nogui "
                         "fonts-noto-cjk, or pass --export-dir with files already exported")
    export_dir.mkdir(parents=True, exist_ok=True)
    skipped = []
    with tempfile.TemporaryDirectory() as profile:
        for doc in docs:
            if (export_dir / f"{doc.stem}.{target}").exists():
                continue
            try:
                subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}",
                                "--headless", "--convert-to", target, "--outdir", str(export_dir),
                                str(doc)], check=True, capture_output=True, timeout=timeout)
            except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
                subprocess.run(["pkill", "-f", profile], check=False)
                skipped.append(doc.stem)
    return skipped


def _golds(title: str, questions: list[dict]) -> list[str]:
    return [re.sub(r"\s|\\n", "", gold) for question in questions if question["title"] == title
            for gold in question["gold"]]


def compare(docs: list[Path], export_dir: Path, target: str, questions: list[dict]) -> dict:
    figures: Counter = Counter()
    refused: list[str] = []
    for number, doc in enumerate(docs):
        exported = export_dir / f"{doc.stem}.{target}"
        if not exported.exists():
            figures["not exported (LibreOffice failed or timed out)"] += 1
            continue
        figures["files"] += 1
        try:
            from_export = parse_source(read_source(exported), doc_id=f"export-{number}")
        except CorpusError as error:
            refused.append(f"{doc.stem}: {error}")
            continue
        from_docx = parse_source(read_source(doc), doc_id=f"docx-{number}")
        figures["read"] += 1
        figures["title as the docx's"] += _SPACE.sub("", from_export.title) == _SPACE.sub(
            "", from_docx.title)
        figures["same clause keys"] += [c.key for c in from_export.clauses] == [
            c.key for c in from_docx.clauses]
        figures["articles, docx"] += sum(c.kind == "article" for c in from_docx.clauses)
        figures["articles, export"] += sum(c.kind == "article" for c in from_export.clauses)
        export_texts = [_SPACE.sub("", c.text) for c in from_export.clauses]
        docx_texts = [_SPACE.sub("", c.text) for c in from_docx.clauses]
        figures["docx clauses whose text is in the export's"] += sum(
            1 for text in docx_texts if any(text in other for other in export_texts))
        figures["docx clauses"] += len(docx_texts)
        for gold in _golds(doc.stem, questions):
            figures["gold strings"] += 1
            figures["gold inside a clause, docx"] += any(gold in text for text in docx_texts)
            figures["gold inside a clause, export"] += any(gold in text for text in export_texts)
    return {"figures": dict(figures), "refused": refused}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--to", choices=("pdf", "html"), default="pdf")
    parser.add_argument("--export-dir", type=Path, help="default: var/ldc-pdf or var/ldc-html")
    parser.add_argument("--step", type=int, default=3, help="export every n-th Legal-DC file")
    parser.add_argument("--offset", type=int, default=0, help="starting from this one")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--out", type=Path, help="default: bench/results/office_export_<to>.json")
    args = parser.parse_args()
    export_dir = args.export_dir or REPO / "var" / f"ldc-{args.to}"
    out = args.out or REPO / "bench" / "results" / f"office_export_{args.to}.json"
    logging.disable(logging.WARNING)  # regions the gazetteer cannot place are not the point
    every = sorted((LEGAL_DC / "docs").glob("*.docx"))
    docs = every[args.offset::args.step]
    skipped = export(docs, export_dir, args.to, args.timeout)
    questions = [json.loads(line) for line in
                 (LEGAL_DC / "questions-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    result = {"to": args.to, "sample": f"{len(docs)} of {len(every)} Legal-DC files (every "
              f"{args.step}th from {args.offset})", "export_skipped": skipped,
              **compare(docs, export_dir, args.to, questions)}
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, value in result["figures"].items():
        print(f"{name:45} {value}")
    print(f"refused: {len(result['refused'])}; export skipped: {len(skipped)} -> {out}")


if __name__ == "__main__":
    main()
