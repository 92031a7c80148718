"""Unit tests for the privacy guard (the privacy package)."""

from __future__ import annotations

import dataclasses
import itertools
import time

import pytest

from privacy import KINDS, Finding, contains_personal_data, elfproef, mask, scan


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start : f.end]) for f in scan(text)]


def kinds(text: str) -> set[str]:
    return {f.kind for f in scan(text)}


# ------------------------------------------------------------------ API shape


def test_finding_is_frozen_with_slots() -> None:
    f = Finding("bsn", 1, 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.start = 2  # type: ignore[misc]
    assert not hasattr(f, "__dict__")


def test_scan_of_empty_and_clean_text() -> None:
    assert scan("") == []
    assert not contains_personal_data("Steeds meer ouderen vereenzamen in Woensel-Noord.")


def test_all_kinds_are_known() -> None:
    text = (
        "Mevrouw Jansen, BSN 123456782, mail a.jansen@voorbeeld.nl, tel 06-12345678, "
        "woont Kerkstraat 12, 5611 AB Eindhoven, geboren op 3 maart 1985, "
        "dossiernummer 2024-12345, IBAN NL91 ABNA 0417 1643 00."
    )
    assert {f.kind for f in scan(text)} == set(KINDS)


# ------------------------------------------------------------------ BSN / elfproef


@pytest.mark.parametrize("number", ["123456782", "111222333", "999999990"])
def test_elfproef_valid(number: str) -> None:
    assert elfproef(number)


@pytest.mark.parametrize("number", ["123456789", "111222334", "000000000", "12345678901"])
def test_elfproef_invalid(number: str) -> None:
    assert not elfproef(number)


@pytest.mark.parametrize(
    "written", ["123456782", "123 456 782", "1234.56.782", "123.456.782", "123-456-782"]
)
def test_bsn_formats(written: str) -> None:
    text = f"Het nummer is {written} volgens de brief."
    assert found(text) == [("bsn", written)]


def test_nine_digits_failing_elfproef_are_not_a_bsn() -> None:
    assert scan("Het ticketnummer was 123456789 in TOPdesk.") == []
    assert scan("nummer 111 222 334") == []


def test_labelled_bsn_is_flagged_even_with_a_typo() -> None:
    assert found("BSN: 123456789") == [("bsn", "123456789")]


def test_bsn_inside_longer_number_or_amount_is_ignored() -> None:
    assert scan("code 1234567821") == []
    assert scan("een bedrag van € 123.456.782") == []


# ------------------------------------------------------------------ e-mail


def test_email_plain_and_slack_markup() -> None:
    assert found("mail p.bakker@voorbeeld.nl graag") == [("email", "p.bakker@voorbeeld.nl")]
    text = "Mail <mailto:a@b.nl|a@b.nl> even"
    assert found(text) == [("email", "a@b.nl"), ("email", "a@b.nl")]
    assert mask(text, scan(text)) == "Mail <mailto:[E-MAIL]|[E-MAIL]> even"


def test_obfuscated_email() -> None:
    assert kinds("via p.bakker (at) voorbeeld.nl") == {"email"}


# ------------------------------------------------------------------ phone


@pytest.mark.parametrize(
    "number",
    [
        "06-12345678",
        "06 1234 5678",
        "0612345678",
        "+31 6 12345678",
        "+31612345678",
        "0031 6 12345678",
        "+31 (0)6 12345678",
        "020-1234567",
        "040 123 4567",
        "(040) 123 45 67",
        "088 - 443 37 05",
        "+32 470 58 21 93",
        "+49 151 2738 4910",
        "0049 30 1234567",
    ],
)
def test_phone_formats(number: str) -> None:
    assert found(f"Bel {number} na twee uur.") == [("phone", number)]


@pytest.mark.parametrize(
    "number", ["0800-1234", "0900 1234567", "0800-0113", "112", "113", "14 040", "0906-1234567"]
)
def test_public_numbers_are_not_personal_data(number: str) -> None:
    assert found(f"Bel {number} voor hulp.") == []


@pytest.mark.parametrize(
    "text",
    [
        "Bel 14 040 voor vragen.",
        "Spreekuur van 09.00-12.00 en 13.00-17.00 uur.",
        "Versie 4.12.003 van het systeem.",
        "Kvk 12345678 van de aanbieder.",
        "Op 01-02-2010 12 uur gewacht.",
    ],
)
def test_not_a_phone(text: str) -> None:
    assert "phone" not in kinds(text)


# ------------------------------------------------------------------ postcode / address


def test_postcode_alone_and_with_house_number() -> None:
    assert found("postcode 5611 AB Eindhoven") == [("postcode", "5611 AB")]
    assert found("woont op 5611AB 12a.") == [("address", "5611AB 12a")]
    assert found("woont op 5611 AB 12") == [("address", "5611 AB 12")]


@pytest.mark.parametrize(
    "text",
    [
        "In 5611 is veel overlast.",
        "Postcodegebied 5611-5616 heeft veel studenten.",
        "Tussen 2024 EN 2025 verandert er veel.",
        "Het gaat om 5611 inwoners.",
    ],
)
def test_area_code_is_not_personal(text: str) -> None:
    assert scan(text) == []


@pytest.mark.parametrize(
    "street",
    [
        "Kerkstraat 12",
        "Hoogstraat 3-B",
        "Jan van Goyenlaan 14a",
        "Stratumsedijk 10",
        "Markt 5",
        "Oude Markt 12",
        "Pastoor van Arsweg 3",
        "Karel de Grotelaan 158",
        "Kleine Berg 12",
        "kerkstraat 7",
    ],
)
def test_street_with_number(street: str) -> None:
    assert found(f"Meneer woont op de {street}, al jaren.") == [("address", street)]


@pytest.mark.parametrize(
    "text",
    [
        "In de Kerkstraat is overlast.",
        "Kerkstraat en omgeving: 3 meldingen.",
        "Kerkstraat 3 meldingen in een maand.",
        "Op de markt 5 kramen.",
        "De arbeidsmarkt 2024 is krap.",
        "De snelweg 2 uur dicht.",
        "De loopbaan 3 jaar onderbroken.",
        "Hoofdstuk Vroegsignalering 24",
        "Een fietspad 12 meter lang.",
    ],
)
def test_street_without_house_number_is_a_place(text: str) -> None:
    assert "address" not in kinds(text)


def test_street_and_postcode_together() -> None:
    text = "Kerkstraat 12, 5611 AB Eindhoven"
    assert found(text) == [("address", "Kerkstraat 12"), ("postcode", "5611 AB")]


# ------------------------------------------------------------------ birth dates


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Zij is geboren op 3 maart 1985 in Eindhoven.", "3 maart 1985"),
        ("Meneer (geb. 03-03-1985) wacht al lang.", "03-03-1985"),
        ("geboortedatum 1-2-2010", "1-2-2010"),
        ("Geb.datum: 12/05/2009", "12/05/2009"),
        ("De zoon (12-05-2009) gaat niet naar school.", "12-05-2009"),
        ("Het dossier van Jansen (12-05-2009) is overgedragen.", "12-05-2009"),
        ("Hij is op 1-4-1945 geboren.", "1-4-1945"),
    ],
)
def test_birth_date_in_context(text: str, date: str) -> None:
    assert ("birth_date", date) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Sinds 1 maart 2024 zien we meer aanmeldingen.",
        "Het gesprek met de moeder op 12-05-2024 ging over school.",
        "Het overleg van 03-10-2024 is verplaatst.",
        "Het onderzoek van 15-03-2024 tot 30-06-2024.",
        "Geboren en getogen in Eindhoven.",
        "Mensen geboren in de jaren 50.",
        "Overleg (12-05-2024) gaat niet door.",
        "Evaluatie, 12-05-2024: de toegang werkt sneller.",
    ],
)
def test_event_dates_are_not_birth_dates(text: str) -> None:
    assert scan(text) == []


