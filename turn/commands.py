"""The words people type for each command, in every language, from the catalogue.

Why in the catalogue (``config/messages/<locale>/commands.toml``, table ``word``): the words a
person types belong next to the texts that mention them, in their own language, so a
translator changes both at once. Every word of every language works for everyone (the text is
parsed before we know who typed it); help and hints show the first word of the person's own
language. A command has a stable id (``signal``, ``mine``) that handlers register.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kernel.i18n import DEFAULT_LOCALE, SUPPORTED_LOCALES, Catalogue

WORD_PREFIX = "commands.word."
SEPARATOR = "|"


def normalise(word: str) -> str:
    """How a typed command word is compared: lower case, single spaces, no leading slash."""
    return " ".join(word.lower().lstrip("/").split())


@dataclass(frozen=True, slots=True)
class CommandWords:
    """Command id → locale → the words for it, the first one shown in help.

    The ids keep the order of the catalogue, which is the order help lists the commands in.
    """

    words: Mapping[str, Mapping[str, tuple[str, ...]]]

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue) -> CommandWords:
        found: dict[str, dict[str, tuple[str, ...]]] = {}
        for locale in SUPPORTED_LOCALES:
            for key in catalogue.ordered_keys(locale):
                if not key.startswith(WORD_PREFIX):
                    continue
                text = catalogue.raw(locale, key) or ""
                words = tuple(w for w in (normalise(p) for p in text.split(SEPARATOR)) if w)
                found.setdefault(key.removeprefix(WORD_PREFIX), {})[locale] = words
        return cls(found)

    @classmethod
    def shipped(cls) -> CommandWords:
        """The words of the catalogue that ships with signaalbot."""
        return cls.from_catalogue(Catalogue.load())

    def ids(self) -> tuple[str, ...]:
        return tuple(self.words)

    def all_words(self, command_id: str) -> tuple[str, ...]:
        """Every word for a command, in every language, without repeats."""
        if command_id not in self.words:
            raise KeyError(f"no words for command {command_id!r} in commands.toml")
        seen: dict[str, None] = {}
        for words in self.words[command_id].values():
            seen.update(dict.fromkeys(words))
        return tuple(seen)

    def shown(self, command_id: str, locale: str) -> str:
        """The word help and hints show to a person who speaks ``locale``."""
        by_locale = self.words.get(command_id, {})
        words = by_locale.get(locale) or by_locale.get(DEFAULT_LOCALE) or (command_id,)
        return words[0]
