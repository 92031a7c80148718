"""The message catalogue: every text a user sees, in Dutch (default) and English.

Why TOML files per area (``config/messages/<locale>/<area>.toml``): a municipality can read and
change them without tooling, and each feature owns its own file, so two features never edit
the same catalogue. A key is ``<area>.<name>``; texts use ``{name}`` placeholders.

Plurals follow the language's own rules (CLDR, through Babel) instead of "persoon/personen".
A plural message is a table whose keys are plural categories, with ``other`` always present::

    [triage_done]
    one = "{count} persoon krijgt bericht."
    other = "{count} personen krijgen bericht."

and is used as ``t("intake.triage_done", count=n)`` (or ``t.plural("intake.triage_done", n)``):
the number in ``count`` picks the form. Any other table is a group of keys
(``[status]`` gives ``signals.status.nieuw``).
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

from babel import Locale
from babel.dates import format_date, format_time

SUPPORTED_LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"
# The CLDR plural categories; a table of only these keys (with ``other``) is a plural message.
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})
# How dates and times are written per language. English follows British usage (21 January
# 2027, 24-hour clock): the readers live and work in the Netherlands, next to Dutch dates.
FORMAT_LOCALES = {"nl": "nl_NL", "en": "en_GB"}

Message = str | Mapping[str, str]
"""A plain text, or the forms of a plural text by plural category."""


def normalise_locale(value: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Map a platform locale such as ``en-US`` or ``nl_NL`` onto a supported one."""
    if not value:
        return default
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in SUPPORTED_LOCALES else default


def load_messages(folder: Path | resources.abc.Traversable) -> dict[str, Message]:
    """Every message in the ``*.toml`` files of one locale's folder, by full key."""
    messages: dict[str, Message] = {}
    if not folder.is_dir():
        return messages
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        area = entry.name.removesuffix(".toml")
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        flatten(area, data, messages)
    return messages


def is_plural_table(value: Mapping[str, object]) -> bool:
    """A table of plural forms: only plural categories as keys, ``other`` among them."""
    return "other" in value and set(value) <= PLURAL_CATEGORIES


def flatten(prefix: str, data: Mapping[str, object], into: dict[str, Message]) -> None:
    for key, value in data.items():
        full = f"{prefix}.{key}"
        if isinstance(value, Mapping) and is_plural_table(value):
            into[full] = {str(k): str(v) for k, v in value.items()}
        elif isinstance(value, Mapping):
            flatten(full, value, into)
        else:
            into[full] = str(value)


def placeholders(message: Message) -> set[str]:
    """The ``{names}`` a message expects (all forms of a plural); translations must agree."""
    texts = [message] if isinstance(message, str) else list(message.values())
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def plural_forms(locale: str) -> frozenset[str]:
    """The plural categories a language needs (``one`` and ``other`` for Dutch and English)."""
    return frozenset(Locale.parse(locale).plural_form.tags | {"other"})


class Catalogue:
    """All messages of all locales, loaded once; cheap :class:`Translator` views per locale."""

    def __init__(self, messages: Mapping[str, Mapping[str, Message]]) -> None:
        self._messages = {loc: dict(msgs) for loc, msgs in messages.items()}

    @classmethod
    def load(cls, override_dir: Path | None = None) -> Catalogue:
        """Load the shipped catalogue; files in ``override_dir/messages/<locale>`` win."""
        shipped = resources.files("config") / "messages"
        messages: dict[str, dict[str, Message]] = {}
        for locale in SUPPORTED_LOCALES:
            messages[locale] = load_messages(shipped / locale)
            if override_dir is not None:
                messages[locale].update(load_messages(override_dir / "messages" / locale))
        return cls(messages)

    def keys(self, locale: str) -> set[str]:
        return set(self._messages.get(locale, {}))

    def ordered_keys(self, locale: str) -> list[str]:
        """The keys in the order of the files (areas by name, keys as written)."""
        return list(self._messages.get(locale, {}))

    def message(self, locale: str, key: str) -> Message | None:
        return self._messages.get(locale, {}).get(key)

    def raw(self, locale: str, key: str) -> str | None:
        """The text of a key; for a plural message its ``other`` form."""
        found = self.message(locale, key)
        if found is None or isinstance(found, str):
            return found
        return found.get("other")

    def translator(self, locale: str | None, timezone: str = "Europe/Amsterdam") -> Translator:
        return Translator(self, normalise_locale(locale), timezone)


@dataclass(frozen=True, slots=True)
class Translator:
    """Texts, dates and numbers in one person's language and time zone."""

    catalogue: Catalogue
    locale: str
    timezone: str = "Europe/Amsterdam"

    def __call__(self, key: str, /, **params: object) -> str:
        message = self.catalogue.message(self.locale, key)
        if message is None:
            message = self.catalogue.message(DEFAULT_LOCALE, key)
        if message is None:
            # A missing key is a programming error (tests/unit/test_catalogue.py finds them);
            # show the key rather than crash a chat.
            return key
        text = message if isinstance(message, str) else self._form(message, params.get("count"))
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text

    def plural(self, key: str, count: int, /, **params: object) -> str:
        """The form of a plural message that fits ``count``: ``1 persoon``, ``2 personen``."""
        return self(key, count=count, **params)

    def _form(self, forms: Mapping[str, str], count: object) -> str:
        if isinstance(count, int | float) and not isinstance(count, bool):
            category = Locale.parse(self.locale).plural_form(abs(count))
            if category in forms:
                return forms[category]
        return forms["other"]

    @property
    def _format_locale(self) -> str:
        return FORMAT_LOCALES.get(self.locale, self.locale)

    def date(self, value: date) -> str:
        """``1 december 2026`` / ``1 December 2026``: one style in every message."""
        return format_date(value, format="long", locale=self._format_locale)

    def datetime(self, value: datetime) -> str:
        """The date as :meth:`date`, then the local time on a 24-hour clock."""
        local = value.astimezone(ZoneInfo(self.timezone))
        pattern = Locale.parse(self._format_locale).datetime_formats["long"]
        clock = format_time(local, format="short", locale=self._format_locale)
        return str(pattern).format(clock, self.date(local.date()))
