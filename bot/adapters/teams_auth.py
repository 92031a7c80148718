"""Bot Framework signing keys fetched without blocking the event loop.

Why this module: botbuilder validates every token against Microsoft's OpenID metadata, which
its ``_OpenIdMetadata`` downloads with ``requests.get`` (no timeout) right on the event loop.
When that download is slow or fails, every other request waits; a failure is not remembered,
so each forged token (an unknown key id) started a new download: 100 forged tokens froze the
server for 15 s. :class:`SigningKeys` is a drop-in for that object: the download runs on
aiohttp with a timeout, one at a time, keys are cached and parsed once, and a failed download
backs off (1 s doubling to 5 min) instead of being retried by every request. A token whose key
is unknown triggers at most one refresh per ``unknown_key_interval``; outside it, it is refused
at once (401).

botbuilder reads its cache from the class attribute ``JwtTokenExtractor.metadataCache`` (one per
process, keyed by metadata URL); :func:`install` replaces that dict by one that hands out
:class:`SigningKeys`. Everything else of botbuilder's validation (issuer, audience, endorsements,
service URL, expiry) is unchanged.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from jwt.algorithms import RSAAlgorithm
from typing_extensions import override

from kernel.logging import get_logger

log = get_logger("signaalbot.teams.auth")

FETCH_TIMEOUT = 5.0  # seconds for metadata plus key set together
MAX_AGE = 24 * 3600.0  # botbuilder's own refresh interval
UNKNOWN_KEY_INTERVAL = 300.0  # a new Microsoft key shows up within minutes of rotation
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 300.0
MAX_KEYS = 100  # a key set is a handful of keys; anything larger is not Microsoft's


@dataclass(frozen=True, slots=True)
class SigningKey:
    """What botbuilder reads from its metadata object: the key and its channel endorsements."""

    public_key: Any
    endorsements: list[str]


@dataclass
class SigningKeys:
    """The signing keys behind one OpenID metadata URL, as botbuilder's metadata object."""

    url: str
    timeout: float = FETCH_TIMEOUT
    clock: Callable[[], float] = time.monotonic
    keys: dict[str, SigningKey] = field(default_factory=dict)
    fetched_at: float | None = None  # last successful download
    attempted_at: float | None = None  # last download started
    next_attempt: float = 0.0  # not before this (back-off after a failure)
    failures: int = 0
    _pending: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = field(default_factory=dict)

    async def get(self, key_id: str) -> SigningKey:
        """The key for ``key_id``; raises ``PermissionError`` when it is not (yet) known.

        A known key is answered from the cache. A stale cache is refreshed in the background
        while its keys keep working; only an unknown key waits for a download, and only when
        one is due.
        """
        now = self.clock()
        key = self.keys.get(key_id)
        stale = self.fetched_at is None or now - self.fetched_at > MAX_AGE
        if key is not None:
            if stale and self._may_fetch(now):
                _ = self._start_refresh()  # in the background; the task is kept in _pending
            return key
        recent = self.fetched_at is not None and now - self.fetched_at < UNKNOWN_KEY_INTERVAL
        if (stale or not recent) and self._may_fetch(now):
            await asyncio.shield(self._start_refresh())
            key = self.keys.get(key_id)
        if key is None:
            raise PermissionError("unknown token signing key")
        return key

    def _may_fetch(self, now: float) -> bool:
        return now >= self.next_attempt

    def _start_refresh(self) -> asyncio.Task[None]:
        """One download at a time (per event loop); callers that arrive meanwhile share it."""
        loop = asyncio.get_running_loop()
        pending = self._pending.get(loop)
        if pending is None or pending.done():
            self._pending.clear()  # tasks of loops that are gone (tests start a loop each)
            pending = loop.create_task(self._refresh())
            self._pending[loop] = pending
        return pending

    async def _refresh(self) -> None:
        self.attempted_at = self.clock()
        try:
            self.keys = await self._download()
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as exc:
            self.failures += 1
            delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (self.failures - 1))
            self.next_attempt = self.clock() + delay
            log.warning(
                "teams_signing_keys_unavailable",
                error=type(exc).__name__,
                failures=self.failures,
                retry_in_s=delay,
            )
            return
        self.failures = 0
        self.fetched_at = self.clock()
        self.next_attempt = 0.0
        log.info("teams_signing_keys_refreshed", keys=len(self.keys))

    async def _download(self) -> dict[str, SigningKey]:
        timeout = aiohttp.ClientTimeout(total=self.timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(self.url) as response:
                response.raise_for_status()
                metadata = await response.json(content_type=None)
            async with session.get(str(metadata["jwks_uri"])) as response:
                response.raise_for_status()
                key_set = await response.json(content_type=None)
        entries = key_set["keys"]
        if not isinstance(entries, list) or len(entries) > MAX_KEYS:
            raise ValueError("not a key set")
        keys: dict[str, SigningKey] = {}
        for entry in entries:
            if isinstance(entry, dict) and entry.get("kid") and entry.get("kty") == "RSA":
                public_key = RSAAlgorithm.from_jwk(json.dumps(entry))
                keys[str(entry["kid"])] = SigningKey(
                    public_key, [str(e) for e in entry.get("endorsements") or []]
                )
        return keys


class _KeyCache(dict[str, SigningKeys]):
    """botbuilder's ``metadataCache``: every URL it asks for gets a :class:`SigningKeys`."""

    @override
    def get(self, url: str, default: Any = None) -> SigningKeys:
        found = super().get(url)
        if found is None:
            found = self[url] = SigningKeys(url)
        return found


def install() -> None:
    """Make botbuilder's token validation use :class:`SigningKeys` (idempotent)."""
    if not isinstance(JwtTokenExtractor.metadataCache, _KeyCache):
        JwtTokenExtractor.metadataCache = _KeyCache()


def keys_for(url: str) -> SigningKeys:
    """The key cache of ``url`` (for tests and diagnostics)."""
    install()
    cache = JwtTokenExtractor.metadataCache
    assert isinstance(cache, _KeyCache)
    return cache.get(url)
