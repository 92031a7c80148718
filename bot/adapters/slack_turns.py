"""One Slack turn after the ack: who is talking, the call into the bot, the replies shown.

Why apart from the listeners: every listener acks at once and then runs the same steps in the
background (identity with the workspace-gate flags, ``Signaalbot.handle`` with the conversation
reference, :class:`~bot.adapters.slack_delivery.SlackDelivery`). The background tasks are kept
here so that tests and a graceful shutdown can wait for them (:meth:`SlackTurns.drain`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack_delivery import SlackDelivery, Where
from bot.adapters.slack_people import SlackProfiles
from kernel.core import Action, Command, Identity, Message, Platform, Reply, Submit
from kernel.i18n import Translator
from kernel.logging import get_logger
from turn import admission
from turn.pipeline import Signaalbot

log = get_logger("signaalbot.slack")

Event = Command | Message | Action | Submit
Ack = Callable[..., Awaitable[None]]  # bolt's ack(), with the response as keywords


def slack_identity(team_id: str, user_id: str, name: str = "") -> Identity:
    """Locale stays None: ``users.info`` per event costs a Web API call; people pick a
    language with ``taal en`` and the default is Dutch."""
    return Identity(
        platform=Platform.SLACK,
        user_id=f"{team_id}:{user_id}",
        display_name=name,
        tenant=team_id,
        locale=None,
    )


def conversation_ref(where: Where) -> dict[str, Any]:
    """What the outbox needs to reach the person again in the same place."""
    return {"team_id": where.team_id, "channel": where.channel, "user": where.user_id}


class SlackTurns:
    """Runs turns for the listeners; one per adapter (the task set is this instance's own)."""

    def __init__(self, bot: Signaalbot, delivery: SlackDelivery, *, oauth: bool) -> None:
        self.bot = bot
        self.delivery = delivery
        self.oauth = oauth
        self.profiles = SlackProfiles()
        self._home: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()

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

    async def drain(self) -> None:
        """Wait until all work started after an ack is done (tests, graceful shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def abandon(self) -> None:
        """Stop all work started after an ack where it stands, as a dying process would: a
        shutdown that cannot wait, and tests that stop an instance between commit and answer.
        What was committed and not yet answered is left to the follow-up (turn/follow_up)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

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
        return slack_identity(where.team_id, where.user_id, name).model_copy(
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

    async def handle(self, where: Where, event: Event, name: str = "") -> list[Reply]:
        """One call into the bot as the person at ``where``; the replies are not shown."""
        identity = await self.person(where, name)
        return await self.bot.handle(identity, event, conversation_ref=conversation_ref(where))

    async def dispatch_form(self, where: Where, event: Event, name: str = "") -> list[Reply]:
        """A command that opens a form: the modal opens first, the form follows into it.

        Why: Slack's trigger id lives 3 s, and with many people at once the turn's database
        work before ``views.open`` used it up. Opening the modal ("one moment") needs no
        database; ``views.update`` has no time limit. Someone the workspace gate refuses gets
        no modal: their turn answers as any other.
        """
        identity = await self.person(where, name)
        policy = admission.Policy.from_settings(self.bot.settings)
        if where.trigger_id and admission.decide(identity, policy).admitted:
            modal_id = await self.delivery.open_working(where)
            if modal_id is not None:
                where = where.but(trigger_id=None, modal_id=modal_id)
        result = await self.bot.handle_turn(
            identity, event, conversation_ref=conversation_ref(where)
        )
        await self.delivery.deliver(where, result.replies, result.t)
        return result.replies

    async def dispatch(self, where: Where, event: Event, name: str = "") -> list[Reply]:
        """Hand one event to the bot and show its replies (in the language the turn knows).

        A click's answer comes after the ack, so it gets a durable follow-up (a message or
        command gets none: their answers are not kept with the key, see turn/follow_up.py)."""
        identity = await self.person(where, name)
        result = await self.bot.handle_turn(
            identity,
            event,
            conversation_ref=conversation_ref(where),
            follow_up=isinstance(event, Action),
        )
        await self.show(where, result.replies, result.t, result.follow_up_key)
        return result.replies

    async def show(
        self, where: Where, replies: list[Reply], t: Translator, follow_up_key: str | None
    ) -> None:
        """Show a turn's replies, its follow-up taken first, so the person gets the answer once:
        what a dispatcher already sent (the grace was over) is not posted again."""
        handover = await self.bot.follow_ups.take(Platform.SLACK.value, follow_up_key, replies)
        try:
            posted = await self.delivery.deliver(where, handover.replies, t)
        except Exception:
            await handover.failed()  # the dispatcher sends it after the grace
            raise
        await handover.sent(directly=posted)
