"""The Microsoft Teams adapter: botbuilder's CloudAdapter at ``POST /api/messages``.

It only translates. A Teams activity (a message, a card submit, a universal ``Action.Execute``,
a dialog or the "Meld als signaal" message action) becomes one neutral event and one call to
``Signaalbot.handle``; the neutral replies go back as text or Adaptive Cards
(:mod:`bot.adapters.teams_cards`). Proactive messages go through
:class:`~bot.adapters.teams_messenger.TeamsMessenger` with a conversation reference stored in
the database. Every botbuilder detail stays in these three modules, so moving to the Microsoft
365 Agents SDK later touches only them.

Security: with ``SIGNAALBOT_TEAMS_APP_ID`` set every request must carry a Bot Framework token
that botbuilder validates (no or bad token → 401, before anything is sent anywhere). Without an
app id, only requests from this machine are accepted (local testing with the Bot Framework
Emulator or the tests), and a warning is logged at start-up.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import jwt
from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler, TeamsInfo
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity
from typing_extensions import override

from bot.adapters import http_edge, teams_auth
from bot.adapters import teams_cards as cards
from bot.adapters import teams_inbound as inbound
from bot.adapters.file_links import FileLinks, public_base
from bot.adapters.language import person_translator
from bot.adapters.reply_outbox import hand_to_outbox
from bot.adapters.teams_messenger import (
    TeamsMessenger,
    is_personal,
    no_client_retries,
    reference_data,
    reply_activity,
    tenant_of,
    translate_error,
)
from kernel.core import Action, Command, Form, Identity, Message, Platform, Reply, Submit
from kernel.i18n import Translator
from kernel.logging import get_logger
from kernel.messenger import TemporaryFailureError
from kernel.text import clean_tree
from storage.db import DatabaseUnavailableError
from turn.forms import safe_values
from turn.pipeline import Signaalbot
from turn.state import ConversationState

log = get_logger("signaalbot.teams")

ROUTE = "/api/messages"
PLATFORM = Platform.TEAMS.value
ADAPTIVE_CARD_RESPONSE = "application/vnd.microsoft.card.adaptive"
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
MESSAGE_ACTION_COMMANDS = {"reportSignal": "signaal"}

Event = Command | Message | Action | Submit


class BotFrameworkConfig:
    """The configuration object botbuilder's ``ConfigurationBotFrameworkAuthentication`` reads."""

    def __init__(
        self,
        app_id: str | None,
        password: str | None,
        tenant_id: str | None,
        app_type: str,
    ) -> None:
        self.APP_ID = app_id or None  # upper case: the names botbuilder reads
        self.APP_PASSWORD = password or None
        self.APP_TENANTID = tenant_id or None
        self.APP_TYPE = app_type


# --- what the adapter remembers about cards it sent (in the database, never in memory) ---------


def _conversation_key(conversation_id: str) -> str:
    return "conv:" + hashlib.sha256(conversation_id.encode()).hexdigest()[:40]


def conversation_keys(conversation_ref: dict[str, Any] | None) -> list[str]:
    """The conversation-state owners of a stored Teams reference (cards and forms kept for the
    chat): what ``privacy erase`` removes along with the identity."""
    reference = (conversation_ref or {}).get("reference") or {}
    conversation = reference.get("conversation") or {} if isinstance(reference, dict) else {}
    conversation_id = conversation.get("id") if isinstance(conversation, dict) else None
    return [_conversation_key(str(conversation_id))] if conversation_id else []


class CardMemory:
    """Forms and updatable messages this conversation has seen, in the one conversation state.

    A form is remembered per conversation so that ``Reply.errors`` can show the same form again
    with what was typed; an ``update_key`` maps onto the Teams activity id to update in place.
    """

    def __init__(self, state: ConversationState) -> None:
        self._state = state

    async def remember_form(self, conversation_id: str, form: Form) -> None:
        await self._state.remember_form(PLATFORM, _conversation_key(conversation_id), form)

    async def form(self, conversation_id: str, form_id: str) -> Form | None:
        return await self._state.form(PLATFORM, _conversation_key(conversation_id), form_id)

    async def remember_message(self, conversation_id: str, key: str, activity_id: str) -> None:
        await self._state.remember_message(
            PLATFORM, _conversation_key(conversation_id), key, activity_id
        )

    async def message(self, conversation_id: str, key: str) -> str | None:
        return await self._state.message(PLATFORM, _conversation_key(conversation_id), key)


