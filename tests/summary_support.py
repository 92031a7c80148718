"""The real weekly summary (``cycle.summary``) as the outbox holds it, for the adapter tests.

``summary_due`` queues the programme leader's summary at Monday 08:30 with the chart written
by matplotlib; the dispatcher later sends ``Reply.model_validate(message.payload)``. The
adapter tests send exactly that reply through a platform messenger.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cycle.session_ports import default_toolkit
from cycle.summary_schedule import summary_due
from kernel.clock import ManualClock
from kernel.core import Image, Reply
from storage.domain import NewSignal
from turn.pipeline import Signaalbot

MONDAY_0830 = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)  # 08:30 in Amsterdam, week 49


async def queued_summary(
    bot: Signaalbot, clock: ManualClock, person_id: int, folder: Path
) -> tuple[Reply, Path]:
    """Make ``person_id`` programme leader, let week 48 happen, queue and return the summary."""
    now = clock.now()
    async with bot.services.uow() as uow:
        await uow.people.set_roles(person_id, frozenset({"programme_leader"}))
        for n, theme in enumerate(["leren", "leren", "inwonerservaring"]):
            await uow.signals.add(
                NewSignal(text=f"Signaal nummer {n} over wachttijden", theme_key=theme),
                now + timedelta(hours=n),
            )
        await uow.commit()
    clock.set(MONDAY_0830)
    toolkit = default_toolkit(None, folder)
    async with bot.services.uow() as uow:
        assert await summary_due(uow, bot.services, clock.now(), toolkit=toolkit) == 1
        [message] = await uow.outbox.find()
        await uow.commit()
    reply = Reply.model_validate(message.payload)
    image = next(b for b in reply.blocks if isinstance(b, Image))
    assert image.path is not None and image.url is None
    chart = Path(image.path)
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return reply, chart
