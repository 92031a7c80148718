"""Each middleware alone, and the chain's order, without a database round trip.

Services here are real (catalogue, settings) with an engine that never connects: the
middlewares under test do not touch the database, so these run in milliseconds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kernel.clock import ManualClock
from kernel.core import Actor, Command, Identity, Platform, Reply, Role, Submit, Text
from kernel.domain_config import load_domain_config
from kernel.i18n import Catalogue
from kernel.settings import Settings
from matching import MatchIndex
from storage.db import Database, DatabaseUnavailableError
from tests.conftest import START
from turn.context import Services
from turn.middleware import ErrorMapping, RoleCheck, Turn
from turn.pipeline import Signaalbot
from turn.router import Route, Router
from turn.state import ConversationState


@pytest.fixture
def services(tmp_path: Path) -> Services:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'never.db'}", _env_file=None)  # type: ignore[call-arg]
    return Services(
        settings=settings,
        db=Database(settings.database_url),
        clock=ManualClock(START),
        catalogue=Catalogue.load(None),
        domain=load_domain_config(None),
        matcher=MatchIndex(),
    )


def turn_for(services: Services, event: Command | Submit, route: Route | None = None) -> Turn:
    return Turn(
        identity=Identity(platform=Platform.CONSOLE, user_id="ans"),
        event=event,
        route=route,
        fallback_t=services.translator("nl"),
    )


def actor(*roles: Role) -> Actor:
    return Actor(platform=Platform.CONSOLE, user_id="ans", person_id=1, roles=frozenset(roles))


async def test_error_mapping_turns_a_database_outage_into_a_kind_reply(services: Services) -> None:
    async def away() -> list[Reply]:
        raise DatabaseUnavailableError("sqlite")

    form = turn_for(services, Submit(form_id="signal.report"))
    [reply] = await ErrorMapping(services)(form, away)
    message = services.translator("nl")("core.db_unavailable")
    assert reply.plain_text.startswith(message)
    assert reply.errors == {"_form": message}, "a form keeps what was typed"
    [plain] = await ErrorMapping(services)(turn_for(services, Command(name="help")), away)
    assert plain.errors == {}


async def test_error_mapping_gives_a_bug_a_code_in_the_persons_language(
    services: Services,
) -> None:
    async def broken() -> list[Reply]:
        raise KeyError("bug")

    turn = turn_for(services, Command(name="help"))
    turn.actor = actor().model_copy(update={"locale": "en"})
    [reply] = await ErrorMapping(services)(turn, broken)
    [code] = re.findall(r"\b[0-9a-f]{8}\b", reply.plain_text)
    assert reply.plain_text == services.translator("en")("core.error", code=code)


async def test_role_check_refuses_before_the_handler_runs(services: Services) -> None:
    called: list[str] = []

    async def handler() -> list[Reply]:
        called.append("yes")
        return [Reply(blocks=(Text(text="triaged"),))]

    route = Route(handler=lambda _ctx: None, roles=frozenset({Role.RESEARCH_DESK}))  # type: ignore[arg-type, return-value]
    turn = turn_for(services, Command(name="triage"), route)
    turn.actor = actor(Role.PROFESSIONAL)
    [refused] = await RoleCheck(services)(turn, handler)
    assert refused.plain_text == services.translator("nl")("core.not_allowed") and not called
    turn.actor = actor(Role.ADMIN)  # admins hold every role
    assert (await RoleCheck(services)(turn, handler))[0].plain_text == "triaged"


async def test_the_chain_runs_outermost_first_and_may_answer_instead(services: Services) -> None:
    order: list[str] = []

    def named(name: str, answer: bool = False):  # type: ignore[no-untyped-def]
        async def middleware(turn: Turn, next_):  # type: ignore[no-untyped-def]
            order.append(name)
            if answer:
                return [Reply(blocks=(Text(text=f"{name} answered"),))]
            turn.actor = turn.actor or actor()
            return await next_()

        return middleware

    bot = Signaalbot(
        services=services,
        router=Router(),
        middleware=(named("outer"), named("inner"), named("stop", answer=True), named("never")),
        state=ConversationState(services),
    )
    replies = await bot.handle(
        Identity(platform=Platform.CONSOLE, user_id="ans"), Command(name="x")
    )
    assert order == ["outer", "inner", "stop"]
    assert replies[0].plain_text == "stop answered"
