"""The bot as adapters see it: one ``handle`` for every inbound event of every platform.

Like bolt's ``App``: a small object holding the router and the middleware chain. Adapters
turn a platform payload into an :class:`~kernel.core.Identity` and one event and call
:meth:`Signaalbot.handle`; they render the replies. Built once, by ``bot.bootstrap``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kernel.core import Actor, Command, Identity, Message, Reply
from kernel.i18n import Translator, normalise_locale
from kernel.logging import get_logger
from kernel.settings import Settings
from turn.context import Services, TurnContext
from turn.follow_up import FollowUps
from turn.gate import Slot, TurnGate
from turn.middleware import CompleteIdentity, Middleware, Next, Turn
from turn.router import Event, Router
from turn.state import ConversationState

log = get_logger("signaalbot.app")


@dataclass(frozen=True, slots=True)
class TurnResult:
    """The replies of one turn and the language to show them in.

    Why ``t``: an adapter writes a few texts of its own around the replies (a modal's buttons,
    "Verstuurd"); the turn already knows the person, so the adapter need not read them again.
    It is the person's language after the turn (``taal en`` switches at once)."""

    replies: list[Reply]
    t: Translator
    actor: Actor | None
    # The delivery key whose follow-up may wait in the outbox (``follow_up=True`` only): the
    # adapter takes it before showing the replies (turn/follow_up.py).
    follow_up_key: str | None = None


@dataclass(frozen=True, slots=True)
class Signaalbot:
    services: Services
    router: Router
    middleware: Sequence[Middleware]
    state: ConversationState
    gate: TurnGate = field(default_factory=TurnGate)  # turns at once (turn/gate.py)

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def parse_text(self, text: str, idempotency_key: str | None = None) -> Command | Message:
        return self.router.parse_text(text, idempotency_key)

    async def handle(
        self,
        identity: Identity,
        event: Event,
        *,
        conversation_ref: dict[str, Any] | None = None,
    ) -> list[Reply]:
        """Handle one inbound event from any platform and return the replies to show."""
        return (await self.handle_turn(identity, event, conversation_ref=conversation_ref)).replies

    async def handle_turn(
        self,
        identity: Identity,
        event: Event,
        *,
        conversation_ref: dict[str, Any] | None = None,
        follow_up: bool = False,
        complete_identity: CompleteIdentity | None = None,
    ) -> TurnResult:
        """As :meth:`handle`, with the person's translator for what the adapter adds.

        ``follow_up``: the adapter shows the answer only after the platform's ack, so a form's
        or click's answer is also kept in the outbox in the turn's commit and sent by the
        dispatcher if the adapter never takes it (:mod:`turn.follow_up`).
        ``complete_identity``: asked once if nobody is stored for ``identity`` yet, before the
        tenant gate decides (it must keep the platform and user id); it waits outside the turn
        gate, as a request to the platform does not use what the gate protects."""
        fallback = normalise_locale(identity.locale, self.settings.default_locale)
        turn = Turn(
            identity=identity,
            event=event,
            route=self.router.route_for(event),
            fallback_t=self.services.translator(fallback),
            conversation_ref=conversation_ref,
            follow_up=follow_up,
        )
        async with self.gate.slot() as slot:
            if complete_identity is not None:
                turn.complete_identity = _outside(slot, complete_identity)
            replies = await self._run(turn, 0)
        return TurnResult(
            replies=replies,
            t=self._translator(turn),
            actor=turn.actor,
            follow_up_key=turn.follow_up_key,
        )

    @property
    def follow_ups(self) -> FollowUps:
        """Where an adapter takes a turn's follow-up before it delivers the answer itself."""
        return FollowUps(self.services)

    def _translator(self, turn: Turn) -> Translator:
        if turn.actor is not None:
            return self.services.translator(turn.actor.locale, turn.actor.timezone)
        person = turn.prefetched.person if turn.prefetched is not None else None
        if person is not None and person.locale:
            return self.services.translator(person.locale, person.timezone)
        return turn.fallback_t

    async def _run(self, turn: Turn, position: int) -> list[Reply]:
        if position < len(self.middleware):

            async def next_() -> list[Reply]:
                return await self._run(turn, position + 1)

            step: Next = next_
            return await self.middleware[position](turn, step)
        return await self._dispatch(turn)

    async def _dispatch(self, turn: Turn) -> list[Reply]:
        if turn.actor is None:
            raise RuntimeError("the middleware chain did not resolve the person")
        ctx = TurnContext(
            services=self.services,
            actor=turn.actor,
            event=turn.event,
            replies=turn.replies,  # shared, so the delivery claim can keep what is answered
            claim=turn.claim,
        )
        logger = log.bind(
            platform=turn.identity.platform, kind=turn.event.kind, person_id=turn.actor.person_id
        )
        if turn.route is None:
            logger.info("no_route")
            await ctx.say("core.unknown_command")
            return ctx.replies
        await turn.route.handler(ctx)
        turn.actor = ctx.actor  # a handler may change it (``taal en``)
        logger.info("handled", replies=len(ctx.replies))
        return ctx.replies


def _outside(slot: Slot, complete: CompleteIdentity) -> CompleteIdentity:
    """``complete`` (a request to the platform) waiting outside the turn gate."""

    async def completed(identity: Identity) -> Identity:
        async with slot.outside():
            return await complete(identity)

    return completed
