"""The Microsoft Teams adapter: botbuilder's CloudAdapter at ``POST /api/messages``.

It only translates. A Teams activity (a message, a card submit, a universal ``Action.Execute``,
a dialog or the "Meld als signaal" message action) becomes one neutral event and one call to
``Signaalbot.handle``; the neutral replies go back as text or Adaptive Cards
(:mod:`bot.adapters.teams_cards`). Proactive messages go through
:class:`~bot.adapters.teams_messenger.TeamsMessenger` with a conversation reference stored in
the database. Every botbuilder detail stays in the ``teams*`` modules, so moving to the
Microsoft 365 Agents SDK later touches only them:

- this module: the aiohttp edge (request checks, authentication, loopback rules), building
  the adapter from the settings and mounting it;
- :mod:`~bot.adapters.teams_handler`: the activity handler, one method per kind of activity;
- :mod:`~bot.adapters.teams_invokes`: universal actions, dialogs, the message action;
- :mod:`~bot.adapters.teams_turns`: who is talking, their language, the call into the bot;
- :mod:`~bot.adapters.teams_replies`: sending replies, updating cards in place;
- :mod:`~bot.adapters.teams_memory`: forms and messages kept per conversation.

Security: with ``SIGNAALBOT_TEAMS_APP_ID`` set every request must carry a Bot Framework token
that botbuilder validates (no or bad token → 401, before anything is sent anywhere). Without an
app id, only requests from this machine are accepted (local testing with the Bot Framework
Emulator or the tests), and a warning is logged at start-up.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from http import HTTPStatus

import jwt
from aiohttp import web
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, CallerIdConstants
from botframework.connector.auth import AuthenticationConstants

from bot.adapters import http_edge, teams_auth
from bot.adapters.file_links import FileLinks, public_base
from bot.adapters.language import person_translator
from bot.adapters.teams_connector import PooledAuthentication
from bot.adapters.teams_handler import SignaalbotTeamsHandler
from bot.adapters.teams_memory import PLATFORM, CardMemory
from bot.adapters.teams_messenger import TeamsMessenger
from kernel.i18n import Translator
from kernel.logging import get_logger
from kernel.text import clean_tree
from turn.pipeline import Signaalbot

log = get_logger("signaalbot.teams")

ROUTE = "/api/messages"


class BotFrameworkConfig:
    """The configuration object botbuilder's ``ConfigurationBotFrameworkAuthentication`` reads.

    ``metadata_url`` (``SIGNAALBOT_TEAMS_OPENID_METADATA_URL``, Bot Framework's
    ``BotOpenIdMetadata``): where the keys that sign incoming tokens are published. botbuilder
    takes it per instance only in its "parameterized" authentication, which then needs every
    endpoint spelled out; the others are the public cloud's, as botbuilder's default uses.
    (``ChannelValidation.open_id_metadata_endpoint`` would do too, but is a class attribute:
    process-wide state shared by every adapter and test.)
    """

    def __init__(
        self,
        app_id: str | None,
        password: str | None,
        tenant_id: str | None,
        app_type: str,
        metadata_url: str | None = None,
    ) -> None:
        self.APP_ID = app_id or None  # upper case: the names botbuilder reads
        self.APP_PASSWORD = password or None
        self.APP_TENANTID = tenant_id or None
        self.APP_TYPE = app_type
        if metadata_url:
            constants = AuthenticationConstants
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = metadata_url
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = constants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER
            self.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL = (
                constants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL
            )
            self.TO_CHANNEL_FROM_BOT_LOGIN_URL = constants.TO_CHANNEL_FROM_BOT_LOGIN_URL_PREFIX
            self.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = constants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
            self.OAUTH_URL = constants.OAUTH_URL
            self.CALLER_ID = CallerIdConstants.public_azure_channel


@dataclass
class TeamsAdapter:
    """Everything Teams: botbuilder's adapter, our handler, the messenger for the outbox."""

    bot: Signaalbot
    cloud: CloudAdapter
    handler: SignaalbotTeamsHandler
    messenger: TeamsMessenger
    app_id: str | None

    async def close(self) -> None:
        """Close the Bot Connector session and the token thread."""
        auth = self.cloud.bot_framework_authentication
        if isinstance(auth, PooledAuthentication):
            await auth.close()

    async def process(self, request: web.Request) -> web.StreamResponse:
        refusal = self._refuse(request)
        if refusal is not None:
            return refusal
        activity = await _read_activity(request)
        if isinstance(activity, web.Response):
            return activity
        if activity.type in ("message", "invoke") and not _has_sender(activity):
            return web.json_response({"error": "the activity has no sender"}, status=400)
        header = request.headers.get("Authorization", "") if self.app_id else ""
        try:
            authenticated = await self.cloud.bot_framework_authentication.authenticate_request(
                activity, header
            )
        except Exception as exc:  # PermissionError, jwt errors, metadata fetch failures
            log.warning("teams_unauthorized", reason=type(exc).__name__)
            return web.json_response({"error": "unauthorized"}, status=401)
        try:
            result = await self.cloud.process_activity(
                authenticated, activity, self.handler.on_turn
            )
        except Exception:
            log.exception("teams_turn_failed", activity_type=activity.type, activity_id=activity.id)
            return web.json_response({"error": "the bot could not handle this"}, status=500)
        if result is not None:
            return web.json_response(result.body, status=result.status)
        return web.Response(status=HTTPStatus.OK)

    def _refuse(self, request: web.Request) -> web.Response | None:
        if self.app_id:
            header = request.headers.get("Authorization", "")
            if not _looks_like_bearer_jwt(header):
                log.warning("teams_unauthorized", reason="no bearer token")
                return web.json_response({"error": "unauthorized"}, status=401)
            return None
        if not _is_local(request):
            log.warning("teams_refused_remote_without_app_id")
            return web.json_response(
                {"error": "set SIGNAALBOT_TEAMS_APP_ID to accept requests from Teams"}, status=403
            )
        if request.content_type != "application/json":
            # A web page may send a "simple" text/plain POST to localhost without asking; a JSON
            # POST needs the browser's permission first (CORS), which this server never gives.
            log.warning("teams_refused_not_json_without_app_id")
            return web.json_response({"error": "send the activity as application/json"}, status=415)
        if not _is_local_host(request.host):
            # DNS rebinding: a page on evil.example resolved to 127.0.0.1 still names its host.
            log.warning("teams_refused_foreign_host_without_app_id")
            return web.json_response({"error": "only http://localhost is served"}, status=403)
        return None


