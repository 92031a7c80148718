"""Proactive messages on Slack: a direct message from the bot, or an update of an earlier one.

Why ``conversations.open`` every time: it is idempotent and cheap, returns the same DM channel
for the same person, and needs no stored channel that might have been archived. The message
``ts`` is what :class:`~kernel.messenger.Sent` records; an update opens the same DM and calls
``chat.update`` with it.

A local image in the reply (the weekly summary chart) goes into the same DM as a file, with the
current upload flow: ``files.getUploadURLExternal``, the bytes POSTed to the returned URL, then
``files.completeUploadExternal`` with the channel and the alt text as comment. The first two
steps run before the text is posted, so most failures (the file, the upload) happen before the
person sees anything and the outbox can simply try again. An update in place does not upload
again: the file is already in the DM from the first send.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.language import person_translator
from bot.adapters.slack_blocks import BlockRenderer, Upload
from bot.adapters.slack_text import MAX_ALT_TEXT, mrkdwn, shorten
from kernel.core import Reply
from kernel.i18n import Translator
from kernel.logging import get_logger
from kernel.messenger import Address, RecipientUnreachableError, Sent, TemporaryFailureError

if TYPE_CHECKING:
    from turn.pipeline import Signaalbot

log = get_logger("signaalbot.slack.messenger")

# Slack errors that mean: this person cannot be reached, retrying will not help.
UNREACHABLE_ERRORS = frozenset(
    {
        "account_inactive",
        "user_not_found",
        "users_not_found",
        "user_disabled",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "token_expired",
        "app_uninstalled",
        "team_access_not_granted",
        "cannot_dm_bot",
        "missing_scope",
    }
)
UPDATE_GONE_ERRORS = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})

TokenFor = Callable[[str], Awaitable[str | None]]
UPLOAD_TIMEOUT = 60.0  # seconds for POSTing the bytes of one file


class SlackSendError(Exception):
    """Slack refused the message for another reason (e.g. invalid blocks): a bug, not a retry."""


# --- files ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StagedUpload:
    """A file whose bytes Slack has, not yet shared in a conversation."""

    file_id: str
    title: str
    alt: str


def _retry_after(headers: Any) -> float | None:
    raw = (headers.get("Retry-After") or headers.get("retry-after")) if headers else None
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


async def stage_upload(client: AsyncWebClient, upload: Upload) -> StagedUpload:
    """Steps 1 and 2 of Slack's upload flow: ask for an upload URL, POST the bytes to it.

    Raises ``SlackApiError`` for step 1 (map it with :func:`map_error`), and for step 2
    :class:`TemporaryFailureError` (429, 5xx) or :class:`SlackSendError` (any other refusal).
    """
    alt = shorten(upload.alt, MAX_ALT_TEXT)
    got = await client.files_getUploadURLExternal(
        filename=upload.filename, length=len(upload.data), alt_txt=alt
    )
    url, file_id = str(got["upload_url"]), str(got["file_id"])
    timeout = aiohttp.ClientTimeout(total=UPLOAD_TIMEOUT)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.post(url, data=upload.data) as response,
    ):
        status = response.status
        if status == 429:
            raise TemporaryFailureError(
                "slack file upload: rate limited", retry_after=_retry_after(response.headers)
            )
        if status >= 500:
            raise TemporaryFailureError(f"slack file upload: {status}")
        if status != 200:
            raise SlackSendError(f"slack file upload: {status}")
    return StagedUpload(file_id=file_id, title=upload.filename, alt=alt)


async def share_upload(client: AsyncWebClient, channel: str, staged: StagedUpload) -> None:
    """Step 3: share the uploaded file in ``channel`` with its alt text as the comment."""
    await client.files_completeUploadExternal(
        files=[{"id": staged.file_id, "title": staged.title}],
        channel_id=channel,
        initial_comment=mrkdwn(staged.alt),
    )


# --- forms that wait behind an "Open the form" button ------------------------------------


async def translator_for(bot: Signaalbot, user_id: str, fallback: str | None = None) -> Translator:
    """The person's own language for the adapter's few texts (buttons, Close)."""
    return await person_translator(bot, "slack", user_id, fallback)


def split_user(identity_user_id: str, tenant: str | None) -> tuple[str, str]:
    """``T1:U1`` to team and user; the team from ``tenant`` when the id has none."""
    team, _, user = identity_user_id.rpartition(":")
    return (team or tenant or ""), user


def map_error(exc: SlackApiError, method: str) -> Exception:
    """Slack's answer to the error our outbox understands."""
    response = exc.response
    status = int(getattr(response, "status_code", 200) or 200)
    error = str(response.get("error", "")) if hasattr(response, "get") else ""
    if status == 429 or error == "ratelimited":
        retry_after = _retry_after(getattr(response, "headers", None))
        return TemporaryFailureError(f"slack {method}: rate limited", retry_after=retry_after)
    if status >= 500 or error in {"internal_error", "fatal_error", "service_unavailable"}:
        return TemporaryFailureError(f"slack {method}: {status} {error}".strip())
    if error in UNREACHABLE_ERRORS:
        return RecipientUnreachableError(f"slack {method}: {error}")
    return SlackSendError(f"slack {method}: {error or status}")