# --- the activity handler ---------------------------------------------------------------------


def invoke(body: Any = None, status: int = HTTPStatus.OK) -> InvokeResponse:
    return InvokeResponse(status=int(status), body=body)


class SignaalbotTeamsHandler(TeamsActivityHandler):  # type: ignore[misc]
    """Turns Teams activities into neutral events and neutral replies into Teams messages."""

    def __init__(self, bot: Signaalbot, memory: CardMemory, links: FileLinks) -> None:
        super().__init__()
        self.bot = bot
        self.memory = memory
        self.links = links  # a file in a reply becomes a download link (file_links)

    # --- who and where ---------------------------------------------------------------------

    async def _t(self, activity: Activity) -> Translator:
        """The person's chosen language (``taal en``); the client's locale until they choose."""
        return await person_translator(self.bot, PLATFORM, _user_id(activity), activity.locale)

    async def _identity(self, context: TurnContext) -> Identity:
        """Who is talking, with what Teams says about them for the tenant gate.

        The profile (e-mail domain, guest role) is asked from Teams for a new person, and for
        anyone from another tenant: a provider let in by e-mail domain must be recognised on
        every turn, not only the first.
        """
        activity = context.activity
        sender = activity.from_property
        tenant = tenant_of(activity) or None
        user_id = _user_id(activity)
        own = (self.bot.settings.teams_tenant_id or "").lower()
        domain: str | None = None
        guest: bool | None = None
        if await self._is_new(user_id) or (own and (tenant or "").lower() != own):
            member_tenant, domain, guest = await self._profile(context, sender.id)
            tenant = tenant or member_tenant
        return Identity(
            platform=Platform.TEAMS,
            user_id=user_id,
            display_name=(sender.name or "")[:200],
            locale=activity.locale,
            tenant=tenant,
            email_domain=domain,
            guest=guest,
        )

    async def _is_new(self, user_id: str) -> bool:
        try:
            async with self.bot.services.uow() as uow:
                return await uow.people.find_by_identity(PLATFORM, user_id) is None
        except DatabaseUnavailableError:
            return False

    async def _profile(
        self, context: TurnContext, member_id: str
    ) -> tuple[str | None, str | None, bool | None]:
        """Home tenant, e-mail domain and guest flag of a person (None: Teams did not say)."""
        try:
            member = await TeamsInfo.get_member(context, member_id)
        except Exception as exc:  # the profile is a nicety; never fail a turn on it
            log.info("teams_member_lookup_failed", error=type(exc).__name__)
            return None, None, None
        role = str(getattr(member, "user_role", None) or "").lower()
        return (
            getattr(member, "tenant_id", None),
            email_domain(
                getattr(member, "email", None), getattr(member, "user_principal_name", None)
            ),
            role in ("guest", "anonymous") if role else None,
        )

    async def _handle(self, context: TurnContext, identity: Identity, event: Event) -> list[Reply]:
        """One call into the bot; the conversation reference is saved on the way."""
        activity = context.activity
        reference = reference_data(activity)
        personal = is_personal(activity)
        replies = await self.bot.handle(
            identity, event, conversation_ref=reference if personal else None
        )
        if not personal:
            await self._keep_reference(identity, reference, only_if_missing=True)
        return replies

    async def _keep_reference(
        self, identity: Identity, reference: dict[str, Any], *, only_if_missing: bool
    ) -> None:
        """Save where to reach a known person; a channel never replaces their personal chat."""
        try:
            async with self.bot.services.uow() as uow:
                person = await uow.people.find_by_identity(PLATFORM, identity.user_id)
                stored = person.identity(PLATFORM) if person else None
                if stored is None or (only_if_missing and stored.conversation_ref):
                    return
                await uow.people.touch(
                    PLATFORM, identity.user_id, self.bot.services.clock.now(), reference
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("teams_reference_not_saved")

    # --- messages and classic card submits ---------------------------------------------------

    @override
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        identity = await self._identity(turn_context)
        event: Event | None
        if isinstance(activity.value, dict) and not (activity.text or "").strip():
            event = inbound.event_from_data(activity.value, activity.id)
            if event is None:
                await turn_context.send_activity((await self._t(activity))("teams.unknown_card"))
                return
        else:
            names = (getattr(activity.recipient, "name", None) or "",)
            text = inbound.strip_mentions(activity.text or "", names)
            event = self.bot.parse_text(text, activity.id)
        replies = await self._handle(turn_context, identity, event)
        await self._deliver(turn_context, event, replies, card_id=activity.reply_to_id)

    async def _deliver(
        self,
        context: TurnContext,
        event: Event,
        replies: list[Reply],
        *,
        card_id: str | None,
    ) -> None:
        """Send the replies; a form with errors replaces the submitted card in place."""
        activity = context.activity
        t = await self._t(activity)
        conversation_id = activity.conversation.id
        submitted = isinstance(event, Submit)
        form = (
            await self.memory.form(conversation_id, event.form_id)
            if isinstance(event, Submit)
            else None
        )
        failed = any(r.errors for r in replies)
        no_client_retries(context, context.adapter)  # a refusal goes to the outbox instead
        for number, reply in enumerate(replies):
            try:
                await self._send_reply(context, event, reply, form, card_id)
            except Exception as exc:
                failure = translate_error(exc)
                if not isinstance(failure, TemporaryFailureError):
                    raise
                await hand_to_outbox(
                    self.bot,
                    PLATFORM,
                    _user_id(activity),
                    replies[number:],
                    retry_after=failure.retry_after,
                    reason=str(failure),
                )
                return
        if submitted and replies and not failed and card_id and form is not None:
            # The form card becomes "sent", so nobody submits the same card twice.
            await self._update(context, reply_card_activity(cards.sent_card(form, t)), card_id)

    async def _send_reply(
        self,
        context: TurnContext,
        event: Event,
        reply: Reply,
        form: Form | None,
        card_id: str | None,
    ) -> None:
        t = await self._t(context.activity)
        conversation_id = context.activity.conversation.id
        reply = await self.links.linked(reply)
        if reply.errors and isinstance(event, Submit):
            outgoing = reply_activity(reply, t, form=form, values=echo_values(event.values))
            if card_id:
                await self._update(context, outgoing, card_id)
                return
            await context.send_activity(outgoing)
            return
        outgoing = reply_activity(reply, t)
        if reply.form is not None:
            await self.memory.remember_form(conversation_id, reply.form)
        if reply.update_key:
            earlier = await self.memory.message(conversation_id, reply.update_key)
            if earlier:
                await self._update(context, outgoing, earlier)
                return
        response = await context.send_activity(outgoing)
        if reply.update_key and response is not None and response.id:
            await self.memory.remember_message(conversation_id, reply.update_key, response.id)

    async def _update(self, context: TurnContext, outgoing: Activity, activity_id: str) -> None:
        outgoing.id = activity_id
        await context.update_activity(outgoing)

    # --- invokes: universal actions, dialogs and the message action ---------------------------

    @override
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        name = turn_context.activity.name or ""
        if name == "adaptiveCard/action":
            return await self._universal_action(turn_context)
        if name in ("composeExtension/fetchTask", "task/fetch"):
            return await self._fetch_task(turn_context)
        if name in ("composeExtension/submitAction", "task/submit"):
            return await self._submit_task(turn_context)
        response: InvokeResponse = await super().on_invoke_activity(turn_context)
        if response is None or response.status == HTTPStatus.NOT_IMPLEMENTED:
            # An invoke we do not serve: a message Teams can show, not a bare 501.
            log.info("teams_unknown_invoke", name=name[:80])
            t = await self._t(turn_context.activity)
            return invoke(_message_response(t("access.unknown_invoke")))
        return response

    async def _universal_action(self, context: TurnContext) -> InvokeResponse:
        activity = context.activity
        t = await self._t(activity)
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action") or {}
        event = inbound.event_from_data(action.get("data"), activity.id, action.get("verb"))
        if event is None:
            return invoke(_message_response(t("teams.unknown_card")))
        identity = await self._identity(context)
        replies = await self._handle(context, identity, event)
        if isinstance(event, Submit):
            form = await self.memory.form(activity.conversation.id, event.form_id)
            errors = {k: v for r in replies for k, v in r.errors.items()}
            if errors:
                content = cards.render_card(
                    Reply(errors=errors), t, form=form, values=echo_values(event.values)
                )
                return invoke(_card_response(content))
            await self._deliver(context, event, replies, card_id=None)
            if form is not None:
                return invoke(_card_response(cards.sent_card(form, t)))
            return invoke(_message_response(t("teams.done")))
        await self._deliver(context, event, replies, card_id=None)
        return invoke(_message_response(t("teams.done")))

    async def _fetch_task(self, context: TurnContext) -> InvokeResponse:
        """Open a dialog: the message action prefills the signal form with the message text."""
        activity = context.activity
        t = await self._t(activity)
        value = activity.value if isinstance(activity.value, dict) else {}
        event: Event | None
        if activity.name == "composeExtension/fetchTask":
            command = MESSAGE_ACTION_COMMANDS.get(str(value.get("commandId")), "signaal")
            event = Command(
                name=command, text=_message_payload_text(value), idempotency_key=activity.id
            )
        else:
            event = inbound.event_from_data(value.get("data"), activity.id)
        if event is None:
            return invoke(_task_message(t("teams.unknown_card")))
        identity = await self._identity(context)
        replies = await self._handle(context, identity, event)
        return invoke(await self._task_response(activity, replies, t))

    async def _task_response(
        self, activity: Activity, replies: list[Reply], t: Translator
    ) -> dict[str, Any]:
        with_form = next((r for r in replies if r.form is not None), None)
        if with_form is None or with_form.form is None:
            text = "\n\n".join(r.plain_text for r in replies if r.plain_text)
            return _task_message(text or t("teams.nothing_to_show"))
        await self.memory.remember_form(activity.conversation.id, with_form.form)
        content = cards.render_card(with_form, t)
        return _task_continue(with_form.form.title, content)

    async def _submit_task(self, context: TurnContext) -> InvokeResponse:
        activity = context.activity
        t = await self._t(activity)
        value = activity.value if isinstance(activity.value, dict) else {}
        event = inbound.event_from_data(value.get("data"), activity.id)
        if event is None:
            return invoke(_task_message(t("teams.unknown_card")))
        identity = await self._identity(context)
        replies = await self._handle(context, identity, event)
        errors = {k: v for r in replies for k, v in r.errors.items()}
        if isinstance(event, Submit) and errors:
            form = await self.memory.form(activity.conversation.id, event.form_id)
            content = cards.render_card(
                Reply(errors=errors), t, form=form, values=echo_values(event.values)
            )
            return invoke(_task_continue(form.title if form else t("teams.task_title"), content))
        if activity.name == "task/submit":
            # A dialog opened from one of our cards: answer in the conversation, close the dialog.
            await self._deliver(context, event, replies, card_id=None)
            return invoke(None)
        # The message action may run in a chat the bot is not part of: answer in the dialog.
        return invoke(await self._task_response(activity, replies, t))

    # --- installation and conversation updates: save where to reach people -------------------

    @override
    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if not is_personal(activity):
            await turn_context.send_activity((await self._t(activity))("teams.installed_channel"))
            return
        identity = await self._identity(turn_context)
        event = Command(name="help", idempotency_key=activity.id)
        replies = await self._handle(turn_context, identity, event)
        await self._deliver(turn_context, event, replies, card_id=None)

    @override
    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if not is_personal(activity):
            return
        identity = await self._identity(turn_context)
        try:
            async with self.bot.services.uow() as uow:
                await uow.people.mark_unreachable(
                    PLATFORM, identity.user_id, self.bot.services.clock.now()
                )
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("teams_unreachable_not_saved")

    @override
    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        sender = activity.from_property
        if sender is None or not getattr(sender, "id", None):
            # Teams sends some updates (a team renamed, the bot added) without a sender: there
            # is nobody to remember, so only note it.
            log.info("teams_conversation_update_without_sender", activity_id=activity.id)
            return
        identity = await self._identity(turn_context)
        await self._keep_reference(
            identity, reference_data(activity), only_if_missing=not is_personal(activity)
        )


def _user_id(activity: Activity) -> str:
    """Our id of the sender: tenant and Entra object id (the Teams id for guests without)."""
    sender = activity.from_property
    aad = getattr(sender, "aad_object_id", None) or sender.id
    return f"{tenant_of(activity)}:{aad}"


def reply_card_activity(content: cards.Card) -> Activity:
    from botbuilder.schema import ActivityTypes, Attachment

    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=cards.CARD_CONTENT_TYPE, content=content)],
    )


