from __future__ import annotations

from kernel.core import Action, Command, Message, Role, Submit
from turn.context import TurnContext
from turn.router import Router


async def _noop(ctx: TurnContext) -> None:
    return None


async def _other(ctx: TurnContext) -> None:
    return None


def test_multi_word_commands_win_over_shorter_ones() -> None:
    router = Router()
    router.command("mijn")(_noop)
    router.command("mijn signalen")(_other)
    event = router.parse_text("Mijn Signalen graag")
    assert isinstance(event, Command)
    assert (event.name, event.text) == ("mijn signalen", "graag")
    assert router.route_for(event).handler is _other  # type: ignore[union-attr]


def test_slash_and_arguments() -> None:
    router = Router()
    router.command("signaal")(_noop)
    event = router.parse_text("/signaal Veel  jongeren\nmet schulden")
    assert isinstance(event, Command)
    assert event.text == "Veel  jongeren\nmet schulden"


def test_unknown_text_is_a_message_and_goes_to_fallback() -> None:
    router = Router()
    router.message()(_noop)
    event = router.parse_text("hallo daar")
    assert isinstance(event, Message)
    assert router.route_for(event).handler is _noop  # type: ignore[union-attr]


def test_action_prefix_longest_match_and_roles() -> None:
    router = Router()
    router.action("signal")(_noop)
    router.action("signal.merge", roles=[Role.RESEARCH_DESK])(_other)
    route = router.route_for(Action(action_id="signal.merge.confirm", value="S-1"))
    assert route is not None and route.handler is _other and Role.RESEARCH_DESK in route.roles
    assert router.route_for(Action(action_id="signalx")) is None
    assert router.route_for(Submit(form_id="nope")) is None
