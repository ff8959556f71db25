"""Admission control: a bounded queue, an optional per-client rate limit, no unhandled failure.

Answering is CPU work; on a 2-core machine a worker gains nothing from running 40 requests at
once (the thread pool's size) — each just gets slower, and under a burst every client waits a
minute. `Admission` lets `max_active` requests work at a time per worker, lets `max_waiting`
more wait up to `wait_seconds` for a turn, and answers anything beyond that at once with a 503
and `Retry-After`, so an overloaded service says so quickly. Liveness and readiness probes and
static files are exempt, so `/health` stays fast however busy the workers are.

`RateLimit` (off unless `POLICY_ASSISTANT_RATE_LIMIT_PER_MINUTE` is set) is a token bucket per
client address: 429 with `Retry-After` when a client exceeds its share.

`CatchFailures` turns an exception that escaped a route into a complete 503 response. Starlette's
own last-resort handler re-raises after answering, which makes the server drop the keep-alive
connection without `Connection: close`; here the response is complete and the connection
stays usable. Nothing stored is changed by a failed request (writes are transactions).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.guards import send_json

log = logging.getLogger("policy_assistant.api")
EXEMPT_PREFIXES = ("/health", "/ready", "/static/")


async def send_unavailable(send: Send, status: int, detail: str, retry_after: int) -> None:
    await send_json(send, status, {"detail": detail},
                    [(b"retry-after", str(retry_after).encode())])


def _exempt(scope: Scope) -> bool:
    return scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES)


class Admission:
    """ASGI middleware: at most `max_active` requests working, `max_waiting` queued."""

    def __init__(self, app: ASGIApp, *, max_active: int, max_waiting: int,
                 wait_seconds: float, retry_after: int = 1):
        self.app = app
        self.max_active = max_active
        self.max_waiting = max_waiting
        self.wait_seconds = wait_seconds
        self.retry_after = retry_after
        self._slots: asyncio.Semaphore | None = None  # made in the server's event loop
        self.waiting = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _exempt(scope):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_active)
        if not self._slots.locked():
            await self._slots.acquire()  # a free slot is taken at once, without yielding
        elif not await self._wait_for_slot(send):
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self._slots.release()

    async def _wait_for_slot(self, send: Send) -> bool:
        """Queue for a slot; answer 503 (and return False) when the queue is full or slow."""
        if self.waiting >= self.max_waiting:
            await send_unavailable(send, 503, "the service is busy: too many requests are "
                                              "waiting; retry shortly", self.retry_after)
            return False
        self.waiting += 1
        try:
            await asyncio.wait_for(self._slots.acquire(), timeout=self.wait_seconds)
        except TimeoutError:
            await send_unavailable(send, 503, f"the service is busy: no worker was free within "
                                              f"{self.wait_seconds:g} s; retry shortly",
                                   self.retry_after)
            return False
        finally:
            self.waiting -= 1
        return True


class RecycleConnections:
    """ASGI middleware: every `every`-th response on a keep-alive connection closes it.

    Worker processes share one listening socket and a keep-alive connection stays with the
    worker that accepted it, so a burst of connections opened at once can leave one worker with
    most of them (measured: 29 of the 33 benchmark connections on one of two workers, the other
    nearly idle). A client told `Connection: close` reconnects at once and the new connection
    goes to whichever worker accepts it first, so connections spread out again (19 to 14 with
    `every=16`). One reconnect per `every` requests costs a TCP handshake. (Closing whenever the
    worker has a queue was tried: no better p95 over three minutes, 20% less throughput.)
    """

    def __init__(self, app: ASGIApp, *, every: int, max_tracked: int = 4096):
        self.app = app
        self.every = every
        self.max_tracked = max_tracked
        self._served: dict[tuple, int] = {}  # client (address, port) → responses so far

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] != "http" or not client or self.every <= 0:
            await self.app(scope, receive, send)
            return
        key = tuple(client)
        served = self._served.pop(key, 0) + 1
        if len(self._served) >= self.max_tracked:  # connections long gone: forget them
            self._served.clear()
        close = served >= self.every
        if not close:
            self._served[key] = served

        async def send_closing(message: Message) -> None:
            if close and message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []),
                                                  (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, send_closing)


class RateLimit:
    """ASGI middleware: a token bucket per client address (`per_minute` requests, `burst`)."""

    def __init__(self, app: ASGIApp, *, per_minute: int, burst: int | None = None,
                 max_clients: int = 10_000):
        self.app = app
        self.rate = per_minute / 60.0
        self.burst = float(burst or per_minute)
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client → (tokens, last time)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _exempt(scope) or self.rate <= 0:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("unknown", 0))[0]
        wait = self._take(client, time.monotonic())
        if wait > 0:
            await send_unavailable(send, 429, "too many requests from this client; "
                                              f"retry in {math.ceil(wait)} s", math.ceil(wait))
            return
        await self.app(scope, receive, send)

    def _take(self, client: str, now: float) -> float:
        """0 when a token was taken, else the seconds until the next one."""
        tokens, last = self._buckets.get(client, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate
        if client not in self._buckets and len(self._buckets) >= self.max_clients:
            self._forget_idle(now)
        self._buckets[client] = (tokens - 1, now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        # A bucket that has refilled completely carries no information: drop those.
        self._buckets = {client: (tokens, last) for client, (tokens, last)
                         in self._buckets.items()
                         if tokens + (now - last) * self.rate < self.burst}


class CatchFailures:
    """ASGI middleware: an exception a route let escape becomes a complete 503 answer."""

    def __init__(self, app: ASGIApp, *, retry_after: int = 1):
        self.app = app
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log.exception("unexpected failure on %s %s", scope["method"], scope["path"])
            if started:  # half a response went out: only closing the connection is honest
                raise
            await send_unavailable(
                send, 503, f"the service failed to handle this request "
                           f"({type(exc).__name__}); nothing stored was changed, please retry "
                           "or report it", self.retry_after)


__all__ = ["Admission", "CatchFailures", "RateLimit", "RecycleConnections", "send_unavailable"]
