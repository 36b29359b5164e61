"""Rate limits and the back-off after failed sign-ins, counted with the `limits` library.

Limited: writes (every method but GET/HEAD/OPTIONS), the pages' sign-in and batch validation
(POST /api/v1/validate/{kind}), each per token (the bearer secret or sign-in session presented, hashed) and
per client IP, as set by the `SFREG_RATE_*` settings. Reads, the single-code GET /validate above all, are
never limited and cost this module nothing. Over a limit the answer is 429 (problem+json, or the error page
for pages) with `Retry-After`.

Failed sign-ins (the sign-in form, or a write whose bearer token is unknown or revoked) are counted per
client IP: after `rate_free_failures` of them each further one blocks sign-ins and writes from that IP for
twice as long as the last (`rate_backoff_seconds`, doubling, at most `rate_backoff_max_seconds`), whether
the next token is good or not; a successful sign-in clears the count. A failed secret names no token, so
the IP is the key.

Counts live in this process's memory unless SFREG_REDIS_URL names a Redis server: only then are they shared
by the workers of a node and by several nodes. Should Redis fail, requests pass (logged): a limit is a
safeguard, not a reason to stop serving.
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from fastapi.concurrency import run_in_threadpool
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api import problems
from registry.errors import TooManyRequests
from registry.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_COOKIE = "sfreg_session"
FAILURE_MEMORY = 86_400  # seconds a failed sign-in counts towards the back-off
NAMESPACE = "sfreg"
log = logging.getLogger("sfreg")


def backoff_seconds(failures: int, *, free: int, base: float, cap: float) -> float:
    """The wait after the `failures`-th failure in a row: none up to `free`, then base, 2×base, 4×base, …"""
    if failures <= free:
        return 0.0
    return min(base * 2 ** min(failures - free - 1, 64), cap)


def _items(text: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(text)) if text.strip() else ()


class Limiter:
    """The limits of one app, over one storage (memory, or Redis when `redis_url` is set)."""

    def __init__(self, settings: Settings) -> None:
        self.shared = bool(settings.redis_url)
        # Short Redis timeouts: a lost Redis must not hold requests up (they pass, see _guarded).
        options = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5} if self.shared else {}
        self.storage: Storage = storage_from_string(settings.redis_url or "memory://", **options)
        # moving window: an exact count of the last window (a sliding-window counter is an estimate that lets
        # a burst through across a window boundary)
        self.window = MovingWindowRateLimiter(self.storage)
        self.rules = {"write": (_items(settings.rate_writes_token), _items(settings.rate_writes_ip)),
                      "batch": (_items(settings.rate_batch_token), _items(settings.rate_batch_ip)),
                      "signin": ((), _items(settings.rate_signin_ip))}
        self.free, self.base = settings.rate_free_failures, settings.rate_backoff_seconds
        self.cap = settings.rate_backoff_max_seconds

    def hit(self, kind: str, *, token: str | None, ip: str) -> int | None:
        """Count one request of `kind`; return the seconds to wait when it is over a limit, else None."""
        per_token, per_ip = self.rules[kind]
        checks = [(item, ("ip", ip)) for item in per_ip]
        if token is not None:
            checks += [(item, ("token", token)) for item in per_token]
        for item, key in checks:
            if not self.window.hit(item, NAMESPACE, kind, *key):
                reset = self.window.get_window_stats(item, NAMESPACE, kind, *key).reset_time
                return max(1, math.ceil(reset - time.time()))
        return None

    def blocked(self, ip: str) -> int | None:
        """Seconds left of this IP's back-off after failed sign-ins, or None."""
        key = self._key("block", ip)
        if not self.storage.get(key):
            return None
        return max(1, math.ceil(self.storage.get_expiry(key) - time.time()))

    def failed(self, ip: str) -> None:
        """Count a failed sign-in from `ip`; past the free ones, block the IP for the next back-off."""
        failures = self.storage.incr(self._key("failures", ip), FAILURE_MEMORY)
        wait = backoff_seconds(failures, free=self.free, base=self.base, cap=self.cap)
        if wait > 0:
            block = self._key("block", ip)
            self.storage.clear(block)
            self.storage.incr(block, math.ceil(wait))

    def succeeded(self, ip: str) -> None:
        """A good sign-in from `ip` ends its run of failures."""
        self.storage.clear(self._key("failures", ip))

    def _key(self, what: str, ip: str) -> str:
        return f"{NAMESPACE}/{what}/{ip}"


def client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def token_key(scope: Scope) -> str | None:
    """A hash of the credential the request presents (bearer secret, else sign-in session), or None."""
    headers = dict(scope["headers"])
    scheme, _, secret = headers.get(b"authorization", b"").partition(b" ")
    if scheme.lower() != b"bearer" or not secret:
        secret = _cookie(headers.get(b"cookie", b"").decode("latin-1"), SESSION_COOKIE).encode()
    return hashlib.sha256(secret).hexdigest()[:32] if secret else None


def _cookie(header: str, name: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return ""


def note_failure(request: Request) -> None:
    """Count a failed sign-in or bearer authentication of this request towards its IP's back-off."""
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        _guarded(lambda: limiter.failed(client_ip(request.scope)), None)


def note_success(request: Request) -> None:
    limiter = getattr(request.app.state, "limiter", None)
    if limiter is not None:
        _guarded(lambda: limiter.succeeded(client_ip(request.scope)), None)


def _guarded(call: Callable[[], Any], fallback: Any) -> Any:
    """`call()`, or `fallback` when the storage (Redis) fails: limits never stop the service."""
    try:
        return call()
    except Exception:
        log.warning("rate-limit storage failed; request let through", exc_info=True)
        return fallback


class RateLimit:
    """ASGI middleware applying a Limiter; reads pass straight through."""

    def __init__(self, app: ASGIApp, *, limiter: Limiter, api_prefix: str) -> None:
        # batch answers (validation, term checking) read only; they are limited as batches, not as writes
        self.app, self.limiter = app, limiter
        self.batch_prefixes = (f"{api_prefix}/validate/", f"{api_prefix}/check", "/check")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if self.limiter.shared:
            refusal = await run_in_threadpool(self._refusal, scope)
        else:
            refusal = self._refusal(scope)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        await _reject(scope, receive, send, refusal)

    def _refusal(self, scope: Scope) -> TooManyRequests | None:
        return _guarded(lambda: self._check(scope), None)

    def _check(self, scope: Scope) -> TooManyRequests | None:
        path, ip = scope["path"], client_ip(scope)
        kind = "signin" if path == "/signin" else "batch" if path.startswith(self.batch_prefixes) else "write"
        if kind != "batch":
            wait = self.limiter.blocked(ip)
            if wait is not None:
                return TooManyRequests(f"too many failed sign-ins from {ip}; retry in {wait} s", retry_after=wait)
        wait = self.limiter.hit(kind, token=token_key(scope) if kind != "signin" else None, ip=ip)
        if wait is None:
            return None
        what = {"write": "writes", "batch": "batch requests", "signin": "sign-in attempts"}[kind]
        return TooManyRequests(f"too many {what}; retry in {wait} s", retry_after=wait)


async def _reject(scope: Scope, receive: Receive, send: Send, error: TooManyRequests) -> None:
    response = problems.render(Request(scope, receive), error)
    response.headers["Retry-After"] = str(error.extensions["retry_after"])
    await response(scope, receive, send)
