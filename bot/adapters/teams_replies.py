"""Sending one turn's replies back into the Teams conversation.

Why its own module: a reply is text or an Adaptive Card, a refused form replaces the submitted
card in place, a message with an ``update_key`` updates the earlier one, and a reply Teams
refuses for now (429, 5xx) goes to the outbox instead of botbuilder's own retries.
"""

from __future__ import annotations

from botbuilder.core import TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.adapters import teams_cards as cards
from bot.adapters.file_links import FileLinks
from bot.adapters.reply_outbox import hand_to_outbox
from bot.adapters.teams_memory import PLATFORM, CardMemory
from bot.adapters.teams_messenger import no_client_retries, reply_activity, translate_error
from bot.adapters.teams_turns import Event, TeamsTurns, user_id_of
from kernel.core import Form, Reply, Submit
from kernel.messenger import TemporaryFailureError
from turn.forms import safe_values


def echo_values(values: dict[str, str]) -> dict[str, str]:
    """What a refused form card shows again: what was typed, with personal data masked.

    The card is updated in place and stays in the chat history on Microsoft's servers, so a
    BSN or e-mail address the privacy guard refused must not be written back into it.
    """
    return safe_values(values)


def reply_card_activity(content: cards.Card) -> Activity:
    """A message with one Adaptive Card (to replace a submitted form card)."""
    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=cards.CARD_CONTENT_TYPE, content=content)],
    )


class TeamsReplies:
    """Sends replies in the turn's conversation; one per adapter."""

    def __init__(self, turns: TeamsTurns, memory: CardMemory, links: FileLinks) -> None:
        self.turns = turns
        self.bot = turns.bot
        self.memory = memory
        self.links = links  # a file in a reply becomes a download link (file_links)

    async def deliver(
        self,
        context: TurnContext,
        event: Event,
        replies: list[Reply],
        *,
        card_id: str | None,
    ) -> None:
        """Send the replies; a form with errors replaces the submitted card in place."""
        activity = context.activity
        t = await self.turns.translator(activity)
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
                    user_id_of(activity),
                    replies[number:],
                    retry_after=failure.retry_after,
                    reason=str(failure),
                )
                return
        if submitted and replies and not failed and card_id and form is not None:
            # The form card becomes "sent", so nobody submits the same card twice.
            await _update(context, reply_card_activity(cards.sent_card(form, t)), card_id)

    async def _send_reply(
        self,
        context: TurnContext,
        event: Event,
        reply: Reply,
        form: Form | None,
        card_id: str | None,
    ) -> None:
        t = await self.turns.translator(context.activity)
        conversation_id = context.activity.conversation.id
        reply = await self.links.linked(reply)
        if reply.errors and isinstance(event, Submit):
            outgoing = reply_activity(reply, t, form=form, values=echo_values(event.values))
            if card_id:
                await _update(context, outgoing, card_id)
                return
            await context.send_activity(outgoing)
            return
        outgoing = reply_activity(reply, t)
        if reply.form is not None:
            await self.memory.remember_form(conversation_id, reply.form)
        if reply.update_key:
            earlier = await self.memory.message(conversation_id, reply.update_key)
            if earlier:
                await _update(context, outgoing, earlier)
                return
        response = await context.send_activity(outgoing)
        if reply.update_key and response is not None and response.id:
            await self.memory.remember_message(conversation_id, reply.update_key, response.id)


async def _update(context: TurnContext, outgoing: Activity, activity_id: str) -> None:
    outgoing.id = activity_id
    await context.update_activity(outgoing)