# ------------------------------------------------------------------ case numbers


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("dossiernummer 2024-12345", "2024-12345"),
        ("zaaknummer Z/23/456789", "Z/23/456789"),
        ("Casusnummer: 8812 loopt vast", "8812"),
        ("cliëntnummer 445566", "445566"),
        ("zie dossier 123456", "123456"),
        ("ons kenmerk JZ-2024-0071", "JZ-2024-0071"),
        ("melding VT-2023-004512 is gesloten", "VT-2023-004512"),
        ("aanvraag bijzondere bijstand 2024-087312 afgewezen", "2024-087312"),
    ],
)
def test_case_numbers(text: str, number: str) -> None:
    assert found(text) == [("case_number", number)]


@pytest.mark.parametrize(
    "text",
    [
        "Artikel 2.3.5 lid 3 Wmo is van toepassing.",
        "De dossiers met kenmerk 'urgent' gaan voor.",
        "De casus 3 van de 10 was complex.",
        "In het dossier 2024 staat niets.",
        "Het beleidskader 2023-2026 wordt besproken.",
    ],
)
def test_not_case_numbers(text: str) -> None:
    assert scan(text) == []


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Mevrouw Jansen belt elke dag.", "Jansen"),
        ("We spraken meneer De Vries.", "De Vries"),
        ("Graag contact met dhr. P. Bakker.", "P. Bakker"),
        ("mw. van den Berg wacht al weken", "van den Berg"),
        ("Mevr. Özdemir heeft gebeld.", "Özdemir"),
        ("De familie Yilmaz zit in een noodwoning.", "Yilmaz"),
        ("fam. Şahin uit Gestel", "Şahin"),
        ("Bel de heer Visser terug.", "Visser"),
        ("juffrouw Anouk van groep 5", "Anouk"),
        ("meneer Jansen-de Vries", "Jansen-de Vries"),
        ("Haar zoon Kevin spijbelt.", "Kevin"),
        ("Jayden (14) zit thuis.", "Jayden"),
        ("Ik sprak Fatima gisteren.", "Fatima"),
        ("Kunnen jullie Sanne Dijkstra bellen?", "Sanne Dijkstra"),
    ],
)
def test_names(text: str, name: str) -> None:
    assert ("name", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "meneer",
        "Mevrouw zei dat ze al drie keer is doorverwezen.",
        "Mevrouw heeft geen netwerk.",
        "mevrouw X en meneer A. willen anoniem blijven",
        "Een jongen van 14 zit al maanden thuis.",
        "Mevrouw de wethouder heeft toegezegd te komen.",
        "Meneer de burgemeester opende het wijkcentrum.",
        "Moeder (29) en vader zijn gescheiden.",
        "Gezinnen (12) melden zich vaker.",
        "Inwoner Partner Medewerker Financieel",
        "Aanmeldingen (45) stijgen sinds de zomer.",
        "Ze doet boodschappen bij de Dirk omdat het goedkoper is.",
        "Na opname in het Jeroen Bosch Ziekenhuis kwam ze thuis.",
        "Het Anna Ziekenhuis en het Emma Kinderziekenhuis.",
        "De Sint Jan is vol.",
        "Er belde een mevrouw van de gemeente.",
        "Een meneer van Jeugdzorg Nederland belde.",
    ],
)
def test_not_names(text: str) -> None:
    assert "name" not in kinds(text)


