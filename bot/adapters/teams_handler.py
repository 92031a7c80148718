"""botbuilder's activity handler for signaalbot: one ``on_…`` method per kind of activity.

Messages (typed text and classic card submits), invokes (handed to
:class:`~bot.adapters.teams_invokes.TeamsInvokes`), the app installed or removed, and
conversation updates, which only keep where to reach people. What each step does lives in
:mod:`~bot.adapters.teams_turns` (who, the bot) and :mod:`~bot.adapters.teams_replies`.
"""

from __future__ import annotations

from http import HTTPStatus

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from typing_extensions import override

from bot.adapters import teams_inbound as inbound
from bot.adapters.file_links import FileLinks
from bot.adapters.teams_invokes import TeamsInvokes, invoke, message_response
from bot.adapters.teams_memory import CardMemory
from bot.adapters.teams_messenger import is_personal, reference_data
from bot.adapters.teams_replies import TeamsReplies
from bot.adapters.teams_turns import Event, TeamsTurns
from kernel.core import Command
from kernel.logging import get_logger
from turn.pipeline import Signaalbot
from turn.router import typed

log = get_logger("signaalbot.teams")


class SignaalbotTeamsHandler(TeamsActivityHandler):  # type: ignore[misc]
    """Turns Teams activities into neutral events and neutral replies into Teams messages."""

    def __init__(self, bot: Signaalbot, memory: CardMemory, links: FileLinks) -> None:
        super().__init__()
        self.turns = TeamsTurns(bot)
        self.replies = TeamsReplies(self.turns, memory, links)
        self.invokes = TeamsInvokes(self.turns, self.replies, memory)

    @override
    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        identity = await self.turns.identity(turn_context)
        event: Event | None
        if isinstance(activity.value, dict) and not (activity.text or "").strip():
            event = inbound.event_from_data(activity.value, activity.id)
            if event is None:
                t = await self.turns.translator(activity)
                await turn_context.send_activity(t("teams.unknown_card"))
                return
        else:
            names = (getattr(activity.recipient, "name", None) or "",)
            text = typed(activity.text or "", lambda raw: inbound.strip_mentions(raw, names))
            event = self.turns.bot.parse_text(text, activity.id)
        replies = await self.turns.handle(turn_context, identity, event)
        await self.replies.deliver(turn_context, event, replies, card_id=activity.reply_to_id)

    @override
    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        answered = await self.invokes.answer(turn_context)
        if answered is not None:
            return answered
        response: InvokeResponse = await super().on_invoke_activity(turn_context)
        if response is None or response.status == HTTPStatus.NOT_IMPLEMENTED:
            # An invoke we do not serve: a message Teams can show, not a bare 501.
            log.info("teams_unknown_invoke", name=(turn_context.activity.name or "")[:80])
            t = await self.turns.translator(turn_context.activity)
            return invoke(message_response(t("access.unknown_invoke")))
        return response

    # --- installation and conversation updates: save where to reach people -------------------

    @override
    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        if not is_personal(activity):
            t = await self.turns.translator(activity)
            await turn_context.send_activity(t("teams.installed_channel"))
            return
        identity = await self.turns.identity(turn_context)
        event = Command(name="help", idempotency_key=activity.id)
        replies = await self.turns.handle(turn_context, identity, event)
        await self.replies.deliver(turn_context, event, replies, card_id=None)

    @override
    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        if not is_personal(turn_context.activity):
            return
        await self.turns.mark_unreachable(await self.turns.identity(turn_context))

    @override
    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        sender = activity.from_property
        if sender is None or not getattr(sender, "id", None):
            # Teams sends some updates (a team renamed, the bot added) without a sender: there
            # is nobody to remember, so only note it.
            log.info("teams_conversation_update_without_sender", activity_id=activity.id)
            return
        identity = await self.turns.identity(turn_context)
        await self.turns.keep_reference(
            identity, reference_data(activity), only_if_missing=not is_personal(activity)
        )
