"""Proactive Teams messages: a stored conversation reference, ``continue_conversation``, a card.

Why a reference in the database: Teams only lets a bot write to a conversation it has seen.
The reference (service URL, conversation, bot and user) is saved when a person first talks to
the bot or installs it, so the outbox can reach them after a restart or from a second instance.
Errors become the neutral :mod:`kernel.messenger` errors the dispatcher understands: 403/404
(bot removed, ``MessageWritesBlocked``) → unreachable; 429 and 5xx → try again later.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    Attachment,
    ChannelAccount,
    ConversationParameters,
    ConversationReference,
)
from msrest.exceptions import ClientRequestError, HttpOperationError

from bot.adapters import teams_cards as cards
from bot.adapters import teams_limits as limits
from bot.adapters.file_links import FileLinks
from bot.adapters.teams_wire import plain
from kernel.core import Form, Reply
from kernel.i18n import Translator
from kernel.logging import get_logger
from kernel.messenger import Address, RecipientUnreachableError, Sent, TemporaryFailureError

log = get_logger("signaalbot.teams")

REFERENCE_VERSION = 1
UNREACHABLE_STATUSES = frozenset({403, 404})


def reference_data(activity: Activity) -> dict[str, Any]:
    """The JSON we store in ``person_identity.conversation_ref`` for this activity's chat.

    ``scope`` says whether the reference is a personal chat (send straight into it) or a group
    chat / channel (open a personal chat with the user first: prompts are private).
    """
    reference = TurnContext.get_conversation_reference(activity)
    reference.activity_id = None  # proactive messages start a new message, not a reply
    conversation = activity.conversation
    scope = (getattr(conversation, "conversation_type", None) or "personal").lower()
    return {
        "v": REFERENCE_VERSION,
        "scope": scope,
        "tenant_id": tenant_of(activity),
        "reference": plain(reference),  # as reference.serialize(), without msrest's reflection
    }


def tenant_of(activity: Activity) -> str:
    conversation = activity.conversation
    tenant = getattr(conversation, "tenant_id", None) if conversation else None
    if not tenant and isinstance(activity.channel_data, dict):
        tenant = (activity.channel_data.get("tenant") or {}).get("id")
    return str(tenant or "")


def is_personal(activity: Activity) -> bool:
    conversation = activity.conversation
    kind = getattr(conversation, "conversation_type", None) if conversation else None
    return kind in (None, "", "personal")


def reply_activity(
    reply: Reply,
    t: Translator,
    *,
    form: Form | None = None,
    values: dict[str, str] | None = None,
) -> Activity:
    """A neutral reply as a Teams message: plain text when it is only text, else a card."""
    if cards.is_plain(reply):
        text = cards.plain_text(reply)
        if len(text.encode("utf-8")) <= limits.MAX_CARD_BYTES:
            return Activity(type=ActivityTypes.message, text=text)
        # Too long for one message: as a card, which the renderer shortens with a note.
    content = cards.render_card(reply, t, form=form, values=values)
    summary = reply.plain_text.split("\n", 1)[0][:120] if reply.plain_text else None
    return Activity(
        type=ActivityTypes.message,
        summary=summary,
        attachments=[Attachment(content_type=cards.CARD_CONTENT_TYPE, content=content)],
    )


def status_of(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    return int(status) if isinstance(status, int) else None


def retry_after(exc: BaseException) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    raw = headers.get("Retry-After") if hasattr(headers, "get") else None
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def translate_error(exc: BaseException) -> Exception:
    """Map a Bot Connector failure onto the neutral messenger errors."""
    status = status_of(exc)
    if status in UNREACHABLE_STATUSES:
        return RecipientUnreachableError(f"teams answered {status}")
    if status == 429 or (status is not None and status >= 500):
        return TemporaryFailureError(f"teams answered {status}", retry_after(exc))
    if isinstance(exc, ClientRequestError | OSError | TimeoutError):
        return TemporaryFailureError(f"teams not reachable: {type(exc).__name__}")
    return TemporaryFailureError(f"teams failed: {type(exc).__name__} {status or ''}".strip())


def no_client_retries(context: TurnContext, adapter: Any) -> None:
    """The outbox retries with back-off itself; the connector client must not sleep and retry."""
    client = context.turn_state.get(adapter.BOT_CONNECTOR_CLIENT_KEY)
    config = getattr(client, "config", None)
    policy = getattr(config, "retry_policy", None)
    if policy is not None:
        policy.retries = 0


async def _not_a_reply(
    _context: TurnContext, activities: list[Activity], next_send: Callable[[], Any]
) -> Any:
    """A proactive message starts a new message; botbuilder would reply to the continuation."""
    for activity in activities:
        activity.reply_to_id = None
    return await next_send()


class TeamsMessenger:
    """Implements :class:`kernel.messenger.Messenger` for Teams."""

    platform = "teams"

    def __init__(
        self,
        adapter: Any,
        app_id: str | None,
        translator_for: Callable[[str, str | None], Awaitable[Translator]],
        links: FileLinks,
    ) -> None:
        self._adapter = adapter  # a botbuilder CloudAdapter
        self._app_id = app_id
        self._translator_for = translator_for
        self.links = links  # a file in a message becomes a download link (file_links)

    async def send(self, identity: Address, reply: Reply, *, update_id: str | None = None) -> Sent:
        data = identity.conversation_ref or {}
        raw = data.get("reference")
        if not isinstance(raw, dict):
            raise RecipientUnreachableError("no Teams conversation reference stored")
        reference = ConversationReference().deserialize(raw)
        # The person's chosen language; the locale of their Teams client until they choose.
        t = await self._translator_for(identity.user_id, reference.locale)
        activity = reply_activity(await self.links.linked(reply), t)
        sent: list[str | None] = []

        async def deliver(context: TurnContext) -> None:
            no_client_retries(context, self._adapter)
            context.on_send_activities(_not_a_reply)
            if update_id:
                activity.id = update_id
                await context.update_activity(activity)
                sent.append(update_id)
                return
            response = await context.send_activity(activity)
            sent.append(getattr(response, "id", None))

        try:
            if data.get("scope", "personal") == "personal":
                await self._adapter.continue_conversation(reference, deliver, self._app_id)
            else:
                await self._open_personal_chat(reference, data.get("tenant_id"), deliver)
        except (HttpOperationError, ClientRequestError, OSError, TimeoutError) as exc:
            error = translate_error(exc)
            log.info(
                "teams_send_failed",
                user_id=identity.user_id,
                status=status_of(exc),
                error=type(error).__name__,
            )
            raise error from exc
        return Sent(message_id=sent[0] if sent else None)

    async def _open_personal_chat(
        self, reference: ConversationReference, tenant_id: str | None, deliver: Any
    ) -> None:
        """Known only from a channel or group chat: open (or reopen) the 1:1 chat first."""
        tenant = tenant_id or getattr(reference.conversation, "tenant_id", None)
        parameters = ConversationParameters(
            is_group=False,
            bot=reference.bot,
            members=[ChannelAccount(id=reference.user.id)],
            tenant_id=tenant,
            channel_data={"tenant": {"id": tenant}} if tenant else None,
        )
        await self._adapter.create_conversation(
            self._app_id,
            deliver,
            parameters,
            reference.channel_id or "msteams",
            reference.service_url,
        )
