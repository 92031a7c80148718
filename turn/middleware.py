"""Cross-cutting concerns of a turn as a middleware chain, in the spirit of bolt's middleware.

Each middleware gets the :class:`Turn` and a ``next_`` to call the rest of the chain; it may
answer instead (a refusal, a replayed answer, a friendly error). The order is fixed by
:func:`default_middleware`: errors outermost, so every failure below becomes a reply; then
one read of what every turn needs first (prefetch), the tenant and workspace gate (admission),
idempotency, person resolution and the role check. Each one is testable alone: without the
prefetch, idempotency and person resolution read for themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from kernel.core import Action, Actor, Identity, OrgType, Reply, Role, Submit, Text
from kernel.i18n import Translator, normalise_locale
from kernel.logging import get_logger
from storage.db import DatabaseUnavailableError
from storage.domain import Person
from storage.uow import AlreadyHandledError, DeliveryClaim, UnitOfWork
from turn import admission, follow_up
from turn.context import Services
from turn.router import Event, Route

log = get_logger("signaalbot.turn")

Next = Callable[[], Awaitable[list[Reply]]]
#: What the platform says of someone we have not stored yet (Teams: e-mail domain, guest), asked
#: by the adapter only when the pipeline's first read found nobody: see :class:`Admission`.
CompleteIdentity = Callable[[Identity], Awaitable[Identity]]
SEEN_REFRESH = timedelta(minutes=10)  # how stale "last seen" may get before a turn writes it
ANSWERED_AGAIN = (Submit, Action)  # delivered again after a commit: the same answer again


@dataclass(slots=True)
class Turn:
    """One inbound event on its way through the chain; middlewares fill in what they learn."""

    identity: Identity
    event: Event
    route: Route | None
    fallback_t: Translator  # the platform's language, until the person is known
    conversation_ref: dict[str, Any] | None = None
    actor: Actor | None = None
    claim: DeliveryClaim | None = None
    admission: admission.Decision | None = None
    prefetched: Prefetched | None = None
    replies: list[Reply] = field(default_factory=list)  # the handler's, as it adds them
    follow_up: bool = False  # the adapter answers after the ack: keep a durable follow-up
    follow_up_key: str | None = None  # set when one may be in the outbox (turn/follow_up.py)
    complete_identity: CompleteIdentity | None = None  # someone new, before the tenant gate

    @property
    def key(self) -> str | None:
        if not self.event.idempotency_key:
            return None
        return f"{self.identity.platform}:{self.event.idempotency_key}"


@dataclass(frozen=True, slots=True)
class Prefetched:
    """What :class:`Prefetch` read: whether the delivery was handled (and its answer), the person."""

    seen: bool
    answer: list[dict[str, Any]] | None
    person: Person | None


class Middleware(Protocol):
    async def __call__(self, turn: Turn, next_: Next) -> list[Reply]: ...


def warning(text: str, *, form: bool = False) -> Reply:
    """A warning reply; for a form, an error that keeps the form and what was typed."""
    return Reply(blocks=(Text(text=text, style="warning"),), errors={"_form": text} if form else {})


@dataclass(frozen=True, slots=True)
class ErrorMapping:
    """Every failure becomes a kind reply: the database briefly away, or a bug (with a code)."""

    services: Services

    async def __call__(self, turn: Turn, next_: Next) -> list[Reply]:
        t = self._t(turn)
        try:
            return await next_()
        except DatabaseUnavailableError:
            log.warning("database_unavailable", event_key=turn.key)
            return [warning(t("core.db_unavailable"), form=isinstance(turn.event, Submit))]
        except Exception:
            code = uuid.uuid4().hex[:8]
            log.exception("handler_failed", code=code, event_key=turn.key)
            return [warning(t("core.error", code=code))]

    def _t(self, turn: Turn) -> Translator:
        if turn.actor is None:
            return turn.fallback_t
        return self.services.translator(turn.actor.locale, turn.actor.timezone)


@dataclass(frozen=True, slots=True)
class Prefetch:
    """One read-only unit of work for what every turn reads first: whether its delivery key was
    handled before (with the answer) and the person behind the identity.

    Why: each unit of work is a transaction with a dozen driver round trips (on SQLite each one
    a hop to the driver's thread); reading key and person apart cost two per turn."""

    services: Services

    async def __call__(self, turn: Turn, next_: Next) -> list[Reply]:
        key, identity = turn.key, turn.identity
        async with self.services.uow(read_only=True) as uow:
            seen, answer = await uow.processed.answer(key) if key else (False, None)
            person = None
            if not seen:
                person = await uow.people.find_by_identity(identity.platform, identity.user_id)
        turn.prefetched = Prefetched(seen=seen, answer=answer, person=person)
        return await next_()


@dataclass(frozen=True, slots=True)
class Idempotency:
    """A delivery is handled once. The key is claimed by the handler's own commit (see
    :class:`~storage.uow.DeliveryClaim`), so a crash before it leaves the key free for the
    platform's redelivery. A form or a click delivered again after its commit gets the first
    answer again (the confirmation of a stored signal must not get lost in a crash: Teams
    redelivers what got no 2xx); a repeated message or command gets no second answer, so
    Slack's retry of an event it thinks was lost never posts twice."""

    services: Services

    async def __call__(self, turn: Turn, next_: Next) -> list[Reply]:
        key = turn.key
        if key is None:
            return await next_()
        if turn.prefetched is not None:
            seen, answer = turn.prefetched.seen, turn.prefetched.answer
        else:
            async with self.services.uow(read_only=True) as uow:
                seen, answer = await uow.processed.answer(key)
        keep = isinstance(turn.event, ANSWERED_AGAIN)
        if seen:
            log.info("duplicate_event", event_key=key)
            if not keep:
                return []
            replies = _replies(answer)
            if turn.follow_up and follow_up.messages(replies):
                turn.follow_up_key = key  # the first delivery's follow-up may still wait
            return replies
        # Only forms and clicks are answered again, so only their answer is kept: what the
        # handler has answered by its first commit goes into that commit with the key (a crash
        # right after it still leaves the answer), the final answer afterwards if it differs.
        # With it, when the adapter asks, the follow-up that outlives a crash (turn/follow_up).
        claim = DeliveryClaim(
            key=key,
            received_at=self.services.clock.now(),
            answer=(lambda: _dumped(turn.replies)) if keep else None,
            with_key=(
                (lambda uow: self._follow_up(uow, turn, turn.replies))
                if keep and turn.follow_up
                else None
            ),
        )
        turn.claim = claim
        try:
            replies = await next_()
        except AlreadyHandledError:
            log.info("duplicate_event_lost_race", event_key=key)
            async with self.services.uow(read_only=True) as uow:
                replies = _replies((await uow.processed.answer(key))[1])
            if turn.follow_up and follow_up.messages(replies):
                turn.follow_up_key = key
            return replies
        except BaseException:
            await self._release(claim, turn)
            raise
        if any(r.errors for r in replies):
            await self._release(claim, turn)  # a refused form may be sent again with the key
            return replies
        stored = _dumped(replies) if keep else []
        if claim.claimed and (not keep or stored == claim.kept):
            return replies
        async with self.services.uow(None if claim.claimed else claim) as uow:
            if not claim.claimed:
                try:
                    await uow.commit()  # claims the key: the turn itself wrote nothing
                except AlreadyHandledError:
                    turn.follow_up_key = None
                    return []
            if keep and stored != claim.kept:
                await uow.processed.keep_answer(key, stored)
                if claim.with_key is not None:
                    await self._follow_up(uow, turn, replies, again=True)
                await uow.commit()
        return replies

    async def _follow_up(
        self, uow: UnitOfWork, turn: Turn, replies: list[Reply], *, again: bool = False
    ) -> None:
        """The follow-up of this turn's answer, in the transaction that claims (or re-keeps) it."""
        if turn.key is None or turn.actor is None:
            return
        if await follow_up.keep(
            uow,
            turn.key,
            person_id=turn.actor.person_id,
            replies=replies,
            services=self.services,
            again=again,
        ):
            turn.follow_up_key = turn.key
        elif again:
            turn.follow_up_key = None

    async def _release(self, claim: DeliveryClaim, turn: Turn) -> None:
        if not claim.claimed:
            return
        try:
            async with self.services.uow() as uow:
                await uow.processed.release(claim.key)
                if turn.follow_up_key is not None:
                    await follow_up.drop(uow, claim.key)
                    turn.follow_up_key = None
                await uow.commit()
        except DatabaseUnavailableError:
            log.warning("idempotency_key_not_released", event_key=claim.key)


def _dumped(replies: Sequence[Reply]) -> list[dict[str, Any]]:
    return [r.model_dump(mode="json") for r in replies]


def _replies(stored: Sequence[dict[str, Any]] | None) -> list[Reply]:
    return [Reply.model_validate(r) for r in stored or ()]


@dataclass(frozen=True, slots=True)
class Admission:
    """The tenant and workspace gate (:mod:`turn.admission`), before anything is stored: someone
    not let in gets one kind message in their platform's language and leaves one audit line,
    no person, no idempotency key, no state.

    Someone not stored yet is first completed with what the platform says of them
    (``turn.complete_identity``): the gate needs it only for new people, and only the
    prefetch's read knows who is new, so the adapter need not read the person a second time
    to decide whether to ask the platform (Teams did, for every new person's first turn)."""

    services: Services

    async def __call__(self, turn: Turn, next_: Next) -> list[Reply]:
        if turn.complete_identity is not None and (
            turn.prefetched is None or turn.prefetched.person is None
        ):
            completed = await turn.complete_identity(turn.identity)
            if (completed.platform, completed.user_id) != (
                turn.identity.platform,
                turn.identity.user_id,
            ):
                raise ValueError("complete_identity must keep the platform and user id")
            turn.identity = completed
        policy = admission.Policy.from_settings(self.services.settings)
        decision = admission.decide(turn.identity, policy)
        turn.admission = decision
        if decision.admitted:
            return await next_()
        log.info("admission_refused", platform=turn.identity.platform, reason=decision.reason)
        async with self.services.uow() as uow:
            await admission.record_refusal(uow, turn.identity, decision, self.services.clock.now())
            await uow.commit()
        return [Reply(blocks=(Text(text=turn.fallback_t("access.not_admitted")),))]


@dataclass(frozen=True, slots=True)
class PersonResolution:
    """Find or create the person behind the platform identity, and build the :class:`Actor`."""

    services: Services

    async def __call__(self, turn: Turn, next_: Next) -> list[Reply]:
        identity = turn.identity
        decision = turn.admission or admission.decide(
            identity, admission.Policy.from_settings(self.services.settings)
        )
        now = self.services.clock.now()
        if turn.prefetched is not None:
            person = turn.prefetched.person
        else:
            async with self.services.uow(read_only=True) as uow:
                person = await uow.people.find_by_identity(identity.platform, identity.user_id)
        if person is not None and not self._stale(person, identity, turn.conversation_ref, now):
            turn.actor = self._actor(identity, person, decision.cap)
            return await next_()
        async with self.services.uow() as uow:
            person = await uow.people.find_by_identity(identity.platform, identity.user_id)
            if person is None:
                person = await uow.people.create(
                    platform=identity.platform.value,
                    user_id=identity.user_id,
                    now=now,
                    display_name=identity.display_name,
                    tenant=identity.tenant,
                    org_type=decision.org_type.value,
                    roles=frozenset({decision.role.value}),
                    timezone=self.services.settings.timezone,
                    conversation_ref=turn.conversation_ref,  # seen now, reachable here
                )
                await uow.audit.record(
                    actor_id=person.id,
                    action="person.create",
                    entity="person",
                    entity_id=person.id,
                    now=now,
                )
            else:
                await uow.people.touch(
                    identity.platform.value, identity.user_id, now, turn.conversation_ref
                )
            await uow.commit()
        turn.actor = self._actor(identity, person, decision.cap)
        return await next_()

    @staticmethod
    def _stale(
        person: Person, identity: Identity, ref: dict[str, Any] | None, now: datetime
    ) -> bool:
        """Whether the stored address needs a write: unreachable, a new conversation reference,
        or not seen for a while (``last_seen_at`` picks the platform to reach someone on)."""
        address = person.identity(identity.platform.value)
        if address is None or address.unreachable_since is not None:
            return True
        if ref is not None and ref != address.conversation_ref:
            return True
        seen = address.last_seen_at
        return seen is None or now - seen > SEEN_REFRESH

    def _actor(self, identity: Identity, person: Person, cap: Role | None = None) -> Actor:
        settings = self.services.settings
        locale = person.locale or normalise_locale(identity.locale, settings.default_locale)
        roles = frozenset(Role(r) for r in person.roles if r in Role._value2member_map_)
        if cap is not None:
            # A guest or outsider never holds more than the cap, whatever was granted.
            roles = frozenset({cap})
        return Actor(
            platform=identity.platform,
            user_id=identity.user_id,
            person_id=person.id,
            name=person.display_name or identity.display_name,
            locale=locale,
            timezone=person.timezone,
            roles=roles or frozenset({Role.PROFESSIONAL}),
            org_type=OrgType(person.org_type)
            if person.org_type in OrgType._value2member_map_
            else OrgType.OTHER,
        )


@dataclass(frozen=True, slots=True)
class RoleCheck:
    """A route's roles are checked before its handler runs (admins hold every role)."""

    services: Services

    async def __call__(self, turn: Turn, next_: Next) -> list[Reply]:
        route, actor = turn.route, turn.actor
        if route is not None and actor is not None and route.roles and not actor.has(*route.roles):
            log.info("refused", person_id=actor.person_id, roles=sorted(route.roles))
            t = self.services.translator(actor.locale, actor.timezone)
            return [Reply(blocks=(Text(text=t("core.not_allowed")),))]
        return await next_()


def default_middleware(services: Services) -> tuple[Middleware, ...]:
    """The chain every turn runs through, outermost first."""
    return (
        ErrorMapping(services),
        Prefetch(services),
        Admission(services),
        Idempotency(services),
        PersonResolution(services),
        RoleCheck(services),
    )
