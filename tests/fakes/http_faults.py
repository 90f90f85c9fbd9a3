"""Fault injection for the fake broker servers (aiohttp middleware).

A ``FaultPlan`` decides, request by request, whether to answer normally or
with a fault: 429 with Retry-After, 500/502/503, a response slower than the
client's timeout, a truncated or invalid JSON body, a 401 (an access token
the server no longer accepts) or a dropped connection. Faults come from an
explicit ``script`` first (deterministic tests), then at random with
probability ``rate`` from a seeded generator.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

FAULT_KINDS = ("429", "500", "502", "503", "timeout", "truncated", "invalid_json", "401")
#: The faults a client must absorb without the trader noticing (401 costs one refresh).
TRANSIENT_KINDS = ("429", "500", "502", "503", "timeout", "truncated", "invalid_json")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class FaultPlan:
    """Which requests fail and how. ``exempt`` path prefixes never fail."""

    rate: float = 0.0
    kinds: tuple[str, ...] = TRANSIENT_KINDS
    seed: int = 0
    retry_after: str = "0"
    slow_seconds: float = 2.0
    latency_seconds: float = 0.0
    script: list[str] = field(default_factory=list)
    exempt: tuple[str, ...] = ()
    injected: list[tuple[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        unknown = set(self.kinds) | set(self.script)
        unknown -= set(FAULT_KINDS) | {"ok"}
        if unknown:
            raise ValueError(f"unknown fault kinds {sorted(unknown)}; known: {FAULT_KINDS}")
        self._rng = random.Random(self.seed)

    def next_fault(self, path: str) -> str | None:
        """Return the fault for the next request to ``path`` ("ok" or None means none)."""
        if any(path.startswith(prefix) for prefix in self.exempt):
            return None
        if self.script:
            kind = self.script.pop(0)
            return None if kind == "ok" else kind
        if self.rate and self._rng.random() < self.rate:
            return self._rng.choice(self.kinds)
        return None

    def middleware(self) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
        """Return the aiohttp middleware applying this plan."""

        @web.middleware
        async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
            self.requests.append((request.method, request.path_qs))
            if self.latency_seconds:
                await asyncio.sleep(self.latency_seconds)
            kind = self.next_fault(request.path)
            if kind is None:
                return await handler(request)
            self.injected.append((kind, request.path_qs))
            return await self._respond(kind, request, handler)

        return inject

    async def _respond(
        self, kind: str, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        if kind == "429":
            headers = {"Retry-After": self.retry_after} if self.retry_after else {}
            return web.Response(status=429, headers=headers, text="")
        if kind in {"500", "502", "503"}:
            return web.json_response({"error": {"message": "upstream trouble"}}, status=int(kind))
        if kind == "401":
            body = {"error": {"code": "token_invalid", "message": "Unauthorized"}}
            return web.json_response(body, status=401)
        if kind == "timeout":
            await asyncio.sleep(self.slow_seconds)
            return web.json_response({"error": {"message": "too late"}}, status=504)
        real = await handler(request)
        body = real.body if isinstance(real, web.Response) and real.body else b"{}"
        assert isinstance(body, bytes)
        if kind == "truncated":
            return web.Response(
                body=body[: max(1, len(body) // 2)], content_type="application/json"
            )
        return web.Response(body=b"<html>" + body[:10], content_type="application/json")


def dump(payload: object) -> bytes:
    """Return ``payload`` as compact JSON bytes."""
    return json.dumps(payload, separators=(",", ":")).encode()
