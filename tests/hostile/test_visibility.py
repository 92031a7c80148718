"""One visibility rule wherever a signal's text can appear (turn/visibility.py).

First an enumeration: every place in handlers/ and cycle/ that reads a signal's text (or a
suggestion's title, which is the text) is listed here with the test that shows it keeps the
rule; a new place fails this test until it is listed. Then a provider tries each place.
"""

from __future__ import annotations

import ast
from pathlib import Path

from cycle.summary import WeeklySummary
from cycle.summary_schedule import visible_summary
from kernel.core import Action, Command
from tests.helpers import say, texts
from tests.unit.handlers.util import report_new_signal, with_role
from turn.pipeline import Signaalbot
from turn.visibility import Viewer

ROOT = Path(__file__).resolve().parents[2]
SIGNAL_NAMES = {"signal", "s", "source", "target", "survivor"}
# (file, function) -> where it is shown to keep the rule.
PLACES = {
    ("handlers/views.py", "status"): "test_a_provider_sees_nothing_unshared::status",
    ("handlers/views.py", "overview"): "test_a_provider_sees_nothing_unshared::overzicht",
    ("handlers/triage.py", "triage_card"): "test_a_provider_sees_nothing_unshared::triage",
    # offer_matches keeps only visible_hits, then similar_reply renders them.
    ("handlers/signals.py", "similar_reply"): "test_a_provider_sees_nothing_unshared::suggestions",
    ("cycle/sessions/votes.py", "propose_automatically"): "tests/sessions (guest agenda)",
    ("cycle/summary.py", "collect_summary"): "test_weekly_summary_for_a_guest",
    ("handlers/support.py", "add_to_own"): "the reporter's own signal only; ::herken",
    ("handlers/triage.py", "withdraw"): "the reporter's own signal only; ::intrekken",
}


def _reads() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for folder in ("handlers", "cycle"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(func):
                    if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
                        continue
                    signal_text = node.attr == "text" and node.value.id in SIGNAL_NAMES
                    hit_title = node.attr == "title" and node.value.id == "hit"
                    if signal_text or hit_title:
                        found.add((path.relative_to(ROOT).as_posix(), func.name))
    return found


def test_every_place_that_renders_signal_text_is_listed() -> None:
    reads = _reads()
    unlisted = reads - set(PLACES)
    assert not unlisted, f"signal text is read here without a visibility test: {unlisted}"
    assert set(PLACES) <= reads, f"listed but gone (update the list): {set(PLACES) - reads}"


UNSHARED = "Ouders in Woensel wachten maanden op jeugdhulp bij angstklachten van hun kind."
SHARED = "Ouders in Strijp wachten maanden op jeugdhulp bij angstklachten van hun kind."


async def _setup(bot: Signaalbot) -> tuple[str, str]:
    anna = await with_role(bot, "anna", "professional")
    lotte = await with_role(bot, "lotte", "research_desk")
    await report_new_signal(bot, anna, UNSHARED)
    await report_new_signal(bot, anna, SHARED)
    async with bot.services.uow() as uow:
        first = await uow.signals.get_by_ref("S-2026-0001")
        second = await uow.signals.get_by_ref("S-2026-0002")
        assert first is not None and second is not None
        await uow.intake.set_shared(second.id, True, bot.services.clock.now())
        await uow.commit()
    assert lotte is not None
    return first.ref, second.ref


async def test_a_provider_sees_nothing_unshared(sqlite_bot: Signaalbot) -> None:
    unshared, shared = await _setup(sqlite_bot)
    piet = await with_role(sqlite_bot, "piet", "provider")
    secret = "Woensel"

    status = texts(await say(sqlite_bot, piet, f"status {unshared}"))
    assert secret not in status and "Ik kan geen signaal vinden" in status
    assert "Strijp" in texts(await say(sqlite_bot, piet, f"status {shared}"))
    assert secret not in texts(await say(sqlite_bot, piet, "mijn signalen"))
    assert secret not in texts(await say(sqlite_bot, piet, "overzicht"))
    assert secret not in texts(await say(sqlite_bot, piet, f"triage {unshared}"))
    assert secret not in texts(await say(sqlite_bot, piet, f"herken {unshared}"))
    assert secret not in texts(await say(sqlite_bot, piet, f"intrekken {unshared}"))

    # Suggestions while reporting: the shared twin may be offered, the unshared one never.
    replies = await report_new_signal_offer(sqlite_bot, piet)
    shown = texts(replies)
    assert secret not in shown and unshared not in shown
    staff = await with_role(sqlite_bot, "bert", "professional")
    assert unshared in texts(await report_new_signal_offer(sqlite_bot, staff))


async def report_new_signal_offer(bot: Signaalbot, who: object) -> list:  # type: ignore[type-arg]
    from tests.unit.handlers.util import report_signal

    text = "Ouders in Woensel en Strijp wachten maanden op jeugdhulp bij angstklachten."
    return await report_signal(bot, who, text)  # type: ignore[arg-type]


async def test_supporting_makes_a_signal_visible_and_stays_so(sqlite_bot: Signaalbot) -> None:
    unshared, _ = await _setup(sqlite_bot)
    piet = await with_role(sqlite_bot, "piet", "provider")
    async with sqlite_bot.services.uow() as uow:
        signal = await uow.signals.get_by_ref(unshared)
        person = await uow.people.find_by_identity("console", "piet")
        assert signal is not None and person is not None
        await uow.signals.add_support(
            signal.id, person.id, "provider", "", sqlite_bot.services.clock.now()
        )
        await uow.commit()
    assert "Woensel" in texts(await say(sqlite_bot, piet, f"status {unshared}"))


async def test_weekly_summary_for_a_guest(sqlite_bot: Signaalbot) -> None:
    unshared, shared = await _setup(sqlite_bot)
    piet = await with_role(sqlite_bot, "piet", "provider")
    async with sqlite_bot.services.uow() as uow:
        person = await uow.people.find_by_identity("console", piet.user_id)
        assert person is not None
        now = sqlite_bot.services.clock.now()
        summary = WeeklySummary(
            year=2026,
            week=47,
            start=now,
            end=now,
            signals_by_theme=[("jeugd", 2)],
            top_signals=[(unshared, UNSHARED, 3), (shared, SHARED, 2)],
            new_questions=[],
            waiting_questions=[],
            weighing=[],
            cycles=None,
            sessions=[],
            unreachable=[],
        )
        guest = await visible_summary(uow, Viewer.of_person(person), summary)
        staff = await visible_summary(uow, Viewer(person_id=1, guest=False), summary)
    assert [ref for ref, _, _ in guest.top_signals] == [shared]
    assert guest.signals_by_theme == [("jeugd", 2)]
    assert len(staff.top_signals) == 2


async def test_the_same_rule_for_buttons(sqlite_bot: Signaalbot) -> None:
    """A forged "ik zie dit ook" on an unshared signal is a kind 'not found'."""
    unshared, _ = await _setup(sqlite_bot)
    piet = await with_role(sqlite_bot, "piet", "provider")
    replies = await sqlite_bot.handle(piet, Action(action_id="signal.support", value=unshared))
    assert "Woensel" not in texts(replies)
    replies = await sqlite_bot.handle(piet, Command(name="status", text=unshared))
    assert "Woensel" not in texts(replies)
