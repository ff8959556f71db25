"""Browser tests of the chat widget against a live service.

A real uvicorn process serves the real app (deterministic hash encoder, index and conversation
database in a temporary folder); Debian's Chromium, driven by Playwright, uses the widget the way
a member of staff would: asking, following up, opening citations, reloading, starting over, and
hitting the error paths, and from another site's page through CORS (a small loopback HTTP server
stands for that site). Only the network failure test replaces responses, at the browser's
network layer, because a dropped connection cannot be produced otherwise. Most tests leave a
screenshot in ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bench.live_server import ServerDidNotStart, free_port, stop, wait_until_ready

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
STORAGE_KEY = "policyAssistant.conversationId"
ANSWERS = "article.pa-msg-assistant"  # finished answers only (pending and error bubbles are divs)
ANSWER_TIMEOUT_MS = 60_000

Q_SANMENXIA = "三门峡以工代训补贴标准是多少？"
Q_FOLLOW_UP = "那綦江呢？"
Q_NOT_FOUND = "北京市的培训补贴标准是多少？"


class HostSite:
    """A stand-in for a third-party web site that embeds the widget: serves one page, ``body``.

    It runs on loopback like the service (Chromium refuses requests from a public page to a
    loopback address whatever CORS says), on its own port, so it is a different origin.
    """

    def __init__(self) -> None:
        self.body = b""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.body)))
                self.end_headers()
                self.wfile.write(site.body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def host_sites() -> Iterator[tuple[HostSite, HostSite]]:
    """Two embedding sites: the first is in POLICY_ASSISTANT_CORS_ORIGINS, the second is not."""
    sites = (HostSite(), HostSite())
    yield sites
    for site in sites:
        site.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, host_sites) -> Iterator[str]:
    """A live uvicorn serving ``api.app:create_app``; yields its base URL.

    POLICY_ASSISTANT_TEST_BASE_URL points the tests at an already running service instead.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    external = os.environ.get("POLICY_ASSISTANT_TEST_BASE_URL")
    if external:
        yield external.rstrip("/")
        return
    tmp = tmp_path_factory.mktemp("widget-server")
    port = free_port()
    env = {
        **os.environ,
        "POLICY_ASSISTANT_ENCODER": "hash",
        "POLICY_ASSISTANT_INDEX_DIR": str(tmp / "index"),
        "POLICY_ASSISTANT_DB_PATH": str(tmp / "conv.sqlite3"),
        "POLICY_ASSISTANT_CORS_ORIGINS": host_sites[0].origin,
    }
    log_path = tmp / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(proc, f"{base}/health", timeout=120, log=log_path, poll=0.5)
    except ServerDidNotStart as exc:
        pytest.fail(str(exc))
    try:
        yield base
    finally:
        stop(proc)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _new_page(browser: Browser, **context_args) -> tuple[Page, list[str]]:
    # Reduced motion: scrolling is instant, so screenshots show where a scroll ends.
    context = browser.new_context(locale="zh-CN", reduced_motion="reduce", **context_args)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (empty localStorage) at a desktop size."""
    pg, errors = _new_page(browser, viewport={"width": 1280, "height": 900})
    yield pg
    pg.context.close()
    assert not errors, f"uncaught JavaScript errors: {errors}"


def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def ask(page: Page, question: str):
    """Type a question, press Enter, wait for the next finished answer and return it."""
    answers = page.locator(ANSWERS)
    before = answers.count()
    box = page.get_by_label("输入问题")
    box.fill(question)
    box.press("Enter")
    expect(answers).to_have_count(before + 1, timeout=ANSWER_TIMEOUT_MS)
    expect(page.locator("#pa-send")).to_be_enabled()
    return answers.nth(before)


def stored_conversation(page: Page) -> str | None:
    return page.evaluate("(k) => localStorage.getItem(k)", STORAGE_KEY)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- (a) a first question -------------------------------------------------------------------


def test_answer_has_markers_and_citation_cards(server: str, page: Page) -> None:
    page.goto(server + "/")
    expect(page.locator("#pa-empty")).to_be_visible()
    # Record the waiting state as the widget enters it (a MutationObserver runs right after the
    # synchronous part of the send handler, before the response can arrive).
    page.evaluate("""() => {
      window.__waiting = null;
      new MutationObserver(() => {
        const pending = document.querySelector('.pa-msg-pending');
        if (pending && !window.__waiting) {
          window.__waiting = {
            text: pending.textContent,
            disabled: document.getElementById('pa-send').disabled,
            status: document.getElementById('pa-status').textContent,
          };
        }
      }).observe(document.getElementById('pa-log'), {childList: true, subtree: true});
    }""")

    answer = ask(page, Q_SANMENXIA)

    waiting = page.evaluate("window.__waiting")
    assert waiting and "正在检索" in waiting["text"] and waiting["disabled"], waiting
    assert "正在检索" in waiting["status"]
    expect(page.locator(".pa-msg-pending")).to_have_count(0)
    expect(page.locator("#pa-send")).to_have_text("发送")
    expect(page.locator(".pa-msg-user .pa-bubble")).to_have_text(Q_SANMENXIA)

    expect(answer).to_have_attribute("data-status", "answered")
    expect(answer.locator(".pa-badge-notfound")).to_have_count(0)
    expect(answer.locator(".pa-answer")).to_contain_text("200")
    # Each answer line is 《title》section：“quote”[n]: one paragraph per line, source lead quieter.
    lines = answer.locator(".pa-answer p")
    assert lines.count() >= 1
    expect(lines.first.locator(".pa-src")).to_contain_text("《三门峡")
    assert "\n" not in lines.first.inner_text().strip()
    ref = answer.locator("a.pa-ref", has_text="[1]").first
    expect(ref).to_be_visible()

    cards = answer.locator(".pa-cite")
    expect(cards.first).to_be_visible()
    expect(cards.filter(has_text="三门峡").first).to_be_visible()
    first = cards.first
    for label in ("文号", "地区", "条款"):
        expect(first.locator(".pa-meta-k", has_text=label)).to_be_visible()
    expect(first.locator(".pa-cite-title")).to_contain_text("三门峡")

    # [1] focuses and opens citation 1.
    ref.click()
    card1 = answer.locator('.pa-cite[data-n="1"]')
    expect(card1.locator(".pa-cite-toggle")).to_be_focused()
    expect(card1.locator(".pa-cite-toggle")).to_have_attribute("aria-expanded", "true")
    expect(card1.locator(".pa-cite-detail")).to_be_visible()
    shot(page, "a_answer_with_citations")


# --- (b) a follow-up ------------------------------------------------------------------------


def test_follow_up_shows_resolved_question(server: str, page: Page) -> None:
    page.goto(server + "/")
    first = ask(page, Q_SANMENXIA)
    conversation = stored_conversation(page)
    assert conversation
    expect(first.locator(".pa-resolved")).to_have_count(0)  # typed question searched as is

    second = ask(page, Q_FOLLOW_UP)
    assert stored_conversation(page) == conversation, "the follow-up must continue the conversation"
    resolved = second.locator(".pa-resolved")
    expect(resolved).to_be_visible()
    expect(resolved).to_contain_text("已理解为：")
    expect(resolved).to_contain_text("綦江")
    assert _squash(resolved.inner_text()) != "已理解为：" + Q_FOLLOW_UP
    expect(second.locator(".pa-cite").filter(has_text="綦江").first).to_be_visible()
    expect(page.locator(".pa-msg-user")).to_have_count(2)
    shot(page, "b_follow_up")


# --- (c) citations and the document page ----------------------------------------------------


def test_citation_expands_and_links_to_highlighted_clause(server: str, page: Page) -> None:
    page.goto(server + "/")
    answer = ask(page, Q_SANMENXIA)
    card = answer.locator(".pa-cite").first
    toggle = card.locator(".pa-cite-toggle")
    detail = card.locator(".pa-cite-detail")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(detail).to_be_hidden()

    toggle.focus()
    page.keyboard.press("Enter")  # keyboard users open cards too
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(detail).to_be_visible()

    clause_id = card.get_attribute("data-clause-id")
    assert clause_id and "/" in clause_id
    clause = httpx.get(f"{server}/clauses/{clause_id}", timeout=10).json()
    assert _squash(detail.locator(".pa-cite-text").inner_text()) == _squash(clause["text"]), \
        "the expanded card must show the whole clause text"

    link = detail.get_by_role("link", name=re.compile("查看全文"))
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    parsed = urlparse(href)
    doc_id, key = clause_id.split("/", 1)
    assert parsed.path == f"/documents/{doc_id}/page", href
    assert parse_qs(parsed.query) == {"highlight": [key]}, href
    assert parsed.fragment == key, href
    assert link.get_attribute("target") == "_blank"
    shot(page, "c_citation_expanded")

    with page.context.expect_page() as new_page_info:
        link.click()
    doc = new_page_info.value
    doc.wait_for_load_state()
    expect(doc.locator("h1")).to_contain_text(clause["doc_title"])
    target = doc.locator(f'[id="{key}"]')
    expect(target).to_have_class(re.compile(r"\bhighlight\b"))
    expect(target).to_be_in_viewport()
    expect(doc.locator(".clause.highlight")).to_have_count(1)
    assert _squash(clause["text"])[:40] in _squash(target.inner_text())
    assert doc.locator(".clause").count() > 5, "the page shows the whole document"
    shot(doc, "c_document_page")
    doc.close()

    # The API's own citation url (content negotiation on /documents/{id}) also lands on the page.
    citation_url = clause["url"]
    assert citation_url == f"/documents/{doc_id}#{key}"
    page.goto(server + citation_url)
    expect(page.locator(f'[id="{key}"]')).to_have_class(re.compile(r"\bhighlight\b"))


# --- (d) reload restores the conversation ---------------------------------------------------


def test_reload_restores_conversation(server: str, page: Page) -> None:
    page.goto(server + "/")
    ask(page, Q_SANMENXIA)
    ask(page, Q_FOLLOW_UP)
    conversation = stored_conversation(page)

    page.reload()
    answers = page.locator(ANSWERS)
    expect(answers).to_have_count(2)
    expect(page.locator(".pa-msg-user .pa-bubble")).to_have_text([Q_SANMENXIA, Q_FOLLOW_UP])
    expect(page.locator("#pa-empty")).to_be_hidden()
    expect(answers.nth(0).locator("a.pa-ref").first).to_be_visible()
    expect(answers.nth(1).locator(".pa-resolved")).to_contain_text("綦江")
    expect(answers.nth(1).locator(".pa-cite").first).to_be_visible()
    assert stored_conversation(page) == conversation
    shot(page, "d_reload_restored")

    ask(page, "培训期间有生活费补贴吗？")  # the restored conversation goes on
    assert stored_conversation(page) == conversation
    turns = httpx.get(f"{server}/conversations/{conversation}", timeout=10).json()["turns"]
    assert len(turns) == 3


def test_unknown_stored_conversation_starts_fresh(server: str, page: Page) -> None:
    page.goto(server + "/")
    page.evaluate("(k) => localStorage.setItem(k, 'no-such-conversation')", STORAGE_KEY)
    page.reload()
    expect(page.locator("#pa-empty")).to_be_visible()
    expect(page.locator(".pa-msg")).to_have_count(0)
    expect(page.locator(".pa-notice")).to_have_count(0)
    page.wait_for_function("(k) => localStorage.getItem(k) === null", arg=STORAGE_KEY)
    ask(page, Q_SANMENXIA)
    assert stored_conversation(page) not in (None, "no-such-conversation")


# --- (e) 新对话 -----------------------------------------------------------------------------


def test_new_conversation_clears_view_and_id(server: str, page: Page) -> None:
    page.goto(server + "/")
    ask(page, Q_SANMENXIA)
    first_id = stored_conversation(page)
    assert first_id

    page.get_by_role("button", name="新对话").click()
    expect(page.locator(".pa-msg")).to_have_count(0)
    expect(page.locator("#pa-empty")).to_be_visible()
    assert stored_conversation(page) is None
    expect(page.get_by_label("输入问题")).to_be_focused()
    shot(page, "e_new_conversation_empty")

    answer = ask(page, Q_FOLLOW_UP)
    second_id = stored_conversation(page)
    assert second_id and second_id != first_id
    # Nothing carried over from the old conversation: no resolution against 三门峡.
    expect(answer.locator(".pa-resolved", has_text="三门峡")).to_have_count(0)
    page.reload()
    expect(page.locator(ANSWERS)).to_have_count(1)
    shot(page, "e_new_conversation")


# --- (f) not found --------------------------------------------------------------------------


def test_not_found_answer_is_marked(server: str, page: Page) -> None:
    page.goto(server + "/")
    answer = ask(page, Q_NOT_FOUND)
    expect(answer).to_have_attribute("data-status", "not_found")
    badge = answer.locator(".pa-badge-notfound")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("未找到明确规定")
    expect(answer).to_have_class(re.compile(r"\bpa-msg-notfound\b"))
    background = answer.locator(".pa-bubble").evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert background not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), background
    if answer.locator(".pa-cite").count():
        expect(answer.locator(".pa-cites-title")).to_contain_text("相关条款")
        expect(answer.locator(".pa-cite .pa-tag").first).to_have_text("相关条款")
    shot(page, "f_not_found")


def test_a_citation_of_a_draft_is_tagged(server: str, page: Page) -> None:
    # Baicheng's plan is a 送审稿: its citation says so beside the title, and the answer's last
    # line says what that means; a final text's citation has no such tag.
    page.goto(server + "/")
    answer = ask(page, "白城对两后生开展什么培训？")
    draft = answer.locator(".pa-cite", has_text="白城市").first
    expect(draft.locator(".pa-tag-status")).to_have_text("送审稿")
    expect(answer).to_contain_text("注：《白城市职业技能提升行动实施方案（2019—2021年）》是送审稿")
    final = ask(page, "三门峡以工代训补贴标准是多少？")
    expect(final.locator(".pa-cite").first).to_be_visible()
    expect(final.locator(".pa-tag-status")).to_have_count(0)


# --- (g) errors -----------------------------------------------------------------------------


def test_too_long_question_shows_server_message(server: str, page: Page) -> None:
    page.goto(server + "/")
    box = page.get_by_label("输入问题")
    assert box.get_attribute("maxlength") == "1000"
    # Bypass maxlength the way a paste through script or an old browser could.
    page.evaluate("""() => {
      const box = document.getElementById('pa-question');
      box.value = '以工代训补贴'.repeat(167);  // 1002 characters
      box.dispatchEvent(new Event('input'));
    }""")
    page.locator("#pa-send").click()
    error = page.locator(".pa-msg-error")
    expect(error).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(error).to_contain_text("1000")
    expect(error).to_contain_text("问题太长")
    text = error.inner_text()
    for raw in ("{", "}", "detail", "loc", "string_too_long", "body"):
        assert raw not in text, f"raw server data leaked into the message: {text!r}"
    expect(page.locator(ANSWERS)).to_have_count(0)
    # The refused question leaves the log and goes back into the box so it can be shortened.
    expect(page.locator(".pa-msg-user")).to_have_count(0)
    assert len(box.input_value()) == 1002
    expect(page.locator("#pa-send")).to_be_enabled()
    shot(page, "g_too_long")


def test_network_and_server_failures_are_readable(server: str, page: Page) -> None:
    page.goto(server + "/")
    page.route("**/ask", lambda route: route.abort("connectionrefused"))
    page.get_by_label("输入问题").fill(Q_SANMENXIA)
    page.locator("#pa-send").click()
    errors = page.locator(".pa-msg-error")
    expect(errors).to_have_count(1)
    expect(errors.nth(0)).to_contain_text("无法连接")
    expect(page.locator(".pa-msg-user").nth(0)).to_have_class(re.compile(r"\bpa-msg-failed\b"))
    assert page.get_by_label("输入问题").input_value() == Q_SANMENXIA  # ready to resend
    page.unroute("**/ask")

    page.route("**/ask", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body=json.dumps({"detail": "索引正在重建，请稍后再试"})))
    page.get_by_label("输入问题").fill(Q_SANMENXIA)
    page.locator("#pa-send").click()
    expect(errors).to_have_count(2)
    expect(errors.nth(1)).to_contain_text("服务暂时出错")
    expect(errors.nth(1)).to_contain_text("索引正在重建")
    assert "{" not in errors.nth(1).inner_text()
    page.unroute("**/ask")

    ask(page, Q_SANMENXIA)  # recovers once the service answers again
    shot(page, "g_network_errors")


# --- (h) phone size, keyboard and embedding -------------------------------------------------


def test_phone_viewport_has_no_horizontal_scroll(server: str, browser: Browser) -> None:
    page, errors = _new_page(browser, viewport={"width": 375, "height": 667},
                             device_scale_factor=2, is_mobile=True, has_touch=True)
    try:
        page.goto(server + "/")

        def check_layout() -> None:
            for locator in (page.get_by_label("输入问题"), page.locator("#pa-send"),
                            page.get_by_role("button", name="新对话")):
                expect(locator).to_be_in_viewport(ratio=1)
                box = locator.bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.body.scrollWidth, innerWidth]")
            assert max(widths[:2]) <= widths[2] == 375, widths

        check_layout()
        shot(page, "h_phone_empty")
        answer = ask(page, Q_SANMENXIA)
        answer.locator(".pa-cite-toggle").first.click()
        check_layout()
        card = answer.locator(".pa-cite").first.bounding_box()
        assert card and card["x"] + card["width"] <= 375, card
        shot(page, "h_phone_answer")

        href = answer.locator(".pa-fulltext").first.get_attribute("href")
        page.goto(href)
        expect(page.locator(".clause.highlight")).to_be_in_viewport()
        widths = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        assert widths[0] <= widths[1] == 375, widths
        shot(page, "h_phone_document")
    finally:
        page.context.close()
    assert not errors, errors


def test_keyboard_and_labels(server: str, page: Page) -> None:
    page.goto(server + "/")
    box = page.get_by_label("输入问题")
    expect(box).to_have_attribute("maxlength", "1000")
    expect(page.locator("#pa-log")).to_have_attribute("aria-live", "polite")
    for name in ("发送", "新对话"):
        expect(page.get_by_role("button", name=name)).to_be_visible()

    box.focus()
    page.keyboard.type("第一行")
    page.keyboard.press("Shift+Enter")  # newline, not send
    page.keyboard.type("第二行")
    assert box.input_value() == "第一行\n第二行"
    expect(page.locator(".pa-msg")).to_have_count(0)

    page.keyboard.press("Tab")
    expect(page.locator("#pa-send")).to_be_focused()
    outline = page.locator("#pa-send").evaluate("(el) => getComputedStyle(el).outlineStyle")
    assert outline != "none", "keyboard focus must be visible"


def test_keyboard_only_ask_and_open_citation(server: str, page: Page) -> None:
    page.goto(server + "/")
    # From the top of the page: skip link, 新对话, the three examples, then the question box.
    page.keyboard.press("Tab")
    expect(page.locator(".pa-skip")).to_be_focused()
    page.keyboard.press("Enter")  # the skip link lands in the question box
    expect(page.get_by_label("输入问题")).to_be_focused()
    page.keyboard.type(Q_SANMENXIA)
    page.keyboard.press("Enter")
    answer = page.locator(ANSWERS).first
    expect(answer).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    expect(page.get_by_label("输入问题")).to_be_focused()  # ready for the follow-up
    expect(page.get_by_label("输入问题")).to_have_value("")

    # Shift+Tab walks back into the answer: the last focusable thing is the last card's toggle.
    page.keyboard.press("Shift+Tab")
    last_toggle = answer.locator(".pa-cite-toggle").last
    expect(last_toggle).to_be_focused()
    page.keyboard.press("Space")
    expect(last_toggle).to_have_attribute("aria-expanded", "true")

    # A [n] marker is reachable and Enter opens and focuses its card.
    ref = answer.locator("a.pa-ref").first
    ref.focus()
    page.keyboard.press("Enter")
    card1 = answer.locator('.pa-cite[data-n="1"]')
    expect(card1.locator(".pa-cite-toggle")).to_be_focused()
    expect(card1.locator(".pa-cite-detail")).to_be_visible()
    page.keyboard.press("Tab")
    expect(card1.locator(".pa-fulltext")).to_be_focused()
    shot(page, "i_keyboard_only")


def test_embed_script_opens_widget_in_iframe(server: str, page: Page) -> None:
    page.goto(server + "/health")  # any page of ours; the host document is replaced below
    page.set_content(
        "<!doctype html><html lang='zh-CN'><body><h1>某区人民政府网站</h1><p>正文……</p>"
        f"<script src='{server}/static/embed.js' data-api-base='{server}' async></script>"
        "</body></html>")
    launcher = page.get_by_role("button", name="政策问答", exact=True)
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    frame_el = page.locator("iframe[title='政策问答助手']")
    expect(frame_el).to_be_visible()
    assert frame_el.get_attribute("src") == server + "/"
    frame = page.frame_locator("iframe[title='政策问答助手']")
    expect(frame.get_by_label("输入问题")).to_be_visible()
    shot(page, "h_embed_open")
    page.keyboard.press("Escape")
    expect(frame_el).to_be_hidden()


def test_embedding_is_allowed_only_for_configured_sites(
        server: str, page: Page, host_sites: tuple[HostSite, HostSite]) -> None:
    """The CSP's frame-ancestors: the CORS origin may frame the widget, another site may not."""
    if os.environ.get("POLICY_ASSISTANT_TEST_BASE_URL"):
        pytest.skip("needs the test server's POLICY_ASSISTANT_CORS_ORIGINS")
    allowed, other = host_sites
    body = ("<!doctype html><html lang='zh-CN'><body><h1>某区人民政府网站</h1>"
            f"<iframe src='{server}/' title='政策问答助手' style='width:480px;height:640px'>"
            "</iframe></body></html>").encode()
    allowed.body = other.body = body
    page.goto(allowed.origin + "/")
    frame = page.frame_locator("iframe[title='政策问答助手']")
    expect(frame.get_by_label("输入问题")).to_be_visible()

    blocked = []
    page.on("console", lambda message: blocked.append(message.text)
            if "frame-ancestors" in message.text else None)
    page.goto(other.origin + "/")
    page.wait_for_timeout(1500)
    assert frame.get_by_label("输入问题").count() == 0  # the browser refused to show it
    assert blocked, "Chromium reports the frame-ancestors refusal on the console"


