from __future__ import annotations

from datetime import UTC, date, datetime

from kernel.i18n import SUPPORTED_LOCALES, Catalogue, normalise_locale, placeholders


def test_every_message_exists_in_every_language_with_the_same_placeholders() -> None:
    catalogue = Catalogue.load()
    nl = catalogue.keys("nl")
    assert nl, "the Dutch catalogue is empty"
    for locale in SUPPORTED_LOCALES:
        assert catalogue.keys(locale) == nl, f"{locale} differs: {catalogue.keys(locale) ^ nl}"
        for key in nl:
            assert placeholders(catalogue.raw(locale, key) or "") == placeholders(
                catalogue.raw("nl", key) or ""
            ), key


def test_locale_from_platform_and_fallback() -> None:
    assert normalise_locale("en-US") == "en"
    assert normalise_locale("nl_NL") == "nl"
    assert normalise_locale("de-DE") == "nl"
    assert normalise_locale(None) == "nl"


def test_translator_formats_and_survives_missing_keys() -> None:
    catalogue = Catalogue.load()
    t = catalogue.translator("en")
    assert "S-1" in t("signals.saved", ref="S-1")
    assert t("no.such.key") == "no.such.key"
    # One style per language, in dates and in date-times alike.
    assert t.date(date(2026, 4, 27)) == "27 April 2026"
    assert t.datetime(datetime(2027, 1, 21, 9, 0, tzinfo=UTC)) == "21 January 2027, 10:00"
    assert catalogue.translator("nl").datetime(datetime(2027, 1, 21, 9, 0, tzinfo=UTC)) == (
        "21 januari 2027, 10:00"
    )
    assert catalogue.translator("nl").date(date(2026, 4, 27)) == "27 april 2026"
    # Amsterdam is UTC+2 in summer
    assert (
        catalogue.translator("nl")
        .datetime(datetime(2026, 6, 1, 7, 0, tzinfo=UTC))
        .endswith("09:00")
    )
