"""The intake with the real matcher: studies are shown when likely relevant, words explain."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import Runtime, bootstrap
from kernel.clock import ManualClock
from tests.conftest import make_settings
from tests.helpers import person, texts
from tests.unit.handlers.util import report_signal
from turn.pipeline import Signaalbot

ARMOEDE = (
    "Armoedesignalen in Eindhoven nemen toe: meer gezinnen in Woensel kloppen aan bij de "
    "voedselbank en het wijkteam."
)


@pytest.fixture(params=[True, False], ids=["semantic", "lexical"])
async def catalogue_bot(
    request: pytest.FixtureRequest, sqlite_url: str, clock: ManualClock
) -> AsyncIterator[Signaalbot]:
    settings = make_settings(sqlite_url, matching_semantic=request.param)
    runtime: Runtime = await bootstrap(settings, clock, demo_catalogue=True)
    try:
        if request.param:  # let the vectors of the demo catalogue be made, as the bot does
            await runtime.index_jobs.run_once()
            assert runtime.services.matcher.vector_count() > 0
        yield runtime.bot
    finally:
        await runtime.close()


async def test_a_study_whose_title_the_signal_names_is_shown(catalogue_bot: Signaalbot) -> None:
    out = texts(await report_signal(catalogue_bot, person("anna"), ARMOEDE))
    assert "ehv-armoedesignalen-2020" in out
    assert "Armoedesignalen in Eindhoven" in out


async def test_an_unrelated_signal_shows_no_study(catalogue_bot: Signaalbot) -> None:
    out = texts(
        await report_signal(
            catalogue_bot,
            person("bo"),
            "De lantaarnpalen op het fietspad langs het kanaal gaan te vroeg uit.",
        )
    )
    assert "ehv-" not in out and "udc-" not in out
