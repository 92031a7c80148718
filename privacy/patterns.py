"""The guard's regular expressions and character classes.

Every pattern is precompiled, starts at a token boundary (look-behinds) and has no nested
unbounded quantifiers, so a 10,000-character text is scanned in linear time
(tests/unit/privacy/test_privacy_speed.py feeds each one its worst case).
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Python's ``re`` has no \p{Lu}; build explicit classes for Latin letters (incl. accented and
# Turkish/Polish letters common in Dutch surnames).


def _letter_class(predicate: Callable[[str], bool]) -> str:
    chars = (chr(code) for code in range(0x41, 0x250))
    return "[" + "".join(re.escape(ch) for ch in chars if ch.isalpha() and predicate(ch)) + "]"


UP = _letter_class(str.isupper)  # one upper-case letter
LO = _letter_class(str.islower)  # one lower-case letter

# Tussenvoegsels (name particles); matched case-insensitively ("De Vries", "van der Berg").
TV = r"(?i:van|de|der|den|het|'t|ter|ten|te|in|op|la|le|du|da|di|del|dos|el|al|bin|ben|d')"

# A surname/first-name word: capitalised, may be hyphenated ("Jansen-de Vries", "O'Neill").
WORD = rf"{UP}{LO}+(?:['’]{UP}?{LO}+)*"
SURNAME = rf"{WORD}(?:-(?:{TV}\s)?{WORD})*"
INITIALS = rf"(?:{UP}[a-z]?\.\s?){{1,4}}"  # "P.", "J.P.", "Th."

MONTHS = (
    r"(?i:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december|january|february|march|may|june|july|august|october"
    r"|jan|feb|mrt|mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|dec)"
)
# English month names as they start a date ("March 14, 2012"): capitalised.
EN_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)


EMAIL = re.compile(
    r"""
    (?<![\w.+-])                       # start at a token boundary (keeps it linear)
    [\w.+-]+ @ [\w-]+ (?:\.[\w-]+)*     # local part @ domain labels
    \.[^\W\d_]{2,}                      # top-level domain
    (?![\w-])
    """,
    re.VERBOSE,
)

# Obfuscated: "p.bakker (at) voorbeeld.nl", "p.bakker[at]voorbeeld[dot]nl".
EMAIL_OBFUSCATED = re.compile(
    r"""
    (?<![\w.+-])
    [\w.+-]+ \s?[(\[]\s?(?i:at|apenstaartje)\s?[)\]]\s?
    [\w-]+ (?:(?:\.|\s?[(\[]\s?(?i:dot|punt)\s?[)\]]\s?)[\w-]+)+
    (?![\w-])
    """,
    re.VERBOSE,
)

# Nine digits, plain or grouped 3-3-3 / 4-2-3 / 2-3-2-2; checked with the elfproef afterwards.
BSN = re.compile(
    r"""
    (?<![\w.,/-])(?<!\d[ .])
    (?P<number>
        \d{9}
      | \d{3}(?P<sep>[ .-])\d{3}(?P=sep)\d{3}
      | \d{4}\.\d{2}\.\d{3}
      | \d{4}[ ]\d{2}[ ]\d{3}
      | \d{2}\.\d{3}\.\d{2}\.\d{2}
    )
    (?![\w]|[.,/-]\d)
    """,
    re.VERBOSE,
)

# "BSN: 12345678x" - an explicitly labelled number is a BSN even when the check fails.
BSN_LABELLED = re.compile(
    r"""
    (?<!\w)(?i:bsn|burgerservicenummer|burger\s?service\s?nummer|sofinummer|sofi-nummer)
    (?i:[\s-]*(?:nummer|nr\.?|is|van|:|=))*\s*
    (?P<number>\d{8,9}|\d{3}[ .-]\d{3}[ .-]\d{2,3}|\d{4}\.\d{2}\.\d{2,3})
    (?![\w]|[.,/-]\d)
    """,
    re.VERBOSE,
)

# Separator between digits of a phone number: "-", " ", "/" or " - ".
PSEP = r"(?:\s-\s|[ /-])?"
PHONE = re.compile(
    rf"""
    (?<![\w+])(?<![\w+][.,])(?<!\d[ ])        # not inside a longer run of number groups
    (?P<number>
        (?:\+31|0031)\s?(?:\(0\)\s?)?[1-9](?:{PSEP}\d){{8}}    # +31 6 12345678, 0031 20 …
      | \(0\d{{1,3}}\)\s?\d(?:{PSEP}\d){{5,7}}                 # (040) 123 4567
      | (?:\+|00)(?!31)[1-9]\d{{0,2}}\s?(?:\(0\)\s?)?\d(?:{PSEP}\d){{6,11}}  # +32 470 58 21 93
      | 0[1-9](?:{PSEP}\d){{8}}                                # 06-12345678, 040 123 4567
    )
    (?![\w]|[.,]\d|-\d)
    """,
    re.VERBOSE,
)
# Public service numbers (free 0800, paid 0900/0906/0909) are not a person's number.
PUBLIC_PHONE = re.compile(r"0(?:800|90[069])")
DATE_LIKE = re.compile(r"\d{1,2}[-/]\d{1,2}[-/]\d{2,4}")

IBAN = re.compile(
    r"""
    (?<![\w])
    (?P<number>
        (?i:nl)\d{2}\s?(?i:[a-z]{4})(?:\s?\d){10}                  # NL91 ABNA 0417 1643 00
      | [A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?  # other countries
    )
    (?![\w])
    """,
    re.VERBOSE,
)

# Postcode: 4 digits (not starting with 0) + 2 letters (never SA, SD, SS); upper case with
# optional space, or lower case written together ("5611ab"). Optional house number after it.
POSTCODE = re.compile(
    r"""
    (?<![\w€$.,])(?<!€\s)
    (?P<postcode>
        [1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}
      | [1-9]\d{3}(?!sa|sd|ss)[a-z]{2}
    )
    (?![\w-])
    (?P<house>
        \s*(?:,\s*)?(?i:nr\.?\s*)?
        \d{1,5}(?:\s?-?\s?[a-zA-Z](?![\w])|-\d{1,4})?
        (?![\w]|[.,]\d|\s*(?i:%|procent|euro|jaar|keer|x\b))
    )?
    """,
    re.VERBOSE,
)
YEAR_WORDS = frozenset({"EN", "OF", "IN", "OP", "DE", "IS", "AL", "EU", "NU", "JA", "TO", "ZO"})


# Street suffixes. Safe ones may appear in lower case in a compound ("kerkstraat 12");
# risky ones ("markt": arbeidsmarkt, "baan": loopbaan, "pad": fietspad) only capitalised.
SAFE_SUFFIX = (
    "straat|straatje|laan|laantje|weg|plein|pleintje|dijk|singel|gracht|kade|steeg|dreef"
    "|boulevard|plantsoen|hof"
)
RISKY_SUFFIX = (
    "markt|baan|pad|park|erf|wal|ring|poort|haven|berg|vest|dam|kamp|hoven|gaarde|veld|akker"
    "|ven|oord"
)

STREET = re.compile(
    rf"""
    (?<![\w-])(?<!\w['’])                            # a word start, also not "d'|Oultremont"
    (?P<street>(?:[^\W\d_][\w'’-]{{0,60}}?)?(?i:{SAFE_SUFFIX}|{RISKY_SUFFIX}))
    [ \t]+                                          # same line: no "heading\n12"
    (?P<house>(?:nr\.?[ ]?)?\d{{1,4}}(?:[ ]?-?[ ]?[a-zA-Z](?![\w])|-\d{{1,4}}(?![\w]))?)
    (?![\w]|[.,]\d|\s*(?:%|°))
    """,
    re.VERBOSE,
)
# Words after a number that show it is a count or measure, not a house number.

WORD_AFTER = re.compile(r"(?<!\s)\s*+([^\W\d_]+|%|€)")  # linear: never gives back a space
WORD_BEFORE = re.compile(r"(?<![\w'’.-])([^\W\d_][\w'’.-]*)[ \t]+$")

TITLE = (
    r"(?i:mevrouw|mevr\.?|mw\.|meneer|mnr\.?|mijnheer|dhr\.?|de\s+heer|mr\.|juffrouw|juf"
    r"|meester|familie|fam\.?|wijlen|mrs\.?|ms\.|mister)|Mw|mw|Mr|Mrs|Ms|Miss|Sir|Dr\.?"
)
RELATIVE = (
    r"(?i:zoon|zoontje|dochter|dochtertje|moeder|vader|broer|broertje|zus|zusje|oma|opa"
    r"|partner|echtgenoot|echtgenote|vriend|vriendin|stiefvader|stiefmoeder|pleegzoon"
    r"|pleegdochter|cliënt|client|cliënte|jongen|meisje|baby|kind|neef|nicht|tante|oom"
    r"|gezin|jongere|leerling|bewoner|bewoonster|aanvrager|aanvraagster|mantelzorger"
    r"|werkzoekende|deelnemer|deelneemster|buurman|buurvrouw|kleinzoon|kleindochter"
    r"|vrouw|man|dame|jongeman|ex|ex-partner|ex-man|ex-vrouw"
    r"|son|daughter|mother|father|brother|sister|grandmother|grandfather|grandson"
    r"|granddaughter|husband|wife|boyfriend|girlfriend|boy|girl|child|uncle|aunt|nephew"
    r"|niece|cousin|neighbour|neighbor|tenant|resident|pupil|stepfather|stepmother)"
)
# First words of TITLE and RELATIVE, lower case: where the name patterns are tried.
TITLE_WORDS = frozenset(
    [
        "mevrouw",
        "mevr",
        "mw",
        "meneer",
        "mnr",
        "mijnheer",
        "dhr",
        "de",
        "mr",
        "juffrouw",
        "juf",
        "meester",
        "familie",
        "fam",
        "wijlen",
        "mrs",
        "ms",
        "mister",
        "miss",
        "sir",
        "dr",
    ]
)
RELATIVE_WORDS = frozenset(RELATIVE[4:-1].split("|"))
NAME_AFTER_TITLE = re.compile(
    rf"""
    (?<![\w])(?P<title>{TITLE})(?![\w])\s+
    (?P<name>
        (?:{INITIALS}\s*)?
        (?:{TV}\s+){{0,3}}{SURNAME}
        (?:\s+(?:{TV}\s+){{0,3}}{SURNAME})?
    )
    (?![\w])
    """,
    re.VERBOSE,
)
DETERMINER_BEFORE = re.compile(
    r"(?i:haar|zijn|hun|mijn|onze|diens|wiens|de|het|her|his|their|my|our|the)\s+$"
)
CLAUSE_START_BEFORE = re.compile(r"(?:^|[.!?:;\n(]\s*|[-•*]\s)$")
NAME_AFTER_RELATIVE = re.compile(
    rf"""
    (?<![\w])(?P<title>{RELATIVE})\s+
    (?P<name>{WORD}(?:\s+(?:{TV}\s+){{0,3}}{SURNAME})?)
    (?![\w])
    """,
    re.VERBOSE,
)
# A name part ending like this names an institution: "Anna Ziekenhuis", "Jeroen Bosch
# Ziekenhuis", "Emma Kinderziekenhuis", "Maria School".
INSTITUTION = re.compile(
    r"(?i:ziekenhuis|kliniek|school|college|lyceum|academie|huis|centrum|stichting|fonds"
    r"|instituut|museum|kerk|zaal|hoeve|oord|stede|bank|werk|team|loket|dienst|groep|raad"
    r"|zorg|hulp|punt|kantoor|heils|gemeente|wijzer|line|desk|service|services|centre|center"
    r"|foundation|agency|office|association|trust|council|unit|clinic|hospital|bureau)$"
)
INSTITUTION_AFTER = re.compile(r"[ \t]+([^\W\d_]+)")
SAINT_BEFORE = re.compile(r"(?i:sint|st\.)[ -]?$")
# A capitalised word, optionally followed by a surname: candidates for the first-name list.
NAME_SEQUENCE = re.compile(rf"(?<![\w])(?P<name>{WORD}(?:\s+(?:{TV}\s+){{0,3}}{SURNAME})?)(?![\w])")
NAME_WITH_AGE = re.compile(
    rf"""
    (?<![\w])
    (?P<name>{WORD}(?:\s+(?:{TV}\s+){{0,3}}{SURNAME})?)
    (?:
        \s*\(\s*\d{{1,2}}(?:\s*(?i:jaar|jr\.?|j\.?|years?|yrs?\.?))?\s*\)    # Jayden (14)
      | \s*,\s*\d{{1,2}}(?:\s*(?i:jaar|jr\.?|years?\s+old|year-old))(?![\w])   # Kevin, 15 jaar
      | \s*,\s*(?i:aged|age|leeftijd)\s+\d{{1,2}}(?![\w])                       # Sara, aged 14
    )
    """,
    re.VERBOSE,
)
AGE_HINT = re.compile(r"[(,]\s*\d|(?i:aged|age|leeftijd)\s+\d")
INITIAL_HINT = re.compile(rf"{UP}\.")
# Initials before a surname, without a title: "A.M. de Wit", "J. Bakker".
NAME_INITIALS = re.compile(
    rf"""
    (?<![\w.])
    (?P<name>(?:{UP}\.\s?){{1,4}}\s*(?:{TV}\s+){{0,3}}{SURNAME})
    (?![\w])
    """,
    re.VERBOSE,
)
# A first name and surname right before other personal data: "Semhar Tesfay, geboren op …",
# "Rami Al-Hassan (date of birth …)", "Wilma Verhoeven, Kastanjelaan 14". Searched in a short
# window that ends where the other finding starts.
NAME_BEFORE_DATA = re.compile(
    rf"""
    (?<![\w])
    (?P<name>{WORD}(?:\s+(?:{TV}\s+){{0,3}}{SURNAME}){{1,2}})
    \s*[,(:]\s*(?:[^\W\d_][\w.]*\s+){{0,4}}$
    """,
    re.VERBOSE,
)


DAY = r"(?:0?[1-9]|[12]\d|3[01])"
DATE = re.compile(
    rf"""
    (?<![\w.,/-])
    (?P<date>
        {DAY}(?P<sep>[-/.])(?:0?[1-9]|1[0-2])(?P=sep)(?P<year>(?:19|20)\d{{2}}|'?\d{{2}})
      | (?P<iso>(?:19|20)\d{{2}})(?P<isep>[-/.])(?:0?[1-9]|1[0-2])(?P=isep){DAY}
      | {DAY}(?:e|ste|de|st|nd|rd|th)?(?:\s+of)?\s+{MONTHS}\.?
        (?:,?\s+(?P<named_year>(?:19|20)\d{{2}}|'\d{{2}}))?
      | {EN_MONTHS}\.?\s+{DAY}(?:st|nd|rd|th)?(?:,?\s+(?P<en_year>(?:19|20)\d{{2}}))?
    )
    (?![\w]|[-/.,]\d)
    """,
    re.VERBOSE,
)
# Birth context ending right before the date, within the same clause.
BIRTH_BEFORE = re.compile(
    r"""
    (?i:geboren|(?<!\w)(?:geboortedatum|geboortedag|geb(?:oorte)?\.?\s?datum|geb(?:\.|\b)
       |d\.o\.b\.|dob\b|born|birth\s?date|date\s+of\s+birth|birthday|verjaardag|jarig))
    [^.!?\n;]{0,40}$
    """,
    re.VERBOSE,
)
# Starts only where a run of spaces starts and never gives back a space: linear on any input.
BIRTH_AFTER = re.compile(r"(?<!\s)\s*+(?:,\s*+)?(?i:geboren|jarig|born)\b")
# Person context: "(" or "," right after a family word or a capitalised (name) word.
PERSON_BEFORE = re.compile(
    rf"(?:(?<![\w]){RELATIVE}|(?P<word>{WORD}))\s*(?:\(|,)\s*$",
)

CASE = re.compile(
    r"""
    (?<![\w])
    (?P<label>
        (?i:dossier|zaak|casus|cli[eë]nt|klant|relatie|registratie|beschikkings?|aanvraag
           |meldings?|debiteur|polis|verwijzings?|kenmerk|referentie|inschrijf)
        (?i:[\s-]?(?:nummer|nr|no|id|code)(?:\.|\b))?
      | (?i:case|file|client|customer|account|registration|application|reference|member)
        (?i:[\s-]?(?:number|no|nr|id|ref)(?:\.|\b))
      | (?i:ref\.|ref\b)
    )
    (?![^\W\d_])
    \s*(?:[:#]|(?i:is))?\s*
    (?P<id>[A-Za-z]{0,4}[/-]?\d[\dA-Za-z]*(?:[/.-][\dA-Za-z]+){0,4})
    (?![\w/-])
    """,
    re.VERBOSE,
)
# Structured case numbers recognisable without a label: "Z/23/456789", "Z-2023-004512".
CASE_BARE = re.compile(
    r"""
    (?<![\w/-])
    (?:
        Z[/-](?:\d{2}|\d{4})[/-]\d{4,9}           # zaaknummer Z/23/456789
      | [A-Z]{1,3}-(?:19|20)\d{2}-\d{3,8}         # VT-2023-004512, JZ-2024-0071
      | (?:19|20)\d{2}[-/]\d{5,8}                 # 2024-087312 (year + serial)
    )
    (?![\w/-])
    """,
    re.VERBOSE,
)
YEAR_OR_RANGE = re.compile(r"(?:19|20)\d{2}(?:[-/](?:19|20)?\d{2})?")

# signaalbot's own references (signal S-2026-0042, question V-2026-0007) are not client data.
OWN_REF = re.compile(r"[SsVv]-(?:19|20)\d{2}-\d{4,6}")
STREET_PARTICLES = frozenset({"van", "de", "der", "den", "het", "'t", "ter", "ten", "la"})
# Endings of Dutch plurals and abstract nouns; a sentence-initial word with one of these
# before "(45)" is a noun with a count, not a name.
NOUN_ENDINGS = ("en", "s", "ing", "heid", "tie", "teit", "ers", "sen")
