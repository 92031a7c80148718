"""bolt listeners for what people do in Slack: slash commands, shortcuts, buttons, type-ahead
options and direct messages.

Each listener acks first (Slack's 3-second limit must never depend on the database), turns the
payload into one neutral event with Slack's trigger or event id as idempotency key, and leaves
the rest to :class:`~bot.adapters.slack_turns.SlackTurns` in the background. Modal
submissions are in :mod:`bot.adapters.slack_submissions`, the home tab in
:mod:`bot.adapters.slack_home`.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_text, slack_views
from bot.adapters.slack_delivery import Where, text_reply
from bot.adapters.slack_turns import Ack, Event, SlackTurns
from kernel.core import Action, Command, Platform
from turn.router import MAX_MARKED_UP_CHARS, typed

FORM_COMMANDS = frozenset({"signaal", "vraag"})  # commands whose answer is a form


class SlackListeners:
    """The listeners bolt calls; they only read the payload and start a turn."""

    def __init__(self, turns: SlackTurns) -> None:
        self.turns = turns
        self.bot = turns.bot
        self.delivery = turns.delivery

    async def on_command(self, ack: Ack, command: dict[str, Any], client: AsyncWebClient) -> None:
        """``/signaal``, ``/vraag`` and ``/signaalbot [text]`` (the last: text as typed)."""
        await ack()
        name = command["command"].lstrip("/")
        raw = str(command.get("text", ""))
        key = f"trigger:{command.get('trigger_id')}"
        event: Event
        if name == "signaalbot":
            text = typed(raw, slack_text.from_slack)
            event = (
                self.bot.parse_text(text, key)
                if text.strip()
                else Command(name=name, idempotency_key=key)
            )
        else:  # the text prefills a form, which keeps its first 2000 characters
            text = slack_text.from_slack(raw[:MAX_MARKED_UP_CHARS])
            event = Command(name=name, text=text, idempotency_key=key)
        where = Where(
            client=client,
            team_id=command["team_id"],
            user_id=command["user_id"],
            channel=command.get("channel_id"),
            response_url=command.get("response_url"),
            trigger_id=command.get("trigger_id"),
        )
        dispatch = self.turns.dispatch_form if name in FORM_COMMANDS else self.turns.dispatch
        self.turns.spawn(dispatch(where, event, command.get("user_name", "")), "command")

    async def on_shortcut(self, ack: Ack, shortcut: dict[str, Any], client: AsyncWebClient) -> None:
        """The global and the message shortcut: the signal form, prefilled with the message."""
        await ack()
        user = shortcut.get("user", {})
        raw = str(shortcut.get("message", {}).get("text", ""))
        text = slack_text.from_slack(raw[:MAX_MARKED_UP_CHARS])
        event = Command(
            name="signaal",
            text=text[: slack_text.MAX_INITIAL_VALUE],
            idempotency_key=f"trigger:{shortcut.get('trigger_id')}",
        )
        where = Where(
            client=client,
            team_id=_team_of(shortcut),
            user_id=user.get("id", ""),
            channel=shortcut.get("channel", {}).get("id"),
            response_url=shortcut.get("response_url"),
            trigger_id=shortcut.get("trigger_id"),
            user_team=user.get("team_id"),
        )
        self.turns.spawn(
            self.turns.dispatch_form(where, event, user.get("username", "")), "shortcut"
        )

    async def on_action(self, ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
        """A button or menu: a command, an action, or a form kept for later opened now."""
        await ack()
        action = body["actions"][0]
        action_id = slack_text.neutral_action_id(action["action_id"])
        if action_id == slack_text.INPUT_ACTION:
            return  # typing in a modal input; the submit brings the values
        user = body.get("user", {})
        view = body.get("view") or {}
        where = Where(
            client=client,
            team_id=_team_of(body),
            user_id=user.get("id", ""),
            channel=(body.get("channel") or {}).get("id"),
            response_url=body.get("response_url"),
            trigger_id=body.get("trigger_id"),
            in_modal=view.get("type") == "modal",
            user_team=user.get("team_id"),
        )
        key = f"trigger:{body.get('trigger_id')}:{action.get('action_ts', '')}"
        value = slack_text.action_value(action)
        if action_id == slack_text.OPEN_FORM_ACTION:
            self.turns.spawn(self._open_stashed(where, value), "open_form")
            return
        event: Event = (
            Command(name=value, idempotency_key=key)
            if action_id == slack_text.COMMAND_ACTION
            else Action(action_id=action_id, value=value, idempotency_key=key)
        )
        self.turns.spawn(self.turns.dispatch(where, event, user.get("username", "")), "action")

    async def on_options(self, ack: Ack, body: dict[str, Any]) -> None:
        """Type-ahead of a long list in a modal: the options that fit what was typed so far."""
        view = body.get("view") or {}
        meta = slack_views.read_metadata(view.get("private_metadata"))
        person = f"{_team_of(body)}:{body.get('user', {}).get('id', '')}"
        form = await self.bot.state.form(Platform.SLACK, person, meta.get("f", ""))
        await ack(
            options=slack_views.suggest(form, str(body.get("block_id", "")), body.get("value", ""))
        )

    async def on_message(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """A direct message to the bot; channel messages, edits and bots are ignored."""
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        where = Where(
            client=client,
            team_id=body.get("team_id", ""),
            user_id=event.get("user", ""),
            channel=event.get("channel"),
            user_team=event.get("user_team"),
        )
        text = typed(str(event.get("text", "")), slack_text.from_slack)
        parsed = self.bot.parse_text(text, f"event:{body.get('event_id')}")
        self.turns.spawn(self.turns.dispatch(where, parsed), "message")

    async def _open_stashed(self, where: Where, form_id: str) -> None:
        """A form kept for a button (a modal needs a fresh trigger id): open it now."""
        t = await self.delivery.translator(where)
        form = await self.bot.state.form(Platform.SLACK, where.identity_user, form_id)
        if form is None or not await self.delivery.open_form(where, form, t):
            await self.delivery.post(
                where.but(response_url=None), [text_reply(t("slack.form_gone"))], t
            )


def _team_of(body: dict[str, Any]) -> str:
    """The workspace of an interactive payload: ``team.id``, else the user's own team."""
    return str(body.get("team", {}).get("id") or body.get("user", {}).get("team_id", ""))
