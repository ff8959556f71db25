"""Reading policy text files whatever their encoding and layout conventions.

Government texts arrive as UTF-8 (with or without BOM), GB18030/GBK, with CRLF line ends,
full-width spaces and tabs. This module turns a file into one normalised `str` with LF line
ends; tabs are kept because table cells are tab-separated in the shipped texts.
"""

from __future__ import annotations

from pathlib import Path

import hashlib

from corpus.errors import CorpusError
from corpus.records import SourceText

# Tried in order: UTF-8 first because a valid UTF-8 byte string almost never decodes as
# meaningful GB18030 by accident, while the reverse happens often.
_ENCODINGS = ("utf-8-sig", "gb18030")


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> str:
    """Decode a policy text and normalise line ends; raise CorpusError naming the file."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        for encoding in _ENCODINGS:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise CorpusError(
                f"cannot decode {name}: it is neither UTF-8 nor GB18030/GBK; "
                "save it as UTF-8 and add it again"
            )
    if "\x00" in text:
        raise CorpusError(f"cannot read {name}: it looks like a binary file, not a plain text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
    text = decode_bytes(data, name=filename)
    return SourceText(lines=tuple(text.split("\n")), source_file=filename, format="txt",
                      title_hint=None, sha256=hashlib.sha256(data).hexdigest())


def read_source(path: Path) -> SourceText:
    """Read a file from disk into a `SourceText` (see `read_source_bytes`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CorpusError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return read_source_bytes(data, Path(path).name)
