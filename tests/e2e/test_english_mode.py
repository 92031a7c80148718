"""In English mode no Dutch word appears: a new user of each role on the console.

The Dutch words looked for are those of the Dutch catalogue that the English catalogue never
uses, so a text left untranslated, a Dutch status or a Dutch command word in a hint is found.
"""

from __future__ import annotations

import io

import pytest

from bot.adapters.console import ConsoleAdapter
from kernel.core import Role
from tests.e2e.english import dutch_in, dutch_only_words
from tests.helpers import person
from tests.unit.handlers.util import with_role
from turn.pipeline import Signaalbot

SIGNAL = "Young people wait a long time for debt help, mostly in the north of the city."
QUESTION = "Why do young people wait so long for debt counselling in the north of the city?"
EVERYONE = [
    "language en",
    "help",
    "signal",
    SIGNAL,
    *["1", "5", "", "6", "2", "3", ""],
    "my signals",
    "status S-2026-0001",
    "question S-2026-0001",
    QUESTION,
    "Many young people drop out before they get help.",
    "",
    "",
    "",
    "1",
    "status V-2026-0001",
    "sessions",
    "cycles",
    "help overview",
    "something the bot does not know",
]
BY_ROLE = {
    Role.RESEARCH_DESK: [
        "overview",
        "triage S-2026-0001",
        "1",
        "We collect more signals.",
        "weigh V-2026-0001",
        "1",
        "Urgent for the youth teams.",
    ],
    Role.PROGRAMME_LEADER: ["overview", "triage S-2026-0001"],
    Role.ADMIN: ["areas", "grant role console:nobody research_desk", "help research_desk"],
}


@pytest.mark.parametrize("role", list(Role))
async def test_a_new_user_in_english_meets_no_dutch(sqlite_bot: Signaalbot, role: Role) -> None:
    who = await with_role(sqlite_bot, f"new-{role.value}", role.value)
    lines = [*EVERYONE, *BY_ROLE.get(role, []), "stop"]
    out = io.StringIO()
    adapter = ConsoleAdapter(sqlite_bot, person(who.user_id), io.StringIO("\n".join(lines)), out)
    await adapter.run()
    # Everything after the switch to English (the welcome came before it).
    output = out.getvalue().split("Fine, from now on I will talk to you in English.", 1)[1]
    assert "S-2026-0001" in output and "V-2026-0001" in output and "Goodbye!" in output
    found = dutch_in(output, sqlite_bot.services.catalogue)
    assert found == [], f"Dutch in English mode: {found}\n{output}"


def test_the_dutch_finder_finds_dutch() -> None:
    from kernel.i18n import Catalogue

    catalogue = Catalogue.load()
    assert {"mijn", "combineren", "gemeente"} <= dutch_only_words(catalogue)
    nl = catalogue.translator("nl")
    assert "combineren" in dutch_in(nl("intake.question_status.combineren"), catalogue)
    assert dutch_in("Typ 'mijn signalen'", catalogue, typed=["Typ 'mijn signalen'"]) == []
