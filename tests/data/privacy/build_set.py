"""Build the labelled privacy set ``privacy_set.jsonl`` from hand-written templates.

Every template is a realistic Dutch message as a social professional might post it. Slots
in double square brackets are filled with *fictitious* values from a seeded generator:

* ``[[gen]]``          a generated value; personal-data generators record a gold span
                       (e.g. ``[[bsn]]``, ``[[surname]]``), filler generators do not
                       (e.g. ``[[event_date]]``, ``[[amount]]``).
* ``[[key=value]]``    a literal value; of kind ``key``'s kind (``[[age=14]]``: no span).

Offsets are computed while the text is assembled, so they are always exact. BSNs pass the
elfproef by construction; IBANs have valid check digits; names, streets and numbers are
invented combinations. Rerun: ``python tests/data/privacy/build_set.py`` (deterministic).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "privacy_set.jsonl"
RNG = random.Random(20261123)

FIRST = [
    "Anouk",
    "Sanne",
    "Fatima",
    "Kevin",
    "Jayden",
    "Mohammed",
    "Noah",
    "Emma",
    "Lotte",
    "Daan",
    "Sem",
    "Yasmin",
    "Priya",
    "Bilal",
    "Ilse",
    "Pieter",
    "Henk",
    "Ans",
    "Gerda",
    "Ricardo",
    "Mila",
    "Zoë",
    "Ayoub",
    "Dewi",
    "Stefan",
    "Marloes",
    "Jesse",
    "Naima",
]
SURNAMES = [
    "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
    "Mulder", "de Groot", "Bos", "Vos", "Hendriks", "van Leeuwen", "Dekker", "Brouwer",
    "de Wit", "Dijkstra", "Yilmaz", "Şahin", "Özdemir", "El Amrani", "Bouzid", "Kaya",
    "Nguyen", "Pinas", "Martina", "Kowalski", "Nowak", "van der Heijden", "ter Horst",
    "Verhoeven", "van Dijk", "Schouten", "Claessens",
]  # fmt: skip
STREETS = [
    "Kerkstraat", "Hoogstraat", "Jan van Goyenlaan", "Stratumsedijk", "Boschdijk",
    "Kastanjelaan", "Vestdijk", "Aalsterweg", "Tongelresestraat", "Heezerweg",
    "Frankrijkstraat", "Edisonstraat", "Kruisstraat", "Willemstraat", "Generaal Bothastraat",
    "Prinses Irenestraat", "Floralaan", "Meerhovendreef", "Hertogsingel", "Woenselse Markt",
    "Marconiplein", "Catharinaplein", "Dommelkade", "Pastoor van Arsweg", "Karel de Grotelaan",
]  # fmt: skip
DOMAINS = ["hotmail.com", "gmail.com", "ziggo.nl", "kpnmail.nl", "voorbeeld.nl", "outlook.com"]
MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


# ---------------------------------------------------------------- value generators


def bsn_digits() -> str:
    while True:
        digits = [RNG.randint(1, 9)] + [RNG.randint(0, 9) for _ in range(7)]
        total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
        last = total % 11
        if last <= 9:
            return "".join(map(str, digits)) + str(last)


def bsn() -> str:
    d = bsn_digits()
    return RNG.choice([d, d, f"{d[:3]} {d[3:6]} {d[6:]}", f"{d[:4]}.{d[4:6]}.{d[6:]}"])


def not_bsn() -> str:
    """Nine digits that fail the elfproef."""
    d = bsn_digits()
    return d[:8] + str((int(d[8]) + RNG.randint(1, 8)) % 10)


def surname() -> str:
    return RNG.choice(SURNAMES)


def cap_surname() -> str:
    name = surname()
    return name[0].upper() + name[1:]


def first() -> str:
    return RNG.choice(FIRST)


def initials_surname() -> str:
    initials = "".join(f"{chr(RNG.randint(65, 90))}." for _ in range(RNG.randint(1, 2)))
    return f"{initials} {surname()}"


def full_name() -> str:
    return f"{first()} {cap_surname()}"


def email() -> str:
    name = re.sub(r"[^a-z]", "", RNG.choice(SURNAMES).lower().replace("ş", "s").replace("ö", "o"))
    local = RNG.choice([f"{first().lower()[0]}.{name}", f"{name}{RNG.randint(60, 99)}", name])
    return f"{local}@{RNG.choice(DOMAINS)}".replace("ë", "e")


def mobile() -> str:
    d = "".join(str(RNG.randint(0, 9)) for _ in range(8))
    return RNG.choice(
        [f"06-{d}", f"06 {d[:4]} {d[4:]}", f"+31 6 {d}", f"06{d}", f"0031 6 {d}", f"+316{d}"]
    )


def landline() -> str:
    area = RNG.choice(["040", "020", "010", "030", "0492", "073"])
    rest_len = 10 - len(area)
    d = str(RNG.randint(2, 9)) + "".join(str(RNG.randint(0, 9)) for _ in range(rest_len - 1))
    return RNG.choice([f"{area}-{d}", f"{area} {d[:3]} {d[3:]}", f"({area}) {d}"])


def phone() -> str:
    return mobile() if RNG.random() < 0.65 else landline()


def postcode() -> str:
    while True:
        letters = chr(RNG.randint(65, 90)) + chr(RNG.randint(65, 90))
        if letters not in {"SA", "SD", "SS"}:
            break
    digits = RNG.choice(["56", "55", "56", "52", "50"]) + f"{RNG.randint(0, 99):02d}"
    return RNG.choice([f"{digits} {letters}", f"{digits}{letters}"])


def house_number() -> str:
    n = RNG.randint(1, 180)
    return RNG.choice([str(n), str(n), f"{n}a", f"{n}-B", f"{n} C", f"{n}-2"])


def address() -> str:
    return f"{RNG.choice(STREETS)} {house_number()}"


def postcode_house() -> str:
    return f"{postcode()} {RNG.randint(1, 140)}{RNG.choice(['', '', 'a', '-B'])}"


def birth_date() -> str:
    day, month, year = RNG.randint(1, 28), RNG.randint(1, 12), RNG.randint(1940, 2022)
    return RNG.choice(
        [
            f"{day} {MONTHS[month - 1]} {year}",
            f"{day:02d}-{month:02d}-{year}",
            f"{day}-{month}-{year}",
            f"{day:02d}/{month:02d}/{year}",
        ]
    )


def birth_date_numeric() -> str:
    day, month, year = RNG.randint(1, 28), RNG.randint(1, 12), RNG.randint(2004, 2021)
    return f"{day:02d}-{month:02d}-{year}"


def case_number() -> str:
    return RNG.choice(
        [
            f"{RNG.randint(2019, 2025)}-{RNG.randint(10000, 99999)}",
            f"Z/{RNG.randint(19, 25)}/{RNG.randint(100000, 999999)}",
            str(RNG.randint(100000, 9999999)),
            f"JZ-{RNG.randint(2021, 2025)}-{RNG.randint(100, 9999):04d}",
        ]
    )


def iban() -> str:
    bank = RNG.choice(["ABNA", "INGB", "RABO", "TRIO", "SNSB"])
    account = "".join(str(RNG.randint(0, 9)) for _ in range(10))
    numeric = "".join(str(int(ch, 36)) for ch in f"{bank}{account}NL00")
    check = 98 - int(numeric) % 97
    compact = f"NL{check:02d}{bank}{account}"
    spaced = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    return RNG.choice([compact, spaced])


# fillers: not personal data
def event_date() -> str:
    day, month, year = RNG.randint(1, 28), RNG.randint(1, 12), RNG.randint(2022, 2025)
    return RNG.choice([f"{day} {MONTHS[month - 1]} {year}", f"{day:02d}-{month:02d}-{year}"])


def amount() -> str:
    return RNG.choice(["€ 1.250", "€ 85", "€ 2.400,-", "€ 37,50", "€ 12.000", "450 euro"])


def year() -> str:
    return str(RNG.randint(2015, 2025))


def area_code() -> str:
    return RNG.choice(["5611", "5612", "5623", "5642", "5651", "5616", "5658"])


def street_only() -> str:
    return RNG.choice(STREETS)


def count() -> str:
    return str(RNG.randint(3, 180))


def age() -> str:
    return str(RNG.randint(4, 92))


GENERATORS: dict[str, tuple[str | None, Callable[[], str]]] = {
    "bsn": ("bsn", bsn),
    "surname": ("name", surname),
    "cap_surname": ("name", cap_surname),
    "first": ("name", first),
    "initials_surname": ("name", initials_surname),
    "full_name": ("name", full_name),
    "email": ("email", email),
    "phone": ("phone", phone),
    "mobile": ("phone", mobile),
    "landline": ("phone", landline),
    "postcode": ("postcode", postcode),
    "address": ("address", address),
    "postcode_house": ("address", postcode_house),
    "birth_date": ("birth_date", birth_date),
    "birth_date_numeric": ("birth_date", birth_date_numeric),
    "case_number": ("case_number", case_number),
    "iban": ("iban", iban),
    "not_bsn": (None, not_bsn),
    "event_date": (None, event_date),
    "amount": (None, amount),
    "year": (None, year),
    "area_code": (None, area_code),
    "street_only": (None, street_only),
    "count": (None, count),
    "age": (None, age),
}

SLOT = re.compile(r"\[\[([a-z_]+)(?:=([^\]]+))?\]\]")


def render(template: str) -> dict[str, object]:
    parts: list[str] = []
    spans: list[dict[str, object]] = []
    cursor = 0
    length = 0
    for m in SLOT.finditer(template):
        literal = template[cursor : m.start()]
        parts.append(literal)
        length += len(literal)
        key, value = m.group(1), m.group(2)
        if value is not None:
            kind: str | None = GENERATORS[key][0] if key in GENERATORS else key
        else:
            kind, gen = GENERATORS[key]
            value = gen()
        if kind is not None:
            spans.append({"kind": kind, "start": length, "end": length + len(value)})
        parts.append(value)
        length += len(value)
        cursor = m.end()
    parts.append(template[cursor:])
    return {"text": "".join(parts), "spans": spans}


def templates() -> list[str]:
    src = (HERE / "templates.txt").read_text(encoding="utf-8")
    return [
        line.rstrip("\n")
        for line in src.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def main() -> None:
    rows = [render(t) for t in templates()]
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    positives = sum(1 for r in rows if r["spans"])
    print(f"wrote {len(rows)} texts ({positives} with personal data) to {OUT}")


if __name__ == "__main__":
    main()
