"""The intake story and the learning cycle as data, so every adapter replays the same conversation.

signal (with personal data refused first) → a second, similar signal → a guest who cannot see
it → shared → "ik zie dit ook" → merge → triage with feedback → research question → six-step
weighing → recommendation with feedback → "mijn signalen" → a learning cycle is started → its
first owner gets the stage prompt → finishes the stage from the prompt's button → the next
owner gets theirs → a week later the programme leader's summary reports the cycle.

How a runner replays a :class:`Step`:
- ``send``: the text the person types (a command or message).
- ``click``: a button or choice with this ``action_id`` and ``value`` from the last replies.
- ``fills``: forms that open, answered in order. Each :class:`Fill` lists the values in the
  form's input order (the console answers prompts in that order; Slack/Teams submit a dict
  with ``form_id``/``context`` taken from the form in the reply). When ``errors`` is set, the
  first submit must be refused on exactly those fields; then ``fix`` is submitted (merged into
  the values; the console is asked only for those fields). An empty value means "keep what
  the form offers" (its ``initial``), as pressing Enter does on the console.
- ``expect``: texts that must appear in the replies of this step (:class:`Msg` is a catalogue
  text in the person's own language with the given placeholders; a plain ``str`` is literal).
- ``expect_not``: texts that must not appear.
- ``notified``: per person, texts that must appear in what that person received after the step:
  the runner runs one real scheduler round (``cycle.tick``, sessions and the weekly summary,
  then the dispatcher) and reads what each platform's messenger delivered (the console inbox,
  Slack DMs on the fake Web API, Teams activities on the fake connector).
- ``advance``: time passes before the step (the runner moves the test clock); a step with
  neither ``send`` nor ``click`` only lets time pass and checks ``notified``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from kernel.i18n import Translator
from turn.index_jobs import IndexJobs


@dataclass(frozen=True)
class Msg:
    key: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, t: Translator) -> str:
        """The text in ``t``'s language. A parameter ``"t:key"`` is itself translated, a
        :class:`Msg` rendered, and a tuple of them joined by commas (a list in a sentence)."""
        return t(self.key, **{k: _param(v, t) for k, v in self.params.items()})


def _param(value: object, t: Translator) -> object:
    if isinstance(value, str) and value.startswith("t:"):
        return t(value[2:])
    if isinstance(value, Msg):
        return value.render(t)
    if isinstance(value, tuple):
        return ", ".join(str(_param(v, t)) for v in value)
    return value


Expect = Msg | str


@dataclass(frozen=True)
class Click:
    action_id: str
    value: str = ""


@dataclass(frozen=True)
class Fill:
    values: tuple[tuple[str, str], ...]
    errors: tuple[str, ...] = ()
    fix: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Step:
    who: str
    send: str | None = None
    click: Click | None = None
    fills: tuple[Fill, ...] = ()
    expect: tuple[Expect, ...] = ()
    expect_not: tuple[Expect, ...] = ()
    notified: Mapping[str, tuple[Expect, ...]] = field(default_factory=dict)
    advance: timedelta | None = None


@dataclass(frozen=True)
class Person:
    name: str
    locale: str
    roles: tuple[str, ...]
    org_type: str = "municipality"


PEOPLE: dict[str, Person] = {
    "anna": Person("anna", "nl", ("professional",)),
    "bo": Person("bo", "nl", ("professional",)),
    "piet": Person("piet", "en", ("provider",), org_type="provider"),
    "desk": Person("desk", "nl", ("research_desk",)),
    "lotte": Person("lotte", "nl", ("programme_leader",)),
}

S1, S2, V1 = "S-2026-0001", "S-2026-0002", "V-2026-0001"
O1 = "O-2026-0001"
STUDY_TITLE = "Van jeugdhulp naar volwassenzorg: jongeren van 17 en 18 jaar"
STUDY_SUMMARY = (
    "Hoe lang jongeren wachten op begeleiding uit de Wmo als hun jeugdhulp stopt bij 18 jaar, "
    "en waarom zij bij die overgang tussen wal en schip vallen."
)
CYCLE = "Schulden bij jongeren"
OUTPUT = "De inzichten zijn gedeeld in het teamoverleg van december."
CYCLE_SUMMARY_LINE = Msg("summary.cycle_line", {"stage": 2, "count": 1})

TEXT_WITH_BSN = (
    "Jongeren van 17 jaar vallen tussen wal en schip bij de overgang naar volwassenzorg, "
    "zoals bij de cliënt met BSN 111222333."
)
TEXT_1 = (
    "Jongeren van 17 jaar vallen tussen wal en schip bij de overgang van jeugdhulp naar "
    "volwassenzorg. De wachttijd voor begeleiding is daarna vaak maanden."
)
TEXT_2 = (
    "Bij 18-jarigen stopt de jeugdhulp en begint de Wmo-begeleiding pas na lange tijd. "
    "Zij raken zo uit beeld."
)


def _signal_form(text: str, area: str) -> tuple[tuple[str, str], ...]:
    return (
        ("text", text),
        ("theme", "inwonerservaring"),
        ("subdomain", "jeugd"),
        ("affected", "jongeren van 17 en 18 jaar"),
        ("area", area),
        ("since", "3to12m"),
        ("frequency", "weekly"),
        ("org_type", ""),  # keep the prefilled organisation type
    )


STEPS: tuple[Step, ...] = (
    Step(
        who="anna",
        send="signaal",
        fills=(
            Fill(
                values=_signal_form(TEXT_WITH_BSN, "woensel-noord"),
                errors=("text",),
                fix=(("text", TEXT_1),),
            ),
        ),
        expect=(Msg("signals.saved", {"ref": S1}), "[BSN]"),
        expect_not=("111222333",),
    ),
    Step(
        # Bo sees the same thing as Anna: the matcher shows her signal before anything is stored.
        who="bo",
        send="signaal",
        fills=(Fill(values=_signal_form(TEXT_2, "stratum")),),
        expect=(S1,),
        expect_not=(Msg("signals.saved", {"ref": S2}),),
    ),
    Step(
        # Bo decides it is new after all (the desk merges it later).
        who="bo",
        click=Click("signal.match.new"),
        expect=(Msg("signals.saved", {"ref": S2}),),
    ),
    Step(who="piet", send=f"status {S1}", expect=(Msg("intake.signal_not_found", {"ref": S1}),)),
    Step(who="desk", send=f"delen {S1}", expect=(Msg("intake.shared", {"ref": S1}),)),
    Step(
        who="piet",
        send=f"status {S1}",
        expect=(Msg("signals.status_title", {"ref": S1}), Msg("intake.support_none")),
    ),
    Step(
        who="piet",
        click=Click("signal.support", S1),
        fills=(Fill(values=(("context", "We see this in our youth teams too."),)),),
        expect=(Msg("intake.support_added", {"ref": S1}),),
    ),
    Step(
        who="desk",
        send=f"samenvoegen {S2} {S1}",
        expect=(Msg("intake.merge_done", {"ref": S2, "survivor": S1, "count": 1}),),
        notified={"bo": (Msg("intake.notice_merged", {"ref": S2, "survivor": S1}),)},
    ),
    Step(
        who="anna",
        send=f"status {S1}",
        expect=(
            Msg("signals.status_title", {"ref": S1}),
            Msg(
                "intake.support_count",
                {
                    "count": 2,
                    "org_types": (
                        Msg("intake.support_from.municipality", {"count": 1}),
                        Msg("intake.support_from.provider", {"count": 1}),
                    ),
                },
            ),
        ),
        expect_not=("piet", "bo"),
    ),
    Step(
        who="desk",
        send=f"triage {S1}",
        expect=(Msg("intake.triage_title", {"ref": S1, "status": "t:signals.status.nieuw"}),),
    ),
    Step(
        who="desk",
        click=Click("triage.set", f"{S1}|in_behandeling"),
        fills=(Fill(values=(("reason", "We verzamelen meer signalen over deze overgang."),)),),
        expect=(
            Msg(
                "intake.triage_done",
                {"ref": S1, "status": "t:signals.status.in_behandeling", "count": 3},
            ),
        ),
        notified={
            "anna": (
                Msg(
                    "intake.notice_status", {"ref": S1, "status": "t:signals.status.in_behandeling"}
                ),
                "We verzamelen meer signalen",
            ),
            "piet": (
                Msg(
                    "intake.notice_status", {"ref": S1, "status": "t:signals.status.in_behandeling"}
                ),
            ),
            "bo": (
                Msg(
                    "intake.notice_status", {"ref": S1, "status": "t:signals.status.in_behandeling"}
                ),
            ),
        },
    ),
    Step(
        who="desk",
        send=f"vraag {S1}",
        fills=(
            Fill(
                values=(
                    ("question", "Hoe lang wachten 18-jarigen op Wmo-begeleiding na jeugdhulp?"),
                    ("why", "Zij raken uit beeld en de problemen worden groter."),
                    ("signals", ""),  # keep the prefilled S-2026-0001
                    ("needed_by_whom", "beleid Jeugd en Wmo"),
                    ("needed_by", "2027-03-01"),
                    ("theme", "jeugd"),
                ),
            ),
        ),
        expect=(Msg("intake.question_saved", {"ref": V1}),),
        notified={
            "anna": (
                Msg("intake.notice_status", {"ref": S1, "status": "t:signals.status.gekoppeld"}),
            ),
            "piet": (
                Msg("intake.notice_status", {"ref": S1, "status": "t:signals.status.gekoppeld"}),
            ),
        },
    ),
    Step(
        who="desk",
        send=f"afweging {V1}",
        fills=(
            Fill(
                values=(
                    ("oordeel", "hoog"),
                    ("toelichting", "Gedeeld door wijkteams en aanbieders."),
                )
            ),
            Fill(values=(("oordeel", "niet_beantwoord"), ("toelichting", ""))),
            Fill(values=(("oordeel", "nee"), ("toelichting", ""))),
            Fill(
                values=(
                    ("oordeel", "haalbaar"),
                    ("onderzoeker", "Pieter de Vries"),  # a colleague's name: a staff field
                    ("toelichting", "Haalbaar binnen de monitor van BiO."),
                )
            ),
            Fill(values=(("oordeel", "deels"), ("toelichting", "Wachttijden staan in het CRM."))),
            Fill(values=(("oordeel", "laag"), ("toelichting", ""))),
            Fill(values=(("recommendation", ""), ("reason", ""))),  # take the proposal
        ),
        expect=(
            Msg(
                "intake.weigh_step_title",
                {"number": 6, "total": 6, "step": "t:intake.weigh_step.belasting"},
            ),
            Msg(
                "intake.advice_done",
                {"ref": V1, "recommendation": "t:intake.recommendation.oppakken"},
            ),
        ),
        notified={
            "anna": (
                Msg(
                    "intake.notice_question",
                    {"ref": V1, "recommendation": "t:intake.recommendation.oppakken"},
                ),
            ),
            "piet": (
                Msg(
                    "intake.notice_question",
                    {"ref": V1, "recommendation": "t:intake.recommendation.oppakken"},
                ),
            ),
        },
    ),
    # --- a study enters the catalogue: the people it may help are told, the intake shows it --
    Step(
        who="desk",
        send="onderzoek toevoegen",
        fills=(
            Fill(
                values=(
                    ("title", STUDY_TITLE),
                    ("summary", STUDY_SUMMARY),
                    ("url", "https://www.eindhoven.nl/onderzoek/18-min-18-plus"),
                    ("year", "2026"),
                    ("source", "Gemeente Eindhoven, Onderzoek en Statistiek"),
                    ("status", ""),  # keep "finished"
                ),
            ),
        ),
        expect=(Msg("studies.saved", {"ref": O1, "title": STUDY_TITLE}),),
        notified={
            "anna": (Msg("matching.study_news", {"title": STUDY_TITLE}),),
            "piet": (Msg("matching.study_news", {"title": STUDY_TITLE}),),
        },
    ),
    Step(
        # The next reporter sees the study while reporting, before anything is stored.
        who="bo",
        send="signaal",
        fills=(
            Fill(
                values=_signal_form(
                    "Als de jeugdhulp stopt bij 18 jaar, wachten jongeren maanden op "
                    "begeleiding vanuit de Wmo.",
                    "stratum",
                )
            ),
        ),
        expect=(STUDY_TITLE,),
    ),
    Step(
        who="anna",
        send="mijn signalen",
        expect=(S1, Msg("signals.status.gekoppeld")),
    ),
    Step(
        who="piet",
        send=f"status {V1}",
        expect=(Msg("intake.question_not_found", {"ref": V1}),),
    ),
    # Piet speaks English: the English command words work and help shows them.
    Step(
        who="piet",
        send="help",
        expect=(Msg("commands.help_everyone"), Msg("commands.line.mine", {"word": "my signals"})),
    ),
    Step(who="piet", send="my signals", expect=(Msg("intake.mine_supported"), S1)),
    # --- the learning cycle: start → stage prompt → done → next owner → the summary --------
    Step(
        who="desk",
        send="cyclus start",
        fills=(
            Fill(
                values=(
                    ("title", CYCLE),
                    ("owner_1", "anna"),
                    ("owner_2", "bo"),
                    ("owner_3", ""),
                    ("owner_4", ""),
                )
            ),
        ),
        expect=(CYCLE,),
        notified={"anna": (f"#1 {CYCLE}", Msg("cycle.button_done"))},
    ),
    Step(
        who="anna",
        click=Click("cycle.done", "1"),
        fills=(Fill(values=(("output", OUTPUT),)),),
        expect=("Dank je!", "bo"),
        notified={"bo": (f"#1 {CYCLE}", Msg("cycle.button_done"))},
    ),
    Step(
        who="lotte",
        advance=timedelta(days=7),  # next Monday morning: the weekly summary
        notified={"lotte": (CYCLE_SUMMARY_LINE,)},
    ),
)


async def follow_index(jobs: IndexJobs) -> None:
    """Rounds of the index job, as the scheduler runs them every second: vectors, the change
    log, then the study news (a new study is told once every index holds it)."""
    for _ in range(3):
        await jobs.run_once()


def typed_texts() -> set[str]:
    """Everything the people of the story type themselves (their content, in their words)."""
    typed = {step.send for step in STEPS if step.send}
    for step in STEPS:
        for fill in step.fills:
            typed |= {value for _, value in (*fill.values, *fill.fix)}
    return typed


def english_outputs(outputs: list[tuple[str, str]]) -> str:
    """What the English-speaking people of the story were shown, step by step."""
    return "\n".join(text for who, text in outputs if PEOPLE[who].locale == "en")
