"""Web pages (.html/.htm) saved from a government site: the article, not the site around it.

trafilatura finds the main content (it drops menus, breadcrumbs, share bars, related links and
footers) and returns it as XML, which is walked here so that each paragraph and heading stays a
line, ``<br>`` breaks stay line breaks and tables become the tab-led cell lines the parser reads.
When trafilatura finds nothing (very short pages), a small lxml heuristic takes the block with
the most non-link text after removing navigation-like elements. The article title (trafilatura's
metadata, else the first ``<h1>``, else ``<title>`` before the site name) is the title hint and,
as in a printed document, the first line.
"""

from __future__ import annotations

import re

from corpus.errors import CorpusError
from corpus.readers.common import (date_from_name, same_text, sha256_hex, table_lines,
                                   tidy_lines)
from corpus.readers.config import DEFAULT_READER_CONFIG, ReaderConfig
from corpus.readers.text import decode_text
from corpus.records import SourceText

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
# GB2312 and GBK pages routinely contain characters only GB18030 (their superset) defines.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030",
                    "gb_2312-80": "gb18030", "utf8": "utf-8"}
_NOISE = re.compile(r"nav|menu|footer|header|breadcrumb|crumb|share|sidebar|side-bar|copyright|"
                    r"related|toolbar|search|login|banner|top-bar|topbar|bottom|links|friend",
                    re.I)
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
              "iframe", "select", "button", "svg")
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article",
               "blockquote", "pre", "dd", "dt", "center"}
_TITLE_SEPARATORS = re.compile(r"\s*(?:_|\||｜| - | — |--)\s*")


def _decode(data: bytes, filename: str) -> str:
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        found = _META_CHARSET.search(data[:4096])
        if found:
            charset = found.group(1).decode("ascii").lower()
            try:
                return data.decode(_CHARSET_ALIASES.get(charset, charset))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong declaration is common: fall back to detection
    return decode_text(data, name=filename)


def _element_lines(element) -> list[str]:
    """Text of a trafilatura XML element with <lb/> as line breaks."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        else:
            parts.extend(_element_lines(child))
            if child.tag in ("p", "head", "item", "list", "quote"):
                parts.append("\n")
        parts.append(child.tail or "")
    return ["".join(parts)] if "\n" not in "".join(parts) else "".join(parts).split("\n")


def _trafilatura_lines(html: str) -> tuple[list[str], str | None]:
    import trafilatura
    from lxml import etree
    from trafilatura.settings import use_config

    settings = use_config()
    # trafilatura's default (250 characters) sends a short notice to its baseline extractor,
    # which keeps the menu text; a notice of two sentences is still an article.
    settings.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    xml = trafilatura.extract(html, output_format="xml", include_tables=True,
                              include_comments=False, include_images=False,
                              include_links=False, favor_recall=True, with_metadata=True,
                              config=settings)
    if not xml:
        return [], None
    root = etree.fromstring(xml.encode("utf-8"))
    title = root.get("title")
    main = root.find("main")
    lines: list[str] = []

    def walk(node) -> None:
        for child in node:
            if child.tag == "table":
                rows = [[" ".join(_element_lines(cell)) for cell in row.iterfind("cell")]
                        for row in child.iter("row")]
                lines.append("")
                lines.extend(table_lines(rows))
            elif child.tag in ("list",):
                walk(child)
            elif child.tag in ("p", "head", "item", "quote", "code"):
                lines.extend(_element_lines(child))
            elif child.tag in ("div", "main", "section"):
                walk(child)
            elif child.tag in ("lb",):
                continue
            else:
                lines.extend(_element_lines(child))
    if main is not None:
        walk(main)
    return lines, title


def main_block_lines(html: str) -> list[str]:
    """Fallback: the block holding most of the page's non-link text, navigation removed."""
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    for bad in tree.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS)):
        bad.drop_tree()
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.getparent() is None:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if _NOISE.search(marker):
            element.drop_tree()

    def own_text(element) -> int:
        text = "".join(element.itertext())
        links = sum(len("".join(a.itertext())) for a in element.iter("a"))
        return len(text.strip()) - 2 * links

    body = tree.find("body") if tree.find("body") is not None else tree
    best = body
    for element in body.iter("div", "article", "section", "td", "main"):
        score = own_text(element)
        # The smallest block still holding 80% of the text: the article, not its page.
        if score >= 0.8 * own_text(body) and len(list(element.iter())) < len(list(best.iter())):
            best = element
    lines: list[str] = []

    def walk(node) -> None:
        if node.text and node.text.strip():
            lines.append(node.text)
        for child in node:
            if not isinstance(child.tag, str):
                pass
            elif child.tag == "table":
                rows = [["".join(cell.itertext()) for cell in row.xpath("./th|./td")]
                        for row in child.iter("tr")]
                lines.append("")
                lines.extend(table_lines(rows))
            elif child.tag == "br":
                lines.append("")
            elif child.tag in _BLOCK_TAGS:
                lines.append("")
                walk(child)
                lines.append("")
            else:
                text = "".join(child.itertext())
                if lines and lines[-1]:
                    lines[-1] += text
                else:
                    lines.append(text)
            if child.tail and child.tail.strip():
                if lines and lines[-1] and not lines[-1].startswith("\t"):
                    lines[-1] += child.tail
                else:
                    lines.append(child.tail)
    walk(best)
    result: list[str] = []
    for line in lines:
        line = line if line.startswith("\t") else line.strip()
        # Blank lines only separated blocks while walking; the parser needs them after table rows.
        if line or (result and result[-1].startswith("\t")):
            result.append(line)
    return result


