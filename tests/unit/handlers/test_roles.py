"""Every role-restricted command, button and form refuses people without the role."""

from __future__ import annotations

import pytest

from kernel.core import Action, Command, Submit
from tests.helpers import texts
from tests.unit.handlers.util import report_signal, with_role
from turn.pipeline import Signaalbot

RESTRICTED = [
    ("triage", Command(name="triage", text="S-2026-0001 in_behandeling")),
    ("triage button", Action(action_id="triage.set", value="S-2026-0001|in_behandeling")),
    (
        "triage form",
        Submit(
            form_id="triage.reason", values={"reason": "x"}, context="S-2026-0001|in_behandeling"
        ),
    ),
    ("share", Command(name="delen", text="S-2026-0001")),
    ("merge", Command(name="samenvoegen", text="S-2026-0001 S-2026-0002")),
    ("weigh", Command(name="afweging", text="V-2026-0001")),
    (
        "weigh step",
        Submit(form_id="weigh.step", values={"oordeel": "hoog"}, context="V-2026-0001|1"),
    ),
    (
        "advice",
        Submit(
            form_id="weigh.advice", values={"recommendation": "oppakken"}, context="V-2026-0001"
        ),
    ),
    ("link", Command(name="koppel", text="S-2026-0001 V-2026-0001")),
    ("overview", Command(name="overzicht")),
    ("overview next", Action(action_id="overview.next", value="offset=10")),
    ("grant role", Command(name="rol geven", text="1 admin")),
    ("revoke role", Command(name="rol afnemen", text="1 admin")),
    ("theme", Command(name="thema toevoegen", text="x theme A | B")),
    ("theme off", Command(name="thema uit", text="jeugd")),
    ("area", Command(name="gebied toevoegen", text="meerhoven Meerhoven")),
    ("area off", Command(name="gebied uit", text="centrum")),
    ("areas", Command(name="gebieden")),
]


@pytest.mark.parametrize(("name", "event"), RESTRICTED, ids=[r[0] for r in RESTRICTED])
@pytest.mark.parametrize("role", ["professional", "provider", "policy_officer"])
async def test_refused_without_role(
    sqlite_bot: Signaalbot, name: str, event: object, role: str
) -> None:
    reporter = await with_role(sqlite_bot, "anna", "professional")
    await report_signal(sqlite_bot, reporter, "Steeds meer ouderen wachten lang op een traplift.")
    who = await with_role(sqlite_bot, f"user-{role}", role)
    replies = await sqlite_bot.handle(who, event)  # type: ignore[arg-type]
    t = sqlite_bot.services.translator("nl")
    assert texts(replies) == t("core.not_allowed")
    async with sqlite_bot.services.uow() as uow:
        signal = await uow.signals.get_by_ref("S-2026-0001")
        assert signal is not None and signal.status == "nieuw" and not signal.shared_with_providers


async def test_programme_leader_sees_overview_but_cannot_triage(sqlite_bot: Signaalbot) -> None:
    leader = await with_role(sqlite_bot, "pl", "programme_leader")
    await report_signal(sqlite_bot, leader, "Steeds meer ouderen wachten lang op een traplift.")
    t = sqlite_bot.services.translator("nl")
    assert "S-2026-0001" in texts(await sqlite_bot.handle(leader, Command(name="overzicht")))
    refused = await sqlite_bot.handle(leader, Command(name="triage", text="S-2026-0001"))
    assert texts(refused) == t("core.not_allowed")


async def test_admin_may_do_everything(sqlite_bot: Signaalbot) -> None:
    admin = await with_role(sqlite_bot, "root", "admin")
    await report_signal(sqlite_bot, admin, "Steeds meer ouderen wachten lang op een traplift.")
    replies = await sqlite_bot.handle(
        admin, Command(name="triage", text="S-2026-0001 in_behandeling")
    )
    assert "in behandeling" in texts(replies)
