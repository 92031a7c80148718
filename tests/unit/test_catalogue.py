"""The Dutch and English catalogues must agree, in every area: same keys, same placeholders,
every plural form the language needs, and every key the code asks for.

The checks are functions, run on the real catalogue and on a broken one, so a check that
cannot fail would fail here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pytest

from kernel.i18n import (
    SUPPORTED_LOCALES,
    Catalogue,
    Message,
    load_messages,
    placeholders,
    plural_forms,
)

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = Path(str(resources.files("config") / "messages"))
FILES = sorted(p.name for p in (MESSAGES / "nl").glob("*.toml"))
AREAS = sorted(name.removesuffix(".toml") for name in FILES)
PACKAGES = ("kernel", "storage", "matching", "privacy", "turn", "cycle", "handlers", "bot")
# Calls that take a catalogue key as their first argument: ``t("…")``, ``ctx.say("…")``,
# ``ctx.t("…")``, ``self._t()("…")``, ``services.translator(x)("…")``.
TRANSLATING = frozenset({"t", "say", "fallback_t", "plural"})
KEY = re.compile(rf"^({'|'.join(AREAS)})\.[a-z0-9_]+(\.[A-Za-z0-9_]+)*$")


def catalogue_problems(catalogues: Mapping[str, Mapping[str, Message]]) -> list[str]:
    """Everything that is wrong between the locales of one catalogue, as readable lines."""
    problems: list[str] = []
    reference = catalogues["nl"]
    for locale, messages in catalogues.items():
        needed = plural_forms(locale)
        for key in sorted(set(reference) - set(messages)):
            problems.append(f"{locale}: missing {key}")
        for key in sorted(set(messages) - set(reference)):
            problems.append(f"{locale}: {key} is not in nl")
        for key, message in sorted(messages.items()):
            texts = [message] if isinstance(message, str) else list(message.values())
            if any(not text.strip() for text in texts):
                problems.append(f"{locale}: {key} is empty")
            if key in reference and placeholders(message) != placeholders(reference[key]):
                problems.append(f"{locale}: placeholders of {key} differ from nl")
            if key in reference and isinstance(message, str) != isinstance(reference[key], str):
                problems.append(f"{locale}: {key} is a plural in one language only")
            if isinstance(message, str):
                continue
            if missing := needed - set(message):
                problems.append(f"{locale}: {key} lacks plural forms {sorted(missing)}")
            if extra := set(message) - needed:
                problems.append(f"{locale}: {key} has forms {sorted(extra)} {locale} never uses")
            if "count" not in placeholders(message["other"]):
                problems.append(f"{locale}: {key}: the 'other' form must show {{count}}")
    return problems


def shipped() -> dict[str, dict[str, Message]]:
    return {locale: load_messages(MESSAGES / locale) for locale in SUPPORTED_LOCALES}


def test_every_file_exists_in_both_languages() -> None:
    assert FILES, "no catalogue files found"
    for locale in SUPPORTED_LOCALES:
        assert sorted(p.name for p in (MESSAGES / locale).glob("*.toml")) == FILES, locale


def test_the_shipped_catalogue_has_no_problems() -> None:
    catalogues = shipped()
    assert {key.split(".")[0] for key in catalogues["nl"]} == set(AREAS)
    assert catalogue_problems(catalogues) == []


def test_the_check_finds_every_kind_of_problem() -> None:
    catalogues = shipped()
    broken = {locale: dict(messages) for locale, messages in catalogues.items()}
    del broken["en"]["commands.help_title"]
    broken["en"]["cycle.started"] = "Learning cycle #{id} has started."  # lost {title}, {due}
    broken["en"]["intake.triage_done"] = {"other": "{count} people get a message."}
    broken["en"]["summary.cycle_line"] = "• Stage {stage}: {count} learning cycles"
    broken["en"]["sessions.minutes"] = {"one": "one minute", "other": "minutes"}
    found = "\n".join(catalogue_problems(broken))
    assert "en: missing commands.help_title" in found
    assert "placeholders of cycle.started" in found
    assert "intake.triage_done lacks plural forms ['one']" in found
    assert "summary.cycle_line is a plural in one language only" in found
    assert "sessions.minutes: the 'other' form must show {count}" in found


def test_plural_forms_follow_the_language() -> None:
    t = Catalogue.load().translator("nl")
    assert t("intake.triage_done", ref="S-1", status="nieuw", count=1).endswith(
        "1 persoon krijgt bericht."
    )
    assert t.plural("intake.triage_done", 2, ref="S-1", status="nieuw").endswith(
        "2 personen krijgen bericht."
    )
    assert t("summary.cycle_line", stage=1, count=1) == "• Fase 1: 1 leercyclus"
    assert t("summary.cycle_line", stage=1, count=0) == "• Fase 1: 0 leercycli"
    en = Catalogue.load().translator("en")
    assert en("sessions.minutes", count=1) == "1 minute"
    assert en("sessions.minutes", count=90) == "90 minutes"
    # No count at all: the general form, never a crash.
    assert en("sessions.minutes") == "{count} minutes"


# --- keys used in code ---------------------------------------------------------------------


def _callee(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return "call" if isinstance(func, ast.Call) else ""


def keys_in_code() -> tuple[set[str], set[str]]:
    """Literal keys and f-string key prefixes passed to a translating call, in all packages."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not (isinstance(node, ast.Call) and node.args):
                    continue
                if _callee(node) not in TRANSLATING | {"call"}:
                    continue
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    if KEY.match(first.value):
                        literal.add(first.value)
                elif isinstance(first, ast.JoinedStr) and first.values:
                    head = first.values[0]
                    text = head.value if isinstance(head, ast.Constant) else None
                    if isinstance(text, str) and text.split(".")[0] in AREAS:
                        prefixes.add(text)
    return literal, prefixes


