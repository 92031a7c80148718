"""Done-when of issue 8: a cycle started in the console runs through its four stages, with
prompts, a late owner and an escalation, driven by the injected clock."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.adapters.console import ConsoleAdapter
from cycle.scheduler import CycleScheduler
from cycle.workdays import load_calendar, working_days_before
from kernel.clock import ManualClock
from kernel.core import Submit
from tests.cycle.helpers import add_person, scheduler_for
from tests.fake_messenger import FakeMessenger
from tests.helpers import act, person, texts
from turn.pipeline import Signaalbot

AMS = ZoneInfo("Europe/Amsterdam")


async def run_days(
    scheduler: CycleScheduler, clock: ManualClock, until: date, hours: tuple[int, ...] = (7, 12)
) -> None:
    """Tick twice a day (before and during office hours) up to and including ``until``."""
    day = clock.now().astimezone(AMS).date() + timedelta(days=1)
    while day <= until:
        for hour in hours:
            clock.set(datetime.combine(day, time(hour), tzinfo=UTC))
            await scheduler.run_round()
        day += timedelta(days=1)


def kinds(fake: FakeMessenger, user: str) -> list[str]:
    return [d.reply.blocks[0].text for d in fake.to(user)]  # type: ignore[union-attr]


async def test_cycle_runs_through_four_stages_with_late_owner_and_escalation(
    sqlite_bot: Signaalbot, clock: ManualClock
) -> None:
    bot = sqlite_bot
    calendar = load_calendar(bot.settings)
    await add_person(bot, "leider", "programme_leader")
    await add_person(bot, "ans")
    await add_person(bot, "bram")
    scheduler, fake = scheduler_for(bot, clock)
    leider, ans, bram = person("leider"), person("ans"), person("bram")

    # 1. The programme leader starts the cycle in the console (form answered line by line).
    out = io.StringIO()
    console = ConsoleAdapter(bot, leider, io.StringIO("\nans\nbram\nans\nbram\n"), out)
    await console.send_line("cyclus start Evaluatie schuldhulp jongeren")
    assert "Leercyclus #1 'Evaluatie schuldhulp jongeren' is gestart" in out.getvalue()

    # 2. The owner of stage 1 gets a start prompt within office hours; clicks Klaar.
    await scheduler.run_round()
    start = fake.last("ans")
    assert "Fase 1 begint" in start.reply.plain_text
    replies = await act(bot, ans, start.button("cycle.done"))
    form = replies[0].form
    assert form is not None and form.inputs[0].label == "Welke lessen, en voor wie?"
    short = await act(
        bot, ans, Submit(form_id=form.form_id, values={"output": "kort"}, context=form.context)
    )
    assert "output" in short[0].errors  # too short: the form stays open
    done = await act(
        bot,
        ans,
        Submit(
            form_id=form.form_id,
            values={"output": "Lessen voor wijkteams: eerder bellen bij betalingsachterstand."},
            context=form.context,
        ),
    )
    assert "doorgegeven aan bram" in texts(done)
    again = await act(bot, ans, start.button("cycle.done"))  # an old prompt does nothing twice
    assert "al afgerond" in texts(again)

    # 3. Stage 2: bram is late. Reminders before and on the due date, then escalation.
    await scheduler.run_round()
    assert "Fase 2 begint" in fake.last("bram").reply.plain_text
    async with bot.services.uow() as uow:
        cycle = await uow.cycles.get(1)
    assert cycle is not None
    stage2 = cycle.stage(2)
    assert stage2 is not None and stage2.due_on is not None
    due = stage2.due_on
    escalate_on = calendar.add_working_days(due, 3)
    await run_days(scheduler, clock, escalate_on)
    bram_titles = kinds(fake, "bram")
    assert bram_titles == [
        "Fase 2 begint: Praktijk bijsturen",
        "Herinnering: Praktijk bijsturen",
        "Vandaag klaar: Praktijk bijsturen",
    ]
    escalation = fake.last("leider")
    assert "Fase 2 loopt achter" in escalation.reply.plain_text
    assert [b.label for b in escalation.buttons] == [
        "Herinner opnieuw",
        "Wijs iemand anders toe",
        "Verleng",
    ]
    # Every prompt went out on a working day within office hours (Amsterdam time).
    for delivery in fake.sent:
        assert delivery.at is not None
        assert calendar.is_working_moment(delivery.at, "Europe/Amsterdam"), delivery.at

    # 4. The leader reminds again (once a day at most) and then extends.
    assert "opnieuw een herinnering" in texts(
        await act(bot, leider, escalation.button("cycle.esc.remind"))
    )
    assert "vandaag al" in texts(await act(bot, leider, escalation.button("cycle.esc.remind")))
    await scheduler.run_round()
    assert fake.last("bram").reply.plain_text.startswith("Nog even aandacht voor")
    extended = await act(bot, leider, escalation.button("cycle.esc.extend"))
    assert "Verlengd" in texts(extended)
    assert "al aangepast" in texts(await act(bot, leider, escalation.button("cycle.esc.extend")))
    # bram is not a programme leader: the escalation buttons are not his.
    assert "niet doen met jouw rol" in texts(
        await act(bot, bram, escalation.button("cycle.esc.extend"))
    )

    # 5. A reminder before the new due date; bram postpones once, then finishes stage 2.
    async with bot.services.uow() as uow:
        stage2 = await uow.cycles.get_stage(stage2.id)
    assert stage2 is not None and stage2.due_on is not None and stage2.due_on > due
    assert stage2.extensions == 1 and stage2.postponements == 0
    await run_days(scheduler, clock, working_days_before(calendar, stage2.due_on, 3))
    latest = fake.last("bram")
    assert latest.reply.plain_text.startswith("Herinnering")
    postponed = await act(bot, bram, latest.button("cycle.postpone"))
    assert "Uitgesteld" in texts(postponed) and "nog 1 keer" in texts(postponed)
    form = (await act(bot, bram, latest.button("cycle.done")))[0].form
    assert form is not None
    await act(
        bot,
        bram,
        Submit(
            form_id=form.form_id,
            values={"output": "Wijkteams bellen binnen 5 dagen; Ans regelt het."},
            context=form.context,
        ),
    )

    # 6. Stages 3 and 4 hand over in turn; after stage 4 the cycle is closed with a conclusion.
    await scheduler.run_round()
    stage3 = fake.last("ans")
    assert "Fase 3 begint" in stage3.reply.plain_text
    form = (await act(bot, ans, stage3.button("cycle.done")))[0].form
    assert form is not None
    await act(
        bot,
        ans,
        Submit(
            form_id=form.form_id,
            values={"output": "Professionals merken minder spoedaanvragen."},
            context=form.context,
        ),
    )
    await scheduler.run_round()
    stage4 = fake.last("bram")
    assert "Fase 4 begint" in stage4.reply.plain_text
    form = (await act(bot, bram, stage4.button("cycle.done")))[0].form
    assert form is not None
    last = await act(
        bot,
        bram,
        Submit(
            form_id=form.form_id,
            values={
                "output": "Schuldhulpaanvragen 20% eerder; volgende vraag: bereik statushouders."
            },
            context=form.context,
        ),
    )
    assert "laatste fase" in texts(last)
    decision = last[-1]
    close = next(
        b
        for block in decision.blocks
        if hasattr(block, "buttons")
        for b in block.buttons  # type: ignore[attr-defined]
        if b.action_id == "cycle.close"
    )
    from kernel.core import Action

    conclusion_form = (await act(bot, bram, Action(action_id=close.action_id, value=close.value)))[
        0
    ].form
    assert conclusion_form is not None
    closed = await act(
        bot,
        bram,
        Submit(
            form_id=conclusion_form.form_id,
            values={"conclusion": "Eerder bellen werkt; we nemen het op in de werkwijze."},
            context=conclusion_form.context,
        ),
    )
    assert "is afgesloten" in texts(closed)
    card = texts(await act(bot, leider, bot.parse_text("cyclus 1")))
    assert "afgesloten" in card and "Eerder bellen werkt" in card
    async with bot.services.uow() as uow:
        final = await uow.cycles.get(1)
        outbox = await uow.outbox.find(limit=500)
    assert final is not None and final.status == "closed"
    assert [s.status for s in final.stages] == ["done"] * 4
    # Nothing left pending; every sent prompt has the platform's message id.
    assert {m.status for m in outbox} <= {"sent", "cancelled", "superseded"}
    assert all(m.platform_message_id for m in outbox if m.status == "sent")
