"""The PDF path on real laws: Legal-DC's .docx exported to PDF by LibreOffice, read back and
compared with the .docx path (a measurement, not a test).

Real users load PDFs that an office suite exported; Legal-DC ships Word files only, so a sample
of them (every `--step`-th file) is exported with `soffice --headless --convert-to pdf`
(Debian's libreoffice-writer-nogui with fonts-noto-cjk; a file that takes longer than
`--timeout` seconds is skipped: LibreOffice hangs on a few) into `--pdf-dir`, which is reused
on the next run. Each PDF is read and parsed as a user's upload would be and compared with the
same file's .docx parse: files refused, titles, articles, clause keys, and the Legal-DC gold
strings of the file's development questions found inside one clause.

    python -m bench.bench_pdf_path [--pdf-dir var/ldc-pdf] [--step 3]
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


def export(docs: list[Path], pdf_dir: Path, timeout: float) -> list[str]:
    """Export the .docx files that have no PDF yet; the names LibreOffice gave up on."""
    if shutil.which("soffice") is None:
        raise SystemExit("soffice is not installed: apt-get install libreoffice-writer-nogui "
                         "fonts-noto-cjk, or pass --pdf-dir with PDFs already exported")
    pdf_dir.mkdir(parents=True, exist_ok=True)
    skipped = []
    with tempfile.TemporaryDirectory() as profile:
        for doc in docs:
            if (pdf_dir / f"{doc.stem}.pdf").exists():
                continue
            try:
                subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}",
                                "--headless", "--convert-to", "pdf", "--outdir", str(pdf_dir),
                                str(doc)], check=True, capture_output=True, timeout=timeout)
            except (subprocess.TimeoutExpired, subprocess.CalledProcessError):
                subprocess.run(["pkill", "-f", profile], check=False)
                skipped.append(doc.stem)
    return skipped


def _golds(title: str, questions: list[dict]) -> list[str]:
    return [re.sub(r"\s|\\n", "", gold) for question in questions if question["title"] == title
            for gold in question["gold"]]


def compare(docs: list[Path], pdf_dir: Path, questions: list[dict]) -> dict:
    figures: Counter = Counter()
    refused: list[str] = []
    for number, doc in enumerate(docs):
        pdf = pdf_dir / f"{doc.stem}.pdf"
        if not pdf.exists():
            continue
        figures["files"] += 1
        try:
            from_pdf = parse_source(read_source(pdf), doc_id=f"pdf-{number}")
        except CorpusError as error:
            refused.append(f"{doc.stem}: {error}")
            continue
        from_docx = parse_source(read_source(doc), doc_id=f"docx-{number}")
        figures["read"] += 1
        figures["title as the docx's"] += _SPACE.sub("", from_pdf.title) == _SPACE.sub(
            "", from_docx.title)
        figures["same clause keys"] += [c.key for c in from_pdf.clauses] == [
            c.key for c in from_docx.clauses]
        figures["articles, docx"] += sum(c.kind == "article" for c in from_docx.clauses)
        figures["articles, pdf"] += sum(c.kind == "article" for c in from_pdf.clauses)
        pdf_texts = [_SPACE.sub("", c.text) for c in from_pdf.clauses]
        docx_texts = [_SPACE.sub("", c.text) for c in from_docx.clauses]
        figures["docx clauses whose text is in the pdf's"] += sum(
            1 for text in docx_texts if any(text in other for other in pdf_texts))
        figures["docx clauses"] += len(docx_texts)
        for gold in _golds(doc.stem, questions):
            figures["gold strings"] += 1
            figures["gold inside a clause, docx"] += any(gold in text for text in docx_texts)
            figures["gold inside a clause, pdf"] += any(gold in text for text in pdf_texts)
    return {"figures": dict(figures), "refused": refused}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pdf-dir", type=Path, default=REPO / "var" / "ldc-pdf")
    parser.add_argument("--step", type=int, default=3, help="export every n-th Legal-DC file")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "pdf_path.json")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # regions the gazetteer cannot place are not the point
    docs = sorted((LEGAL_DC / "docs").glob("*.docx"))[::args.step]
    skipped = export(docs, args.pdf_dir, args.timeout)
    questions = [json.loads(line) for line in
                 (LEGAL_DC / "questions-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    result = {"sample": f"every {args.step}th of {len(docs) * args.step} Legal-DC files",
              "export_skipped": skipped, **compare(docs, args.pdf_dir, questions)}
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name, value in result["figures"].items():
        print(f"{name:45} {value}")
    print(f"refused: {len(result['refused'])}; export skipped: {len(skipped)} -> {args.out}")


if __name__ == "__main__":
    main()
