"""The message catalogue: every text a user sees, in Dutch (default) and English.

Why TOML files per area (``config/messages/<locale>/<area>.toml``): a municipality can read and
change them without tooling, and each feature owns its own file, so two features never edit
the same catalogue. A key is ``<area>.<name>``; texts use ``{name}`` placeholders.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

SUPPORTED_LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"


def normalise_locale(value: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map a platform locale such as ``en-US`` or ``nl_NL`` onto a supported one."""
    if not value:
        return default
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in SUPPORTED_LOCALES else default


def _load_dir(folder: Path | resources.abc.Traversable) -> dict[str, str]:
    messages: dict[str, str] = {}
    if not folder.is_dir():
        return messages
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        area = entry.name.removesuffix(".toml")
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        _flatten(area, data, messages)
    return messages


def _flatten(prefix: str, data: Mapping[str, object], into: dict[str, str]) -> None:
    for key, value in data.items():
        full = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            _flatten(full, value, into)
        else:
            into[full] = str(value)


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text expects; used to check that translations agree."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Catalogue:
    """All messages of all locales, loaded once; cheap :class:`Translator` views per locale."""

    def __init__(self, messages: Mapping[str, Mapping[str, str]]) -> None:
        self._messages = {loc: dict(msgs) for loc, msgs in messages.items()}

    @classmethod
    def load(cls, override_dir: Path | None = None) -> Catalogue:
        """Load the shipped catalogue; files in ``override_dir/messages/<locale>`` win."""
        shipped = resources.files("config") / "messages"
        messages: dict[str, dict[str, str]] = {}
        for locale in SUPPORTED_LOCALES:
            messages[locale] = _load_dir(shipped / locale)
            if override_dir is not None:
                messages[locale].update(_load_dir(override_dir / "messages" / locale))
        return cls(messages)

    def keys(self, locale: str) -> set[str]:
        return set(self._messages.get(locale, {}))

    def raw(self, locale: str, key: str) -> str | None:
        return self._messages.get(locale, {}).get(key)

    def translator(self, locale: str | None, timezone: str = "Europe/Amsterdam") -> Translator:
        return Translator(self, normalise_locale(locale), timezone)


@dataclass(frozen=True, slots=True)
class Translator:
    """Texts, dates and numbers in one person's language and time zone."""

    catalogue: Catalogue
    locale: str
    timezone: str = "Europe/Amsterdam"

    def __call__(self, key: str, /, **params: object) -> str:
        text = self.catalogue.raw(self.locale, key) or self.catalogue.raw(DEFAULT_LOCALE, key)
        if text is None:
            # A missing key is a programming error; show the key rather than crash a chat.
            return key
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text

    def date(self, value: date) -> str:
        return format_date(value, format="long", locale=self.locale)

    def datetime(self, value: datetime) -> str:
        local = value.astimezone(ZoneInfo(self.timezone))
        return format_datetime(local, format="d MMMM y HH:mm", locale=self.locale)
