"""Modal submissions, the slow ones finished by ``views.update``, and drafts of closed forms.

A submission is the one place where the answer must travel in the ack itself
(``response_action: errors`` shows validation messages next to the inputs). The handler gets
``ack_budget`` seconds (2 s); when it needs longer, the modal shows "one moment" at once and
``views.update`` brings the result when it is ready. Closing a half-filled modal keeps what
was typed as a draft, for people the workspace gate lets in only.
"""

from __future__ import annotations

import asyncio
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters import slack_text, slack_views
from bot.adapters.slack_delivery import Where
from bot.adapters.slack_turns import Ack, SlackTurns, conversation_ref, slack_identity
from kernel.core import Identity, Platform, Reply, Submit
from kernel.i18n import Translator
from turn import admission
from turn.forms import safe_values

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
        work = asyncio.ensure_future(
            self.bot.handle(identity, event, conversation_ref=conversation_ref(where))
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
        replies = work.result()
        t = await self.delivery.translator(where)
        for next_form in (r.form for r in replies if r.form is not None):
            if slack_views.needs_suggestions(next_form):
                await self.bot.state.remember_form(Platform.SLACK, where.identity_user, next_form)
        response, follow_up = _submit_response(replies, view, t, title, where)
        await ack(**response)
        if follow_up:
            self.turns.spawn(
                self._after_submit(where, identity, event.form_id, follow_up), "submitted"
            )

    async def _after_submit(
        self, where: Where, identity: Identity, form_id: str, replies: list[Reply]
    ) -> None:
        """A copy of the confirmation in the DM: the reference number stays findable there."""
        await self.bot.state.clear_draft(identity.platform, identity.user_id, form_id)
        await self.delivery.post(
            where.but(channel=None), replies, await self.delivery.translator(where)
        )

    async def _finish_slow_submit(
        self,
        where: Where,
        view: dict[str, Any],
        event: Submit,
        work: asyncio.Future[list[Reply]],
        title: str,
    ) -> None:
        """The "one moment" view becomes the result, or the form again with its errors."""
        replies = await work
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
            await where.client.views_update(view_id=view["id"], view=response["view"])
        if follow_up:
            await self._after_submit(
                where, slack_identity(where.team_id, where.user_id), event.form_id, follow_up
            )

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
