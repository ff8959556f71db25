"""Server-rendered HTML pages for people: a policy document's full text and a 404 page.

Citation links (``/documents/sanmenxia-2019#2.3.1``) land here when a browser navigates to
them, so the page shows the document's metadata (with a prominent notice for a draft
送审稿) and every clause in reading order, each under ``id="<clause key>"`` so the URL fragment
targets it. The cited clause is highlighted on the server when ``highlight`` is given and, by a
small inline script, whatever ``location.hash`` names (also after later hash changes). Pages are
self-contained (inline CSS, no external assets) and every piece of document text goes through
``html.escape``.
"""

from __future__ import annotations

import html
import re

from corpus.records import Clause, Document

__all__ = ["render_document_page", "render_not_found_page"]

_KIND_LABELS = {
    "preamble": "前言",
    "notice": "通知",
    "table_row": "表格行",
    "table_note": "表注",
}

INLINE_STYLE = """
:root{--p:#1d4f91;--pd:#153b6d;--ps:#e7eef8;--t:#1f2933;--m:#5b6775;--b:#d5dbe3;--bg:#f2f4f7;
--hl:#fff3bf;--hlb:#e0a800;--warn:#b35c00;--warnbg:#fff4e5;--focus:#e8590c}
*,*::before,*::after{box-sizing:border-box}
html{scroll-padding-top:16px}
body{margin:0;background:var(--bg);color:var(--t);line-height:1.75;font-size:16px;
font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",
"Source Han Sans SC","WenQuanYi Micro Hei",sans-serif;-webkit-text-size-adjust:100%}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.topbar{background:var(--p);color:#fff;padding:10px 16px}
.topbar-inner{max-width:860px;margin:0 auto;display:flex;justify-content:space-between;align-items:center;gap:12px}
.topbar a{color:#fff;font-size:14px}
.topbar .brand{font-weight:700;text-decoration:none;font-size:15px}
main{max-width:860px;margin:0 auto;background:#fff;padding:24px 28px 40px;min-height:calc(100vh - 48px)}
h1{font-size:24px;line-height:1.4;margin:0 0 12px;text-align:center}
.draft-banner{margin:0 0 16px;padding:10px 14px;border:2px solid var(--warn);background:var(--warnbg);
color:var(--warn);border-radius:8px;font-weight:700;text-align:center}
.draft-banner small{display:block;font-weight:400;color:var(--t)}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0 0 20px;padding:12px 16px;
background:var(--bg);border-radius:8px;font-size:14px}
.meta dt{color:var(--m)}
.meta dd{margin:0;overflow-wrap:anywhere}
.meta .none{color:var(--m);font-style:italic}
.status-draft{color:var(--warn);font-weight:700}
.notes{margin:0 0 20px;padding:8px 14px;border-left:4px solid var(--b);color:var(--m);font-size:14px}
.notes p{margin:4px 0}
.heading{color:var(--pd);line-height:1.5;margin:22px 0 8px}
h2.heading{font-size:19px}
h3.heading{font-size:17px}
h4.heading,h5.heading{font-size:16px}
.clause{position:relative;margin:6px 0;padding:8px 12px;border-radius:8px;border:1px solid transparent;
scroll-margin-top:16px;overflow-wrap:anywhere}
.clause:target,.clause.highlight{background:var(--hl);border-color:var(--hlb);box-shadow:0 0 0 3px rgba(224,168,0,.25)}
.clause.highlight .clause-head::after{content:"引用条款";margin-left:8px;font-size:12px;padding:0 6px;
border-radius:4px;background:var(--hlb);color:#fff;font-weight:700}
.clause:focus-visible{outline:2px solid var(--hlb);outline-offset:1px}
.clause-head{display:flex;align-items:center;gap:8px;font-size:13px;color:var(--m)}
.clause-section{color:var(--p);font-weight:700;text-decoration:none}
.clause-section:hover{text-decoration:underline}
.clause-kind{font-size:12px;padding:0 6px;border:1px solid var(--b);border-radius:4px}
.clause-text p{margin:2px 0;text-indent:2em}
.clause-text p.clause-lead{text-indent:0;font-weight:700;color:var(--pd)}
.kind-table_row .clause-text p,.kind-table_note .clause-text p{text-indent:0}
.back-matter{margin-top:28px;padding-top:12px;border-top:1px solid var(--b);color:var(--m);font-size:14px;text-align:right}
.back-matter p{margin:2px 0}
.attachments{font-size:14px}
.attachments ul{margin:4px 0;padding-left:1.4em}
.notfound{text-align:center;padding-top:60px}
.notfound p{color:var(--m)}
.notfound .detail{font-size:13px;overflow-wrap:anywhere}
.notfound a{color:var(--p)}
@media (max-width:520px){main{padding:16px 14px 32px}h1{font-size:20px}.clause{padding:6px 8px}
.meta{gap:2px 10px;padding:10px 12px}}
@media print{.topbar{display:none}main{padding:0}body{background:#fff}}
"""