def test_every_key_used_in_code_exists_in_every_language() -> None:
    catalogue = Catalogue.load()
    literal, prefixes = keys_in_code()
    assert len(literal) > 250, "the scan found too few keys: is the pattern still right?"
    assert {key.split(".")[0] for key in literal} == set(AREAS)
    for locale in SUPPORTED_LOCALES:
        keys = catalogue.keys(locale)
        assert sorted(literal - keys) == [], locale
        assert sorted(p for p in prefixes if not any(k.startswith(p) for k in keys)) == []


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_a_missing_key_is_shown_as_the_key(locale: str) -> None:
    assert Catalogue.load().translator(locale)("core.no_such_key") == "core.no_such_key"


def quoted_commands_of_the_other_language(catalogue: Catalogue) -> list[str]:
    """Hints like "Typ 'signaal'" that name a command in the other language's words."""
    from turn.commands import CommandWords

    words = CommandWords.from_catalogue(catalogue)
    own = {
        locale: {w for cid in words.ids() for w in words.words[cid].get(locale, ())}
        for locale in SUPPORTED_LOCALES
    }
    everything = set().union(*own.values())
    wrong: list[str] = []
    for locale in SUPPORTED_LOCALES:
        for key in sorted(catalogue.keys(locale)):
            message = catalogue.message(locale, key) or ""
            texts = [message] if isinstance(message, str) else list(message.values())
            for quoted in (q for text in texts for q in re.findall(r"'([^'{]+)", text)):
                lowered = quoted.lower().split()
                for length in (3, 2, 1):
                    start = " ".join(lowered[:length])
                    if start in everything:
                        if start not in own[locale]:
                            wrong.append(f"{locale}: {key} names '{start}'")
                        break
    return wrong


def test_hints_name_commands_in_their_own_language() -> None:
    catalogue = Catalogue.load()
    assert quoted_commands_of_the_other_language(catalogue) == []
    en = dict(load_messages(MESSAGES / "en"))
    en["signals.mine_empty"] = "Type 'signaal' to report one."
    broken = Catalogue({"nl": load_messages(MESSAGES / "nl"), "en": en})
    assert quoted_commands_of_the_other_language(broken) == [
        "en: signals.mine_empty names 'signaal'"
    ]
