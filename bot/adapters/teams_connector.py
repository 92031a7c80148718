"""Outgoing Bot Connector calls that never block the event loop, on one shared HTTP session.

Why this module: for every activity botbuilder's ``CloudAdapter`` builds a new
``ConnectorClient`` with new app credentials. With an app id that means a new MSAL
``ConfidentialClientApplication`` per turn and its token request (``requests``, no timeout)
made synchronously on the event loop from msrest's ``signed_session``: one slow answer from
Entra ID stalls every other request. Every send then goes through ``requests`` in the default
thread pool (a handful of threads shared with everything else) on a new connection.

Here instead:

- :class:`AppTokens`: the bot's own access token per audience, asked in a thread of its own
  with a timeout, one request at a time, cached for minutes (MSAL keeps it valid for at least
  five more), and after a failure not asked again for a while (back-off);
- :class:`PooledConnectors`: one ``ConnectorClient`` per service URL and audience, kept, whose
  msrest pipeline sends over one aiohttp session and sets the cached bearer token (and whose
  bodies are written without msrest's reflection, :mod:`bot.adapters.teams_wire`);
- :class:`PooledAuthentication`: botbuilder's authentication with those two. Validating the
  tokens Teams sends us is unchanged (its signing keys: :mod:`bot.adapters.teams_auth`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from botbuilder.schema import Activity
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    MicrosoftAppCredentials,
    ServiceClientCredentialsFactory,
    UserTokenClient,
)
from msal import ConfidentialClientApplication
from msrest.pipeline import Request, Response, SansIOHTTPPolicy
from msrest.pipeline.async_abc import AsyncHTTPSender, AsyncPipeline
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http.aiohttp import AioHttpClientResponse
from typing_extensions import override

from bot.adapters.teams_wire import PlainConnectorClient
from kernel.logging import get_logger
from kernel.recent import Recent

log = get_logger("signaalbot.teams.connector")

TOKEN_TIMEOUT = 10.0  # seconds for one token request to Entra ID
TOKEN_TTL = 300.0  # a cached token is used this long; MSAL hands out tokens valid 5+ minutes
BACKOFF_FIRST, BACKOFF_MAX = 1.0, 60.0
SEND_TIMEOUT = 30.0  # seconds for one call to the Bot Connector
MAX_CLIENTS = 64  # service URLs are a handful per cloud region


class TokenUnavailableError(ConnectionError):
    """No app token now (Entra ID slow, down or refusing); the send counts as failed for now."""


def _app_id(claims_identity: ClaimsIdentity | None) -> str | None:
    """The bot's app id in a validated identity (audience claim; ``appid`` from the emulator)."""
    if claims_identity is None:
        return None
    value = claims_identity.get_claim_value(AuthenticationConstants.AUDIENCE_CLAIM)
    value = value or claims_identity.get_claim_value(AuthenticationConstants.APP_ID_CLAIM)
    return str(value) if value else None


class SharedSession:
    """One aiohttp session per event loop (tests start a loop each), made when first needed."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=SEND_TIMEOUT))
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class SessionSender(AsyncHTTPSender[Any, Any]):
    """msrest's last pipeline step: the request over the shared aiohttp session."""

    def __init__(self, session: SharedSession) -> None:
        self._session = session

    @override
    async def __aenter__(self) -> SessionSender:
        return self

    @override
    async def __aexit__(self, *exc_details: object) -> None:
        return None

    @override
    async def send(self, request: Request[Any], **config: Any) -> Response[Any, Any]:
        http = request.http_request
        if http.files:
            raise NotImplementedError("multipart uploads to the Bot Connector are not used")
        answer = await self._session.get().request(
            http.method, http.url, headers=dict(http.headers), data=http.data
        )
        response = AioHttpClientResponse(http, answer)
        await response.load_body()  # read whole: the connection goes back to the pool
        return Response(request, response)


class BearerToken(SansIOHTTPPolicy[Any, Any]):
    """Sets the cached app token; never asks for one (that happened, awaited, in ``create``)."""

    def __init__(self) -> None:
        self.token: str | None = None

    @override
    def on_request(self, request: Request[Any], **kwargs: Any) -> None:
        if self.token:
            request.http_request.headers["Authorization"] = f"Bearer {self.token}"


@dataclass
class _Cached:
    token: str
    until: float