def _has_sender(activity: Activity) -> bool:
    sender = activity.from_property
    return sender is not None and bool(getattr(sender, "id", None))


async def _read_activity(request: web.Request) -> Activity | web.Response:
    """The activity in the body, or a 4xx: too large, not UTF-8, not a JSON object (also
    nesting too deep for the decoder), or not shaped like an activity."""
    body = await http_edge.read_body(request, "teams")
    if isinstance(body, web.Response):
        return body
    try:
        data = http_edge.json_object(http_edge.decode(body))
        http_edge.require_str(data, "type", "serviceUrl")
        http_edge.require_dict(data, "conversation")
        # NUL, lone surrogates and control codes leave here, before any of it is stored.
        activity = Activity().deserialize(clean_tree(data))
    except http_edge.BadRequestError as exc:
        return http_edge.refuse("teams", 400, str(exc))
    except (ValueError, TypeError, AttributeError, RecursionError):  # msrest: ValueError
        return http_edge.refuse("teams", 400, "not an activity")
    if not activity.type or activity.conversation is None or not activity.service_url:
        return http_edge.refuse("teams", 400, "not an activity")
    return activity


def _looks_like_bearer_jwt(header: str) -> bool:
    scheme, _, token = header.partition(" ")
    if scheme != "Bearer" or token.count(".") != 2:
        return False
    try:
        jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return False
    return True


def _is_local(request: web.Request) -> bool:
    """Loopback and not forwarded by a proxy (a proxy on this machine would look local)."""
    if any(h in request.headers for h in ("Forwarded", "X-Forwarded-For", "X-Real-IP")):
        return False
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


def _is_local_host(host: str) -> bool:
    """The Host header names this machine: localhost, 127.0.0.1 or ::1, with any port."""
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.split("]")[0].strip("[") if name.startswith("[") else name
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


TEAMS_KEY: web.AppKey[TeamsAdapter] = web.AppKey("teams", TeamsAdapter)


def build_teams_adapter(bot: Signaalbot) -> TeamsAdapter:
    """Assemble the Teams adapter (and its messenger for the outbox) from the settings."""
    settings = bot.settings
    if settings.teams_app_id and not settings.teams_tenant_id:
        raise ValueError(
            "Set SIGNAALBOT_TEAMS_TENANT_ID (your Microsoft 365 tenant id): with an app id, "
            "only your tenant and the listed provider tenants are let in"
        )
    base = public_base(settings)
    if base is None:
        raise ValueError(
            "Set SIGNAALBOT_BASE_URL (the bot's public https address): Teams people open "
            "calendar invitations through a link to it"
        )
    password = (
        settings.teams_app_password.get_secret_value() if settings.teams_app_password else None
    )
    config = BotFrameworkConfig(
        settings.teams_app_id,
        password,
        settings.teams_tenant_id,
        settings.teams_app_type,
        settings.teams_openid_metadata_url,
    )
    teams_auth.install()  # signing keys fetched off the event loop, cached, with back-off
    # Kept connector clients on one HTTP session; the app token awaited off the event loop.
    credentials = ConfigurationServiceClientCredentialFactory(config)
    inner = ConfigurationBotFrameworkAuthentication(config, credentials_factory=credentials)
    cloud = CloudAdapter(PooledAuthentication(inner, credentials, settings.teams_app_id))
    links = FileLinks(bot.services, base)  # a file in a message becomes a download link
    handler = SignaalbotTeamsHandler(bot, CardMemory(bot.state), links)

    async def translator_for(user_id: str, fallback: str | None) -> Translator:
        return await person_translator(bot, PLATFORM, user_id, fallback)

    messenger = TeamsMessenger(cloud, settings.teams_app_id, translator_for, links)
    return TeamsAdapter(
        bot=bot,
        cloud=cloud,
        handler=handler,
        messenger=messenger,
        app_id=settings.teams_app_id,
    )


def mount_teams(web_app: web.Application, adapter: TeamsAdapter) -> None:
    """Serve Teams at ``POST /api/messages`` in the shared aiohttp application."""
    if not adapter.app_id:
        log.warning(
            "TEAMS WITHOUT AUTHENTICATION",
            detail=(
                "SIGNAALBOT_TEAMS_APP_ID is not set (emulator mode): /api/messages accepts "
                "unsigned requests from this machine only (loopback, no proxy headers, JSON, "
                "Host localhost). Never run this where others can reach the port."
            ),
            host=adapter.bot.settings.host,
            port=adapter.bot.settings.port,
        )
    web_app[TEAMS_KEY] = adapter
    web_app.router.add_post(ROUTE, adapter.process)
