"""The intake with the real matcher: studies are shown when likely relevant, words explain."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import Signaalbot, build_app
from kernel.clock import ManualClock
from tests.conftest import make_settings
from tests.helpers import person, texts
from tests.unit.handlers.util import report_signal

ARMOEDE = (
    "Armoedesignalen in Eindhoven nemen toe: meer gezinnen in Woensel kloppen aan bij de "
    "voedselbank en het wijkteam."
)


@pytest.fixture(params=[True, False], ids=["semantic", "lexical"])
async def catalogue_bot(
    request: pytest.FixtureRequest, sqlite_url: str, clock: ManualClock
) -> AsyncIterator[Signaalbot]:
    app = build_app(make_settings(sqlite_url, matching_semantic=request.param), clock=clock)
    await app.start(demo_catalogue=True)
    try:
        if request.param:  # let the vectors of the demo catalogue be made, as the bot does
            assert app.index_jobs is not None
            await app.index_jobs.run_once()
            assert app.services.matcher is not None
            assert app.services.matcher.vector_count() > 0
        yield app
    finally:
        await app.stop()


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
