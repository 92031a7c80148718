"""Privacy guard: find client personal data in short Dutch and English texts before they are
stored, and mask it.

Signals are about patterns in practice, never about a client (AVG/GDPR). The turn layer's form
validation (``turn.forms``) scans every free-text input with :func:`scan` before a handler sees
it; :func:`mask` produces a safe version that never reveals a found value. A library like
``matching``: standard library only, no I/O beyond reading its word lists.

Kinds
-----
``bsn``          citizen service number: nine digits (also ``123 456 782``, ``1234.56.782``)
                 passing the elfproef; a number labelled "BSN" is flagged even when the check
                 fails (a typo is still a BSN).
``email``        e-mail address (also inside Slack ``<mailto:…|…>`` markup, or obfuscated).
``phone``        private phone number: Dutch mobile and landline, ``+31``/``0031``, foreign
                 ``+32``/``+49``…; public numbers (0800, 0900, 112, 113, 14 0xx) are not flagged.
``iban``         bank account number: Dutch layout, or another country's with a valid mod-97.
``postcode``     postcode (``5611 AB``); a four-digit area code alone is not flagged.
``address``      street + house number (``Kerkstraat 12``) or postcode + house number.
``birth_date``   a date in birth context (``geboren op 3 maart 1985``, ``born 03-04-1987``) or
                 a full date in person context (``Jansen (12-05-2009)``).
``case_number``  labelled or structured case/dossier/client number (``zaaknummer Z/23/456789``);
                 signaalbot's own references (``S-2026-0001``) are not.
``name``         a name after a title (``mevrouw Jansen``, ``dhr. P. Bakker``), after a family
                 word (``zoon Kevin``), before an age (``Jayden (14)``), or a known first name.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from privacy.findings import KINDS, Finding
from privacy.masking import mask
from privacy.numbers import elfproef
from privacy.scanner import Guard
from privacy.words import WordLists, load_words

__all__ = [
    "KINDS",
    "STAFF_ALLOWED",
    "Finding",
    "Guard",
    "WordLists",
    "contains_personal_data",
    "default_guard",
    "elfproef",
    "load_words",
    "mask",
    "mask_text",
    "scan",
]

#: Kinds a field that holds staff data (a researcher's or owner's name) may contain. A BSN,
#: an address or a client's case number is refused there as anywhere else.
STAFF_ALLOWED: frozenset[str] = frozenset({"name"})


@cache
def default_guard() -> Guard:
    """The guard with the packaged word lists, built once per process."""
    return Guard()


def scan(text: str, *, allow: Iterable[str] = ()) -> list[Finding]:
    """The personal data in ``text`` (see :meth:`Guard.scan`)."""
    return default_guard().scan(text, allow=allow)


def mask_text(text: str, *, allow: Iterable[str] = ()) -> str:
    """``text`` with every finding masked: ``mask(text, scan(text))``."""
    return mask(text, scan(text, allow=allow))


def contains_personal_data(text: str) -> bool:
    """True if :func:`scan` finds anything in ``text``."""
    return bool(scan(text))
