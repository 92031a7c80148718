"""H sessions end to end, I/D/K sessions, idempotency and coalescing (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cycle.session_ports import SessionToolkit, default_toolkit
from cycle.sessions import (
    kind_of_key,
    load_session_config,
    plan_knowledge_session,
    plan_sessions,
    session_due,
)
from kernel.clock import ManualClock
from kernel.core import Action, Submit
from storage.domain import NewSignal, Person
from tests.helpers import act, person, texts
from turn.pipeline import Signaalbot


async def _people(bot: Signaalbot) -> dict[str, Person]:
    now = bot.services.clock.now()
    roles = {
        "pia": ("provider", "provider"),
        "bert": ("policy_officer", "municipality"),
        "lotte": ("programme_leader", "municipality"),
        "piet": ("professional", "municipality"),
    }
    people = {}
    async with bot.services.uow() as uow:
        for name, (role, org) in roles.items():
            people[name] = await uow.people.create(
                platform="console",
                user_id=name,
                now=now,
                display_name=name,
                roles=frozenset({role}),
                org_type=org,
            )
        await uow.commit()
    return people


async def _due(bot: Signaalbot, toolkit: SessionToolkit) -> int:
    async with bot.services.uow() as uow:
        added = await session_due(uow, bot.services, bot.services.clock.now(), toolkit=toolkit)
        await uow.commit()
    return added


async def _outbox_keys(bot: Signaalbot) -> list[str]:
    async with bot.services.uow() as uow:
        return [m.key for m in await uow.outbox.find(limit=1000)]


async def test_h_session_end_to_end(bot: Signaalbot, clock: ManualClock, tmp_path: Path) -> None:
    toolkit = h_series_toolkit(tmp_path)  # only the H series
    config = load_session_config()
    people = await _people(bot)
    now = clock.now()
    async with bot.services.uow() as uow:
        signal = await uow.signals.add(
            NewSignal(text="Jongeren wachten lang op schuldhulp in Woensel", theme_key="leren"), now
        )
        for name, p in people.items():
            if name != "pia":  # Pia, a provider, neither reported nor supports it
                await uow.signals.add_support(signal.id, p.id, "municipality", "", now)
        planned = await plan_sessions(uow, toolkit, config, now, now + timedelta(days=200), now)
        again = await plan_sessions(uow, toolkit, config, now, now + timedelta(days=200), now)
        await uow.commit()
    assert again == []
    h = next(s for s in planned if s.kind == "H")
    assert h.starts_at == datetime(
        2027, 3, 9, 12, 30, tzinfo=UTC
    )  # 2nd Tuesday, 13:30 CET (calendar.toml)

    # Six weeks ahead: providers and policy officers are invited, once.
    clock.set(h.starts_at - timedelta(days=42))
    assert await _due(bot, toolkit) == 2
    assert await _due(bot, toolkit) == 0
    keys = await _outbox_keys(bot)
    assert f"session-invite:{h.id}:person:{people['pia'].id}" in keys
    assert (
        (tmp_path / "invitations" / f"session-{h.id}.ics")
        .read_bytes()
        .startswith(b"BEGIN:VCALENDAR")
    )
    async with bot.services.uow() as uow:
        invite = next(m for m in await uow.outbox.find() if m.key.startswith("session-invite"))
    assert invite.not_before.weekday() < 5
    assert "session.rsvp" in str(invite.payload)

    pia, bert, lotte = person("pia"), person("bert"), person("lotte")
    replies = await act(bot, pia, Action(action_id="session.rsvp", value=f"{h.id}:ja"))
    assert "Fijn dat je komt" in texts(replies)
    await act(bot, bert, Action(action_id="session.rsvp", value=f"{h.id}:nee"))
    bad = await act(bot, pia, Action(action_id="session.rsvp", value="nonsense"))
    assert "niet vinden" in texts(bad)

    # Five weeks ahead: everybody may bring agenda items; supported signals are proposed.
    clock.set(h.starts_at - timedelta(days=35))
    assert await _due(bot, toolkit) == 4
    async with bot.services.uow() as uow:
        calls = {
            m.person_id: str(m.payload)
            for m in await uow.outbox.find(limit=100)
            if m.key.startswith("agenda-call")
        }
    # Providers are guests: a signal they did not report, support or get shared shows only
    # its theme until the agenda is set (turn/visibility.py).
    assert "Jongeren wachten" not in calls[people["pia"].id]
    assert "Een signaal over Leren" in calls[people["pia"].id]
    assert "Jongeren wachten" in calls[people["bert"].id]
    replies = await act(bot, pia, Action(action_id="session.agenda", value=str(h.id)))
    form = replies[0].form
    assert form is not None and form.context == str(h.id)
    short = await act(
        bot, pia, Submit(form_id=form.form_id, context=form.context, values={"text": "kort"})
    )
    assert short[0].errors
    long_text = "Wachtlijsten voor beschermd wonen bij statushouders " * 3
    saved = await act(
        bot, pia, Submit(form_id=form.form_id, context=form.context, values={"text": long_text})
    )
    assert "conceptagenda" in texts(saved)

    # Two weeks ahead: the preparation group (programme leader) confirms in one click.
    clock.set(h.starts_at - timedelta(days=14))
    assert await _due(bot, toolkit) == 1
    assert f"agenda-confirm:{h.id}:person:{people['lotte'].id}" in await _outbox_keys(bot)
    refused = await act(bot, pia, Action(action_id="session.confirm", value=str(h.id)))
    assert "voorbereidingsgroep" in texts(refused)
    done = await act(bot, lotte, Action(action_id="session.confirm", value=str(h.id)))
    assert "staat vast" in texts(done)
    closed = await act(bot, pia, Action(action_id="session.agenda", value=str(h.id)))
    assert "staat al vast" in texts(closed)

    # One week ahead: the reminder with the agenda goes to those who did not say no.
    clock.set(h.starts_at - timedelta(days=7))
    assert await _due(bot, toolkit) == 1
    async with bot.services.uow() as uow:
        reminder = next(m for m in await uow.outbox.find() if m.key.startswith("session-reminder"))
    assert reminder.person_id == people["pia"].id
    agenda = str(reminder.payload)
    assert "Jongeren wachten lang" in agenda and "verder onderzoeken" in agenda

    # Afterwards: the vote, then the winners enter the weighing as research questions.
    clock.set(h.starts_at + timedelta(hours=3))
    assert await _due(bot, toolkit) == 1
    async with bot.services.uow() as uow:
        items = await uow.meetings.items(h.id)
    assert {i.source for i in items} == {"signal", "proposal"}
    proposal = next(i for i in items if i.source == "proposal")
    thanks = await act(bot, pia, Action(action_id="session.vote", value=f"{h.id}:{proposal.id}"))
    assert "geteld" in texts(thanks)
    twice = await act(bot, pia, Action(action_id="session.vote", value=f"{h.id}:{proposal.id}"))
    assert "al gestemd" in texts(twice)
    outsider = await act(
        bot, person("piet"), Action(action_id="session.vote", value=f"{h.id}:{proposal.id}")
    )
    assert "stemronde" in texts(outsider)

    # Five WORKING days later, at the hour the session ended (weekend days do not count).
    ended = h.starts_at + timedelta(minutes=h.duration_minutes)
    closes = ended + timedelta(days=7 if ended.weekday() < 5 else 5)  # weekday: a whole week
    clock.set(closes - timedelta(minutes=1))
    await _due(bot, toolkit)
    async with bot.services.uow() as uow:
        assert await uow.questions.find() == []  # still open
    clock.set(closes)
    await _due(bot, toolkit)
    async with bot.services.uow() as uow:
        questions = await uow.questions.find()
        item = await uow.meetings.get_item(proposal.id)
        audit = [e.action for e in await uow.audit.for_entity("agenda_session", h.id)]
    assert [q.question for q in questions] == [long_text.strip()]
    assert item is not None and item.outcome == "research" and item.question_id == questions[0].id
    assert "session.vote_closed" in audit and "session.agenda_confirmed" in audit
    late = await act(bot, pia, Action(action_id="session.vote", value=f"{h.id}:{proposal.id}"))
    assert "gesloten" in texts(late)
    kinds = {kind_of_key(k) for k in await _outbox_keys(bot)}
    assert kinds == {"session_invite", "agenda_call", "agenda_confirm", "session_reminder", "vote"}


async def test_late_planning_coalesces(
    sqlite_bot: Signaalbot, clock: ManualClock, tmp_path: Path
) -> None:
    """Planned five days ahead: one invitation each, no separate reminder or agenda call;
    the preparation group still confirms the agenda."""
    bot, toolkit = sqlite_bot, default_toolkit(None, tmp_path)
    people = await _people(bot)
    now = clock.now()
    async with bot.services.uow() as uow:
        await uow.meetings.plan(
            key="H:test",
            kind="H",
            title="H",
            starts_at=now + timedelta(days=5),
            duration_minutes=120,
            now=now,
        )
        await uow.commit()
    await _due(bot, toolkit)
    await _due(bot, toolkit)
    keys = await _outbox_keys(bot)
    assert sorted(kind_of_key(k) for k in keys) == [
        "agenda_confirm",
        "session_invite",
        "session_invite",
    ]
    assert people["pia"].id in {int(k.rsplit(":", 1)[1]) for k in keys}


async def test_d_session_finishes_study_and_starts_cycle(
    bot: Signaalbot, clock: ManualClock, tmp_path: Path
) -> None:
    toolkit = default_toolkit(None, tmp_path)
    people = await _people(bot)
    now = clock.now()
    async with bot.services.uow() as uow:
        study, _ = await uow.studies.upsert(
            ref="ST-1", title="Monitor schulden", now=now, status="running"
        )
        d = await plan_knowledge_session(
            uow,
            load_session_config(),
            study_id=study.id,
            starts_at=now + timedelta(days=30),
            now=now,
            owners_by_stage={1: people["bert"].id, 2: people["lotte"].id},
        )
        await uow.commit()
    clock.set(d.starts_at - timedelta(days=21))
    assert await _due(bot, toolkit) == 2
    clock.set(d.starts_at - timedelta(days=7))
    assert await _due(bot, toolkit) == 2
    clock.set(d.starts_at + timedelta(hours=2))
    await _due(bot, toolkit)
    await _due(bot, toolkit)
    async with bot.services.uow() as uow:
        finished = await uow.studies.get(study.id)
    assert finished is not None and finished.status == "finished"
    async with bot.services.uow() as uow:
        [cycle] = await uow.cycles.find()
    assert cycle.study_id == study.id
    owners = {stage.number: [o.person_id for o in stage.owners] for stage in cycle.stages}
    assert owners[1] == [people["bert"].id] and owners[2] == [people["lotte"].id]


async def test_h_location_rotates_among_providers(
    sqlite_bot: Signaalbot, clock: ManualClock, tmp_path: Path
) -> None:
    config = load_session_config()
    rotating = replace(config.kind("H"), locations=("Lumens", "Neos", "Sociaal Kwadraat"))
    config = replace(config, kinds={**config.kinds, "H": rotating})
    toolkit = h_series_toolkit(tmp_path)
    now = clock.now()
    async with sqlite_bot.services.uow() as uow:
        planned = await plan_sessions(uow, toolkit, config, now, now + timedelta(days=1100), now)
        await uow.commit()
    assert [s.location for s in planned][:4] == ["Lumens", "Neos", "Sociaal Kwadraat", "Lumens"]


def h_series_toolkit(folder: Path) -> SessionToolkit:
    """The real toolkit with only the H series of calendar.toml planned."""
    toolkit = default_toolkit(None, folder)
    return replace(toolkit, rules=tuple(r for r in toolkit.rules if r.key == "H"))
