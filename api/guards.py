"""Request guards in front of the routes: body size, content type and JSON the routes can trust.

FastAPI answers some malformed bodies itself, but not as the contract says: invalid UTF-8,
JSON nested past Python's recursion limit or an integer of thousands of digits become a 400
"There was an error parsing the body", and `NaN`/`Infinity`/`1e400` or a lone surrogate
(`"\\ud800"`) parse into values that later fail the tokenizer, SQLite or the JSON encoder. This
ASGI middleware reads the body of a JSON route once (it is small: the limit is a few tens of KB),
checks it and hands the same bytes on, so every such request is a 4xx before a route runs:

- larger than the limit (declared or streamed): 413;
- not `application/json` (or `…+json`), or a charset other than UTF-8: 415;
- not UTF-8, not JSON, nested too deep, a non-finite or overlong number, a lone surrogate: 422
  in FastAPI's validation shape, naming where — never echoing more than a short excerpt.

Other routes only get the size check on a declared `Content-Length`; uploads have their own,
larger limit and are checked by their route.
"""

from __future__ import annotations

import json
import math
from typing import Any, Awaitable, Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Twenty digits hold any integer a route takes (top_k) many times over; Python's own limit
# (4,300 digits) would make a 5,000-digit number a parse error without a field name.
MAX_INTEGER_DIGITS = 20
# Deeper than any request body of this API; far below Python's recursion limit.
MAX_NESTING = 32
EXCERPT_CHARS = 60


class BodyRejected(ValueError):
    """Why a JSON body cannot be used, with the location of the problem."""

    def __init__(self, message: str, loc: tuple[str | int, ...] = ("body",)):
        super().__init__(message)
        self.message = message
        self.loc = loc


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> str:
    """A short, printable, JSON-safe rendering of part of a request (never the whole input)."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (ValueError, RecursionError):
            text = repr(value)
    # A lone surrogate cannot be encoded as UTF-8; show it as its escape.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[:limit] + f"…(+{len(text) - limit} characters)"


def _integer(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        raise BodyRejected(f"a number with {digits} digits is too large "
                           f"(at most {MAX_INTEGER_DIGITS} digits)")
    return int(text)


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyRejected(f"the number {excerpt(text)} is out of range")
    return value


def _constant(name: str) -> float:
    raise BodyRejected(f"{name} is not a JSON number; send a finite number")


def _check_strings(value: Any, loc: tuple[str | int, ...], depth: int = 0) -> None:
    """Lone surrogates anywhere (keys or values), and nesting deeper than MAX_NESTING."""
    if depth > MAX_NESTING:
        raise BodyRejected(f"the JSON is nested more than {MAX_NESTING} levels deep", loc)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise BodyRejected(
                f"the text contains a lone surrogate ({excerpt(value[exc.start:exc.end])}), "
                "which is not a Unicode character", loc) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, loc + (excerpt(key),), depth + 1)
            _check_strings(item, loc + (excerpt(key),), depth + 1)
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _check_strings(item, loc + (position,), depth + 1)


def parse_json_body(raw: bytes) -> Any:
    """The body as JSON, or `BodyRejected` saying why (and where) it cannot be used."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BodyRejected(f"the request body is not valid UTF-8 (byte 0x{raw[exc.start]:02x} "
                           f"at position {exc.start})") from None
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_finite,
                           parse_constant=_constant)
    except BodyRejected:
        raise
    except RecursionError:
        raise BodyRejected(f"the JSON is nested more than {MAX_NESTING} levels deep") from None
    except json.JSONDecodeError as exc:
        raise BodyRejected(f"the request body is not valid JSON: {exc.msg} at line "
                           f"{exc.lineno} column {exc.colno}") from None
    except ValueError as exc:
        raise BodyRejected(f"the request body is not valid JSON: {excerpt(str(exc))}") from None
    _check_strings(value, ("body",))
    return value


def _is_json(content_type: str) -> bool:
    media, _, params = content_type.partition(";")
    media = media.strip().lower()
    if media != "application/json" and not (media.startswith("application/")
                                            and media.endswith("+json")):
        return False
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in {
                "utf-8", "utf8"}:
            return False
    return True


async def send_json(send: Send, status: int, content: dict,
                     headers: list[tuple[bytes, bytes]] = ()) -> None:
    body = json.dumps(content, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


def validation_error(message: str, loc: tuple[str | int, ...] = ("body",),
                     kind: str = "json_invalid") -> dict:
    """One entry of FastAPI's 422 `detail` list (the contract's one 422 shape)."""
    return {"type": kind, "loc": list(loc), "msg": message}


class BodyGuard:
    """ASGI middleware: size, type and JSON checks before the routes see a body."""

    def __init__(self, app: ASGIApp, *, json_routes: Callable[[], set[tuple[str, str]]],
                 max_body_bytes: int, skip: set[tuple[str, str]] = frozenset()):
        self.app = app
        self.json_routes = json_routes  # (method, path) pairs whose body is JSON
        self.max_body_bytes = max_body_bytes
        self.skip = skip  # routes with their own limit (uploads)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = (scope["method"], scope["path"])
        if route in self.skip:
            await self.app(scope, receive, send)
            return
        headers = {name.lower(): value for name, value in scope["headers"]}
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send)
            return
        if route not in self.json_routes():
            await self.app(scope, receive, send)
            return
        content_type = headers.get(b"content-type", b"").decode("latin-1")
        if not _is_json(content_type):
            got = f"Content-Type {excerpt(content_type)!s}" if content_type else \
                "no Content-Type"
            await send_json(send, 415, {"detail": f"the request body must be JSON sent with "
                                                   f"Content-Type: application/json (got {got})"})
            return
        body = await self._read(receive)
        if body is None:
            await self._too_large(send)
            return
        if body:  # an empty body is FastAPI's "field required", named by the route
            try:
                parse_json_body(body)
            except BodyRejected as exc:
                await send_json(send, 422, {"detail": [validation_error(exc.message,
                                                                         exc.loc)]})
                return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes | None:
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            body.extend(message.get("body", b""))
            if len(body) > self.max_body_bytes:
                return None
            if not message.get("more_body", False):
                break
        return bytes(body)

    async def _too_large(self, send: Send) -> None:
        # The body is not read: the connection cannot be reused for a next request.
        await send_json(send, 413, {"detail": f"the request body is larger than the limit of "
                                               f"{self.max_body_bytes} bytes"},
                         [(b"connection", b"close")])


def _replay(body: bytes, receive: Receive) -> Callable[[], Awaitable[Message]]:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # then whatever the server says next (a disconnect)

    return replay


__all__ = ["BodyGuard", "BodyRejected", "excerpt", "parse_json_body", "send_json",
           "validation_error"]
