"""Reading the lines before the first numbered clause: titles, 文号, addressee, notice, preamble.

Chinese government texts open with some of: a red-header line (…文件), the 文号, the title
(often broken over two lines), the addressee ("各区人民政府…："), a forwarding notice with its
signature and date, the plan's own title with its period "（2019—2021年）", and a preamble
("为…，制定本方案。"). Each line is classified by its shape, then assembled; nothing here knows a
particular document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.metadata import PROMULGATION
from corpus.text import is_complete, join_fragments, parse_date, squeeze_whitespace

DOC_NUMBER = re.compile(r"^([\u4e00-\u9fff]{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d+\s*号)")
_PERIOD = re.compile(r"^[（(]\d{4}\s*[—\-–－~～至]+\s*\d{4}\s*年?[）)]")
_DRAFT_MARKERS = ("送审稿", "征求意见稿", "讨论稿", "草案", "试行稿")
_PUBLIC_NOTE = re.compile(r"^[（(]此件.*[）)]$")
# Distribution lines always carry their colon; without it "主办单位应当…" would end a body early.
BACK_MATTER = re.compile(r"^(抄送|主送|主办|督办|承办|印发|联系人|联系电话)\s*[:：]|^附件\s*$")
_ISSUER_TAIL = re.compile(r"(人民政府|政府办公室|办公室|办公厅|委员会|人民代表大会|局|厅|部|委)$")


@dataclass
class FrontMatter:
    """What the opening lines say about the document, plus its notice and preamble text."""

    doc_number: str | None = None
    title_groups: list[str] = field(default_factory=list)
    signatures: list[str] = field(default_factory=list)
    dates: list[tuple[str, str | None]] = field(default_factory=list)
    addressee: str | None = None
    notice: list[str] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status_label: str | None = None
    back_matter: list[str] = field(default_factory=list)
    promulgation: list[str] = field(default_factory=list)  # (…通过 …公布 …施行) notes

    @property
    def title(self) -> str | None:
        return self.title_groups[-1] if self.title_groups else None


def is_signature(line: str, following: list[str]) -> bool:
    """An issuer-like short line directly followed by a date line: a signature block."""
    if len(line) > 30 or any(mark in line for mark in "，。；：,;"):
        return False
    if not _ISSUER_TAIL.search(line):
        return False
    return bool(following) and parse_date(following[0]) is not None


# A line that opens with a full date is never a title: it is the rest of a promulgation note
# that a layout broke ("2021年4月7日 国务院令第741号修订）", "…批准 根据") or says when the text
# applies ("发布之日施行").
_DATED_NOTE = re.compile(r"^(根据)?\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日[^。]+$"
                         r"|^自?(公布|发布|印发)之日起?(施行|实施|生效|执行)$")


def _classify(line: str, following: list[str]) -> str:
    if PROMULGATION.match(line):
        return "promulgation"
    if DOC_NUMBER.match(line):
        return "doc_number"
    if parse_date(line):
        return "date"
    if _DATED_NOTE.match(line):
        return "promulgation"
    if _PUBLIC_NOTE.match(line):
        return "public"
    if line.startswith(("注：", "注:")):
        return "note"
    if BACK_MATTER.match(line):
        return "back"
    if _PERIOD.match(line):
        return "period"
    if is_signature(line, following):
        return "signature"
    if line.endswith(("：", ":")) and len(line) < 120 and "。" not in line:
        return "addressee"
    if line.endswith("文件") and len(line) <= 20:
        return "red_header"
    if "。" in line or (len(line) > 45 and "，" in line):
        return "prose"
    return "title"


def _join_open_brackets(lines: list[str]) -> list[str]:
    """Join a bracketed note that a layout broke over several lines ("（…公布" + "…修订）")."""
    joined: list[str] = []
    for line in lines:
        if joined and joined[-1].startswith(("（", "(")) and not joined[-1].endswith(("）", ")")) \
                and len(joined[-1]) < 2000:
            joined[-1] = join_fragments(joined[-1], line)
        else:
            joined.append(line)
    return joined


def read_front_matter(lines: list[str]) -> FrontMatter:
    """Classify and assemble the (whitespace-squeezed, non-empty) opening lines."""
    front = FrontMatter()
    lines = _join_open_brackets(lines)
    pending_title: list[str] = []
    prose: list[tuple[int, str]] = []  # (title groups seen so far, paragraph)
    addressee_at: int | None = None
    in_back_matter = False

    def close_title() -> None:
        if pending_title:
            front.title_groups.append("".join(pending_title))
            pending_title.clear()

    for index, line in enumerate(lines):
        for marker in _DRAFT_MARKERS:
            if marker in line and front.status_label is None:
                front.status_label = marker
        if in_back_matter:
            front.back_matter.append(line)
            continue
        kind = _classify(line, lines[index + 1:index + 2])
        if kind == "doc_number":
            number = DOC_NUMBER.match(line).group(1)
            front.doc_number = front.doc_number or squeeze_whitespace(number)
            rest = line[len(number):].strip()
            if rest:
                pending_title.append(rest)
            continue
        if kind == "title" and pending_title and is_complete(pending_title[-1]):
            close_title()
        if kind in ("title",):
            pending_title.append(line)
            continue
        if kind == "period":
            pending_title.append(_PERIOD.match(line).group(0))
            close_title()
            continue
        close_title()
        if kind == "promulgation":
            front.promulgation.append(line)
        elif kind == "date":
            front.dates.append(parse_date(line))
        elif kind == "signature":
            front.signatures.append(line)
        elif kind == "note":
            front.notes.append(line)
        elif kind == "back":
            in_back_matter = True
            front.back_matter.append(line)
        elif kind == "addressee":
            front.addressee = line
            addressee_at = len(prose)
        elif kind == "prose":
            if prose and not is_complete(prose[-1][1]):
                # A paragraph cut by a page break continues on this line.
                groups, text = prose.pop()
                prose.append((groups, join_fragments(text, line)))
            else:
                prose.append((len(front.title_groups), line))
        # red_header and public lines carry no content of their own.
    close_title()

    last_title = len(front.title_groups)
    for position, (groups_before, text) in enumerate(prose):
        if addressee_at is not None and position == addressee_at:
            text = f"{front.addressee}\n{text}"
        # Prose followed later by another title is the forwarding notice of that title.
        (front.notice if groups_before < last_title else front.preamble).append(text)
    if addressee_at is not None and addressee_at == len(prose):
        # A lead-in with no prose after it ("现就…解释如下：") introduces the body: keep it.
        front.preamble.append(front.addressee)
    return front


def issuer_from_title(title: str) -> str | None:
    """ "三门峡市人民政府办公室关于印发…的通知" → 三门峡市人民政府办公室."""
    if "关于" not in title:
        return None
    issuer = title.split("关于", 1)[0].strip()
    return issuer if _ISSUER_TAIL.search(issuer) else None


def strip_period(title: str) -> tuple[str, str | None]:
    """Split "X方案（2019—2021年）" into the name and the period, if any."""
    found = re.search(r"[（(]\d{4}\s*[—\-–－~～至]+\s*\d{4}\s*年?[）)]$", title)
    if not found:
        return title, None
    return title[:found.start()], found.group(0)
