"""The outbox dispatcher: claim due messages, send them, record what happened.

Claiming uses a lease (``claimed_by`` / ``claimed_until``) taken in its own short transaction:
on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` so several instances share the work without
waiting; on SQLite the single writer gives the same guarantee. Each outcome is committed right
after its send, so a crash can only repeat the one message that was in flight (the crash
window); a lease that ran out makes the message claimable again after a restart.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cycle.rules import ReminderRules
from cycle.workdays import WorkingCalendarLike
from kernel.core import Reply
from kernel.logging import get_logger
from kernel.messenger import Address, Messenger, RecipientUnreachableError, TemporaryFailureError
from storage.domain import OutboxMessage, Person
from turn.context import Services

log = get_logger("signaalbot.dispatcher")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(slots=True)
class DispatchResult:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    deferred: int = 0  # outside office hours at send time: moved to the next working moment
    unreachable: int = 0
    failed: int = 0
    lost_lease: int = 0
    sent_keys: list[str] = field(default_factory=list)


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def pick_identity(person: Person, messengers: Mapping[str, Messenger]) -> Address | None:
    """The reachable identity we can send on, preferring where the person was last seen."""
    usable = [
        i for i in person.identities if i.unreachable_since is None and i.platform in messengers
    ]
    if not usable:
        return None
    return max(usable, key=lambda i: i.last_seen_at or EPOCH)


class Dispatcher:
    def __init__(
        self,
        services: Services,
        messengers: Mapping[str, Messenger],
        calendar: WorkingCalendarLike,
        rules: ReminderRules,
        *,
        worker_id: str | None = None,
    ) -> None:
        self.services = services
        self.messengers = messengers
        self.calendar = calendar
        self.rules = rules
        self.worker_id = worker_id or default_worker_id()
        self._skip_locked = services.db.dialect == "postgresql"

    def backoff(self, attempts: int, retry_after: float | None) -> timedelta:
        seconds = min(
            self.rules.backoff_base_seconds * 2 ** max(attempts - 1, 0),
            self.rules.backoff_max_seconds,
        )
        if retry_after is not None:
            seconds = max(seconds, retry_after)
        return timedelta(seconds=seconds)

    async def run_once(self, now: datetime, *, max_batches: int = 1000) -> DispatchResult:
        """Send everything that is due at ``now`` (batch after batch) and return the counts."""
        result = DispatchResult()
        for _ in range(max_batches):
            batch = await self._claim(now)
            if not batch:
                break
            result.claimed += len(batch)
            async with self.services.uow() as uow:
                people = await uow.cycles.people(m.person_id for _, m in batch)
            for token, message in batch:
                await self._deliver(token, message, people.get(message.person_id), now, result)
        return result

    async def _claim(self, now: datetime) -> list[tuple[str, OutboxMessage]]:
        token = f"{self.worker_id}:{uuid.uuid4().hex[:8]}"
        until = now + timedelta(seconds=self.rules.lease_seconds)
        async with self.services.uow() as uow:
            claimed = await uow.outbox.claim(
                token=token,
                now=now,
                until=until,
                limit=self.rules.batch_size,
                skip_locked=self._skip_locked,
            )
            await uow.commit()
        return [(token, m) for m in claimed]

    async def _deliver(
        self,
        token: str,
        message: OutboxMessage,
        person: Person | None,
        now: datetime,
        result: DispatchResult,
    ) -> None:
        logger = log.bind(outbox_id=message.id, person_id=message.person_id)
        if person is None or person.erased:
            await self._finish(token, message, now, result, status="unreachable", error="no_person")
            result.unreachable += 1
            return
        identity = pick_identity(person, self.messengers)
        if identity is None:
            platforms = ",".join(sorted(i.platform for i in person.identities)) or "-"
            logger.warning("no_reachable_identity", platforms=platforms)
            await self._finish(
                token, message, now, result, status="unreachable", error=f"no_identity:{platforms}"
            )
            result.unreachable += 1
            return
        tz = person.timezone or self.services.settings.timezone
        if message.office_hours_only and not self.calendar.is_working_moment(now, tz):
            # A prompt never goes out outside office hours, whatever not_before said (closures
            # may have changed). A notice about the person's own report goes out at once.
            await self._finish(
                token,
                message,
                now,
                result,
                status="pending",
                not_before=self.calendar.next_working_moment(now, tz),
                attempted=False,
            )
            result.deferred += 1
            return
        messenger = self.messengers[identity.platform]
        try:
            reply = Reply.model_validate(message.payload)
            sent = await messenger.send(identity, reply)
        except RecipientUnreachableError as exc:
            logger.warning("recipient_unreachable", platform=identity.platform)
            async with self.services.uow() as uow:
                await uow.people.mark_unreachable(identity.platform, identity.user_id, now)
                await uow.commit()
            await self._finish(
                token,
                message,
                now,
                result,
                status="unreachable",
                platform=identity.platform,
                error=f"unreachable:{type(exc).__name__}",
            )
            result.unreachable += 1
            return
        except TemporaryFailureError as exc:
            attempts = message.attempts + 1
            if attempts >= self.rules.max_attempts:
                logger.warning("send_failed_for_good", attempts=attempts)
                await self._finish(
                    token, message, now, result, status="failed", error=f"temporary:{exc}"
                )
                result.failed += 1
                return
            later = now + self.backoff(attempts, exc.retry_after)
            logger.info("send_retry", attempts=attempts, retry_at=later.isoformat())
            await self._finish(
                token,
                message,
                now,
                result,
                status="pending",
                not_before=self.calendar.next_working_moment(later, tz)
                if message.office_hours_only
                else later,
                error=f"temporary:{exc}",
            )
            result.retried += 1
            return
        except Exception as exc:  # a bug in an adapter must not stop the whole dispatch
            logger.exception("send_error")
            await self._finish(
                token, message, now, result, status="failed", error=f"error:{type(exc).__name__}"
            )
            result.failed += 1
            return
        if await self._finish(
            token,
            message,
            now,
            result,
            status="sent",
            platform=identity.platform,
            platform_message_id=sent.message_id,
        ):
            result.sent += 1
            result.sent_keys.append(message.key)
            logger.info("sent", platform=identity.platform)

    async def _finish(
        self,
        token: str,
        message: OutboxMessage,
        now: datetime,
        result: DispatchResult,
        *,
        status: str,
        error: str = "",
        platform: str | None = None,
        platform_message_id: str | None = None,
        not_before: datetime | None = None,
        attempted: bool = True,
    ) -> bool:
        async with self.services.uow() as uow:
            ok = await uow.outbox.finish(
                message.id,
                token,
                status=status,
                now=now,
                platform=platform,
                platform_message_id=platform_message_id,
                error=error,
                not_before=not_before,
                attempted=attempted,
            )
            await uow.commit()
        if not ok:
            result.lost_lease += 1
            log.warning("lease_lost", outbox_id=message.id)
        return ok
