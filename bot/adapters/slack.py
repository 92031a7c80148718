"""The Slack adapter on bolt's ``AsyncApp``: Slack payloads in, neutral events to the bot, Block
Kit out. Nothing here decides what to say; handlers do.

This module builds the app (tokens, OAuth, signature checks), registers the listeners and is
the HTTP and Socket Mode edge. The jobs behind it each have their own module:

- :mod:`~bot.adapters.slack_listeners`: commands, shortcuts, buttons, options, direct messages;
- :mod:`~bot.adapters.slack_submissions`: modal submissions, slow ones, drafts of closed forms;
- :mod:`~bot.adapters.slack_home`: the App Home tab;
- :mod:`~bot.adapters.slack_turns`: one turn after the ack (identity, the bot, background tasks);
- :mod:`~bot.adapters.slack_delivery`: showing replies (modals, messages, files, the outbox).

How a request flows (HTTP mode, ``POST /slack/events``; Socket Mode delivers the same payloads):

1. bolt checks the signature and the 5-minute timestamp window (forged or stale: 401);
2. our listener acks at once (an empty 200) and starts the work as an asyncio task, so Slack's
   3-second limit never depends on the database or matching. bolt runs with
   ``process_before_response=True`` because its other mode waits for the ack in 10 ms polling
   steps; we ack ourselves as the first thing anyway;
3. the task calls :meth:`Signaalbot.handle` with an idempotency key (``event_id`` or
   ``trigger_id``), so a retried delivery (``X-Slack-Retry-Num``) does nothing twice, and
   shows the replies: a form opens as a modal (``views.open`` with the trigger id), other
   replies go back by ``response_url``, into the DM, or into the App Home.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Literal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_http, slack_text
from bot.adapters.slack_delivery import SlackDelivery
from bot.adapters.slack_home import SlackHome
from bot.adapters.slack_listeners import SlackListeners
from bot.adapters.slack_submissions import SlackSubmissions
from bot.adapters.slack_turns import SlackTurns
from kernel.logging import get_logger
from kernel.settings import Settings
from kernel.text import clean_in_place
from storage.slack_store import SqlInstallationStore, SqlOAuthStateStore
from storage.token_cipher import TokenCipher
from turn.pipeline import Signaalbot

log = get_logger("signaalbot.slack")

Mode = Literal["http", "socket"]

EVENTS_PATH = "/slack/events"
# Connections the one Web API session may hold (aiohttp's default, 100, queues a burst).
WEB_API_CONNECTIONS = 1000
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
COMMANDS = ("/signaal", "/vraag", "/signaalbot")
GLOBAL_SHORTCUT = "signaal_melden"
MESSAGE_SHORTCUT = "signaal_uit_bericht"
BOT_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "im:write",
    "im:history",
    "users:read",  # guest and Slack Connect flags for the workspace gate (turn/admission.py)
)
BOT_EVENTS = ("app_home_opened", "message.im", "app_uninstalled", "tokens_revoked")


def slack_mode(settings: Settings) -> Mode:
    """Socket Mode when an app-level token (``xapp-…``) is set, else HTTP on /slack/events."""
    return "socket" if settings.slack_app_token is not None else "http"


def token_cipher(settings: Settings) -> TokenCipher:
    """The cipher for stored installation tokens; OAuth without keys is refused at start."""
    keys = _secret(settings.slack_token_keys)
    if not keys:
        raise ValueError(
            "Set SIGNAALBOT_SLACK_TOKEN_KEYS (make a key with `signaalbot slack new-key`): "
            "installed workspaces' bot tokens are stored encrypted"
        )
    return TokenCipher.from_setting(keys)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


class SlackAdapter:
    """Translates between Slack and the bot; one per process, built by ``bot.bootstrap``."""

    def __init__(
        self,
        bot: Signaalbot,
        *,
        client: AsyncWebClient | None = None,
        ack_budget: float | None = None,
    ) -> None:
        self.bot = bot
        settings = bot.settings
        self.settings = settings
        self.mode: Mode = slack_mode(settings)
        self.oauth = (
            settings.slack_client_id is not None and settings.slack_client_secret is not None
        )
        services = bot.services
        self.installation_store = (
            SqlInstallationStore(
                services.uow,
                services.clock.now,
                token_cipher(settings),
                settings.slack_client_id or "",
            )
            if self.oauth
            else None
        )
        bot_token = _secret(settings.slack_bot_token)
        signing_secret = _secret(settings.slack_signing_secret)
        if self.mode == "http" and not signing_secret:
            raise ValueError("SIGNAALBOT_SLACK_SIGNING_SECRET is needed to serve /slack/events")
        self.verifier = (
            SignatureVerifier(signing_secret) if self.mode == "http" and signing_secret else None
        )
        if not self.oauth and not bot_token:
            raise ValueError(
                "Set SIGNAALBOT_SLACK_BOT_TOKEN, or SIGNAALBOT_SLACK_CLIENT_ID and _SECRET"
            )
        # One HTTP session for every Web API call (bolt's per-request clients share it): no new
        # connection, and in production no new TLS handshake, per views.open or message.
        self._session = (
            None
            if client is not None
            else aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=WEB_API_CONNECTIONS))
        )
        self.client = client or AsyncWebClient(
            token=None if self.oauth else bot_token,
            base_url=settings.slack_api_url,
            session=self._session,
        )
        oauth_settings = None
        if self.oauth and self.installation_store is not None:
            base = (settings.base_url or "").rstrip("/")
            oauth_settings = AsyncOAuthSettings(
                client_id=settings.slack_client_id,
                client_secret=_secret(settings.slack_client_secret),
                scopes=list(BOT_SCOPES),
                installation_store=self.installation_store,
                state_store=SqlOAuthStateStore(services.uow, services.clock.now),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
                redirect_uri=f"{base}{REDIRECT_PATH}" if base else None,
            )
        # bolt logs the raw body of a refused request; bodies carry message text (privacy).
        bolt_logger = logging.getLogger("signaalbot.slack.bolt")
        bolt_logger.setLevel(logging.ERROR)
        self.app = AsyncApp(
            logger=bolt_logger,
            client=self.client,
            signing_secret=signing_secret or "",
            installation_store=self.installation_store,
            oauth_settings=oauth_settings,
            process_before_response=True,
            request_verification_enabled=self.mode == "http",
        )
        if self.installation_store is not None:
            self.app.enable_token_revocation_listeners()
        self.turns = SlackTurns(bot, SlackDelivery(bot), oauth=self.oauth)
        self.listeners = SlackListeners(self.turns)
        self.submissions = SlackSubmissions(
            self.turns, ack_budget=ack_budget or settings.slack_ack_budget_seconds
        )
        self.home = SlackHome(self.turns)
        self._register()

    def _register(self) -> None:
        """Every listener once, in bolt's own way; the payload is cleaned before any of them."""
        app = self.app
        forms = re.compile("^" + re.escape(slack_text.FORM_CALLBACK_PREFIX))
        app.use(_clean_payload)
        app.command(re.compile(r"^/(signaal|vraag|signaalbot)$"))(self.listeners.on_command)
        app.shortcut(GLOBAL_SHORTCUT)(self.listeners.on_shortcut)
        app.shortcut(MESSAGE_SHORTCUT)(self.listeners.on_shortcut)
        app.view_submission(forms)(self.submissions.on_view_submission)
        app.view_closed(forms)(self.submissions.on_view_closed)
        app.options(slack_text.INPUT_ACTION)(self.listeners.on_options)
        app.action(re.compile(".+"))(self.listeners.on_action)
        app.event("app_home_opened")(self.home.on_home_opened)
        app.event("message")(self.listeners.on_message)

    async def handle_http(self, request: web.Request) -> web.Response:
        """``POST /slack/events`` (and the OAuth GET pages): one call into bolt.

        A POST is checked first (size, signature, shape: :mod:`bot.adapters.slack_http`), so
        junk is a 4xx and never reaches bolt's parser.
        """
        if request.method == "POST":
            refusal = await slack_http.check(request, self.verifier)
            if refusal is not None:
                return refusal
        bolt_request = await to_bolt_request(request)
        flow = self.app.oauth_flow
        if request.method == "GET" and flow is not None:
            if request.path == flow.install_path:
                return await to_aiohttp_response(await flow.handle_installation(bolt_request))
            if request.path == flow.redirect_uri_path:
                return await to_aiohttp_response(await flow.handle_callback(bolt_request))
            raise web.HTTPNotFound()
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    async def drain(self, *_: object) -> None:
        """Wait until all work started after an ack is done (tests, graceful shutdown)."""
        await self.turns.drain()

    async def close(self) -> None:
        """Close the Web API session (after :meth:`drain`)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def token_for(self, team_id: str) -> str | None:
        """The bot token for a workspace: the configured one, or the stored installation's."""
        if self.installation_store is None:
            return _secret(self.settings.slack_bot_token)
        bot = await self.installation_store.async_find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot is not None else None

    async def socket_mode(self, _app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context: connect to Slack over a WebSocket, close on shutdown."""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(
            self.app,
            app_token=_secret(self.settings.slack_app_token),
            web_client=AsyncWebClient(base_url=self.settings.slack_api_url),
        )
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("slack_socket_mode_connected")
        try:
            yield
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]


async def _clean_payload(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
    """NUL, lone surrogates and control codes leave every payload before a listener sees it
    (after bolt checked the signature over the raw bytes)."""
    clean_in_place(body)
    return await next()


SLACK_KEY: web.AppKey[SlackAdapter] = web.AppKey("slack", SlackAdapter)


def mount_slack(web_app: web.Application, adapter: SlackAdapter) -> None:
    """Add Slack's routes to the one aiohttp application (the adapter is built by bootstrap).

    HTTP mode: ``POST /slack/events``. Socket Mode (``SIGNAALBOT_SLACK_APP_TOKEN`` set): a
    WebSocket to Slack for the lifetime of the web app. With OAuth client id and secret:
    ``GET /slack/install`` and ``GET /slack/oauth_redirect`` for installing in more workspaces.
    """
    web_app[SLACK_KEY] = adapter
    if adapter.mode == "http":
        web_app.router.add_post(EVENTS_PATH, adapter.handle_http)
    else:
        web_app.cleanup_ctx.append(adapter.socket_mode)
    if adapter.oauth:
        web_app.router.add_get(INSTALL_PATH, adapter.handle_http)
        web_app.router.add_get(REDIRECT_PATH, adapter.handle_http)
    web_app.on_shutdown.append(adapter.drain)
    log.info("slack_mounted", mode=adapter.mode, oauth=adapter.oauth)
