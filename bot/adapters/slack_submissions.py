"""Modal submissions, the slow ones finished by ``views.update``, and drafts of closed forms.

A submission is the one place where the answer must travel in the ack itself
(``response_action: errors`` shows validation messages next to the inputs). The handler gets
``ack_budget`` seconds (2 s); when it needs longer, the modal shows "one moment" at once and
``views.update`` brings the result when it is ready. Either way a copy of the confirmation
goes to the person's DM. Both come after the ack, from this process only, so the turn also
keeps a durable follow-up in its commit (:mod:`turn.follow_up`): the DM copy is taken from the
outbox before it is posted, and if this process dies first a dispatcher sends it after the
grace. Closing a half-filled modal keeps what was typed as a draft, for people the workspace
gate lets in only.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_text, slack_views
from bot.adapters.slack_delivery import Where
from bot.adapters.slack_turns import Ack, SlackTurns, conversation_ref, slack_identity
from kernel.core import Platform, Reply, Submit
from kernel.i18n import Translator
from kernel.logging import get_logger
from turn import admission
from turn.forms import safe_values
from turn.pipeline import TurnResult

log = get_logger("signaalbot.slack")

# What a view keeps when it is shown again with the errors on top (``views.update``).
VIEW_KEYS = (
    "type",
    "callback_id",
    "title",
    "submit",
    "close",
    "private_metadata",
    "notify_on_close",
)


class SlackSubmissions:
    """``view_submission`` and ``view_closed`` for our forms."""

    def __init__(self, turns: SlackTurns, *, ack_budget: float) -> None:
        self.turns = turns
        self.bot = turns.bot
        self.delivery = turns.delivery
        self.ack_budget = ack_budget

    async def on_view_submission(
        self,
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        """Answer in the ack when the bot is quick enough, else "one moment" and update later."""
        meta = slack_views.read_metadata(view.get("private_metadata"))
        user = body.get("user", {})
        where = _where_of(body, client, channel=meta.get("ch") or None)
        identity = await self.turns.person(where, user.get("username", ""))
        event = Submit(
            form_id=meta.get("f", ""),
            values=slack_views.view_values(view),
            context=meta.get("c", ""),
            # Submitted again (Slack says "trouble connecting" when no answer came, and the
            # person presses Submit once more): a new trigger id, the same view id and hash.
            idempotency_key=f"view:{view.get('id') or body.get('trigger_id')}:{view.get('hash')}",
        )
        # The answer may come after the ack ("one moment", the DM copy): a durable follow-up
        # in the turn's commit reaches the person even if this process dies before it.
        work = asyncio.ensure_future(
            self.bot.handle_turn(
                identity, event, conversation_ref=conversation_ref(where), follow_up=True
            )
        )
        done, _ = await asyncio.wait({work}, timeout=self.ack_budget)
        title = str(view.get("title", {}).get("text", ""))
        if not done:
            t = self.bot.services.translator(None)
            await ack(response_action="update", view=slack_views.working_view(t, title))
            self.turns.spawn(
                self._finish_slow_submit(where, view, event, work, title), "slow_submit"
            )
            return
        result = work.result()
        replies = result.replies
        t = await self.delivery.translator(where)
        for next_form in (r.form for r in replies if r.form is not None):
            if slack_views.needs_suggestions(next_form):
                await self.bot.state.remember_form(Platform.SLACK, where.identity_user, next_form)
        response, follow_up = _submit_response(replies, view, t, title, where)
        await ack(**response)
        if follow_up:
            self.turns.spawn(
                self._after_submit(where, event.form_id, follow_up, result.follow_up_key),
                "submitted",
            )

    async def _after_submit(
        self, where: Where, form_id: str, replies: list[Reply], follow_up_key: str | None
    ) -> None:
        """A copy of the confirmation in the DM: the reference number stays findable there.

        Taken from the outbox first: a dispatcher that already sent it (this submit was late,
        or delivered again) leaves nothing to post here."""
        identity = slack_identity(where.team_id, where.user_id)
        await self.bot.state.clear_draft(identity.platform, identity.user_id, form_id)
        t = await self.delivery.translator(where)
        await self.turns.show(where.but(channel=None, response_url=None), replies, t, follow_up_key)

    async def _finish_slow_submit(
        self,
        where: Where,
        view: dict[str, Any],
        event: Submit,
        work: asyncio.Future[TurnResult],
        title: str,
    ) -> None:
        """The "one moment" view becomes the result, or the form again with its errors."""
        result = await work
        replies = result.replies
        t = await self.delivery.translator(where)
        errors = {k: v for r in replies for k, v in r.errors.items()}
        if errors:
            # The submitted view is gone; show the form again with the messages on top.
            notice = " ".join(errors.values())
            blocks = [
                {"type": "section", "text": {"type": "mrkdwn", "text": slack_text.mrkdwn(notice)}},
                # What was typed comes back, but never personal data the guard refused.
                *[_with_initial(b, safe_values(event.values)) for b in view.get("blocks", [])],
            ]
            keep = {k: view[k] for k in VIEW_KEYS if k in view}
            await where.client.views_update(view_id=view["id"], view={**keep, "blocks": blocks})
            return
        response, follow_up = _submit_response(replies, view, t, title, where)
        if "view" in response:
            try:
                await where.client.views_update(view_id=view["id"], view=response["view"])
            except SlackApiError as exc:  # closed meanwhile: the DM below still tells them
                log.warning("slow_submit_view_gone", error=exc.response.get("error"))
        if follow_up:
            await self._after_submit(where, event.form_id, follow_up, result.follow_up_key)

    async def on_view_closed(
        self,
        ack: Ack,
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        """Closing a half-filled form keeps what was typed as a draft for next time."""
        await ack()
        meta = slack_views.read_metadata(view.get("private_metadata"))
        values = {k: v for k, v in slack_views.view_values(view).items() if v}
        if values and meta.get("f"):
            where = _where_of(body, client)
            self.turns.spawn(self._save_draft(where, meta["f"], values), "draft")

    async def _save_draft(self, where: Where, form_id: str, values: dict[str, str]) -> None:
        identity = await self.turns.person(where)
        policy = admission.Policy.from_settings(self.bot.settings)
        if not admission.decide(identity, policy).admitted:
            return  # nothing is kept for someone who is not let in
        await self.bot.state.save_draft(identity.platform, identity.user_id, form_id, values)


def _where_of(body: dict[str, Any], client: AsyncWebClient, channel: str | None = None) -> Where:
    """The person of a view payload (their own workspace too, for the gate)."""
    user = body.get("user", {})
    return Where(
        client=client,
        team_id=body.get("team", {}).get("id") or user.get("team_id", ""),
        user_id=user.get("id", ""),
        channel=channel,
        user_team=user.get("team_id"),
    )


def _submit_response(
    replies: list[Reply],
    view: dict[str, Any],
    t: Translator,
    title: str,
    where: Where,
) -> tuple[dict[str, Any], list[Reply]]:
    """The ack for a submitted modal, and the replies to post in the DM afterwards."""
    errors = {k: v for r in replies for k, v in r.errors.items()}
    if errors:
        shown = slack_views.view_errors(errors, slack_views.input_block_ids(view))
        if shown is not None:
            return {"response_action": "errors", "errors": shown}, []
        return {"response_action": "update", "view": slack_views.result_view(replies, t, title)}, []
    next_form = next((r.form for r in replies if r.form is not None), None)
    if next_form is not None:
        view_ = slack_views.modal(next_form, t, {"ch": where.channel or ""})
        rest = [r for r in replies if r.form is None]
        return {"response_action": "update", "view": view_}, rest
    if not replies:
        return {"response_action": "clear"}, []
    return {
        "response_action": "update",
        "view": slack_views.result_view(replies, t, title),
    }, replies


def _with_initial(block: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    """An input block of a submitted view, with what the person typed as initial value."""
    if block.get("type") != "input" or block.get("block_id") not in values:
        return block
    value = values[block["block_id"]]
    element = dict(block.get("element", {}))
    if element.get("type") == "plain_text_input" and value:
        element["initial_value"] = value[: slack_text.MAX_INITIAL_VALUE]
    elif element.get("type") == "static_select":
        chosen = next((o for o in element.get("options", []) if o.get("value") == value), None)
        if chosen is not None:
            element["initial_option"] = chosen
    return {**block, "element": element}