def _card_response(content: cards.Card) -> dict[str, Any]:
    return {"statusCode": 200, "type": ADAPTIVE_CARD_RESPONSE, "value": content}


def _message_response(text: str) -> dict[str, Any]:
    return {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text}


def _task_continue(title: str, content: cards.Card) -> dict[str, Any]:
    return {
        "task": {
            "type": "continue",
            "value": {
                "title": title,
                "width": "large",
                "height": "large",
                "card": cards.attachment(content),
            },
        }
    }


def _task_message(text: str) -> dict[str, Any]:
    return {"task": {"type": "message", "value": text}}


def _message_payload_text(value: dict[str, Any]) -> str:
    payload = value.get("messagePayload") or {}
    body = payload.get("body") or {} if isinstance(payload, dict) else {}
    content = str(body.get("content") or "") if isinstance(body, dict) else ""
    if str(body.get("contentType", "html")).lower() == "html":
        content = inbound.html_to_text(content)
    return inbound.strip_mentions(content)[:2000]


def echo_values(values: dict[str, str]) -> dict[str, str]:
    """What a refused form card shows again: what was typed, with personal data masked.

    The card is updated in place and stays in the chat history on Microsoft's servers, so a
    BSN or e-mail address the privacy guard refused must not be written back into it.
    """
    return safe_values(values)


