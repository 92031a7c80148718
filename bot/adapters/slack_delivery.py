"""Showing one turn's replies in Slack: a form as a modal, the rest as Block Kit messages.

Why its own module: every listener (commands, buttons, submissions, the home tab) ends by
showing replies, and where they go depends only on :class:`Where` (a ``response_url``, the
DM, a trigger id for a modal), not on which listener asked. A reply Slack refuses for now
(429, 5xx, network) goes to the outbox, which sends it again later.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters import slack_blocks as kit
from bot.adapters import slack_views
from bot.adapters.reply_outbox import hand_to_outbox
from bot.adapters.slack_messenger import (
    SlackSendError,
    map_error,
    share_upload,
    stage_upload,
    translator_for,
)
from kernel.core import Form, Platform, Reply, Text
from kernel.i18n import Translator
from kernel.logging import get_logger
from kernel.messenger import TemporaryFailureError
from turn.pipeline import Signaalbot

log = get_logger("signaalbot.slack")


@dataclass(frozen=True, slots=True)
class Where:
    """Where the replies of one turn go."""

    client: AsyncWebClient
    team_id: str
    user_id: str  # Slack's own user id (U…)
    channel: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None
    in_modal: bool = False
    user_team: str | None = None  # the person's own workspace, when the payload names it
    modal_id: str | None = None  # a modal already open ("one moment"): the form goes into it

    @property
    def identity_user(self) -> str:
        return f"{self.team_id}:{self.user_id}"

    def but(self, **changes: Any) -> Where:
        """The same place with some fields changed (no response_url: post into the DM)."""
        return dataclass_replace(self, **changes)

    @property
    def direct_channel(self) -> str | None:
        """The DM channel when the turn came from one (``D…``); None anywhere else."""
        return self.channel if (self.channel or "").startswith("D") else None


def text_reply(text: str) -> Reply:
    """One line of text as a reply (the adapter's own notices, such as "form gone")."""
    return Reply(blocks=(Text(text=text),))


class SlackDelivery:
    """Shows neutral replies in Slack; one per adapter, shared by every listener."""

    def __init__(self, bot: Signaalbot) -> None:
        self.bot = bot

    async def translator(self, where: Where) -> Translator:
        """The person's own language for the adapter's few texts (buttons, Close)."""
        return await translator_for(self.bot, where.identity_user)

    async def deliver(
        self, where: Where, replies: list[Reply], t: Translator | None = None
    ) -> bool:
        """The first form opens as a modal when there is a trigger id; the rest is posted.

        ``t``: the person's translator when the turn already knows it (no second read).
        False when Slack refused the message for now and it went into the outbox instead."""
        if not replies:
            return True
        forms = [b for r in replies for b in r.blocks if isinstance(b, Form)]
        rest = [
            Reply(blocks=tuple(b for b in r.blocks if not isinstance(b, Form)), errors=r.errors)
            for r in replies
        ]
        rest = [r for r in rest if r.blocks]
        t = t or await self.translator(where)
        if where.modal_id and not forms:
            # The modal opened before the turn; it shows the answer (a refusal, a notice).
            view = slack_views.result_view(rest, t, t("slack.working_title"))
            await where.client.views_update(view_id=where.modal_id, view=view)
            return True
        if forms and (where.trigger_id or where.modal_id):
            opened = await self.open_form(where, forms[0], t)
            forms = forms[1:] if opened else forms
        if rest or forms:
            extra = [Reply(blocks=(f,)) for f in forms]
            return await self.post(where, [*rest, *extra], t)
        return True

    async def open_form(self, where: Where, form: Form, t: Translator) -> bool:
        """Open (or, inside a modal, push) the form with the person's draft; False if refused.

        The modal opens first: Slack's trigger id lives 3 s, and under load every write before
        ``views.open`` (the form kept for the type-ahead) counts against it.
        """
        draft = await self.bot.state.load_draft(Platform.SLACK, where.identity_user, form.form_id)
        view = slack_views.modal(form, t, {"ch": where.channel or ""}, values=draft)
        try:
            if where.modal_id:
                await where.client.views_update(view_id=where.modal_id, view=view)
            elif where.in_modal:
                await where.client.views_push(trigger_id=where.trigger_id, view=view)
            else:
                await where.client.views_open(trigger_id=where.trigger_id, view=view)
        except SlackApiError as exc:
            log.warning("modal_not_opened", error=exc.response.get("error"))
            return False
        if slack_views.needs_suggestions(form):
            # The options endpoint finds the form again for the type-ahead.
            await self.bot.state.remember_form(Platform.SLACK, where.identity_user, form)
        return True

    async def open_working(self, where: Where) -> str | None:
        """Open a modal at once with "one moment" (no database work first); its view id."""
        t = self.bot.services.translator(None)  # the person's own language needs a read
        try:
            answer = await where.client.views_open(
                trigger_id=where.trigger_id, view=slack_views.working_view(t, "")
            )
        except SlackApiError as exc:
            log.warning("modal_not_opened", error=exc.response.get("error"))
            return None
        view = answer.get("view")
        return str(view.get("id") or "") or None if isinstance(view, dict) else None

    async def post(self, where: Where, replies: list[Reply], t: Translator) -> bool:
        """Post the replies as one message; local images follow as files in the DM.

        False when Slack refused it for now and the outbox got it (it sends it later)."""
        rendered = kit.BlockRenderer(t, upload_files=True).render(replies)
        for form in rendered.forms:
            await self.bot.state.remember_form(Platform.SLACK, where.identity_user, form)
        if rendered.unavailable_images:
            log.warning("image_unavailable", count=rendered.unavailable_images)
        if rendered.blocks or not rendered.uploads:
            failure = await self._try_post_blocks(where, rendered)
            if failure is not None:
                await hand_to_outbox(
                    self.bot,
                    Platform.SLACK.value,
                    where.identity_user,
                    replies,
                    retry_after=failure.retry_after,
                    reason=str(failure),
                )
                return False  # the outbox sends everything, images included
        if rendered.uploads:
            await self._upload(where, rendered.uploads)
        return True

    async def _upload(self, where: Where, uploads: list[kit.Upload]) -> None:
        """Local images go into the person's DM as files (a response_url cannot carry one)."""
        try:
            channel = where.direct_channel or await _open_dm(where)
            for upload in uploads:
                staged = await stage_upload(where.client, upload)
                await share_upload(where.client, channel, staged)
                log.info("file_shared", file_id=staged.file_id)
        except (SlackApiError, TemporaryFailureError, SlackSendError) as exc:
            error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
            log.warning("file_upload_failed", error=error)
        except (TimeoutError, aiohttp.ClientError) as exc:
            log.warning("file_upload_failed", error=type(exc).__name__)

    async def _try_post_blocks(
        self, where: Where, rendered: kit.Rendered
    ) -> TemporaryFailureError | None:
        """Post the reply; a refusal for now (429, 5xx, network) is returned, not raised."""
        try:
            await _post_blocks(where, rendered)
        except SlackApiError as exc:
            failure = map_error(exc, "chat.postMessage")
            if not isinstance(failure, TemporaryFailureError):
                raise
            return failure
        except (TimeoutError, aiohttp.ClientError) as exc:
            return TemporaryFailureError(f"slack chat.postMessage: {type(exc).__name__}")
        return None


async def _post_blocks(where: Where, rendered: kit.Rendered) -> None:
    """By ``response_url`` when there is one (ephemeral outside the DM), else into the DM."""
    if where.response_url:
        private = where.direct_channel is None
        # The Web API client's session (one per process): no new connection per answer.
        webhook = AsyncWebhookClient(where.response_url, session=where.client.session)
        response = await webhook.send_dict(
            {
                "text": rendered.fallback,
                "blocks": rendered.blocks,
                "response_type": "ephemeral" if private else "in_channel",
                "replace_original": False,
            }
        )
        if response.status_code < 300:
            return
        log.warning("response_url_failed", status=response.status_code)
    channel = where.direct_channel or await _open_dm(where)
    await where.client.chat_postMessage(
        channel=channel, blocks=rendered.blocks, text=rendered.fallback
    )


async def _open_dm(where: Where) -> str:
    """The person's DM with the bot (``conversations.open``; Slack returns the same one)."""
    opened = await where.client.conversations_open(users=where.user_id)
    return str(opened["channel"]["id"])
