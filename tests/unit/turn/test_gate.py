"""The turn gate (turn/gate.py): at most ``limit`` turns at once, and a turn waiting on the
platform (Teams' profile of someone new) waits outside it, so a slow platform API cannot hold
every place and stall everyone else's turns."""

from __future__ import annotations

import asyncio
from pathlib import Path

from kernel.core import Command, Identity, Platform
from tests.conftest import START
from tests.fake_uow import Store, fake_bot
from turn.gate import TurnGate


async def most_at_once(gate: TurnGate, turns: int) -> int:
    """How many of ``turns`` short turns were inside ``gate`` at the same time, at most."""
    inside, most = [0], [0]

    async def turn() -> None:
        async with gate.slot():
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            await asyncio.sleep(0.01)
            inside[0] -= 1

    await asyncio.gather(*(turn() for _ in range(turns)))
    return most[0]


async def test_no_more_than_the_limit_at_once() -> None:
    assert await most_at_once(TurnGate(limit=2), 6) == 2


async def test_a_turn_waiting_outside_holds_no_place() -> None:
    gate, platform_answers, others_done = TurnGate(limit=1), asyncio.Event(), asyncio.Event()

    async def waits_on_the_platform() -> None:
        async with gate.slot() as slot, slot.outside():
            await platform_answers.wait()

    async def another() -> None:
        async with gate.slot():
            others_done.set()

    slow = asyncio.create_task(waits_on_the_platform())
    await asyncio.sleep(0)
    await asyncio.wait_for(another(), timeout=1)  # with the place held this would hang
    assert others_done.is_set()
    platform_answers.set()
    await asyncio.wait_for(slow, timeout=1)


async def test_cancelled_while_queueing_again_gives_back_nothing_twice() -> None:
    gate = TurnGate(limit=1)
    holder_in, holder_out = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with gate.slot():
            holder_in.set()
            await holder_out.wait()

    async def outside_then_cancelled() -> None:
        async with gate.slot() as slot, slot.outside():
            await holder_in.wait()  # the other turn takes the place meanwhile

    waiting = asyncio.create_task(outside_then_cancelled())
    first = asyncio.create_task(holder())
    await holder_in.wait()
    await asyncio.sleep(0.01)  # ``waiting`` now queues to get back in
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    holder_out.set()
    await first
    # One place, free once: two turns at once would mean a place was given back twice.
    assert await most_at_once(gate, 3) == 1


async def test_the_pipeline_asks_the_platform_outside_the_gate(tmp_path: Path) -> None:
    """A new person's profile request that hangs does not stop a known person's turn."""
    bot = fake_bot(Store(), tmp_path, START)
    bot.gate.limit = 1
    answered, asked = asyncio.Event(), asyncio.Event()
    known = Identity(platform=Platform.TEAMS, user_id="t:bert", display_name="Bert")
    await bot.handle(known, Command(name="help", idempotency_key="k0"))

    async def slow_profile(identity: Identity) -> Identity:
        asked.set()
        await answered.wait()
        return identity.model_copy(update={"email_domain": "gemeente.nl"})

    new = Identity(platform=Platform.TEAMS, user_id="t:anna", display_name="Anna")
    first = asyncio.create_task(
        bot.handle_turn(
            new, Command(name="help", idempotency_key="k1"), complete_identity=slow_profile
        )
    )
    await asyncio.wait_for(asked.wait(), timeout=1)
    replies = await asyncio.wait_for(
        bot.handle(known, Command(name="help", idempotency_key="k2")), timeout=2
    )
    assert replies
    answered.set()
    result = await asyncio.wait_for(first, timeout=2)
    assert result.actor is not None and result.replies