# Highlights the clause named by location.hash (the widget's citation links carry the clause key
# as fragment) and scrolls it into view; runs again whenever the hash changes.
INLINE_SCRIPT = """
(function () {
  function targetOf(hash) {
    if (!hash || hash.length < 2) return null;
    var id = hash.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* keep raw */ }
    var el = document.getElementById(id);
    return el && el.classList.contains("clause") ? el : null;
  }
  function apply() {
    var el = targetOf(location.hash);
    if (el) {
      var old = document.querySelectorAll(".clause.highlight");
      for (var i = 0; i < old.length; i++) {
        if (old[i] !== el) { old[i].classList.remove("highlight"); old[i].removeAttribute("aria-current"); }
      }
      el.classList.add("highlight");
      el.setAttribute("aria-current", "true");
    } else {
      el = document.querySelector(".clause.highlight");
    }
    if (el) {
      el.scrollIntoView({ block: "center" });
      try { el.focus({ preventScroll: true }); } catch (e) { el.focus(); }
    }
  }
  window.addEventListener("hashchange", apply);
  apply();
})();
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _format_date(value: str | None) -> str | None:
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        return value
    year, month, day = match.groups()
    return f"{year}年{int(month)}月{int(day)}日"


def _norm(text: str) -> str:
    """Compact form for comparing a heading with the start of a clause's text."""
    table = str.maketrans({"．": ".", "（": "(", "）": ")", "　": ""})
    return re.sub(r"\s+", "", text).translate(table)


def _is_own_heading(heading: str, clause: Clause) -> bool:
    # A path ends with the clause's own heading when the clause's text opens with it, or when
    # the "heading" is just the clause's label (前言, 印发通知).
    if clause.kind == "table_row":  # the path ends with the row's own label (序号12, 合计)
        return True
    head = _norm(heading)
    if not head or head == _norm(clause.section):
        return True
    return _norm(clause.text).startswith(head[:8])


def _paragraphs(text: str, own_heading: str | None = None) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    parts = [f"<p>{_e(line)}</p>" for line in lines]
    # A clause whose first line is just its own heading ("一、目标任务" above its paragraph)
    # shows that line as the heading it is, not as an indented sentence.
    if len(lines) > 1 and own_heading and _norm(lines[0]) == _norm(own_heading):
        parts[0] = f'<p class="clause-lead">{_e(lines[0])}</p>'
    return "".join(parts) or "<p></p>"


def _page(title: str, body: str, *, script: str = "") -> str:
    script_tag = f"<script>{script}</script>" if script else ""
    return (
        "<!doctype html>\n"
        '<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{INLINE_STYLE}</style>\n</head>\n<body>\n"
        '<header class="topbar"><div class="topbar-inner">'
        '<a class="brand" href="/">政策问答助手</a><a href="/">返回问答</a></div></header>\n'
        f'<main id="main">\n{body}\n</main>\n{script_tag}\n</body>\n</html>\n'
    )


def _meta_row(label: str, value: str | None, *, css: str = "") -> str:
    if value:
        cls = f' class="{css}"' if css else ""
        return f"<dt>{_e(label)}</dt><dd{cls}>{_e(value)}</dd>"
    return f'<dt>{_e(label)}</dt><dd class="none">未载明</dd>'


