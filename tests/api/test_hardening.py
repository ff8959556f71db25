"""Every client mistake is a clear 4xx, never a 5xx; limits, headers and admission hold.

The real app (session `client`, hash encoder) gets the inputs that used to fail: bodies that
are not JSON, not UTF-8, too deep, too large; numbers that are not finite or have thousands of
digits; lone surrogates in every text field. Each answer is the contract's status with a message
that names the problem and never echoes more than a short excerpt of the input.
"""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from fastapi.testclient import TestClient

from api.admission import Admission, RateLimit, RecycleConnections
from api.app import create_app
from api.guards import EXCERPT_CHARS, BodyRejected, parse_json_body
from api.hygiene import redact_access_log
from api.pages import INLINE_SCRIPT, INLINE_STYLE
from api.settings import DEFAULT_MAX_BODY_BYTES

JSON = {"content-type": "application/json"}


def _problems(response) -> list[dict]:
    body = response.json()
    assert isinstance(body["detail"], list), body  # the one 422 shape
    for problem in body["detail"]:
        assert {"type", "loc", "msg"} <= set(problem)
    return body["detail"]


@pytest.mark.parametrize("headers", [
    {"content-type": "text/plain"},
    {"content-type": "application/x-www-form-urlencoded"},
    {"content-type": "multipart/form-data; boundary=xyz"},
    {},
    {"content-type": "application/json; charset=latin-1"},
])
@pytest.mark.parametrize("path", ["/ask", "/search"])
def test_a_body_that_is_not_json_is_415(client, path, headers):
    response = client.post(path, content=b'{"question": "x", "query": "x"}', headers=headers)
    assert response.status_code == 415, response.text
    assert "application/json" in response.json()["detail"]


@pytest.mark.parametrize(("raw", "words"), [
    (b'{"question": NaN}', "NaN"),
    (b'{"question": "x", "top_k": Infinity}', "Infinity"),
    (b'{"question": "x", "top_k": -Infinity}', "-Infinity"),
    (b'{"question": "x", "top_k": 1e400}', "out of range"),
    (b'{"question": "x", "top_k": ' + b"9" * 5000 + b"}", "5000 digits"),
    (b'{"question": "\xff\xfe"}', "not valid UTF-8"),
    (b'{"question": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested"),
    (b'{"question": "x",', "not valid JSON"),
])
def test_malformed_json_is_422_saying_what(client, raw, words):
    response = client.post("/ask", content=raw, headers=JSON)
    assert response.status_code == 422, response.text
    [problem] = _problems(response)
    assert words in problem["msg"]
    assert len(response.content) < 1000  # no echo of the 5,000 digits or brackets


@pytest.mark.parametrize(("path", "field"), [
    ("/ask", "question"), ("/ask", "region"), ("/ask", "conversation_id"),
    ("/search", "query"), ("/search", "region"),
])
def test_a_lone_surrogate_is_422_naming_the_field(client, path, field):
    body = {"question": "培训补贴", "query": "培训补贴"}
    body = {key: value for key, value in body.items() if (key == "query") == (path == "/search")}
    raw = (str(body)[:-1].replace("'", '"') + f', "{field}": "ab\\ud800cd"}}').encode()
    response = client.post(path, content=raw, headers=JSON)
    assert response.status_code == 422, response.text
    [problem] = _problems(response)
    assert problem["loc"] == ["body", field] and "surrogate" in problem["msg"]


def test_a_body_over_the_limit_is_413_without_reading_or_echoing_it(client):
    big = b'{"question": "' + b"a" * (DEFAULT_MAX_BODY_BYTES + 10) + b'"}'
    response = client.post("/ask", content=big, headers=JSON)
    assert response.status_code == 413
    assert str(DEFAULT_MAX_BODY_BYTES) in response.json()["detail"]
    assert len(response.content) < 500

    def chunks():  # no Content-Length: counted while it streams in
        for _ in range(20):
            yield b" " * 8192

    response = client.post("/search", content=chunks(), headers=JSON)
    assert response.status_code == 413


def test_validation_errors_quote_only_an_excerpt(client):
    response = client.post("/ask", json={"question": "问" * 5000})
    assert response.status_code == 422
    [problem] = _problems(response)
    assert problem["loc"] == ["body", "question"] and "5000 characters" in problem["msg"]
    assert len(problem["input"]) < EXCERPT_CHARS + 40
    assert len(response.content) < 1000


@pytest.mark.parametrize("body", [
    {"question": "   "}, {"question": ""}, {"question": "补贴", "region": "  "},
    {"question": "补贴", "top_k": 0}, {"question": "补贴", "top_k": "5 个"},
    {"question": "补贴", "unknown_field": 1}, [], "question",
])
def test_schema_violations_are_422(client, body):
    response = client.post("/ask", json=body)
    assert response.status_code == 422, response.text
    assert _problems(response)


def test_parse_json_body_accepts_what_the_routes_take():
    value = parse_json_body('{"question": "三门峡补贴", "top_k": 5, "x": [1.5, null]}'.encode())
    assert value == {"question": "三门峡补贴", "top_k": 5, "x": [1.5, None]}
    with pytest.raises(BodyRejected, match="nested"):
        parse_json_body(b'{"a":' * 40 + b"1" + b"}" * 40)


def test_405_lists_every_method_of_the_path(client):
    response = client.request("PATCH", "/documents")
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}
    response = client.request("PUT", "/documents/tianjin-2019")
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "DELETE"}


