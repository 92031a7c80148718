"""The dispatcher on SQLite and PostgreSQL: delivery, retries, unreachable people (reliability d)."""

from __future__ import annotations

from datetime import timedelta

from cycle.dispatcher import Dispatcher
from cycle.engine import kit_for
from kernel.clock import ManualClock
from kernel.core import text_reply
from kernel.messenger import RecipientUnreachableError, TemporaryFailureError
from tests.cycle.helpers import add_person
from tests.fake_messenger import FakeMessenger
from turn.pipeline import Signaalbot


async def _enqueue(bot: Signaalbot, person_id: int, key: str) -> None:
    async with bot.services.uow() as uow:
        assert await uow.outbox.enqueue(
            key=key,
            person_id=person_id,
            payload=text_reply("Hallo").model_dump(mode="json"),
            now=bot.services.clock.now(),
        )
        await uow.commit()


def _dispatcher(bot: Signaalbot, fake: FakeMessenger) -> Dispatcher:
    kit = kit_for(bot.services)
    return Dispatcher(bot.services, {"console": fake}, kit.calendar, kit.rules, worker_id="w1")


async def test_sends_and_records_platform_message_id(bot: Signaalbot, clock: ManualClock) -> None:
    ans = await add_person(bot, "ans")
    await _enqueue(bot, ans, "k1")
    fake = FakeMessenger(now=clock.now)
    result = await _dispatcher(bot, fake).run_once(clock.now())
    assert (result.sent, len(fake.sent)) == (1, 1)
    again = await _dispatcher(bot, fake).run_once(clock.now())
    assert again.claimed == 0 and len(fake.sent) == 1
    async with bot.services.uow() as uow:
        [row] = await uow.outbox.find()
    assert row.status == "sent" and row.platform_message_id == "console-1"
    assert row.sent_at == clock.now() and row.platform == "console"


async def test_unreachable_person_is_reported_and_never_retried(
    bot: Signaalbot, clock: ManualClock
) -> None:
    carla = await add_person(bot, "carla")
    await _enqueue(bot, carla, "k-carla")
    fake = FakeMessenger(now=clock.now, always_fail={"carla": RecipientUnreachableError("gone")})
    dispatcher = _dispatcher(bot, fake)
    first = await dispatcher.run_once(clock.now())
    assert first.unreachable == 1 and fake.calls == 1
    for _ in range(5):  # later rounds, days later: no new attempt
        clock.advance(timedelta(days=1))
        await dispatcher.run_once(clock.now())
    assert fake.calls == 1
    async with bot.services.uow() as uow:
        [row] = await uow.outbox.find(status="unreachable")
        person = await uow.people.get(carla)
    assert row.attempts == 1 and row.last_error.startswith("unreachable")
    assert person is not None and person.identities[0].unreachable_since is not None
    # A new prompt for the same person is not even attempted: no reachable identity left.
    await _enqueue(bot, carla, "k-carla-2")
    await dispatcher.run_once(clock.now())
    assert fake.calls == 1
    async with bot.services.uow() as uow:
        assert len(await uow.outbox.find(status="unreachable")) == 2


async def test_person_without_identity_on_a_known_platform(
    bot: Signaalbot, clock: ManualClock
) -> None:
    dirk = await add_person(bot, "T1:U9", platform="teams")
    await _enqueue(bot, dirk, "k-dirk")
    result = await _dispatcher(bot, FakeMessenger()).run_once(clock.now())
    assert result.unreachable == 1
    async with bot.services.uow() as uow:
        [row] = await uow.outbox.find()
    assert row.status == "unreachable" and row.last_error == "no_identity:teams"


async def test_temporary_failure_backs_off_honouring_retry_after_then_gives_up(
    bot: Signaalbot, clock: ManualClock
) -> None:
    eva = await add_person(bot, "eva")
    await _enqueue(bot, eva, "k-eva")
    fake = FakeMessenger(
        now=clock.now, failures={"eva": [TemporaryFailureError("429", retry_after=600)]}
    )
    dispatcher = _dispatcher(bot, fake)
    first = await dispatcher.run_once(clock.now())
    assert first.retried == 1 and not fake.sent
    async with bot.services.uow() as uow:
        [row] = await uow.outbox.find()
    assert row.status == "pending" and row.attempts == 1
    assert row.not_before == clock.now() + timedelta(seconds=600)  # retry_after beats 60 s
    assert (await dispatcher.run_once(clock.now() + timedelta(seconds=599))).claimed == 0
    clock.advance(timedelta(seconds=600))
    assert (await dispatcher.run_once(clock.now())).sent == 1
    # Always failing: after max_attempts the message counts as failed, not retried for ever.
    await _enqueue(bot, eva, "k-eva-2")
    fake.always_fail["eva"] = TemporaryFailureError("503")
    for _ in range(72):
        clock.advance(timedelta(hours=1))
        await dispatcher.run_once(clock.now())
    async with bot.services.uow() as uow:
        [failed] = await uow.outbox.find(status="failed")
        assert failed.attempts == kit_for(bot.services).rules.max_attempts
        # The operator can retry it once the platform is back.
        assert await uow.outbox.retry(None, clock.now()) == 1
        await uow.commit()
    del fake.always_fail["eva"]
    assert (await dispatcher.run_once(clock.now())).sent == 1


async def test_expired_lease_is_claimed_again_and_late_finish_is_refused(
    bot: Signaalbot, clock: ManualClock
) -> None:
    ans = await add_person(bot, "ans")
    await _enqueue(bot, ans, "k-lease")
    async with bot.services.uow() as uow:
        [claimed] = await uow.outbox.claim(
            token="dead", now=clock.now(), until=clock.now() + timedelta(seconds=120),
            limit=10, skip_locked=bot.services.db.dialect == "postgresql",
        )  # fmt: skip
        await uow.commit()
    fake = FakeMessenger(now=clock.now)
    assert (await _dispatcher(bot, fake).run_once(clock.now())).claimed == 0  # still leased
    clock.advance(timedelta(seconds=121))
    assert (await _dispatcher(bot, fake).run_once(clock.now())).sent == 1
    async with bot.services.uow() as uow:
        ok = await uow.outbox.finish(claimed.id, "dead", status="sent", now=clock.now())
        await uow.commit()
    assert not ok  # the crashed worker cannot overwrite what the new one recorded
