"""Bot Framework tokens checked through botbuilder with our non-blocking signing key cache.

A local fake serves the OpenID metadata and key set (Microsoft's endpoints, on loopback);
tokens are RS256-signed with a key the fake publishes, exactly as the Bot Connector signs them.
The clock of the cache is injected: back-off and refresh intervals are moved by hand.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
from aiohttp import web
from botbuilder.schema import Activity
from botframework.connector.auth import AuthenticationConstants, ChannelValidation
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.adapters import teams_auth
from bot.bootstrap import Runtime, bootstrap
from kernel.clock import ManualClock
from tests.conftest import make_settings
from tests.integration.teams.driver import TENANT

APP_ID = "11111111-2222-3333-4444-555555555555"
BASE_URL = "https://bot.gemeente.nl"
SERVICE_URL = "https://smba.trafficmanager.net/emea/"
ISSUER = "https://api.botframework.com"
METADATA_URL = (
    ChannelValidation.open_id_metadata_endpoint
    or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL
)


@dataclass
class FakeOpenId:
    """Microsoft's metadata endpoint and key set; can be slow, fail, or count requests."""

    key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = "key-1"
    requests: int = 0
    status: int = 200
    hang: asyncio.Event | None = None  # set: answer; unset: hold the key set request
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/metadata", self._metadata)
        app.router.add_get("/keys", self._keys)
        return app

    async def _metadata(self, request: web.Request) -> web.Response:
        self.requests += 1
        if self.status != 200:
            return web.Response(status=self.status)
        return web.json_response({"jwks_uri": self.url + "keys"})

    async def _keys(self, request: web.Request) -> web.Response:
        if self.hang is not None:
            await self.hang.wait()
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", endorsements=["msteams"])
        return web.json_response({"keys": [jwk]})

    def token(self, *, kid: str | None = None, key: rsa.RSAPrivateKey | None = None) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": APP_ID,
            "serviceurl": SERVICE_URL,
            "nbf": now - 10,
            "exp": now + 600,
        }
        return jwt.encode(
            claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )


class Tick:
    """The cache's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def secured(sqlite_url: str, clock: ManualClock) -> AsyncIterator[Runtime]:
    runtime = await bootstrap(
        make_settings(sqlite_url, teams_app_id=APP_ID, teams_tenant_id=TENANT, base_url=BASE_URL),
        clock,
    )
    try:
        yield runtime
    finally:
        await runtime.close()


@dataclass
class Checker:
    auth: Any
    keys: teams_auth.SigningKeys
    tick: Tick

    async def check(self, token: str) -> Any:
        activity = Activity().deserialize(
            {
                "type": "message",
                "id": "a1",
                "channelId": "msteams",
                "serviceUrl": SERVICE_URL,
                "conversation": {"id": "c1"},
                "from": {"id": "u1"},
            }
        )
        result = await self.auth.authenticate_request(activity, f"Bearer {token}")
        return result.claims_identity


@pytest.fixture
def checker(secured: Runtime, openid: FakeOpenId) -> Iterator[Checker]:
    """botbuilder's real authentication of the adapter; the key cache of Microsoft's metadata
    URL downloads from the fake instead (the network edge), and is forgotten afterwards."""
    adapter = secured.teams
    assert adapter is not None
    keys = teams_auth.keys_for(METADATA_URL)
    keys.url = openid.url + "metadata"
    tick = Tick()
    keys.clock = tick
    keys.timeout = 2.0
    try:
        yield Checker(adapter.cloud.bot_framework_authentication, keys, tick)
    finally:
        JwtTokenExtractor.metadataCache.pop(METADATA_URL, None)


async def test_valid_tokens_pass_and_the_keys_are_fetched_once(
    checker: Checker, openid: FakeOpenId
) -> None:
    identities = await asyncio.gather(*(checker.check(openid.token()) for _ in range(20)))
    assert all(i.is_authenticated for i in identities)
    assert {i.claims["aud"] for i in identities} == {APP_ID}
    assert openid.requests == 1


async def test_forged_tokens_are_refused_without_a_download_each(
    checker: Checker, openid: FakeOpenId
) -> None:
    await checker.check(openid.token())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for token in (openid.token(kid="forged"), openid.token(key=other)):
        results = await asyncio.gather(
            *(checker.check(token) for _ in range(50)), return_exceptions=True
        )
        assert all(isinstance(r, Exception) for r in results)
    assert openid.requests == 1, "a fresh key set is not downloaded again for unknown keys"
    checker.tick.now += teams_auth.UNKNOWN_KEY_INTERVAL + 1
    results = await asyncio.gather(
        *(checker.check(openid.token(kid="forged")) for _ in range(50)), return_exceptions=True
    )
    assert all(isinstance(r, PermissionError) for r in results)
    assert openid.requests == 2, "after the interval, one download for all of them"


async def test_a_failing_metadata_endpoint_backs_off(checker: Checker, openid: FakeOpenId) -> None:
    openid.status = 500
    for _ in range(3):
        with pytest.raises(PermissionError):
            await checker.check(openid.token())
    assert openid.requests == 1, "no new download during the back-off"
    checker.tick.now += teams_auth.BACKOFF_FIRST
    with pytest.raises(PermissionError):
        await checker.check(openid.token())
    assert openid.requests == 2
    checker.tick.now += 2 * teams_auth.BACKOFF_FIRST - 0.5
    with pytest.raises(PermissionError):
        await checker.check(openid.token())
    assert openid.requests == 2, "the back-off doubled"
    openid.status = 200
    checker.tick.now += 1
    assert (await checker.check(openid.token())).is_authenticated
    assert openid.requests == 3 and checker.keys.failures == 0


async def test_a_hanging_key_download_times_out_and_blocks_no_one(
    checker: Checker, openid: FakeOpenId
) -> None:
    """Known keys keep working while a refresh hangs; the waiting request gets a refusal."""
    await checker.check(openid.token())
    openid.hang = asyncio.Event()
    checker.tick.now += teams_auth.MAX_AGE + 1  # stale: refreshed in the background
    checker.keys.timeout = 0.5
    forged = asyncio.ensure_future(checker.check(openid.token(kid="new-key")))
    await asyncio.sleep(0)
    valid = await asyncio.gather(*(checker.check(openid.token()) for _ in range(10)))
    assert all(i.is_authenticated for i in valid)
    assert not forged.done(), "the valid ones did not wait for the download"
    with pytest.raises(PermissionError):
        await forged
    assert checker.keys.failures == 1
    openid.hang.set()
