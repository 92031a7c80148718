"""What the people of ``signaalbot demo`` do, as they would in the chat.

Every action goes through the real pipeline (``Signaalbot.handle``): a signal is reported
through the signal form, triage is the research desk's button and reason form, an RSVP, an
agenda item, a vote or a finished stage is a click or a short form. Only the demo's start
(people, the study catalogue, the planned series) is written directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo_data import LATE_OWNER, STUDIES_ENDING, DemoParts, demo_catalogue
from cycle.prompts import ACTION_DONE, ACTION_REMIND
from cycle.sessions import load_session_config, plan_knowledge_session, plan_sessions
from handlers.intake import WHOLE_MUNICIPALITY
from kernel.clock import ManualClock
from kernel.core import Action, Buttons, Identity, Platform, Reply, Submit
from storage.domain import Person
from storage.repositories.signals import SignalFilter
from turn.pipeline import Signaalbot


def _identity(person_key: str, name: str = "") -> Identity:
    return Identity(platform=Platform.CONSOLE, user_id=person_key, display_name=name)


@dataclass
class Script:
    """What the people of the demo do: report, recognise, answer, propose, confirm, vote."""

    bot: Signaalbot
    parts: DemoParts
    data: dict[str, Any]
    clock: ManualClock
    first: date
    weeks: int
    reported: list[tuple[str, str]] = field(default_factory=list)  # (signal ref, reporter)
    signal_count: int = 0
    agenda_count: int = 0
    people: dict[str, Person] = field(default_factory=dict)

    def person_by_user(self, user_id: str) -> Person:
        return self.people[user_id]

    async def setup(self) -> None:
        now = self.clock.now()
        services = self.bot.services
        async with services.uow() as uow:
            for entry in self.data.get("person", []):
                self.people[entry["id"]] = await uow.people.create(
                    platform=Platform.CONSOLE.value,
                    user_id=entry["id"],
                    now=now,
                    display_name=entry["name"],
                    roles=frozenset(entry["roles"]),
                    org_type=entry.get("org", "municipality"),
                )
            catalogue = demo_catalogue(services.settings.config_dir)
            first_running = int(self.data.get("running_study", 0))
            running = {(first_running + n) % len(catalogue) for n in range(len(STUDIES_ENDING))}
            for index, row in enumerate(catalogue):
                await uow.studies.upsert(
                    ref=row["ref"],
                    title=row["title"],
                    summary=row.get("summary", "") or "",
                    source=row.get("source", "") or "",
                    url=row.get("url", "") or "",
                    now=now,
                    status="running" if index in running else "finished",
                )
            end = now + timedelta(weeks=self.weeks)
            await plan_sessions(
                uow,
                self.parts.toolkit,
                load_session_config(services.settings.config_dir),
                now,
                end,
                now,
                services.settings.timezone,
            )
            await uow.commit()

    async def events(self, week: int, day: date) -> None:
        """Things that happen on a working day, besides answering prompts."""
        weekday = day.weekday()
        if weekday in (1, 3):  # Tuesday and Thursday: a signal, or "ik zie dit ook"
            await self._signal()
        if weekday == 2 and week % 4 == 1:
            await self._triage()
        if weekday == 0 and week == 2:
            await self._question()
        if weekday == 4 and week in STUDIES_ENDING:
            await self._study_ends()

    async def _signal(self) -> None:
        signals = self.data.get("signal", [])
        reporters = ["joris", "eva", "pia", "sanne", "karim"]
        n = self.signal_count
        self.signal_count += 1
        reporter = reporters[n % len(reporters)]
        if n % 3 == 2 and self.reported:
            # A duplicate: the reporter recognises an earlier signal instead of reporting again.
            ref, original = self.reported[(n // 3) % len(self.reported)]
            if original != reporter:
                async with self.bot.services.uow() as uow:
                    signal = await uow.signals.get_by_ref(ref)
                    person = self.people[reporter]
                    if signal is not None:
                        await uow.signals.add_support(
                            signal.id, person.id, person.org_type, "", self.clock.now()
                        )
                        await uow.commit()
                return
        entry = signals[n % len(signals)]
        who = _identity(reporter)
        themes = {t.key for t in self.bot.services.domain.themes}
        theme = entry["theme"]
        replies = await self.bot.handle(
            who,
            Submit(
                form_id="signal.report",
                values={
                    "text": entry["text"],
                    "theme": theme if theme in themes else "maatschappelijke-ontwikkelingen",
                    "subdomain": "" if theme in themes else theme,
                    "area": WHOLE_MUNICIPALITY,
                    "since": "3to12m",
                    "org_type": self.people[reporter].org_type,
                },
                idempotency_key=f"demo-signal-{n}",
            ),
        )
        if any(
            isinstance(block, Buttons)
            and any(b.action_id == "signal.match.new" for b in block.buttons)
            for reply in replies
            for block in reply.blocks
        ):
            # Similar signals were shown; in the demo the reporter says it is new.
            replies = await self.bot.handle(who, Action(action_id="signal.match.new"))
        async with self.bot.services.uow() as uow:
            mine = await uow.signals.find(
                SignalFilter(reporter_id=self.people[reporter].id), limit=1
            )
        if mine and replies:
            self.reported.append((mine[0].ref, reporter))

    async def _triage(self) -> None:
        """The research desk picks up the oldest new signal with its buttons and reason form;
        the reporter hears about it through the outbox, as in production."""
        async with self.bot.services.uow() as uow:
            waiting = await uow.signals.find(SignalFilter(status="nieuw"), limit=500)
        if not waiting:
            return
        desk = _identity("ruud")
        ref = waiting[-1].ref
        status = "in_behandeling"
        opened = await self.bot.handle(
            desk, Action(action_id="triage.set", value=f"{ref}|{status}")
        )
        form = next((r.form for r in opened if r.form is not None), None)
        if form is None:
            return
        await self.bot.handle(
            desk,
            Submit(
                form_id=form.form_id,
                context=form.context,
                values={"reason": str(self.data.get("triage_reason", ""))},
            ),
        )

    async def _question(self) -> None:
        now = self.clock.now()
        async with self.bot.services.uow() as uow:
            text = str(self.data.get("question", {}).get("text", "")) or "?"
            question = await uow.questions.add(
                question=text,
                now=now,
                requester_id=self.people["bert"].id,
            )
            await uow.audit.record(
                actor_id=self.people["bert"].id,
                action="question.create",
                entity="question",
                entity_id=question.ref,
                now=now,
            )
            await uow.commit()

    async def _study_ends(self) -> None:
        """The running study ends: its D session is planned four weeks ahead with owners."""
        now = self.clock.now()
        services = self.bot.services
        zone = ZoneInfo(services.settings.timezone)
        day = now.astimezone(zone).date() + timedelta(days=26)  # a Wednesday
        while not self.parts.toolkit.calendar.is_working_day(day):
            day += timedelta(days=1)
        async with services.uow() as uow:
            running = [s for s in await uow.studies.all() if s.status == "running"]
            if not running:
                return
            owners = {1: "bert", 2: "fatima", 3: "pia", 4: "ruud"}
            await plan_knowledge_session(
                uow,
                load_session_config(services.settings.config_dir),
                study_id=running[0].id,
                starts_at=datetime.combine(day, time(14, 0), zone),
                now=now,
                owners_by_stage={stage: self.people[key].id for stage, key in owners.items()},
                actor_id=self.people["lotte"].id,
            )
            await uow.commit()

    async def react(self, person: Person, kind: str, reply: Reply, key: str = "") -> None:
        """One click (or one short form) in answer to a prompt, as people would."""
        identity = person.identity()
        if identity is None:
            return
        who = _identity(identity.user_id)
        buttons = [b for block in reply.blocks if isinstance(block, Buttons) for b in block.buttons]
        if kind in ("session_invite", "session_reminder") and buttons:
            answer = {"karim": "nee", "sanne": "misschien"}.get(identity.user_id, "ja")
            choice = next((b for b in buttons if b.value.endswith(":" + answer)), buttons[0])
            await self.bot.handle(who, Action(action_id=choice.action_id, value=choice.value))
        elif kind == "agenda_call" and identity.user_id in ("pia", "bert") and buttons:
            items = self.data.get("agenda", [])
            if not items:
                return
            opened = await self.bot.handle(
                who, Action(action_id=buttons[0].action_id, value=buttons[0].value)
            )
            form = opened[0].form if opened else None
            if form is not None:
                text = items[self.agenda_count % len(items)]["text"]
                self.agenda_count += 1
                await self.bot.handle(
                    who, Submit(form_id=form.form_id, context=form.context, values={"text": text})
                )
        elif kind == "agenda_confirm" and buttons:
            await self.bot.handle(
                who, Action(action_id=buttons[0].action_id, value=buttons[0].value)
            )
        elif kind == "escalation" and buttons:
            # The programme leader sends the late owner a reminder of their own.
            remind = next((b for b in buttons if b.action_id == ACTION_REMIND), None)
            if remind is not None:
                await self.bot.handle(who, Action(action_id=remind.action_id, value=remind.value))
        elif kind == "stage_reminder" and buttons:
            if identity.user_id == LATE_OWNER and key.startswith("stage-reminder:"):
                return  # busy: only the programme leader's own reminder gets her to act
            await self._finish_stage(who, buttons)
        elif kind == "vote" and buttons:
            picks = {buttons[0].value, buttons[(person.id + 1) % len(buttons)].value}
            for value in sorted(picks):
                await self.bot.handle(who, Action(action_id="session.vote", value=value))

    async def _finish_stage(self, who: Identity, buttons: list[Any]) -> None:
        """An owner finishes their stage when reminded: "klaar", then a short output."""
        done = next((b for b in buttons if b.action_id == ACTION_DONE), None)
        if done is None:
            return
        opened = await self.bot.handle(who, Action(action_id=done.action_id, value=done.value))
        form = next((r.form for r in opened if r.form is not None), None)
        if form is None:
            return
        output = str(self.data.get("stage_output", "")) or "Besproken in het team."
        await self.bot.handle(
            who, Submit(form_id=form.form_id, context=form.context, values={"output": output})
        )