def test_widget_files_on_another_origin_call_the_api_through_cors(
        server: str, page: Page, host_sites: tuple[HostSite, HostSite]) -> None:
    """A host site serving the widget markup itself, with widget.js pointed at the service."""
    if os.environ.get("POLICY_ASSISTANT_TEST_BASE_URL"):
        pytest.skip("needs the test server's POLICY_ASSISTANT_CORS_ORIGINS")
    allowed, other = host_sites
    markup = httpx.get(f"{server}/", timeout=10).text
    markup = (markup
              .replace('href="/static/widget.css"', f'href="{server}/static/widget.css"')
              .replace('src="/static/widget.js"', f'src="{server}/static/widget.js" data-api-base="{server}"'))
    assert f'data-api-base="{server}"' in markup
    allowed.body = other.body = markup.encode()

    page.goto(allowed.origin + "/")
    answer = ask(page, Q_SANMENXIA)
    expect(answer).to_have_attribute("data-status", "answered")
    href = answer.locator(".pa-fulltext").first.get_attribute("href")
    assert href.startswith(server + "/documents/"), href  # links point at the service, not the host
    conversation = stored_conversation(page)
    page.reload()  # restoring goes through CORS too
    expect(page.locator(ANSWERS)).to_have_count(1)
    assert stored_conversation(page) == conversation

    # An origin that is not configured is refused by the browser; the widget says so readably.
    page.goto(other.origin + "/")
    page.get_by_label("输入问题").fill(Q_SANMENXIA)
    page.keyboard.press("Enter")
    expect(page.locator(".pa-msg-error")).to_contain_text("无法连接")