def test_name_does_not_swallow_following_address() -> None:
    text = "Buren van mevrouw Ter Horst op de Heezerweg 124 melden overlast."
    assert found(text) == [("name", "Ter Horst"), ("address", "Heezerweg 124")]


# ------------------------------------------------------------------ IBAN


def test_iban_with_valid_check_digits_only() -> None:
    assert found("rekening NL91 ABNA 0417 1643 00 kijken") == [("iban", "NL91 ABNA 0417 1643 00")]
    assert found("rekening NL91ABNA0417164300.") == [("iban", "NL91ABNA0417164300")]
    # A typo in a Dutch IBAN is still an account number; other layouts need the check.
    assert found("rekening NL92 ABNA 0417 1643 00") == [("iban", "NL92 ABNA 0417 1643 00")]
    assert found("konto DE89 3704 0044 0532 0130 00") == [("iban", "DE89 3704 0044 0532 0130 00")]
    assert scan("code DE88 3704 0044 0532 0130 00") == []


# ------------------------------------------------------------------ other negatives


@pytest.mark.parametrize(
    "text",
    [
        "Een gezin van 6 met € 1.250 per maand en 45% huurquote.",
        "Sinds 2019 zijn er 123 gezinnen op de wachtlijst.",
        "Het budget is € 1,2 miljoen, waarvan 64% besteed.",
        "Er zijn in totaal 1.234.567 euro aan subsidies verstrekt.",
        "<!channel> reminder: signalen graag voor vrijdag :pray: 🙂",
        "Kamer 2.14 is vanaf maandag de vaste plek.",
        "Leeftijd 18-23 jaar (45%), 24-27 jaar (30%).",
    ],
)
def test_clean_texts(text: str) -> None:
    assert scan(text) == []


