"""The Slack adapter on bolt's ``AsyncApp``: Slack payloads in, neutral events to the bot, Block
Kit out. Nothing here decides what to say; handlers do.

How a request flows (HTTP mode, ``POST /slack/events``; Socket Mode delivers the same payloads):

1. bolt checks the signature and the 5-minute timestamp window (forged or stale: 401);
2. our listener acks at once (an empty 200) and starts the work as an asyncio task, so Slack's
   3-second limit never depends on the database or matching. bolt runs with
   ``process_before_response=True`` because its other mode waits for the ack in 10 ms polling
   steps; we ack ourselves as the first thing anyway;
3. the task calls :meth:`Signaalbot.handle` with an idempotency key (``event_id`` or
   ``trigger_id``), so a retried delivery (``X-Slack-Retry-Num``) does nothing twice, and
   shows the replies: a form opens as a modal (``views.open`` with the trigger id), other
   replies go back by ``response_url``, into the DM, or into the App Home.

A modal submission is the one place where the answer must travel in the ack itself
(``response_action: errors`` shows validation messages next to the inputs). The handler gets
``ack_budget`` seconds (2 s); when it needs longer, the modal shows "one moment" at once and
``views.update`` brings the result when it is ready.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.adapters import slack_blocks as kit
from bot.adapters import slack_http, slack_text, slack_views
from bot.adapters.reply_outbox import hand_to_outbox
from bot.adapters.slack_messenger import (
    SlackSendError,
    map_error,
    share_upload,
    stage_upload,
    translator_for,
)
from bot.adapters.slack_people import SlackProfiles
from kernel.core import Action, Command, Form, Identity, Message, Platform, Reply, Submit
from kernel.i18n import Translator
from kernel.logging import get_logger
from kernel.messenger import TemporaryFailureError
from kernel.settings import Settings
from kernel.text import clean_in_place
from storage.slack_store import SqlInstallationStore, SqlOAuthStateStore
from storage.token_cipher import TokenCipher
from turn import admission
from turn.forms import safe_values
from turn.pipeline import Signaalbot

log = get_logger("signaalbot.slack")

Event = Command | Message | Action | Submit
Mode = Literal["http", "socket"]

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
COMMANDS = ("/signaal", "/vraag", "/signaalbot")
GLOBAL_SHORTCUT = "signaal_melden"
MESSAGE_SHORTCUT = "signaal_uit_bericht"
BOT_SCOPES = (
    "commands",
    "chat:write",
    "files:write",
    "im:write",
    "im:history",
    "users:read",  # guest and Slack Connect flags for the workspace gate (turn/admission.py)
)
BOT_EVENTS = ("app_home_opened", "message.im", "app_uninstalled", "tokens_revoked")


def slack_mode(settings: Settings) -> Mode:
    """Socket Mode when an app-level token (``xapp-…``) is set, else HTTP on /slack/events."""
    return "socket" if settings.slack_app_token is not None else "http"


def token_cipher(settings: Settings) -> TokenCipher:
    """The cipher for stored installation tokens; OAuth without keys is refused at start."""
    keys = _secret(settings.slack_token_keys)
    if not keys:
        raise ValueError(
            "Set SIGNAALBOT_SLACK_TOKEN_KEYS (make a key with `signaalbot slack new-key`): "
            "installed workspaces' bot tokens are stored encrypted"
        )
    return TokenCipher.from_setting(keys)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


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

    @property
    def identity_user(self) -> str:
        return f"{self.team_id}:{self.user_id}"


class SlackAdapter:
    """Translates between Slack and the bot; one per process, built by ``bot.bootstrap``."""

    def __init__(
        self,
        bot: Signaalbot,
        *,
        client: AsyncWebClient | None = None,
        ack_budget: float = 2.0,
    ) -> None:
        self.bot = bot
        settings = bot.settings
        self.settings = settings
        self.mode: Mode = slack_mode(settings)
        self.ack_budget = ack_budget
        self._tasks: set[asyncio.Task[None]] = set()
        self.oauth = (
            settings.slack_client_id is not None and settings.slack_client_secret is not None
        )
        services = bot.services
        self.installation_store = (
            SqlInstallationStore(
                services.uow,
                services.clock.now,
                token_cipher(settings),
                settings.slack_client_id or "",
            )
            if self.oauth
            else None
        )
        bot_token = _secret(settings.slack_bot_token)
        signing_secret = _secret(settings.slack_signing_secret)
        if self.mode == "http" and not signing_secret:
            raise ValueError("SIGNAALBOT_SLACK_SIGNING_SECRET is needed to serve /slack/events")
        self.verifier = (
            SignatureVerifier(signing_secret) if self.mode == "http" and signing_secret else None
        )
        if not self.oauth and not bot_token:
            raise ValueError(
                "Set SIGNAALBOT_SLACK_BOT_TOKEN, or SIGNAALBOT_SLACK_CLIENT_ID and _SECRET"
            )
        self.client = client or AsyncWebClient(
            token=None if self.oauth else bot_token, base_url=settings.slack_api_url
        )
        oauth_settings = None
        if self.oauth and self.installation_store is not None:
            base = (settings.base_url or "").rstrip("/")
            oauth_settings = AsyncOAuthSettings(
                client_id=settings.slack_client_id,
                client_secret=_secret(settings.slack_client_secret),
                scopes=list(BOT_SCOPES),
                installation_store=self.installation_store,
                state_store=SqlOAuthStateStore(services.uow, services.clock.now),
                install_path=INSTALL_PATH,
                redirect_uri_path=REDIRECT_PATH,
                redirect_uri=f"{base}{REDIRECT_PATH}" if base else None,
            )
        # bolt logs the raw body of a refused request; bodies carry message text (privacy).
        bolt_logger = logging.getLogger("signaalbot.slack.bolt")
        bolt_logger.setLevel(logging.ERROR)
        self.app = AsyncApp(
            logger=bolt_logger,
            client=self.client,
            signing_secret=signing_secret or "",
            installation_store=self.installation_store,
            oauth_settings=oauth_settings,
            process_before_response=True,
            request_verification_enabled=self.mode == "http",
        )
        if self.installation_store is not None:
            self.app.enable_token_revocation_listeners()
        self.profiles = SlackProfiles()
        self._home: str | None = None
        self._register()

    # --- wiring ----------------------------------------------------------------------------

    def _register(self) -> None:
        app = self.app
        app.use(_clean_payload)
        app.command(re.compile(r"^/(signaal|vraag|signaalbot)$"))(self._on_command)
        app.shortcut(GLOBAL_SHORTCUT)(self._on_shortcut)
        app.shortcut(MESSAGE_SHORTCUT)(self._on_shortcut)
        app.view_submission(re.compile("^" + re.escape(slack_text.FORM_CALLBACK_PREFIX)))(
            self._on_view_submission
        )
        app.view_closed(re.compile("^" + re.escape(slack_text.FORM_CALLBACK_PREFIX)))(
            self._on_view_closed
        )
        app.options(slack_text.INPUT_ACTION)(self._on_options)
        app.action(re.compile(".+"))(self._on_action)
        app.event("app_home_opened")(self._on_home_opened)
        app.event("message")(self._on_message)

    async def handle_http(self, request: web.Request) -> web.Response:
        """``POST /slack/events`` (and the OAuth GET pages): one call into bolt.

        A POST is checked first (size, signature, shape: :mod:`bot.adapters.slack_http`), so
        junk is a 4xx and never reaches bolt's parser.
        """
        if request.method == "POST":
            refusal = await slack_http.check(request, self.verifier)
            if refusal is not None:
                return refusal
        bolt_request = await to_bolt_request(request)
        flow = self.app.oauth_flow
        if request.method == "GET" and flow is not None:
            if request.path == flow.install_path:
                return await to_aiohttp_response(await flow.handle_installation(bolt_request))
            if request.path == flow.redirect_uri_path:
                return await to_aiohttp_response(await flow.handle_callback(bolt_request))
            raise web.HTTPNotFound()
        return await to_aiohttp_response(await self.app.async_dispatch(bolt_request))

    def spawn(self, work: Coroutine[Any, Any, object], what: str) -> None:
        """Run ``work`` after the ack; failures are logged with ids, never with message text."""

        async def guarded() -> None:
            try:
                await work
            except SlackApiError as exc:
                log.warning("slack_call_failed", work=what, error=exc.response.get("error"))
            except Exception:
                log.exception("slack_work_failed", work=what)

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self, *_: object) -> None:
        """Wait until all work started after an ack is done (tests, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def token_for(self, team_id: str) -> str | None:
        """The bot token for a workspace: the configured one, or the stored installation's."""
        if self.installation_store is None:
            return _secret(self.settings.slack_bot_token)
        bot = await self.installation_store.async_find_bot(enterprise_id=None, team_id=team_id)
        return bot.bot_token if bot is not None else None

    # --- identity --------------------------------------------------------------------------

    @staticmethod
    def identity(team_id: str, user_id: str, name: str = "") -> Identity:
        """Locale stays None: ``users.info`` per event costs a Web API call; people pick a
        language with ``taal en`` and the default is Dutch."""
        return Identity(
            platform=Platform.SLACK,
            user_id=f"{team_id}:{user_id}",
            display_name=name,
            tenant=team_id,
            locale=None,
        )

    async def person(self, where: Where, name: str = "") -> Identity:
        """The identity with what Slack says about the account (guest, Slack Connect).

        Someone is from outside when the payload or ``users.info`` names another workspace as
        theirs, or (one bot token) the event comes from a workspace that is not the token's.
        With OAuth every installed workspace is ours; bolt answers no other.
        """
        profile = await self.profiles.lookup(where.client, where.team_id, where.user_id)
        external = profile.external
        if where.user_team and where.user_team != where.team_id:
            external = True
        home = await self._home_team(where.client)
        if home is not None and where.team_id != home:
            external = True
        return self.identity(where.team_id, where.user_id, name).model_copy(
            update={"guest": profile.guest, "external": external}
        )

    async def _home_team(self, client: AsyncWebClient) -> str | None:
        """The workspace of the one bot token (``auth.test``, asked once); None with OAuth."""
        if self.oauth:
            return None
        if self._home is None:
            try:
                answer = await client.auth_test()
            except SlackApiError as exc:
                log.warning("slack_auth_test_failed", error=exc.response.get("error"))
                return None
            self._home = str(answer.get("team_id") or "") or None
        return self._home

    @staticmethod
    def conversation_ref(where: Where) -> dict[str, Any]:
        return {"team_id": where.team_id, "channel": where.channel, "user": where.user_id}

    async def _t(self, where: Where) -> Translator:
        return await translator_for(self.bot, where.identity_user)

    async def dispatch(self, where: Where, event: Event, name: str = "") -> list[Reply]:
        """Hand one event to the bot and show its replies."""
        identity = await self.person(where, name)
        replies = await self.bot.handle(
            identity, event, conversation_ref=self.conversation_ref(where)
        )
        await self.deliver(where, replies)
        return replies

    # --- showing replies -------------------------------------------------------------------

    async def deliver(self, where: Where, replies: list[Reply]) -> None:
        if not replies:
            return
        forms = [b for r in replies for b in r.blocks if isinstance(b, Form)]
        rest = [
            Reply(blocks=tuple(b for b in r.blocks if not isinstance(b, Form)), errors=r.errors)
            for r in replies
        ]
        rest = [r for r in rest if r.blocks]
        t = await self._t(where)
        if forms and where.trigger_id:
            opened = await self.open_form(where, forms[0], t)
            forms = forms[1:] if opened else forms
        if rest or forms:
            extra = [Reply(blocks=(f,)) for f in forms]
            await self.post(where, [*rest, *extra], t)

    async def open_form(self, where: Where, form: Form, t: Translator) -> bool:
        if slack_views.needs_suggestions(form):
            # The options endpoint finds the form again for the type-ahead.
            await self.bot.state.remember_form(Platform.SLACK, where.identity_user, form)
        draft = await self.bot.state.load_draft(
            Platform.SLACK, self.identity(where.team_id, where.user_id).user_id, form.form_id
        )
        view = slack_views.modal(form, t, {"ch": where.channel or ""}, values=draft)
        try:
            if where.in_modal:
                await where.client.views_push(trigger_id=where.trigger_id, view=view)
            else:
                await where.client.views_open(trigger_id=where.trigger_id, view=view)
        except SlackApiError as exc:
            log.warning("modal_not_opened", error=exc.response.get("error"))
            return False
        return True

    async def post(self, where: Where, replies: list[Reply], t: Translator) -> None:
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
                return  # the outbox sends everything, images included
        if rendered.uploads:
            await self._upload(where, rendered.uploads)

    async def _upload(self, where: Where, uploads: list[kit.Upload]) -> None:
        """Local images go into the person's DM as files (a response_url cannot carry one)."""
        channel = where.channel if (where.channel or "").startswith("D") else None
        try:
            if channel is None:
                opened = await where.client.conversations_open(users=where.user_id)
                channel = str(opened["channel"]["id"])
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
            await self._post_blocks(where, rendered)
        except SlackApiError as exc:
            failure = map_error(exc, "chat.postMessage")
            if not isinstance(failure, TemporaryFailureError):
                raise
            return failure
        except (TimeoutError, aiohttp.ClientError) as exc:
            return TemporaryFailureError(f"slack chat.postMessage: {type(exc).__name__}")
        return None

    async def _post_blocks(self, where: Where, rendered: kit.Rendered) -> None:
        if where.response_url:
            private = not (where.channel or "").startswith("D")
            response = await AsyncWebhookClient(where.response_url).send_dict(
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
        channel = where.channel if (where.channel or "").startswith("D") else None
        if channel is None:
            opened = await where.client.conversations_open(users=where.user_id)
            channel = str(opened["channel"]["id"])
        await where.client.chat_postMessage(
            channel=channel, blocks=rendered.blocks, text=rendered.fallback
        )

    # --- listeners -------------------------------------------------------------------------

    async def _on_command(
        self, ack: Callable[..., Awaitable[None]], command: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        name = command["command"].lstrip("/")
        text = slack_text.from_slack(command.get("text", ""))
        key = f"trigger:{command.get('trigger_id')}"
        event: Event
        if name == "signaalbot":
            event = (
                self.bot.parse_text(text, key)
                if text.strip()
                else Command(name=name, idempotency_key=key)
            )
        else:
            event = Command(name=name, text=text, idempotency_key=key)
        where = Where(
            client=client,
            team_id=command["team_id"],
            user_id=command["user_id"],
            channel=command.get("channel_id"),
            response_url=command.get("response_url"),
            trigger_id=command.get("trigger_id"),
        )
        self.spawn(self.dispatch(where, event, command.get("user_name", "")), "command")

    async def _on_shortcut(
        self, ack: Callable[..., Awaitable[None]], shortcut: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user = shortcut.get("user", {})
        team = shortcut.get("team", {}).get("id") or user.get("team_id", "")
        text = slack_text.from_slack(shortcut.get("message", {}).get("text", ""))
        event = Command(
            name="signaal",
            text=text[: slack_text.MAX_INITIAL_VALUE],
            idempotency_key=f"trigger:{shortcut.get('trigger_id')}",
        )
        where = Where(
            client=client,
            team_id=team,
            user_id=user.get("id", ""),
            channel=shortcut.get("channel", {}).get("id"),
            response_url=shortcut.get("response_url"),
            trigger_id=shortcut.get("trigger_id"),
            user_team=user.get("team_id"),
        )
        self.spawn(self.dispatch(where, event, user.get("username", "")), "shortcut")

    async def _on_action(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        action = body["actions"][0]
        action_id = slack_text.neutral_action_id(action["action_id"])
        if action_id == slack_text.INPUT_ACTION:
            return  # typing in a modal input; the submit brings the values
        user = body.get("user", {})
        team = body.get("team", {}).get("id") or user.get("team_id", "")
        view = body.get("view") or {}
        where = Where(
            client=client,
            team_id=team,
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
            self.spawn(self._open_stashed(where, value), "open_form")
            return
        event: Event = (
            Command(name=value, idempotency_key=key)
            if action_id == slack_text.COMMAND_ACTION
            else Action(action_id=action_id, value=value, idempotency_key=key)
        )
        self.spawn(self.dispatch(where, event, user.get("username", "")), "action")

    async def _on_options(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        """Type-ahead of a long list in a modal: the options that fit what was typed so far."""
        view = body.get("view") or {}
        meta = slack_views.read_metadata(view.get("private_metadata"))
        user = body.get("user", {})
        team = body.get("team", {}).get("id") or user.get("team_id", "")
        where = Where(client=self.client, team_id=team, user_id=user.get("id", ""), channel=None)
        form = await self.bot.state.form(Platform.SLACK, where.identity_user, meta.get("f", ""))
        await ack(
            options=slack_views.suggest(form, str(body.get("block_id", "")), body.get("value", ""))
        )

    async def _open_stashed(self, where: Where, form_id: str) -> None:
        t = await self._t(where)
        form = await self.bot.state.form(Platform.SLACK, where.identity_user, form_id)
        if form is None or not await self.open_form(where, form, t):
            await self.post(replace(where, response_url=None), [_text(t("slack.form_gone"))], t)

    async def _on_view_submission(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        meta = slack_views.read_metadata(view.get("private_metadata"))
        user = body.get("user", {})
        team = body.get("team", {}).get("id") or user.get("team_id", "")
        where = Where(
            client=client,
            team_id=team,
            user_id=user.get("id", ""),
            channel=meta.get("ch") or None,
            user_team=user.get("team_id"),
        )
        identity = await self.person(where, user.get("username", ""))
        event = Submit(
            form_id=meta.get("f", ""),
            values=slack_views.view_values(view),
            context=meta.get("c", ""),
            # Submitted again (Slack says "trouble connecting" when no answer came, and the
            # person presses Submit once more): a new trigger id, the same view id and hash.
            idempotency_key=f"view:{view.get('id') or body.get('trigger_id')}:{view.get('hash')}",
        )
        work = asyncio.ensure_future(
            self.bot.handle(identity, event, conversation_ref=self.conversation_ref(where))
        )
        done, _ = await asyncio.wait({work}, timeout=self.ack_budget)
        title = str(view.get("title", {}).get("text", ""))
        if not done:
            t = self.bot.services.translator(None)
            await ack(response_action="update", view=slack_views.working_view(t, title))
            self.spawn(self._finish_slow_submit(where, view, event, work, title), "slow_submit")
            return
        replies = work.result()
        t = await self._t(where)
        for next_form in (r.form for r in replies if r.form is not None):
            if slack_views.needs_suggestions(next_form):
                await self.bot.state.remember_form(Platform.SLACK, where.identity_user, next_form)
        response, follow_up = self._submit_response(replies, view, t, title, where)
        await ack(**response)
        if follow_up:
            self.spawn(self._after_submit(where, identity, event.form_id, follow_up), "submitted")

    def _submit_response(
        self,
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
            return {
                "response_action": "update",
                "view": slack_views.result_view(replies, t, title),
            }, []
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

    async def _after_submit(
        self, where: Where, identity: Identity, form_id: str, replies: list[Reply]
    ) -> None:
        """A copy of the confirmation in the DM: the reference number stays findable there."""
        await self.bot.state.clear_draft(identity.platform, identity.user_id, form_id)
        await self.post(replace(where, channel=None), replies, await self._t(where))

    async def _finish_slow_submit(
        self,
        where: Where,
        view: dict[str, Any],
        event: Submit,
        work: asyncio.Future[list[Reply]],
        title: str,
    ) -> None:
        replies = await work
        t = await self._t(where)
        errors = {k: v for r in replies for k, v in r.errors.items()}
        if errors:
            # The submitted view is gone; show the form again with the messages on top.
            notice = " ".join(errors.values())
            again = dict(view)
            again["blocks"] = [
                {"type": "section", "text": {"type": "mrkdwn", "text": slack_text.mrkdwn(notice)}},
                # What was typed comes back, but never personal data the guard refused.
                *[_with_initial(b, safe_values(event.values)) for b in view.get("blocks", [])],
            ]
            keep = {
                k: view[k]
                for k in (
                    "type",
                    "callback_id",
                    "title",
                    "submit",
                    "close",
                    "private_metadata",
                    "notify_on_close",
                )
                if k in view
            }
            await where.client.views_update(
                view_id=view["id"], view={**keep, "blocks": again["blocks"]}
            )
            return
        response, follow_up = self._submit_response(replies, view, t, title, where)
        if "view" in response:
            await where.client.views_update(view_id=view["id"], view=response["view"])
        if follow_up:
            await self._after_submit(
                where, self.identity(where.team_id, where.user_id), event.form_id, follow_up
            )

    async def _on_view_closed(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        view: dict[str, Any],
        client: AsyncWebClient,
    ) -> None:
        """Closing a half-filled form keeps what was typed as a draft for next time."""
        await ack()
        meta = slack_views.read_metadata(view.get("private_metadata"))
        user = body.get("user", {})
        team = body.get("team", {}).get("id") or user.get("team_id", "")
        values = {k: v for k, v in slack_views.view_values(view).items() if v}
        if values and meta.get("f"):
            where = Where(
                client=client,
                team_id=team,
                user_id=user.get("id", ""),
                user_team=user.get("team_id"),
            )
            self.spawn(self._save_draft(where, meta["f"], values), "draft")

    async def _save_draft(self, where: Where, form_id: str, values: dict[str, str]) -> None:
        identity = await self.person(where)
        if not admission.decide(identity, admission.Policy.from_settings(self.settings)).admitted:
            return  # nothing is kept for someone who is not let in
        await self.bot.state.save_draft(identity.platform, identity.user_id, form_id, values)

    async def _on_home_opened(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("tab") != "home":
            return
        where = Where(client=client, team_id=body.get("team_id", ""), user_id=event.get("user", ""))
        name = "mijn signalen"  # the home tab shows the person's own signals
        command = Command(name=name, idempotency_key=f"event:{body.get('event_id')}")
        self.spawn(self._publish_home(where, command), "home")

    async def _publish_home(self, where: Where, command: Command) -> None:
        identity = await self.person(where)
        replies = await self.bot.handle(
            identity, command, conversation_ref=self.conversation_ref(where)
        )
        if not replies:
            return  # a retried delivery: the home tab was published the first time
        t = await self._t(where)
        await where.client.views_publish(
            user_id=where.user_id, view=slack_views.home_view(replies, t)
        )

    async def _on_message(
        self, body: dict[str, Any], event: dict[str, Any], client: AsyncWebClient
    ) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        where = Where(
            client=client,
            team_id=body.get("team_id", ""),
            user_id=event.get("user", ""),
            channel=event.get("channel"),
            user_team=event.get("user_team"),
        )
        text = slack_text.from_slack(event.get("text", ""))
        parsed = self.bot.parse_text(text, f"event:{body.get('event_id')}")
        self.spawn(self.dispatch(where, parsed), "message")

    # --- socket mode -----------------------------------------------------------------------

    async def socket_mode(self, _app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context: connect to Slack over a WebSocket, close on shutdown."""
        from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

        handler = AsyncSocketModeHandler(
            self.app,
            app_token=_secret(self.settings.slack_app_token),
            web_client=AsyncWebClient(base_url=self.settings.slack_api_url),
        )
        await handler.connect_async()  # type: ignore[no-untyped-call]
        log.info("slack_socket_mode_connected")
        try:
            yield
        finally:
            await handler.close_async()  # type: ignore[no-untyped-call]


async def _clean_payload(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:
    """NUL, lone surrogates and control codes leave every payload before a listener sees it
    (after bolt checked the signature over the raw bytes)."""
    clean_in_place(body)
    return await next()


def replace(where: Where, **changes: Any) -> Where:
    from dataclasses import replace as dc_replace

    return dc_replace(where, **changes)


def _text(text: str) -> Reply:
    from kernel.core import Text

    return Reply(blocks=(Text(text=text),))


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


SLACK_KEY: web.AppKey[SlackAdapter] = web.AppKey("slack", SlackAdapter)


def mount_slack(web_app: web.Application, adapter: SlackAdapter) -> None:
    """Add Slack's routes to the one aiohttp application (the adapter is built by bootstrap).

    HTTP mode: ``POST /slack/events``. Socket Mode (``SIGNAALBOT_SLACK_APP_TOKEN`` set): a
    WebSocket to Slack for the lifetime of the web app. With OAuth client id and secret:
    ``GET /slack/install`` and ``GET /slack/oauth_redirect`` for installing in more workspaces.
    """
    web_app[SLACK_KEY] = adapter
    if adapter.mode == "http":
        web_app.router.add_post(EVENTS_PATH, adapter.handle_http)
    else:
        web_app.cleanup_ctx.append(adapter.socket_mode)
    if adapter.oauth:
        web_app.router.add_get(INSTALL_PATH, adapter.handle_http)
        web_app.router.add_get(REDIRECT_PATH, adapter.handle_http)
    web_app.on_shutdown.append(adapter.drain)
    log.info("slack_mounted", mode=adapter.mode, oauth=adapter.oauth)