def _render_clauses(clauses: tuple[Clause, ...], highlight: str | None) -> str:
    parts: list[str] = []
    # Heading prefixes already on the page, so a parent heading prints once above its children
    # and is not repeated when the heading is itself a clause.
    seen: set[tuple[str, ...]] = set()
    for clause in sorted(clauses, key=lambda c: c.order):
        path = tuple(p for p in clause.section_path if p)
        own = path[-1] if path and _is_own_heading(path[-1], clause) else None
        ancestors = path[:-1] if own is not None else path
        for depth in range(len(ancestors)):
            prefix = ancestors[: depth + 1]
            if prefix in seen:
                continue
            seen.add(prefix)
            level = min(depth + 2, 5)
            parts.append(f'<h{level} class="heading">{_e(prefix[-1])}</h{level}>')
        if own is not None:
            seen.add(path)

        classes = ["clause", f"kind-{clause.kind}"]
        current = ""
        if highlight is not None and clause.key == highlight:
            classes.append("highlight")
            current = ' aria-current="true"'
        kind_label = _KIND_LABELS.get(clause.kind)
        section = clause.section or kind_label or clause.key
        show_kind = kind_label and kind_label != section
        kind_html = f'<span class="clause-kind">{_e(kind_label)}</span>' if show_kind else ""
        parts.append(
            f'<section class="{_e(" ".join(classes))}" id="{_e(clause.key)}" tabindex="-1"'
            f' data-clause-id="{_e(clause.clause_id)}" aria-label="{_e(section)}"{current}>'
            f'<div class="clause-head"><a class="clause-section" href="#{_e(clause.key)}"'
            f' title="本条款链接">{_e(section)}</a>{kind_html}</div>'
            f'<div class="clause-text">{_paragraphs(clause.text, own)}</div></section>'
        )
    return "\n".join(parts)


def render_document_page(document: Document, highlight: str | None = None) -> str:
    """The full text of ``document`` as a standalone HTML page.

    ``highlight`` is a clause key (``2.3.1``); that clause gets class ``highlight``. The page's
    script additionally highlights and scrolls to the clause named by the URL fragment.
    """
    is_draft = document.status == "draft"
    banner = ""
    if is_draft:
        banner = (
            '<p class="draft-banner" role="note">送审稿（草案）'
            "<small>本文件为送审稿，并非正式印发的文本，条款内容以正式文件为准。</small></p>"
        )
    if document.status == "repealed":
        # Repealed by a loaded text: link to the clause that says so (`metadata.mark_repealed`).
        where = ""
        if document.repealed_by:
            doc_id, key = document.repealed_by.split("/", 1)
            where = f'<a href="/documents/{_e(doc_id)}#{_e(key)}">见废止它的条款</a>'
        banner = ('<p class="draft-banner" role="note">已废止'
                  f"<small>本文件已废止，条款不再施行。{where}</small></p>")
    status_text = document.status_label or ("送审稿" if is_draft else "正式文件")
    if is_draft and "草案" not in status_text:
        status_text = f"{status_text}（草案）"
    meta = "".join(
        [
            _meta_row("文号", document.doc_number or "无文号"),
            _meta_row("发文机关", document.issuer),
            _meta_row("地区", document.region.name),
            _meta_row("成文日期", _format_date(document.date)),
            _meta_row("状态", status_text, css="status-draft" if is_draft else ""),
            f"<dt>条款数</dt><dd>{len(document.clauses)}</dd>",
        ]
    )
    notes = ""
    if document.notes:
        notes = '<div class="notes" role="note">' + "".join(f"<p>{_e(n)}</p>" for n in document.notes) + "</div>"
    attachments = ""
    if document.attachments:
        items = "".join(f"<li>{_e(a)}</li>" for a in document.attachments)
        attachments = f'<div class="notes attachments"><strong>附件：</strong><ul>{items}</ul></div>'
    back = ""
    if document.back_matter:
        back = '<footer class="back-matter">' + "".join(f"<p>{_e(b)}</p>" for b in document.back_matter) + "</footer>"

    body = (
        f'<article class="document" data-doc-id="{_e(document.doc_id)}">'
        f"{banner}<h1>{_e(document.title)}</h1>"
        f'<dl class="meta">{meta}</dl>{notes}{attachments}'
        f'<div class="clauses">{_render_clauses(document.clauses, highlight)}</div>{back}</article>'
    )
    title = f"{'【送审稿】' if is_draft else ''}{document.title} · 政策原文"
    return _page(title, body, script=INLINE_SCRIPT)


def render_not_found_page(message: str) -> str:
    """A small 404 page that says what was not found and leads back to the assistant."""
    body = (
        '<div class="notfound"><h1>未找到</h1>'
        "<p>找不到所请求的文件或条款，链接可能已失效或有误。</p>"
        f'<p class="detail">{_e(message)}</p>'
        '<p><a href="/">返回政策问答</a></p></div>'
    )
    return _page("未找到 · 政策问答助手", body)
