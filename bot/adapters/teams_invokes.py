"""Teams invokes: universal actions (``Action.Execute``), dialogs (task fetch and submit) and
the "Meld als signaal" message action.

Why apart from messages: an invoke is answered in the HTTP response itself (a card that
replaces the clicked one, a message Teams shows, or a dialog to open), not by sending
activities, so each kind needs its own response shape.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity

from bot.adapters import teams_cards as cards
from bot.adapters import teams_inbound as inbound
from bot.adapters.teams_memory import CardMemory
from bot.adapters.teams_replies import TeamsReplies, echo_values
from bot.adapters.teams_turns import Event, TeamsTurns
from kernel.core import Command, Reply, Submit
from kernel.i18n import Translator
from turn.router import MAX_MARKED_UP_CHARS

ADAPTIVE_CARD_RESPONSE = "application/vnd.microsoft.card.adaptive"
MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
MESSAGE_ACTION_COMMANDS = {"reportSignal": "signaal"}  # the app manifest's message action


def invoke(body: Any = None, status: int = HTTPStatus.OK) -> InvokeResponse:
    return InvokeResponse(status=int(status), body=body)


def message_response(text: str) -> dict[str, Any]:
    """A universal-action answer Teams shows as a short message."""
    return {"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text}


class TeamsInvokes:
    """Answers the invokes we serve; :meth:`answer` is None for any other."""

    def __init__(self, turns: TeamsTurns, replies: TeamsReplies, memory: CardMemory) -> None:
        self.turns = turns
        self.replies = replies
        self.memory = memory

    async def answer(self, context: TurnContext) -> InvokeResponse | None:
        name = context.activity.name or ""
        if name == "adaptiveCard/action":
            return await self._universal_action(context)
        if name in ("composeExtension/fetchTask", "task/fetch"):
            return await self._fetch_task(context)
        if name in ("composeExtension/submitAction", "task/submit"):
            return await self._submit_task(context)
        return None

    async def _universal_action(self, context: TurnContext) -> InvokeResponse:
        activity = context.activity
        t = await self.turns.translator(activity)
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("action") or {}
        event = inbound.event_from_data(action.get("data"), activity.id, action.get("verb"))
        if event is None:
            return invoke(message_response(t("teams.unknown_card")))
        replies = await self.turns.handle(context, await self.turns.identity(context), event)
        if isinstance(event, Submit):
            form = await self.memory.form(activity.conversation.id, event.form_id)
            errors = {k: v for r in replies for k, v in r.errors.items()}
            if errors:
                content = cards.render_card(
                    Reply(errors=errors), t, form=form, values=echo_values(event.values)
                )
                return invoke(_card_response(content))
            await self.replies.deliver(context, event, replies, card_id=None)
            if form is not None:
                return invoke(_card_response(cards.sent_card(form, t)))
            return invoke(message_response(t("teams.done")))
        await self.replies.deliver(context, event, replies, card_id=None)
        return invoke(message_response(t("teams.done")))

    async def _fetch_task(self, context: TurnContext) -> InvokeResponse:
        """Open a dialog: the message action prefills the signal form with the message text."""
        activity = context.activity
        t = await self.turns.translator(activity)
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
        replies = await self.turns.handle(context, await self.turns.identity(context), event)
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
        t = await self.turns.translator(activity)
        value = activity.value if isinstance(activity.value, dict) else {}
        event = inbound.event_from_data(value.get("data"), activity.id)
        if event is None:
            return invoke(_task_message(t("teams.unknown_card")))
        replies = await self.turns.handle(context, await self.turns.identity(context), event)
        errors = {k: v for r in replies for k, v in r.errors.items()}
        if isinstance(event, Submit) and errors:
            form = await self.memory.form(activity.conversation.id, event.form_id)
            content = cards.render_card(
                Reply(errors=errors), t, form=form, values=echo_values(event.values)
            )
            return invoke(_task_continue(form.title if form else t("teams.task_title"), content))
        if activity.name == "task/submit":
            # A dialog opened from one of our cards: answer in the conversation, close the dialog.
            await self.replies.deliver(context, event, replies, card_id=None)
            return invoke(None)
        # The message action may run in a chat the bot is not part of: answer in the dialog.
        return invoke(await self._task_response(activity, replies, t))


def _card_response(content: cards.Card) -> dict[str, Any]:
    return {"statusCode": 200, "type": ADAPTIVE_CARD_RESPONSE, "value": content}


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
    content = content[:MAX_MARKED_UP_CHARS]  # 2000 are kept: the clean-up needs no more
    if str(body.get("contentType", "html")).lower() == "html":
        content = inbound.html_to_text(content)
    return inbound.strip_mentions(content)[:2000]