def email_domain(email: str | None, upn: str | None) -> str | None:
    """The organisation's domain of a person; guests' UPNs look like ``jan_zorg.nl#EXT#@…``."""
    for candidate in (email, upn):
        if not candidate or "@" not in candidate:
            continue
        local, _, domain = candidate.rpartition("@")
        if "#EXT#" in local.upper():
            original = local[: local.upper().index("#EXT#")]
            if "_" in original:
                return original.rpartition("_")[2].lower() or None
            continue
        return domain.lower() or None
    return None


# --- the HTTP endpoint ---------------------------------------------------------------------


@dataclass
class TeamsAdapter:
    """Everything Teams: botbuilder's adapter, our handler, the messenger for the outbox."""

    bot: Signaalbot
    cloud: CloudAdapter
    handler: SignaalbotTeamsHandler
    messenger: TeamsMessenger
    app_id: str | None

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
    )
    teams_auth.install()  # signing keys fetched off the event loop, cached, with back-off
    cloud = CloudAdapter(ConfigurationBotFrameworkAuthentication(config))

    async def translator_for(user_id: str, fallback: str | None) -> Translator:
        return await person_translator(bot, PLATFORM, user_id, fallback)

    links = FileLinks(bot.services, base)
    handler = SignaalbotTeamsHandler(bot, CardMemory(bot.state), links)
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