def _page_title(html: str) -> str | None:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(html)
    for h1 in tree.iter("h1"):
        text = " ".join("".join(h1.itertext()).split())
        if text:
            return text
    for name in ("ArticleTitle", "og:title"):
        found = tree.xpath(f"//meta[@name='{name}' or @property='{name}']/@content")
        if found and found[0].strip():
            return found[0].strip()
    title = tree.findtext(".//title")
    if title and title.strip():
        return title.strip()
    return None


# An office suite's "save as web page" (LibreOffice, Word, WPS) marks itself in a <meta>.
_OFFICE_EXPORT = re.compile(r"""<meta[^>]+name=["']?(?:generator|ProgId)["']?[^>]+content=["']?"""
                            r"""[^"'>]*(?:LibreOffice|OpenOffice|Microsoft Word|Word\.Document|WPS)""",
                            re.I)


def _without_page_furniture(html: str, lines: list[str]) -> list[str]:
    """A saved Word file's lines without its running header and footer, which an office suite
    writes into the page as blocks (LibreOffice: <div title="header">; Word: mso-element:header).

    The blocks' lines are dropped where they stand, at the start and end of the text; the page
    itself goes to the extractor as it is (without its footer block, trafilatura dropped the
    last article of 旅行社条例, which then ended the page).
    """
    from lxml import html as lxml_html

    blocks = lxml_html.fromstring(html).xpath(
        "//*[@title='header' or @title='footer' or contains(@style, 'mso-element:header') "
        "or contains(@style, 'mso-element:footer')]")
    # A block is read as one line ("国家市场监督管理总局规章") or as one line per piece ("3", "X").
    furniture = {re.sub(r"\s", "", text) for block in blocks
                 for text in (block.text_content(), *block.itertext())} | {""}
    start, end = 0, len(lines)
    while start < end and re.sub(r"\s", "", lines[start]) in furniture:
        start += 1
    while end > start and re.sub(r"\s", "", lines[end - 1]) in furniture:
        end -= 1
    return lines[start:end]


def _stale_title(title: str, html: str, filename: str, office_export: bool) -> bool:
    """A Word file saved as a web page whose <title> is a property no reader of the page sees.

    The title property of an office document is often its template's ("法规修改决定电子报备格式
    标准及示例" on 6 of 29 Legal-DC laws saved as HTML by LibreOffice); as the first line it was
    read as the start of the document's own title. A site's <title> is trusted as it was.
    """
    from lxml import html as lxml_html

    if not office_export or same_text(
            title, re.sub(r"\.[A-Za-z]{3,5}$", "", filename.rsplit("/", 1)[-1])):
        return False
    tree = lxml_html.fromstring(html)
    for element in tree.xpath("//head | //title | //script | //style"):
        element.drop_tree()
    return re.sub(r"\s", "", title) not in re.sub(r"\s", "", tree.text_content())


def read_html(data: bytes, filename: str,
              config: ReaderConfig = DEFAULT_READER_CONFIG) -> SourceText:
    html = _decode(data, filename)
    if "<" not in html:
        raise CorpusError(f"cannot read {filename}: it contains no HTML markup; rename it to "
                          ".txt if it is a plain text")
    office_export = bool(_OFFICE_EXPORT.search(html))  # a saved Word file: read once
    try:
        lines, title = _trafilatura_lines(html)
        if sum(len(line.strip()) for line in lines) < config.html_min_article_chars:
            lines = main_block_lines(html)
        if office_export:
            lines = _without_page_furniture(html, lines)
        title = title or _page_title(html)
        if title:
            # "<article>_<section>_<site>" from a <title>: the article comes first.
            title = _TITLE_SEPARATORS.split(title.strip())[0].strip() or None
    except CorpusError:
        raise
    except Exception as exc:  # lxml/trafilatura failures on broken markup: never a traceback
        raise CorpusError(f"cannot read {filename}: the HTML cannot be parsed "
                          f"({type(exc).__name__}: {exc}); save the page again from a "
                          "browser (Save as, web page, HTML only)") from exc
    lines = list(tidy_lines(lines))
    if not any(line.strip() for line in lines):
        raise CorpusError(f"cannot read {filename}: no article text was found in the page; "
                          "save the page that shows the document itself, or copy its text "
                          "into a .txt file")
    if title and _stale_title(title, html, filename, office_export):
        title = None
    if title and not any(same_text(title, line) for line in lines[:3]):
        lines.insert(0, title)  # a printed document opens with its title; the parser expects it
    return SourceText(lines=tuple(lines), source_file=filename, format="html",
                      title_hint=title, date_hint=date_from_name(filename),
                      sha256=sha256_hex(data))