@dataclass
class AppTokens:
    """The bot's access token per audience, fetched off the event loop and cached.

    ``credentials`` builds botbuilder's credentials object (no network); their blocking
    ``get_access_token`` (MSAL) runs in :attr:`executor` with a timeout of :attr:`timeout`.
    Callers arriving during a fetch share it; after a failure nobody asks again until the
    back-off has passed (1 s doubling to 60 s), so a hanging Entra ID costs one thread, not
    one per turn, and no turn waits longer than the timeout.
    """

    credentials: Callable[[str], Awaitable[Any]]
    timeout: float = TOKEN_TIMEOUT
    ttl: float = TOKEN_TTL
    clock: Callable[[], float] = time.monotonic
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="app-token")
    )
    _cached: dict[str, _Cached] = field(default_factory=dict)
    _creds: dict[str, Any] = field(default_factory=dict)
    _pending: dict[str, asyncio.Task[str]] = field(default_factory=dict)
    _not_before: dict[str, float] = field(default_factory=dict)
    _failures: dict[str, int] = field(default_factory=dict)

    async def token(self, audience: str) -> str:
        cached = self._cached.get(audience)
        now = self.clock()
        if cached is not None and cached.until > now:
            return cached.token
        if now < self._not_before.get(audience, 0.0):
            raise TokenUnavailableError("no app token: waiting after a failed request")
        pending = self._pending.get(audience)
        if (
            pending is None
            or pending.done()
            or pending.get_loop() is not asyncio.get_running_loop()
        ):
            pending = asyncio.get_running_loop().create_task(self._fetch(audience))
            self._pending[audience] = pending
        return await asyncio.shield(pending)

    async def _fetch(self, audience: str) -> str:
        loop = asyncio.get_running_loop()
        creds = self._creds.get(audience)
        if creds is None:
            creds = self._creds[audience] = await self.credentials(audience)
        try:
            token = await asyncio.wait_for(
                loop.run_in_executor(self.executor, self._blocking_token, creds), self.timeout
            )
        except Exception as exc:
            failures = self._failures[audience] = self._failures.get(audience, 0) + 1
            delay = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** (failures - 1))
            self._not_before[audience] = self.clock() + delay
            log.warning(
                "teams_app_token_unavailable",
                error=type(exc).__name__,
                failures=failures,
                retry_in_s=delay,
            )
            raise TokenUnavailableError(f"no app token: {type(exc).__name__}") from exc
        self._failures.pop(audience, None)
        self._cached[audience] = _Cached(token, self.clock() + self.ttl)
        return token

    def _blocking_token(self, creds: Any) -> str:
        """In the token thread: MSAL with a timeout of its own (botbuilder sets none)."""
        if isinstance(creds, MicrosoftAppCredentials) and creds.app is None:
            creds.app = ConfidentialClientApplication(
                client_id=creds.microsoft_app_id,
                client_credential=creds.microsoft_app_password,
                authority=creds.oauth_endpoint,
                timeout=self.timeout,
            )
        return str(creds.get_access_token())

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


class PooledConnectors(ConnectorFactory):  # type: ignore[misc]
    """Connector clients kept per service URL and audience; the token is awaited, not blocked on."""

    def __init__(
        self, app_id: str | None, audience: str, tokens: AppTokens, session: SharedSession
    ) -> None:
        self._app_id = app_id
        self._audience = audience
        self._tokens = tokens
        self._session = session
        self._clients: Recent[tuple[str, str], tuple[ConnectorClient, BearerToken]] = Recent(
            MAX_CLIENTS
        )

    @override
    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        audience = audience or self._audience
        token = await self._tokens.token(audience) if self._app_id else None
        key = (service_url, audience)
        found = self._clients.get(key)
        if found is None:
            found = self._clients.put(key, self._build(service_url))
        client, bearer = found
        bearer.token = token
        return client

    def _build(self, service_url: str) -> tuple[ConnectorClient, BearerToken]:
        client = PlainConnectorClient(MicrosoftAppCredentials.empty(), base_url=service_url)
        config = client.config
        bearer = BearerToken()
        config.pipeline = AsyncPipeline(
            [config.user_agent_policy, bearer, RawDeserializer(), config.http_logger_policy],
            SessionSender(self._session),
        )
        return client, bearer


class PooledAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's authentication, with kept connector clients and tokens off the loop."""

    def __init__(
        self,
        inner: BotFrameworkAuthentication,
        credentials_factory: ServiceClientCredentialsFactory,
        app_id: str | None,
        *,
        token_timeout: float = TOKEN_TIMEOUT,
    ) -> None:
        self._inner = inner
        self._app_id = app_id or None
        self._audience = str(inner.get_originating_audience())
        self.session = SharedSession()
        login = AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX

        async def credentials(audience: str) -> Any:
            # Builds botbuilder's credentials object (no network until a token is asked).
            return await credentials_factory.create_credentials(self._app_id, audience, login, True)

        self.tokens = AppTokens(credentials, timeout=token_timeout)
        self._connectors: dict[str | None, PooledConnectors] = {}
        self._user_tokens: dict[str | None, UserTokenClient] = {}

    def connectors(self, app_id: str | None) -> PooledConnectors:
        app_id = app_id if app_id == self._app_id else self._app_id
        found = self._connectors.get(app_id)
        if found is None:
            found = self._connectors[app_id] = PooledConnectors(
                app_id, self._audience, self.tokens, self.session
            )
        return found

    @override
    async def authenticate_request(
        self, activity: Activity, auth_header: str
    ) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header)
        result.connector_factory = self.connectors(_app_id(result.claims_identity))
        return result

    @override
    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    @override
    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.connectors(_app_id(claims_identity))

    @override
    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """Kept per app id (botbuilder builds one per activity; we never use its OAuth flows)."""
        app_id = _app_id(claims_identity)
        found = self._user_tokens.get(app_id)
        if found is None:
            found = await self._inner.create_user_token_client(claims_identity)
            self._user_tokens[app_id] = found
        return found

    @override
    def create_bot_framework_client(self) -> Any:
        return self._inner.create_bot_framework_client()

    @override
    def get_originating_audience(self) -> str:
        return self._audience

    @override
    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)

    async def close(self) -> None:
        await self.session.close()
        self.tokens.close()
