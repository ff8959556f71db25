"""Plain-text files (.txt) in whatever encoding an office saved them: the decoding lives here.

UTF-8 with or without BOM, GB18030/GBK (a superset of GB2312) and UTF-16 with a BOM cover what
Chinese government offices produce; UTF-16 without a BOM is recognised by its NUL bytes, and
anything else is handed to charset-normalizer as a last resort. Line ends are normalised to LF;
tabs are kept because a leading tab marks a table cell in the shipped texts.
"""

from __future__ import annotations

from corpus.errors import CorpusError
from corpus.readers.common import date_from_name, sha256_hex, tidy_lines
from corpus.records import SourceText

# Tried in order: UTF-8 first because a valid UTF-8 byte string almost never decodes as
# meaningful GB18030 by accident, while the reverse happens often.
_ENCODINGS = ("utf-8-sig", "gb18030")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM: half its bytes are NUL in ASCII-heavy text, and never in CJK
    GB/UTF-8 text, so NULs concentrated on odd or even positions tell the byte order."""
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:4096]
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if max(even_nuls, odd_nuls) < max(1, len(sample) // 8):
        return None
    encoding = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    # Binary data with NULs also "decodes"; real text is (almost) all printable characters.
    printable = sum(char.isprintable() or char in "\t\n\r" for char in text)
    return text if printable >= 0.98 * len(text) else None


def _guess(data: bytes) -> str | None:
    # Imported lazily: only files that are neither UTF-8 nor GB18030 pay for the detector.
    try:
        from charset_normalizer import from_bytes
    except ImportError:
        return None
    best = from_bytes(data).best()
    return str(best) if best is not None else None


def decode_text(data: bytes, *, name: str = "<bytes>") -> str:
    """Decode a policy text and normalise line ends; raise CorpusError naming the file."""
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"cannot decode {name}: it starts like UTF-16 but is damaged "
                              f"({exc.reason}); save it as UTF-8 and add it again") from exc
    if text is None:
        text = _utf16_without_bom(data)
    if text is None:
        for encoding in _ENCODINGS:
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None and b"\x00" not in data:
        text = _guess(data)
    if text is None:
        if b"\x00" in data:
            raise CorpusError(f"cannot read {name}: it looks like a binary file, not a plain "
                              "text; convert it to .txt, .docx or .pdf and add it again")
        raise CorpusError(f"cannot decode {name}: it is neither UTF-8, GB18030/GBK nor UTF-16; "
                          "save it as UTF-8 and add it again")
    if "\x00" in text:
        raise CorpusError(f"cannot read {name}: it looks like a binary file, not a plain text; "
                          "convert it to .txt, .docx or .pdf and add it again")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_txt(data: bytes, filename: str) -> SourceText:
    """A plain text file: its lines as they are, layout whitespace at the ends removed."""
    text = decode_text(data, name=filename)
    return SourceText(lines=tidy_lines(text.split("\n")), source_file=filename, format="txt",
                      title_hint=None, date_hint=date_from_name(filename),
                      sha256=sha256_hex(data))
