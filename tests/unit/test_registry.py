from __future__ import annotations

import pytest

from kernel.core import Action, Command, Message, Role, Submit
from turn.commands import CommandWords
from turn.context import TurnContext
from turn.router import Router

WORDS = CommandWords(
    {
        "me": {"nl": ("mijn",)},
        "mine": {"nl": ("mijn signalen",), "en": ("my signals",)},
        "signal": {"nl": ("signaal", "meld"), "en": ("signal",)},
    }
)


async def _noop(ctx: TurnContext) -> None:
    return None


async def _other(ctx: TurnContext) -> None:
    return None


def test_multi_word_commands_win_over_shorter_ones() -> None:
    router = Router(WORDS)
    router.command("me")(_noop)
    router.command("mine")(_other)
    event = router.parse_text("Mijn Signalen graag")
    assert isinstance(event, Command)
    assert (event.name, event.text) == ("mijn signalen", "graag")
    assert router.route_for(event).handler is _other  # type: ignore[union-attr]


def test_every_language_s_words_reach_the_same_command() -> None:
    router = Router(WORDS)
    router.command("mine", roles=[Role.PROFESSIONAL])(_other)
    for text in ("mijn signalen", "My  Signals", "/my signals"):
        route = router.route_for(router.parse_text(text))
        assert route is not None and route.handler is _other and route.command == "mine"
    assert WORDS.shown("mine", "en") == "my signals"
    assert WORDS.shown("mine", "nl") == "mijn signalen"


def test_a_command_without_words_or_a_word_used_twice_is_refused() -> None:
    router = Router(WORDS)
    with pytest.raises(KeyError):
        router.command("nope")(_noop)
    clash = Router(CommandWords({"a": {"nl": ("x",)}, "b": {"en": ("x",)}}))
    clash.command("a")(_noop)
    with pytest.raises(ValueError, match="'x'"):
        clash.command("b")(_other)


def test_slash_and_arguments() -> None:
    router = Router(WORDS)
    router.command("signal")(_noop)
    event = router.parse_text("/signaal Veel  jongeren\nmet schulden")
    assert isinstance(event, Command)
    assert event.text == "Veel  jongeren\nmet schulden"


def test_unknown_text_is_a_message_and_goes_to_fallback() -> None:
    router = Router(WORDS)
    router.message()(_noop)
    event = router.parse_text("hallo daar")
    assert isinstance(event, Message)
    assert router.route_for(event).handler is _noop  # type: ignore[union-attr]


def test_action_prefix_longest_match_and_roles() -> None:
    router = Router(WORDS)
    router.action("signal")(_noop)
    router.action("signal.merge", roles=[Role.RESEARCH_DESK])(_other)
    route = router.route_for(Action(action_id="signal.merge.confirm", value="S-1"))
    assert route is not None and route.handler is _other and Role.RESEARCH_DESK in route.roles
    assert router.route_for(Action(action_id="signalx")) is None
    assert router.route_for(Submit(form_id="nope")) is None