def test_openapi_states_limits_and_every_status(client):
    schema = client.get("/openapi.json").json()
    ask = schema["paths"]["/ask"]["post"]
    assert {"200", "404", "413", "415", "422", "429", "503"} <= set(ask["responses"])
    question = schema["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["minLength"] == 1 and question["maxLength"] == 1000
    region = schema["components"]["schemas"]["AskRequest"]["properties"]["region"]
    names = region["anyOf"][0]["enum"]
    assert "天津市" in names and "河南省三门峡市" in names
    for name in names:  # every listed name is accepted
        response = client.post("/search", json={"query": "补贴", "region": name, "top_k": 1})
        assert response.status_code == 200, (name, response.text)
    assert "404" in schema["paths"]["/clauses/{clause_id}"]["get"]["responses"]


def _csp_hash(source: str) -> str:
    import base64
    import hashlib

    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()


@pytest.mark.parametrize("path", ["/", "/health", "/documents/tianjin-2019/page",
                                  "/documents/nowhere", "/static/widget.js"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "'unsafe-inline'" not in csp


def test_the_document_page_satisfies_its_csp(client):
    response = client.get("/documents/tianjin-2019/page")
    csp = response.headers["content-security-policy"]
    inline = re.findall(r"<script>(.*?)</script>|<style>(.*?)</style>", response.text, re.S)
    assert inline  # the page has its one inline script and stylesheet …
    for script, style in inline:  # … and the policy allows exactly those by hash
        assert _csp_hash(script or style) in csp
    assert _csp_hash(INLINE_SCRIPT) in csp and _csp_hash(INLINE_STYLE) in csp


def test_frame_ancestors_is_configurable(hash_settings, hash_assistant):
    settings = hash_settings.model_copy(update={
        "frame_ancestors": "'self' https://www.example.gov.cn"})
    with TestClient(create_app(settings)) as other:
        csp = other.get("/health").headers["content-security-policy"]
    assert "frame-ancestors 'self' https://www.example.gov.cn" in csp


def test_conversation_ids_are_masked_in_access_logs(caplog):
    redact_access_log()
    logger = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET",
                    "/conversations/Zr1hP0pT-secret-id?x=1", "1.1", 200)
    assert "Zr1hP0pT" not in caplog.text and "/conversations/<redacted>" in caplog.text


def _slow_app(seconds: float):
    async def app(scope, receive, send):
        await asyncio.sleep(seconds)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})
    return app


async def _call(app, path: str, *, method: str = "POST", client=("10.0.0.1", 1234)):
    """One request straight through the ASGI interface: (status, headers, body)."""
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [],
             "client": client, "query_string": b""}
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body


def test_admission_answers_overload_at_once_with_retry_after():
    guarded = Admission(_slow_app(0.5), max_active=1, max_waiting=1, wait_seconds=5)

    async def burst():
        return await asyncio.gather(*(_call(guarded, "/ask") for _ in range(4)))

    responses = asyncio.run(burst())
    assert sorted(status for status, _, _ in responses) == [200, 200, 503, 503]
    for status, headers, body in responses:  # one working, one waiting, the rest turned away
        if status == 503:
            assert headers[b"retry-after"] == b"1" and b"busy" in body


def test_admission_gives_up_waiting_after_wait_seconds():
    guarded = Admission(_slow_app(1.0), max_active=1, max_waiting=5, wait_seconds=0.2)

    async def two():
        return await asyncio.gather(_call(guarded, "/ask"), _call(guarded, "/ask"))

    assert sorted(status for status, _, _ in asyncio.run(two())) == [200, 503]


def test_probes_bypass_admission():
    guarded = Admission(_slow_app(0.3), max_active=1, max_waiting=0, wait_seconds=5)

    async def run():
        return await asyncio.gather(_call(guarded, "/ask"),
                                    _call(guarded, "/health", method="GET"),
                                    _call(guarded, "/ready", method="GET"))

    assert [status for status, _, _ in asyncio.run(run())] == [200, 200, 200]


def test_every_nth_response_on_a_connection_closes_it():
    recycled = RecycleConnections(_slow_app(0), every=3)

    async def run():
        one = [await _call(recycled, "/search", client=("10.0.0.1", 5000)) for _ in range(6)]
        other = await _call(recycled, "/search", client=("10.0.0.1", 5001))
        return one, other

    one, other = asyncio.run(run())
    closes = [headers.get(b"connection") == b"close" for _, headers, _ in one]
    assert closes == [False, False, True, False, False, True]
    assert b"connection" not in other[1]  # counted per connection


def test_rate_limit_per_client_is_429_with_retry_after():
    limited = RateLimit(_slow_app(0), per_minute=3)

    async def run():
        mine = [await _call(limited, "/search") for _ in range(5)]
        theirs = await _call(limited, "/search", client=("10.0.0.2", 1234))
        return mine, theirs

    mine, theirs = asyncio.run(run())
    assert [status for status, _, _ in mine] == [200, 200, 200, 429, 429]
    assert int(mine[-1][1][b"retry-after"]) >= 1
    assert theirs[0] == 200  # another client has its own bucket


def test_an_unexpected_failure_is_a_complete_503(hash_settings, hash_assistant, monkeypatch):
    from assistant.service import PolicyAssistant

    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("simulated bug")

    with TestClient(create_app(hash_settings), raise_server_exceptions=False) as other:
        monkeypatch.setattr(PolicyAssistant, "search", broken)
        response = other.post("/search", json={"query": "补贴"})
        assert response.status_code == 503
        assert "ZeroDivisionError" in response.json()["detail"]
        assert response.headers["retry-after"]
        assert response.headers["x-content-type-options"] == "nosniff"
        monkeypatch.undo()
        assert other.post("/search", json={"query": "补贴"}).status_code == 200