class SlackMessenger:
    """:class:`kernel.messenger.Messenger` for Slack."""

    platform = "slack"

    def __init__(self, bot: Signaalbot, token_for: TokenFor, api_url: str) -> None:
        self._bot = bot
        self._token_for = token_for
        self._api_url = api_url

    async def send(self, identity: Address, reply: Reply, *, update_id: str | None = None) -> Sent:
        ref = identity.conversation_ref or {}
        team, user = split_user(identity.user_id, identity.tenant or ref.get("team_id"))
        logger = log.bind(team_id=team, update=update_id is not None)
        token = await self._token_for(team)
        if not token:
            raise RecipientUnreachableError(f"slack: no installation for team {team}")
        client = AsyncWebClient(token=token, base_url=self._api_url)
        t = await translator_for(self._bot, identity.user_id)
        rendered = BlockRenderer(t, upload_files=True).render([reply])
        for form in rendered.forms:
            await self._bot.state.remember_form("slack", identity.user_id, form)
        if rendered.unavailable_images:
            logger.warning("image_unavailable", count=rendered.unavailable_images)
        method = "conversations.open"
        message_id: str | None = None
        try:
            opened = await client.conversations_open(users=user)
            channel = str(opened["channel"]["id"])
            if update_id is not None:
                method = "chat.update"
                try:
                    response = await client.chat_update(
                        channel=channel,
                        ts=update_id,
                        blocks=rendered.blocks,
                        text=rendered.fallback,
                    )
                    return Sent(message_id=str(response.get("ts") or update_id))
                except SlackApiError as exc:
                    if str(exc.response.get("error", "")) not in UPDATE_GONE_ERRORS:
                        raise
                    logger.info("update_target_gone_posting_new")
            method = "files.getUploadURLExternal"
            staged = [await stage_upload(client, upload) for upload in rendered.uploads]
            if rendered.blocks or not staged:
                method = "chat.postMessage"
                response = await client.chat_postMessage(
                    channel=channel, blocks=rendered.blocks, text=rendered.fallback
                )
                message_id = str(response.get("ts"))
            method = "files.completeUploadExternal"
            for upload in staged:
                await share_upload(client, channel, upload)
                logger.info("file_shared", file_id=upload.file_id)
        except SlackApiError as exc:
            error = map_error(exc, method)
            logger.warning("send_failed", method=method, error=type(error).__name__)
            raise error from None
        except (TimeoutError, aiohttp.ClientError) as exc:
            logger.warning("send_failed", method=method, error=type(exc).__name__)
            raise TemporaryFailureError(f"slack {method}: {type(exc).__name__}") from None
        except (TemporaryFailureError, SlackSendError) as exc:
            logger.warning("send_failed", method=method, error=type(exc).__name__)
            raise
        logger.info("sent", files=len(rendered.uploads))
        return Sent(message_id=message_id)