# ------------------------------------------------------------------ offsets, ordering, mask

SAMPLE = (
    "🙂 Mevrouw Jansen (BSN 123 456 782) woont op Kerkstraat 12, 5611 AB, "
    "tel 06-12345678, mail m.jansen@voorbeeld.nl 🙏"
)


def test_offsets_point_at_the_values() -> None:
    assert found(SAMPLE) == [
        ("name", "Jansen"),
        ("bsn", "123 456 782"),
        ("address", "Kerkstraat 12"),
        ("postcode", "5611 AB"),
        ("phone", "06-12345678"),
        ("email", "m.jansen@voorbeeld.nl"),
    ]


def test_findings_sorted_and_non_overlapping() -> None:
    findings = scan(SAMPLE * 3)
    assert findings == sorted(findings, key=lambda f: f.start)
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start


def test_mask_never_reveals_values() -> None:
    findings = scan(SAMPLE)
    masked = mask(SAMPLE, findings)
    for f in findings:
        assert SAMPLE[f.start : f.end] not in masked
    for digits in ("123", "456", "782", "12345678", "5611"):
        assert digits not in masked
    assert "Mevrouw J•••" in masked
    assert "[BSN]" in masked and "[TELEFOON]" in masked and "[E-MAIL]" in masked
    assert masked.startswith("🙂 ") and masked.endswith(" 🙏")


def test_mask_handles_unsorted_overlapping_and_empty_findings() -> None:
    text = "abc 123456782 def"
    assert mask(text, []) == text
    findings = [Finding("bsn", 4, 13), Finding("phone", 6, 10), Finding("bsn", 0, 0)]
    masked = mask(text, list(reversed(findings)))
    assert "123456782" not in masked and "3456" not in masked
    assert masked.startswith("abc ") and masked.endswith(" def")


def test_mask_of_short_name_reveals_nothing_more_than_an_initial() -> None:
    assert mask("meneer Li belt", [Finding("name", 7, 9)]) == "meneer L••• belt"


# ------------------------------------------------------------------ robustness


def test_long_input_is_fast_and_linear() -> None:
    chunk = (
        "Mevrouw Jansen (BSN 123456782) woont op Kerkstraat 12, 5611 AB, tel 06-12345678. "
        "Sinds 2019 zien we 123 gezinnen met € 1.250 schuld. 🙂 "
    )
    text = (chunk * (10_000 // len(chunk) + 1))[:10_000]
    started = time.perf_counter()
    findings = scan(text)
    assert time.perf_counter() - started < 1.0
    assert len(findings) > 100
    for pathological in ("a" * 10_000, "1 " * 5_000, "Jansen-" * 1_400, "a." * 5_000 + "@"):
        started = time.perf_counter()
        scan(pathological)
        assert time.perf_counter() - started < 1.0


def test_emoji_do_not_shift_offsets() -> None:
    text = "👨‍👩‍👧 gezin 🏠 Kerkstraat 12 📞 06-12345678"
    assert found(text) == [("address", "Kerkstraat 12"), ("phone", "06-12345678")]


@pytest.mark.parametrize(
    "text",
    ["S-2026-0001", "zie signaal S-2026-0042 en vraag V-2027-0007", "referentie S-2026-1234"],
)
def test_signaalbots_own_references_are_not_case_numbers(text: str) -> None:
    assert scan(text) == []


def test_other_structured_case_numbers_still_are() -> None:
    assert [f.kind for f in scan("dossier JZ-2024-0071 loopt nog")] == ["case_number"]
