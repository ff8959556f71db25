"""Reading policy files: the stable entry points the rest of the code base imports.

Government texts arrive as UTF-8 (with or without BOM), GB18030/GBK or UTF-16, with CRLF line
ends, and as .docx, .pdf, .html and .md files. `decode_bytes`/`read_text` turn a plain text into
one normalised `str` with LF line ends (tabs kept: table cells are tab-led in the shipped texts);
`read_source`/`read_source_bytes` turn a file of any supported format into a `SourceText`,
delegating to the per-format readers in `corpus.readers`.
"""

from __future__ import annotations

from pathlib import Path

from corpus.errors import CorpusError
from corpus.readers import read_source as _read_source
from corpus.readers import read_source_bytes as _read_source_bytes
from corpus.readers.text import decode_text
from corpus.records import SourceText


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> str:
    """Decode a policy text and normalise line ends; raise CorpusError naming the file."""
    return decode_text(data, name=name)


def read_text(path: Path) -> str:
    """Read a text file from disk (see `decode_bytes`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return decode_bytes(data, name=str(path))


def read_source_bytes(data: bytes, filename: str) -> SourceText:
    """Read a file's bytes into a `SourceText`; the format is chosen by the file's extension.

    Raises CorpusError naming the file and what to do when the format is unsupported or the
    file cannot be read.
    """
    return _read_source_bytes(data, filename)


def read_source(path: Path) -> SourceText:
    """Read a file from disk into a `SourceText` (see `read_source_bytes`)."""
    return _read_source(path)
