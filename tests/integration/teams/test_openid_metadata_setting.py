"""``SIGNAALBOT_TEAMS_OPENID_METADATA_URL``: the signing keys come from where the setting says.

Over real HTTP: the bot with an app id (tokens really validated) and the setting pointing at a
fake OpenID server on loopback, which publishes one RSA key (the bot's own token for its reply
comes from a fake Entra ID, as in ``test_app_tokens``). A token signed with that key gets
through; one signed with another key, or claiming a key the fake does not publish, is refused
with 401 before anything is sent. Nothing is downloaded from Microsoft (there is no network
in the tests: a download from there would fail and every token would be refused).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bot.adapters.teams_connector import PooledAuthentication
from bot.bootstrap import bootstrap
from kernel.clock import ManualClock
from tests.conftest import make_settings
from tests.integration.teams.conftest import start_client
from tests.integration.teams.driver import TENANT, TeamsChat
from tests.integration.teams.fake_connector import FakeConnector
from tests.integration.teams.test_app_tokens import BlockingCredentials, FakeEntra
from tests.integration.teams.test_signing_keys import APP_ID, BASE_URL, ISSUER, FakeOpenId


@pytest.fixture
async def chat(
    sqlite_url: str,
    clock: ManualClock,
    connector: FakeConnector,
    openid: FakeOpenId,
    entra: FakeEntra,
) -> AsyncIterator[TeamsChat]:
    settings = make_settings(
        sqlite_url,
        teams_app_id=APP_ID,
        teams_tenant_id=TENANT,
        base_url=BASE_URL,
        teams_openid_metadata_url=openid.url + "metadata",
    )
    runtime = await bootstrap(settings, clock)
    assert runtime.teams is not None
    auth = runtime.teams.cloud.bot_framework_authentication
    assert isinstance(auth, PooledAuthentication)
    creds = BlockingCredentials(entra.url)

    async def credentials(_audience: str) -> Any:
        return creds

    auth.tokens.credentials = credentials
    client, _ = await start_client(runtime)
    try:
        yield TeamsChat(client=client, connector=connector)
    finally:
        await client.close()
        await runtime.close()


def token(
    openid: FakeOpenId, service_url: str, *, kid: str = "", key: rsa.RSAPrivateKey | None = None
) -> str:
    """A Bot Connector token as Teams sends it (RS256, issuer, audience, service URL)."""
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": service_url, "nbf": now - 10}
    claims["exp"] = now + 600
    headers = {"kid": kid or openid.kid}
    return jwt.encode(claims, key or openid.key, algorithm="RS256", headers=headers)


async def test_a_token_signed_with_a_key_of_the_configured_metadata_gets_through(
    chat: TeamsChat, connector: FakeConnector, openid: FakeOpenId
) -> None:
    service_url = chat.activity()["serviceUrl"]
    chat.headers["Authorization"] = "Bearer " + token(openid, service_url)
    calls = await chat.say("help")
    assert chat.last_status == 200
    assert calls and calls[-1].authorization == "Bearer tok-1", "the reply was sent"
    assert openid.requests == 1, "the keys came from the configured URL"


@pytest.mark.parametrize("forgery", ["other key", "unknown key id"])
async def test_forged_tokens_are_refused_against_the_configured_keys(
    chat: TeamsChat, connector: FakeConnector, openid: FakeOpenId, forgery: str
) -> None:
    service_url = chat.activity()["serviceUrl"]
    if forgery == "other key":
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        forged = token(openid, service_url, key=other)
    else:
        forged = token(openid, service_url, kid="not-published")
    chat.headers["Authorization"] = f"Bearer {forged}"
    assert await chat.say("help") == []
    assert chat.last_status == 401
    assert connector.calls == [], "nothing is sent before the token is checked"
    assert openid.requests == 1
