"""Readers: any common file format → one `SourceText` (lines in reading order plus file facts).

`read_source(path)` and `read_source_bytes(data, filename)` choose a reader by the file's
extension: .txt, .md/.markdown, .docx, .pdf, .html/.htm. Every other format raises `CorpusError`
naming the file and saying how to convert it, and so does a damaged file — callers report and
skip, they never see a library's traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from corpus.errors import CorpusError
from corpus.readers.config import DEFAULT_READER_CONFIG, ReaderConfig
from corpus.records import SourceText

# What to tell the user for formats we recognise but do not read.
_UNSUPPORTED = {
    ".doc": "legacy Word .doc is not supported: open it in Word/LibreOffice and save it as .docx",
    ".wps": "WPS .wps files are not supported: open it in WPS/Word and save it as .docx",
    ".wpt": "WPS templates are not supported: open it in WPS/Word and save it as .docx",
    ".dot": "Word templates are not supported: save the document as .docx",
    ".dotx": "Word templates are not supported: save the document as .docx",
    ".docm": "macro-enabled Word files are not supported: save the document as .docx",
    ".rtf": "RTF is not supported: open it in Word/LibreOffice and save it as .docx",
    ".odt": "OpenDocument text is not supported: save it as .docx in LibreOffice",
    ".xls": "spreadsheets are not supported: copy the table into a .docx, or save as .txt",
    ".xlsx": "spreadsheets are not supported: copy the table into a .docx, or save as .txt",
    ".et": "WPS spreadsheets are not supported: copy the table into a .docx, or save as .txt",
    ".csv": "CSV is not supported as a policy document: copy the table into a .docx",
    ".ppt": "presentations are not supported: export the text as .pdf or .docx",
    ".pptx": "presentations are not supported: export the text as .pdf or .docx",
    ".ofd": "OFD files are not supported: export the document as .pdf with a text layer",
    ".zip": "archives are not read: unpack it and add the documents inside one by one",
    ".rar": "archives are not read: unpack it and add the documents inside one by one",
    ".7z": "archives are not read: unpack it and add the documents inside one by one",
}
_IMAGES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}


def _reader(extension: str) -> Callable[[bytes, str, ReaderConfig], SourceText] | None:
    # Readers are imported on demand: a text-only deployment never loads pdfplumber or lxml.
    if extension == ".txt":
        from corpus.readers.text import read_txt
        return lambda data, name, config: read_txt(data, name)
    if extension in (".md", ".markdown"):
        from corpus.readers.markdown import read_markdown
        return lambda data, name, config: read_markdown(data, name)
    if extension == ".docx":
        from corpus.readers.word import read_docx
        return read_docx
    if extension == ".pdf":
        from corpus.readers.pdf import read_pdf
        return read_pdf
    if extension in (".html", ".htm", ".shtml", ".xhtml"):
        from corpus.readers.webpage import read_html
        return read_html
    return None


def supported_extensions() -> tuple[str, ...]:
    return (".txt", ".md", ".markdown", ".docx", ".pdf", ".html", ".htm", ".shtml", ".xhtml")


def read_source_bytes(data: bytes, filename: str,
                      config: ReaderConfig = DEFAULT_READER_CONFIG) -> SourceText:
    """Read a file's bytes into a `SourceText`; the format is chosen by the file's extension.

    Raises CorpusError naming the file and what to do when the format is unsupported or the
    file cannot be read.
    """
    extension = Path(filename).suffix.lower()
    if extension in _UNSUPPORTED:
        raise CorpusError(f"cannot read {filename}: {_UNSUPPORTED[extension]}")
    if extension in _IMAGES:
        raise CorpusError(f"cannot read {filename}: it is an image, not a text; run OCR on it "
                          "and add the result as .txt, .docx or a .pdf with a text layer")
    if extension == "":
        # No extension: text is the only format we can safely assume (decoding will refuse
        # a binary file with a clear message).
        extension = ".txt"
    reader = _reader(extension)
    if reader is None:
        raise CorpusError(f"cannot read {filename}: the format {extension} is not supported; "
                          "save it as .docx, .pdf (with a text layer), .html, .md or .txt")
    return reader(data, filename, config)


def read_source(path: Path | str, config: ReaderConfig = DEFAULT_READER_CONFIG) -> SourceText:
    """Read a file from disk into a `SourceText` (see `read_source_bytes`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_source_bytes(data, path.name, config)


__all__ = ["DEFAULT_READER_CONFIG", "ReaderConfig", "read_source", "read_source_bytes",
           "supported_extensions"]
