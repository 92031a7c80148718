"""The agenda, the vote and the outcomes: proposals, closing the vote, a held session, practice questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cycle.sessions.config import CLOSED_QUESTION_STATUSES, KindConfig
from cycle.sessions.run import SessionRun
from kernel.logging import get_logger
from storage.repositories.sessions import AgendaItem, AgendaSession
from storage.repositories.signals import SignalFilter

if TYPE_CHECKING:
    from storage.uow import UnitOfWork
    from turn.context import Services

log = get_logger("signaalbot.sessions")


def vote_closes_at(run: SessionRun, session: AgendaSession, cfg: KindConfig) -> datetime:
    """``vote_days`` WORKING days after the session, at the wall-clock time it ended.

    Why working days: a vote that closes on a Sunday, or in the week of Christmas, closes
    before the people who were there are back at work. The calendar is the one prompts use
    (weekends, Dutch public holidays, the municipality's closures).
    """
    zone = ZoneInfo(run.services.settings.timezone)
    end = (session.starts_at + timedelta(minutes=session.duration_minutes)).astimezone(zone)
    day = run.toolkit.calendar.add_working_days(end.date(), cfg.vote_days)
    return datetime.combine(day, end.time().replace(tzinfo=None), zone).astimezone(UTC)


async def propose_automatically(run: SessionRun, session: AgendaSession, cfg: KindConfig) -> None:
    """Put the most-supported new signals and open research questions on the draft agenda."""
    if session.details.get("proposed"):
        return
    uow, now = run.uow, run.now
    signals = await uow.signals.find(
        SignalFilter(status="nieuw", since=now - timedelta(days=183)), limit=500
    )
    counts = await uow.signals.support_counts([s.id for s in signals])
    ranked = sorted(
        (s for s in signals if counts.get(s.id, 0) > 0),
        key=lambda s: (-counts.get(s.id, 0), s.id),
    )[: cfg.proposed_signals]
    for signal in ranked:
        await uow.meetings.add_item(
            session.id,
            source="signal",
            text=signal.text,
            signal_id=signal.id,
            support=counts.get(signal.id, 0),
            now=now,
        )
    questions = [
        q for q in await uow.questions.find(limit=200) if q.status not in CLOSED_QUESTION_STATUSES
    ]
    for question in sorted(questions, key=lambda q: q.created_at)[: cfg.proposed_questions]:
        await uow.meetings.add_item(
            session.id, source="question", text=question.question, question_id=question.id, now=now
        )
    await uow.meetings.set_detail(session.id, "proposed", True)
    await uow.audit.record(
        actor_id=None,
        action="session.agenda_proposed",
        entity="agenda_session",
        entity_id=session.id,
        now=now,
        details={"signals": [s.ref for s in ranked], "questions": len(questions)},
    )


async def close_vote(
    uow: UnitOfWork,
    services: Services,
    session: AgendaSession,
    cfg: KindConfig,
    now: datetime,
) -> list[AgendaItem]:
    """Count the votes; the winners enter the weighing flow as research questions."""
    counts = await uow.meetings.vote_counts(session.id)
    items = await uow.meetings.items(session.id)
    winners = sorted(
        (i for i in items if counts.get(i.id, 0) > 0),
        key=lambda i: (-counts.get(i.id, 0), -i.support, i.id),
    )[: cfg.winners]
    t = services.translator(services.settings.default_locale)
    refs: list[str] = []
    chosen: list[AgendaItem] = []
    for item in winners:
        question_id = item.question_id
        if question_id is None:
            question = await uow.questions.add(
                question=item.text,
                now=now,
                why=t("sessions.question_why", date=t.date(session.starts_at.date())),
                requester_id=item.proposer_id,
                signal_ids=[item.signal_id] if item.signal_id else [],
            )
            question_id = question.id
            refs.append(question.ref)
            await uow.audit.record(
                actor_id=None,
                action="question.create",
                entity="question",
                entity_id=question.ref,
                now=now,
                details={"via": "session_vote", "session": session.id, "item": item.id},
            )
        chosen.append(
            await uow.meetings.update_item(item.id, outcome="research", question_id=question_id)
        )
    await uow.meetings.update(session.id, vote_closed_at=now, status="closed")
    await uow.audit.record(
        actor_id=None,
        action="session.vote_closed",
        entity="agenda_session",
        entity_id=session.id,
        now=now,
        details={
            "votes": {str(k): v for k, v in sorted(counts.items())},
            "winners": [i.id for i in chosen],
            "questions": refs,
        },
    )
    return chosen


async def mark_held(run: SessionRun, session: AgendaSession) -> None:
    """After the session: a D session finishes its study and starts the learning cycle."""
    uow, now = run.uow, run.now
    await uow.meetings.update(session.id, status="held")
    await uow.audit.record(
        actor_id=None, action="session.held", entity="agenda_session", entity_id=session.id, now=now
    )
    if session.kind != "D" or session.study_id is None:
        return
    await uow.studies.mark_finished(session.study_id, now)
    await uow.audit.record(
        actor_id=None,
        action="study.finished",
        entity="study",
        entity_id=session.study_id,
        now=now,
        details={"via": "session", "session": session.id},
    )
    owners = {int(k): int(v) for k, v in dict(session.details.get("owners", {})).items()}
    # One owner per stage agreed in the session; the cycle takes a list of owners per stage.
    await run.toolkit.start_cycle(
        uow, session.study_id, {stage: [person] for stage, person in owners.items()}, now
    )
    await uow.meetings.set_detail(session.id, "cycle_started", now.isoformat())


async def pick_practice_questions(
    run: SessionRun, session: AgendaSession, cfg: KindConfig
) -> AgendaSession:
    """K: pick one or two small practice questions from the past year's H outcomes."""
    if "practice_item_ids" in session.details:
        return session
    outcomes = await run.uow.meetings.items_with_outcome("research", run.now - timedelta(days=365))
    picked = sorted(outcomes, key=lambda i: (-i.support, i.id))[: cfg.practice_questions]
    updated = await run.uow.meetings.set_detail(
        session.id, "practice_item_ids", [i.id for i in picked]
    )
    await run.uow.audit.record(
        actor_id=None,
        action="session.practice_picked",
        entity="agenda_session",
        entity_id=session.id,
        now=run.now,
        details={"items": [i.id for i in picked]},
    )
    return updated
