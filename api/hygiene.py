"""Security headers on every response, and access logs that never hold a conversation id.

A conversation id is a bearer token: whoever has it reads and appends to the conversation. It
travels in request bodies (never logged) and in the path of `GET /conversations/{id}`, which
uvicorn's access log would print; `redact_access_log` masks it there.

The Content-Security-Policy is one the widget and the document pages satisfy: their scripts and
styles come from `/static`, except the document page's one inline script and stylesheet, allowed
by hash (computed from the page module, so an edit cannot silently break the page). The
interactive API docs (`/docs`, `/redoc`) load Swagger UI/ReDoc from a CDN with inline bootstrap
code, so they get a policy of their own. `frame-ancestors` says which sites may embed the widget
in a frame; it is configurable (`POLICY_ASSISTANT_FRAME_ANCESTORS`).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.pages import INLINE_SCRIPT, INLINE_STYLE

_DOCS_PATHS = {"/docs", "/redoc", "/docs/oauth2-redirect"}
_CDN = "https://cdn.jsdelivr.net"
_CONVERSATION_PATH = re.compile(r"(/conversations/)[^\s?#\"]+")


def _sha256(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def content_security_policy(frame_ancestors: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {_sha256(INLINE_SCRIPT)}",
        f"style-src 'self' {_sha256(INLINE_STYLE)}",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        f"frame-ancestors {frame_ancestors}",
    ])


def docs_security_policy(frame_ancestors: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'unsafe-inline' {_CDN}",
        f"style-src 'self' 'unsafe-inline' {_CDN}",
        "img-src 'self' data: https://fastapi.tiangolo.com",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        f"frame-ancestors {frame_ancestors}",
    ])


class SecurityHeaders:
    """ASGI middleware: the same hardening headers on every response, errors included."""

    def __init__(self, app: ASGIApp, *, frame_ancestors: str = "'self'"):
        self.app = app
        common = [("X-Content-Type-Options", "nosniff"),
                  ("Referrer-Policy", "strict-origin-when-cross-origin"),
                  ("Cross-Origin-Opener-Policy", "same-origin"),
                  ("Permissions-Policy", "camera=(), microphone=(), geolocation=()")]
        self._headers = common + [("Content-Security-Policy",
                                   content_security_policy(frame_ancestors))]
        self._docs_headers = common + [("Content-Security-Policy",
                                        docs_security_policy(frame_ancestors))]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._docs_headers if scope["path"] in _DOCS_PATHS else self._headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _RedactConversationIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_CONVERSATION_PATH.sub(r"\1<redacted>", arg)
                                if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = _CONVERSATION_PATH.sub(r"\1<redacted>", record.msg)
        return True


_FILTER = _RedactConversationIds()


def show_service_logs() -> None:
    """Send the service's own INFO lines (encoder loads, index versions) where uvicorn's go.

    uvicorn configures only its own loggers; without this, `policy_assistant.*` messages below
    WARNING would be dropped by the root logger.
    """
    service = logging.getLogger("policy_assistant")
    if not service.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s:     [%(process)d] %(message)s"))
        handler.addFilter(_FILTER)
        service.addHandler(handler)
        service.setLevel(logging.INFO)


def redact_access_log() -> None:
    """Mask conversation ids in uvicorn's access log (idempotent; call once per process)."""
    for name in ("uvicorn.access", "uvicorn.error", "policy_assistant.api"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


__all__ = ["SecurityHeaders", "content_security_policy", "redact_access_log",
           "show_service_logs"]
