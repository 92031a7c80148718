"""Listeners registered with decorators, in the spirit of bolt's ``app.command(...)``.

Why a registry object rather than module-level decorators: handler modules expose
``register(router)``; the composition root decides which ones are active, and tests can build a
router with just the handlers they need. A decorator only records the plain function, so a test
can also call the function directly.

Commands are registered by id (``router.command("signal")``); the words people type for them,
in Dutch and English, come from the catalogue (:mod:`turn.commands`). The routes keep their
ids and roles, so help can list exactly the commands a person may use.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from kernel.core import Action, Command, Message, Role, Submit
from turn.commands import CommandWords, normalise
from turn.context import TurnContext

Handler = Callable[[TurnContext], Awaitable[None]]
Event = Command | Message | Action | Submit

# Typed text longer than this is answered with a kind "too long" and never parsed or scanned:
# every later step (privacy guard, matching, markup clean-up) then works on bounded text. No
# form field takes more than 2000 characters; Slack and Teams messages rarely exceed a page.
MAX_TYPED_CHARS = 4000
# The command a too-long text becomes. Not a word anyone types: it only names the route.
TOO_LONG = "\x00too-long"
# Platform text (mentions, Slack or HTML markup) longer than this is over MAX_TYPED_CHARS
# whatever its markup: no real message is three quarters mention tags. See :func:`typed`.
MAX_MARKED_UP_CHARS = 4 * MAX_TYPED_CHARS


def typed(raw: str, convert: Callable[[str], str]) -> str:
    """What a person typed, from the platform's ``raw`` text by ``convert`` (mention stripping,
    markup to text), for :meth:`Router.parse_text`.

    Why: every conversion is linear, but on a megabyte it still holds the event loop for tens
    to hundreds of milliseconds (Teams ``<at>x</at>`` × 90,000: 0.1-0.3 s) for a text that is
    refused anyway. Text longer than :data:`MAX_MARKED_UP_CHARS` comes back unconverted, and
    ``parse_text`` answers it as too long after one length check.
    """
    return raw if len(raw) > MAX_MARKED_UP_CHARS else convert(raw)


@dataclass(frozen=True, slots=True)
class Route:
    handler: Handler
    roles: frozenset[Role] = frozenset()
    command: str = ""  # the command id, for a command route

    def allows(self, has: Callable[..., bool]) -> bool:
        """True when a person with ``has`` (:meth:`kernel.core.Actor.has`) may use this."""
        return not self.roles or has(*self.roles)


@dataclass(slots=True)
class Router:
    vocabulary: CommandWords = field(default_factory=CommandWords.shipped)
    commands: dict[str, Route] = field(default_factory=dict)
    actions: dict[str, Route] = field(default_factory=dict)
    submits: dict[str, Route] = field(default_factory=dict)
    fallback: Route | None = None

    def command(
        self, command_id: str, roles: Iterable[Role] = (), *, words: Iterable[str] = ()
    ) -> Callable[[Handler], Handler]:
        """Register a command by id; every word for it in every language is accepted.

        ``words`` replaces the catalogue's words, for a command that only a test adds.
        """
        typed = tuple(normalise(w) for w in words) or self.vocabulary.all_words(command_id)

        def decorate(handler: Handler) -> Handler:
            route = Route(handler, frozenset(roles), command_id)
            for word in typed:
                taken = self.commands.get(word)
                if taken is not None and taken.command != command_id:
                    raise ValueError(
                        f"the word {word!r} is used for both {taken.command!r} and {command_id!r}"
                    )
                self.commands[word] = route
            return handler

        return decorate

    def action(self, *prefixes: str, roles: Iterable[Role] = ()) -> Callable[[Handler], Handler]:
        """Register a button/choice handler by action id prefix (``signal.support``)."""

        def decorate(handler: Handler) -> Handler:
            for prefix in prefixes:
                self.actions[prefix] = Route(handler, frozenset(roles))
            return handler

        return decorate

    def submit(self, *form_ids: str, roles: Iterable[Role] = ()) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            for form_id in form_ids:
                self.submits[form_id] = Route(handler, frozenset(roles))
            return handler

        return decorate

    def message(self) -> Callable[[Handler], Handler]:
        """Register the handler for free text that is not a command."""

        def decorate(handler: Handler) -> Handler:
            self.fallback = Route(handler)
            return handler

        return decorate

    def command_routes(self) -> list[Route]:
        """Each command of the catalogue once, in its order (``commands.toml``).

        A command registered with its own ``words`` (the router's name for a too-long text, a
        test's extra command) is not one people look up, so help does not list it.
        """
        order = {command_id: n for n, command_id in enumerate(self.vocabulary.ids())}
        unique: dict[str, Route] = {}
        for route in self.commands.values():
            if route.command in order:
                unique.setdefault(route.command, route)
        return sorted(unique.values(), key=lambda r: order[r.command])

    def route_for(self, event: Event) -> Route | None:
        if isinstance(event, Command):
            return self.commands.get(normalise(event.name))
        if isinstance(event, Action):
            # Longest matching prefix wins, so ``signal.support.extra`` can override ``signal``.
            for prefix in sorted(self.actions, key=len, reverse=True):
                if event.action_id == prefix or event.action_id.startswith(prefix + "."):
                    return self.actions[prefix]
            return None
        if isinstance(event, Submit):
            return self.submits.get(event.form_id)
        return self.fallback

    def parse_text(self, text: str, idempotency_key: str | None = None) -> Command | Message:
        """Turn typed text into a command when it starts with a known command word.

        The same parser serves Slack DMs, Teams messages and the console, so "signaal …" (or
        "signal …") means the same everywhere. A leading slash is accepted (``/signaal``).
        """
        stripped = text.strip()
        if len(stripped) > MAX_TYPED_CHARS:
            return Command(name=TOO_LONG, text=str(len(stripped)), idempotency_key=idempotency_key)
        words = stripped.lstrip("/").split()
        lowered = [w.lower() for w in words]
        for length in range(min(3, len(words)), 0, -1):
            name = " ".join(lowered[:length])
            if name in self.commands:
                rest = stripped.lstrip("/").split(None, length)
                arg = rest[length] if len(rest) > length else ""
                return Command(name=name, text=arg.strip(), idempotency_key=idempotency_key)
        return Message(text=text, idempotency_key=idempotency_key)
