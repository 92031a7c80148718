"""Privacy guard: find client personal data in short Dutch texts before they are stored.

Signals are about patterns in practice, never about a client (AVG/GDPR). Every text is
scanned with :func:`scan` before anything is stored; :func:`mask` produces a safe version
that never reveals a found value.

Pure module: standard library only. All patterns are precompiled, anchored with
look-behinds so a match can only start at a token boundary, and free of nested
unbounded quantifiers, so a 10,000-character input is scanned in linear time.

Offsets are Python ``str`` indices (Unicode code points), end exclusive.

Kinds
-----
``bsn``          citizen service number: nine digits (also ``123 456 782``, ``1234.56.782``)
                 passing the elfproef; a number explicitly labelled "BSN"/"burgerservicenummer"
                 is flagged even when the check fails (a typo is still a BSN).
``email``        e-mail address (also inside Slack ``<mailto:…|…>`` markup).
``phone``        Dutch phone number: mobile, landline, ``+31``/``0031``, 0800/0900.
``iban``         bank account number: Dutch layout (NL + 2 + 4 letters + 10 digits), or
                 another country's with a valid mod-97 check.
``postcode``     postcode alone (``5611 AB``); a four-digit area code alone is not flagged.
``address``      street + house number (``Kerkstraat 12``) or postcode + house number.
``birth_date``   a date in birth context (``geboren op 3 maart 1985``, ``geb. 03-03-1985``) or a
                 full dd-mm-yyyy date in person context (``Jansen (12-05-2009)``).
``case_number``  labelled case/dossier/client number (``zaaknummer Z/23/456789``).
``name``         a name after a title (``mevrouw Jansen``, ``dhr. P. Bakker``), after a
                 family word (``zoon Kevin``), or followed by an age (``Jayden (14)``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "Finding",
    "contains_personal_data",
    "elfproef",
    "mask",
    "mask_text",
    "scan",
]

KINDS: tuple[str, ...] = (
    "bsn",
    "email",
    "phone",
    "postcode",
    "address",
    "birth_date",
    "case_number",
    "name",
    "iban",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: ``text[start:end]`` is of kind ``kind``."""

    kind: str
    start: int
    end: int


# --------------------------------------------------------------------------------------
# Character classes. Python's ``re`` has no \p{Lu}; build explicit classes for Latin
# letters (incl. accented and Turkish/Polish letters common in Dutch surnames).
# --------------------------------------------------------------------------------------


def _letter_class(predicate: Callable[[str], bool]) -> str:
    chars = (chr(code) for code in range(0x41, 0x250))
    return "[" + "".join(re.escape(ch) for ch in chars if ch.isalpha() and predicate(ch)) + "]"


_UP = _letter_class(str.isupper)  # one upper-case letter
_LO = _letter_class(str.islower)  # one lower-case letter

# Tussenvoegsels (name particles); matched case-insensitively ("De Vries", "van der Berg").
_TV = r"(?i:van|de|der|den|het|'t|ter|ten|te|in|op|la|le|du|da|di|del|dos|el|al|bin|ben|d')"

# A surname/first-name word: capitalised, may be hyphenated ("Jansen-de Vries", "O'Neill").
_WORD = rf"{_UP}{_LO}+(?:['’]{_UP}?{_LO}+)*"
_SURNAME = rf"{_WORD}(?:-(?:{_TV}\s)?{_WORD})*"
_INITIALS = rf"(?:{_UP}[a-z]?\.\s?){{1,4}}"  # "P.", "J.P.", "Th."

_MONTHS = (
    r"(?i:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november"
    r"|december|jan|feb|mrt|apr|jun|jul|aug|sept|sep|okt|nov|dec)"
)


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Capitalised words that may follow a title or precede "(14)" but are not names.
_NOT_NAMES = _wordset(
    """
    de het een en of maar dat die dit deze wat wie waar wanneer hoe ik jij je u hij zij ze
    wij we jullie hun hen haar zijn mijn ons onze is was heeft had wil kan moet zal zou
    gaat komt zegt zei vindt krijgt woont werkt belt mailt vraagt geeft ook nog al niet geen
    wel dan toen nu hier daar met van voor na bij op in aan uit om over door tot sinds per
    wmo jeugdwet participatiewet gemeente wijkteam team toegang jeugd werk inkomen zorg
    schulden opvang veilig thuis ggd ggz uwv svb cak bbz bijstand inkomensondersteuning
    maandag dinsdag woensdag donderdag vrijdag zaterdag zondag januari februari maart april
    mei juni juli augustus september oktober november december eindhoven
    jongeren gezinnen kinderen ouders cliënten clienten huishoudens inwoners meldingen
    aanvragen wijken scholen jongens meisjes deelnemers leerlingen signalen casussen
    vragen klachten mensen personen bewoners aanbieders professionals week weken jaar
    jaren maanden dagen uur artikel lid bijlage tabel figuur hoofdstuk fase stap
    jeugdzorg thuiszorg buurtteam wijkteams woonbedrijf woonstichting zorgverzekeraar politie
    school bibliotheek ggz-instelling cjib belastingdienst duo philips lumens trudo vestide
    nederland sint
    """
)


# --------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"""
    (?<![\w.+-])                       # start at a token boundary (keeps it linear)
    [\w.+-]+ @ [\w-]+ (?:\.[\w-]+)*     # local part @ domain labels
    \.[^\W\d_]{2,}                      # top-level domain
    (?![\w-])
    """,
    re.VERBOSE,
)

# Obfuscated: "p.bakker (at) voorbeeld.nl", "p.bakker[at]voorbeeld[dot]nl".
_EMAIL_OBFUSCATED = re.compile(
    r"""
    (?<![\w.+-])
    [\w.+-]+ \s?[(\[]\s?(?i:at|apenstaartje)\s?[)\]]\s?
    [\w-]+ (?:(?:\.|\s?[(\[]\s?(?i:dot|punt)\s?[)\]]\s?)[\w-]+)+
    (?![\w-])
    """,
    re.VERBOSE,
)

# Nine digits, plain or grouped 3-3-3 / 4-2-3 / 2-3-2-2; checked with the elfproef afterwards.
_BSN = re.compile(
    r"""
    (?<![\w.,/-])(?<!\d[ .])
    (?P<number>
        \d{9}
      | \d{3}(?P<sep>[ .-])\d{3}(?P=sep)\d{3}
      | \d{4}\.\d{2}\.\d{3}
      | \d{2}\.\d{3}\.\d{2}\.\d{2}
    )
    (?![\w]|[.,/-]\d)
    """,
    re.VERBOSE,
)

# "BSN: 12345678x" - an explicitly labelled number is a BSN even when the check fails.
_BSN_LABELLED = re.compile(
    r"""
    (?<!\w)(?i:bsn|burgerservicenummer|burger\s?service\s?nummer|sofinummer|sofi-nummer)
    (?i:[\s-]*(?:nummer|nr\.?|is|van|:|=))*\s*
    (?P<number>\d{8,9}|\d{3}[ .-]\d{3}[ .-]\d{2,3}|\d{4}\.\d{2}\.\d{2,3})
    (?![\w]|[.,/-]\d)
    """,
    re.VERBOSE,
)

# Separator between digits of a phone number: "-", " ", "/" or " - ".
_PSEP = r"(?:\s-\s|[ /-])?"
_PHONE = re.compile(
    rf"""
    (?<![\w+])(?<![\w+][.,])(?<!\d[ ])        # not inside a longer run of number groups
    (?P<number>
        (?:\+31|0031)\s?(?:\(0\)\s?)?[1-9](?:{_PSEP}\d){{8}}    # +31 6 12345678, 0031 20 …
      | \(0\d{{1,3}}\)\s?\d(?:{_PSEP}\d){{5,7}}                 # (040) 123 4567
      | 0[89]0[069]{_PSEP}\d(?:{_PSEP}\d){{3,6}}                # 0800-1234, 0900 1234567
      | 0[1-9](?:{_PSEP}\d){{8}}                                # 06-12345678, 040 123 4567
    )
    (?![\w]|[.,]\d|-\d)
    """,
    re.VERBOSE,
)
_DATE_LIKE = re.compile(r"\d{1,2}[-/]\d{1,2}[-/]\d{2,4}")

_IBAN = re.compile(
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
_POSTCODE = re.compile(
    r"""
    (?<![\w€$.,])(?<!€\s)
    (?P<postcode>
        [1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}
      | [1-9]\d{3}(?!sa|sd|ss)[a-z]{2}
    )
    (?![\w-])
    (?P<house>
        \s*,?\s*(?i:nr\.?\s*)?
        \d{1,5}(?:\s?-?\s?[a-zA-Z](?![\w])|-\d{1,4})?
        (?![\w]|[.,]\d|\s*(?i:%|procent|euro|jaar|keer|x\b))
    )?
    """,
    re.VERBOSE,
)
_YEAR_WORDS = frozenset({"EN", "OF", "IN", "OP", "DE", "IS", "AL", "EU", "NU", "JA", "TO", "ZO"})

# Street suffixes. Safe ones may appear in lower case in a compound ("kerkstraat 12");
# risky ones ("markt": arbeidsmarkt, "baan": loopbaan, "pad": fietspad) only capitalised.
_SAFE_SUFFIX = (
    "straat|straatje|laan|laantje|weg|plein|pleintje|dijk|singel|gracht|kade|steeg|dreef"
    "|boulevard|plantsoen|hof"
)
_RISKY_SUFFIX = (
    "markt|baan|pad|park|erf|wal|ring|poort|haven|berg|vest|dam|kamp|hoven|gaarde|veld|akker"
    "|ven|oord"
)
_NOT_STREETS = _wordset(
    """
    snelweg autoweg spoorweg leerweg onderweg zijweg ommeweg rijksweg tussenweg middenweg
    fietspad wandelpad zebrapad zorgpad loopbaan werkbaan arbeidsmarkt woningmarkt
    huurmarkt koopmarkt veld werkveld speelveld krachtenveld aandachtsveld kinderopvang
    opvang gerechtshof rechtshof ziekenhof
    achterpad leerpad groeipad behandelpad zorgpark
    """
)
_BARE_STREETS = _wordset(
    "markt plein singel kade dreef boulevard wal ring plantsoen gracht dijk steeg vest havenkade"
)
# The street word is at most 61 letters before its suffix: unbounded, every start in a long
# run like "a'a'a'…" scanned to the end of the run, trying each suffix at every step
# (quadratic: 8 000 characters took 13 s). A letter right after "x'" is inside a word, so no
# match starts there ("'s-Gravendijkwal" still starts at its "s").
_STREET = re.compile(
    rf"""
    (?<![\w-])(?<!\w['’])                            # a word start, also not "d'|Oultremont"
    (?P<street>(?:[^\W\d_][\w'’-]{{0,60}}?)?(?i:{_SAFE_SUFFIX}|{_RISKY_SUFFIX}))
    [ \t]+                                          # same line: no "heading\n12"
    (?P<house>(?:nr\.?[ ]?)?\d{{1,4}}(?:[ ]?-?[ ]?[a-zA-Z](?![\w])|-\d{{1,4}}(?![\w]))?)
    (?![\w]|[.,]\d|\s*(?:%|°))
    """,
    re.VERBOSE,
)
# Words after a number that show it is a count or measure, not a house number.
_COUNT_WORDS = _wordset(
    """
    keer x maal meldingen melding gezinnen gezin huishoudens woningen signalen klachten
    bewoners kinderen jongeren mensen personen adressen jaar jaren maanden maand weken week
    dagen dag uur uren minuten meter m km kilometer procent euro panden portieken flats
    huizen incidenten zaken casussen cliënten clienten deelnemers plekken plaatsen bedden
    kamers woonplekken stuks
    """
)
_WORD_AFTER = re.compile(r"\s*([^\W\d_]+|%|€)")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w'’.-]*)[ \t]+$")

_TITLE = (
    r"(?i:mevrouw|mevr\.?|mw\.|meneer|mnr\.?|mijnheer|dhr\.?|de\s+heer|mr\.|juffrouw|juf"
    r"|meester|familie|fam\.?|wijlen)|Mw|mw|Mr"
)
_RELATIVE = (
    r"(?i:zoon|zoontje|dochter|dochtertje|moeder|vader|broer|broertje|zus|zusje|oma|opa"
    r"|partner|echtgenoot|echtgenote|vriend|vriendin|stiefvader|stiefmoeder|pleegzoon"
    r"|pleegdochter|cliënt|client|cliënte|jongen|meisje|baby|kind|neef|nicht|tante|oom"
    r"|gezin|jongere|leerling|bewoner|bewoonster|aanvrager|aanvraagster|mantelzorger"
    r"|werkzoekende|deelnemer|deelneemster|buurman|buurvrouw|kleinzoon|kleindochter"
    r"|vrouw|man|dame|jongeman|ex|ex-partner|ex-man|ex-vrouw)"
)
_NAME_AFTER_TITLE = re.compile(
    rf"""
    (?<![\w])(?P<title>{_TITLE})(?![\w])\s+
    (?P<name>
        (?:{_INITIALS}\s*)?
        (?:{_TV}\s+){{0,3}}{_SURNAME}
        (?:\s+(?:{_TV}\s+){{0,3}}{_SURNAME})?
    )
    (?![\w])
    """,
    re.VERBOSE,
)
_DETERMINER_BEFORE = re.compile(r"(?i:haar|zijn|hun|mijn|onze|diens|wiens|de|het)\s+$")
_CLAUSE_START_BEFORE = re.compile(r"(?:^|[.!?:;\n(]\s*|[-•*]\s)$")
_NAME_AFTER_RELATIVE = re.compile(
    rf"""
    (?<![\w])(?P<title>{_RELATIVE})\s+
    (?P<name>{_WORD}(?:\s+(?:{_TV}\s+){{0,3}}{_SURNAME})?)
    (?![\w])
    """,
    re.VERBOSE,
)
# A name part ending like this names an institution: "Anna Ziekenhuis", "Jeroen Bosch
# Ziekenhuis", "Emma Kinderziekenhuis", "Maria School".
_INSTITUTION = re.compile(
    r"(?i:ziekenhuis|kliniek|school|college|lyceum|academie|huis|centrum|stichting|fonds"
    r"|instituut|museum|kerk|zaal|hoeve|oord|stede)$"
)
_INSTITUTION_AFTER = re.compile(r"[ \t]+([^\W\d_]+)")
_SAINT_BEFORE = re.compile(r"(?i:sint|st\.)[ -]?$")
# A capitalised word, optionally followed by a surname: candidates for the first-name list.
_NAME_SEQUENCE = re.compile(
    rf"(?<![\w])(?P<name>{_WORD}(?:\s+(?:{_TV}\s+){{0,3}}{_SURNAME})?)(?![\w])"
)
_NAME_WITH_AGE = re.compile(
    rf"""
    (?<![\w])
    (?P<name>{_WORD}(?:\s+(?:{_TV}\s+){{0,3}}{_SURNAME})?)
    \s*\(\s*\d{{1,2}}(?:\s*(?i:jaar|jr\.?|j\.?))?\s*\)
    """,
    re.VERBOSE,
)

# Common first names in the Netherlands (Dutch, Frisian, Moroccan, Turkish, Surinamese,
# Antillean, Polish, Syrian, Eritrean ...). Words that are also ordinary Dutch words or
# months (Roos, Job, Max, Mark, April, Bo) are left out. A listed first name is flagged
# alone ("ik sprak Fatima") or with a following surname ("Sanne Dijkstra").
_FIRST_NAMES = _wordset(
    """
    Aad Aafke Aaliyah Aart Abdel Abdelkader Abdul Abdullah Adam Adnan Ahmed Ahmet Aisha Ali
    Alexander Amber Amina Amir Ana Anke Anna Anne Annemieke Annie Anouk Ans Anton Arjen Arie
    Arjan Aya Ayoub Ayse Ayşe Bart Bas Bastiaan Bayu Benjamin Bert Bianca Bilal Bram Brenda Britt
    Carla Carmen Cas Charlotte Chantal Chris Cindy Claudia Corrie Daan Dave David Demi Dennis
    Dewi Dylan Ebru Ed Edwin Elif Elise Elizabeth Ellen Emily Emine Emma Emre Esra Esther
    Eva Evi Fatima Fatma Femke Finn Fleur Floor Frank Freek Fenna Gerda Gerard Gerrit Gijs Hamza
    Hanna Hannah Hans Hasan Hatice Henk Hendrik Hüseyin Ibrahim Ilse Imane Inge Ingrid Iris
    Isa Ismail Ivo Jacqueline Jamal Jan Janneke Jasper Jayden Jeroen Jesse Jessica Joost Jordy
    Joris Jorrit Julia Julian Kees Kevin Khadija Kim Koen Kofi Lars Laura Lieke Linda Lisa Liam
    Lotte Luca Lucas Luuk Maaike Manon Marco Maria Marieke Marijke Marloes Martijn Martin Mehmet
    Meryem Milan Mila Mohamed Mohammed Mounir Mustafa Naima Nadia Natasja Nathalie Nick Niels
    Nienke Noah Noor Nora Nour Olga Omar Oscar Patrick Paul Peter Petra Pieter Piet Priya
    Rachid Rajesh Ramon Rick Ricardo Rik Rob Robin Ronald Rosa Ruben Rutger Sam Samira Sander
    Sandra Sanne Sara Sarah Saskia Sem Senna Sevda Sharon Shirley Sietse Silvia Simone Sofia
    Sophie Stefan Stijn Suzanne Tamara Tessa Thijs Thomas Tim Tom Tomasz Tycho Usman Vera
    Wendy Willem Wim Wouter Yara Yasmin Yasmina Youssef Yusuf Zainab Zeynep Zoë Zoe Zofia
    """
)

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_DATE = re.compile(
    rf"""
    (?<![\w.,/-])
    (?P<date>
        {_DAY}(?P<sep>[-/.])(?:0?[1-9]|1[0-2])(?P=sep)(?P<year>(?:19|20)\d{{2}}|\d{{2}})
      | {_DAY}(?:e|ste|de)?\s+{_MONTHS}\.?(?:\s+(?:(?:19|20)\d{{2}}|'\d{{2}}))?
    )
    (?![\w]|[-/.,]\d)
    """,
    re.VERBOSE,
)
# Birth context ending right before the date, within the same clause.
_BIRTH_BEFORE = re.compile(
    r"""
    (?i:geboren|(?<!\w)(?:geboortedatum|geboortedag|geb(?:oorte)?\.?\s?datum|geb(?:\.|\b)
       |d\.o\.b\.|dob\b))
    [^.!?\n;]{0,40}$
    """,
    re.VERBOSE,
)
_BIRTH_AFTER = re.compile(r"\s*,?\s*(?i:geboren|jarig)\b")
# Person context: "(" or "," right after a family word or a capitalised (name) word.
_PERSON_BEFORE = re.compile(
    rf"(?:(?<![\w]){_RELATIVE}|(?P<word>{_WORD}))\s*(?:\(|,)\s*$",
)

_CASE = re.compile(
    r"""
    (?<![\w])
    (?P<label>
        (?i:dossier|zaak|casus|cli[eë]nt|klant|relatie|registratie|beschikkings?|aanvraag
           |meldings?|debiteur|polis|verwijzings?|kenmerk|referentie|inschrijf)
        (?i:-?(?:nummer|nr|no|id|code)(?:\.|\b))?
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
_CASE_BARE = re.compile(
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
_YEAR_OR_RANGE = re.compile(r"(?:19|20)\d{2}(?:[-/](?:19|20)?\d{2})?")


# --------------------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------------------


def elfproef(digits: str) -> bool:
    """Return True if ``digits`` (8 or 9 digits, other characters ignored) passes the BSN 11-test.

    9*d1 + 8*d2 + ... + 2*d8 - 1*d9 must be divisible by 11 (and the number not all zeros).
    An 8-digit number is checked as a BSN with its leading zero omitted.
    """
    only = "".join(ch for ch in digits if ch.isdigit())
    if len(only) == 8:
        only = "0" + only
    if len(only) != 9 or only == "0" * 9:
        return False
    total = sum(int(d) * w for d, w in zip(only[:8], range(9, 1, -1), strict=True))
    total -= int(only[8])
    return total % 11 == 0


def _iban_ok(candidate: str) -> bool:
    compact = "".join(candidate.split()).upper()
    if not 15 <= len(compact) <= 34 or not compact[:2].isalpha():
        return False
    if compact.startswith("NL"):
        # The Dutch layout is specific enough: a typo in the check digits is still an IBAN.
        return len(compact) == 18 and compact[4:8].isalpha() and compact[8:].isdigit()
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(number) % 97 == 1


# Endings of Dutch plurals and abstract nouns; a sentence-initial word with one of these
# before "(45)" is a noun with a count, not a name.
_NOUN_ENDINGS = ("en", "s", "ing", "heid", "tie", "teit", "ers", "sen")


def _sentence_initial(text: str, pos: int) -> bool:
    """True if ``pos`` starts the text, a sentence, a line or a list item."""
    before = text[max(0, pos - 8) : pos].rstrip(" \t")
    return not before or before[-1] in ".!?:;\n(•*-|"


def _word_after(text: str, pos: int) -> str:
    m = _WORD_AFTER.match(text, pos)
    return m.group(1).lower() if m else ""


# --------------------------------------------------------------------------------------
# Detectors: each yields raw candidate findings; scan() resolves overlaps.
# --------------------------------------------------------------------------------------


def _emails(text: str) -> Iterator[Finding]:
    for pattern in (_EMAIL, _EMAIL_OBFUSCATED):
        for m in pattern.finditer(text):
            yield Finding("email", m.start(), m.end())


def _ibans(text: str) -> Iterator[Finding]:
    for m in _IBAN.finditer(text):
        if _iban_ok(m.group("number")):
            yield Finding("iban", m.start(), m.end())


def _bsns_labelled(text: str) -> Iterator[Finding]:
    for m in _BSN_LABELLED.finditer(text):
        yield Finding("bsn", m.start("number"), m.end("number"))


def _bsns(text: str) -> Iterator[Finding]:
    for m in _BSN.finditer(text):
        before = text[max(0, m.start() - 2) : m.start()]
        if "€" in before or not elfproef(m.group("number")):
            continue
        yield Finding("bsn", m.start(), m.end())


def _phones(text: str) -> Iterator[Finding]:
    for m in _PHONE.finditer(text):
        number = m.group("number")
        if _DATE_LIKE.fullmatch(number.strip()) or _DATE_LIKE.match(number):
            continue  # "01-02-2010 12" is a date followed by a number
        yield Finding("phone", m.start(), m.end())


def _postcodes(text: str) -> Iterator[Finding]:
    for m in _POSTCODE.finditer(text):
        postcode = m.group("postcode")
        digits, letters = int(postcode[:4]), postcode[-2:]
        if 1900 <= digits <= 2099 and " " in postcode and letters in _YEAR_WORDS:
            continue  # "2024 EN 2025": a year and a shouted word
        if m.group("house"):
            yield Finding("address", m.start(), m.end())
        else:
            yield Finding("postcode", m.start(), m.start("postcode") + len(postcode))


_STREET_PARTICLES = frozenset({"van", "de", "der", "den", "het", "'t", "ter", "ten", "la"})


def _extend_street_left(text: str, start: int) -> int:
    """Include preceding name parts: "Jan van Goyenlaan", "Oude Markt", "Van Abbelaan"."""
    best = start
    pos = start
    particles = 0
    for _ in range(6):
        m = _WORD_BEFORE.search(text, max(0, pos - 40), pos)
        if m is None or m.end() != pos:
            break
        word = m.group(1)
        if word.lower() in _STREET_PARTICLES and particles < 3:
            particles += 1
            pos = m.start()
            continue
        if word[0].isupper() and word.lower() not in _NOT_NAMES and word.isalpha():
            best = pos = m.start()
            particles = 0
            continue
        break
    return best


def _addresses(text: str) -> Iterator[Finding]:
    for m in _STREET.finditer(text):
        street = m.group("street")
        lower = street.lower()
        if lower in _NOT_STREETS or lower.endswith(("snelweg", "onderweg", "ering")):
            continue  # "Vroegsignalering 24" is a nominalisation, not a -ring road
        suffix_only = re.fullmatch(rf"(?:{_SAFE_SUFFIX}|{_RISKY_SUFFIX})", lower) is not None
        risky = re.search(rf"(?:{_RISKY_SUFFIX})$", lower) is not None and not re.search(
            rf"(?:{_SAFE_SUFFIX})$", lower
        )
        if (suffix_only or risky) and not street[0].isupper():
            continue
        house = m.group("house")
        digits = "".join(ch for ch in house if ch.isdigit())
        if not digits or int(digits[:4]) == 0 or _YEAR_OR_RANGE.fullmatch(house):
            continue
        if _word_after(text, m.end()) in _COUNT_WORDS:
            continue
        start = _extend_street_left(text, m.start())
        # A bare "Berg 12" is only a street with a name part before it ("Kleine Berg 12").
        if suffix_only and lower not in _BARE_STREETS and start == m.start():
            continue
        yield Finding("address", start, m.end())


def _birth_dates(text: str) -> Iterator[Finding]:
    for m in _DATE.finditer(text):
        window = text[max(0, m.start() - 60) : m.start()]
        if _BIRTH_BEFORE.search(window):
            yield Finding("birth_date", m.start(), m.end())
            continue
        if _BIRTH_AFTER.match(text, m.end()):
            yield Finding("birth_date", m.start(), m.end())
            continue
        year = m.group("year")
        if year is None or len(year) != 4:
            continue  # person context needs a full dd-mm-yyyy date
        person = _PERSON_BEFORE.search(window)
        if person is None:
            continue
        word = person.group("word")
        if word is not None and word not in _FIRST_NAMES:
            # A capitalised word: only a proper noun (mid-sentence) before "(":
            # "Jansen (12-05-2009)" but not "Overleg (12-05-2024)" or "Evaluatie, 12-05-2024".
            word_start = m.start() - len(window) + person.start("word")
            if (
                word.lower() in _NOT_NAMES
                or not person.group().rstrip().endswith("(")
                or _sentence_initial(text, word_start)
            ):
                continue
        yield Finding("birth_date", m.start(), m.end())


# signaalbot's own references (signal S-2026-0042, question V-2026-0007) are not client data.
_OWN_REF = re.compile(r"[SsVv]-(?:19|20)\d{2}-\d{4,6}")


def _case_numbers(text: str) -> Iterator[Finding]:
    for m in _CASE.finditer(text):
        ident = m.group("id")
        if sum(ch.isdigit() for ch in ident) < 4 or _YEAR_OR_RANGE.fullmatch(ident):
            continue
        if _OWN_REF.fullmatch(ident):
            continue
        if _word_after(text, m.end()) in _COUNT_WORDS:
            continue
        yield Finding("case_number", m.start("id"), m.end("id"))
    for m in _CASE_BARE.finditer(text):
        if _OWN_REF.fullmatch(m.group()):
            continue
        yield Finding("case_number", m.start(), m.end())


def _name_spans(m: re.Match[str]) -> list[Finding]:
    """The full name and, as a fallback, its first part ("De Boer" of "De Boer op Karel").

    Names have the lowest priority; when the full span collides with an address or a
    date, the shorter fallback can still be kept.
    """
    base = m.start("name")
    words = list(re.finditer(r"\S+", m.group("name")))
    # Drop trailing ordinary words ("mevrouw Jansen Vorige") and trailing particles.
    while words and (
        words[-1].group().lower() in _NOT_NAMES or re.fullmatch(_TV, words[-1].group())
    ):
        words.pop()
    surname_at = [
        i
        for i, w in enumerate(words)
        if w.group()[0].isupper()
        and not w.group().endswith(".")
        and not re.fullmatch(_TV, w.group())
    ]
    if not surname_at or words[surname_at[0]].group().lower() in _NOT_NAMES:
        return []
    if any(_INSTITUTION.search(w.group()) for w in words[1:]):
        return []
    spans = [Finding("name", base + words[0].start(), base + words[-1].end())]
    first_end = base + words[surname_at[0]].end()
    if first_end < spans[0].end:
        spans.append(Finding("name", spans[0].start, first_end))
    return spans


def _names(text: str) -> Iterator[Finding]:
    for m in _NAME_AFTER_TITLE.finditer(text):
        yield from _name_spans(m)
    for m in _NAME_AFTER_RELATIVE.finditer(text):
        # "haar zoon Kevin", "Gezin Verhoeven woont ...": a possessive or the start of a
        # sentence before the family word; otherwise only a known first name counts
        # ("Partner Medewerker" in a table heading is no name).
        if (
            m.group("name").split()[0] in _FIRST_NAMES
            or _DETERMINER_BEFORE.search(text, max(0, m.start() - 12), m.start())
            or _CLAUSE_START_BEFORE.search(text, max(0, m.start() - 4), m.start())
            or m.start() == 0
        ):
            yield from _name_spans(m)
    for m in _NAME_WITH_AGE.finditer(text):
        first_word = m.group("name").split()[0]
        if re.fullmatch(_RELATIVE, first_word) or re.fullmatch(_TITLE, first_word):
            continue  # "Moeder (29)", "Vrouw (34)": a role, not a name
        if (
            first_word not in _FIRST_NAMES
            and _sentence_initial(text, m.start())
            and first_word.lower().endswith(_NOUN_ENDINGS)
        ):
            continue  # "Aanmeldingen (45) stijgen": a capitalised noun with a count
        yield from _name_spans(m)
    for m in _NAME_SEQUENCE.finditer(text):
        if m.group("name").split()[0] not in _FIRST_NAMES:
            continue
        after = _INSTITUTION_AFTER.match(text, m.end())
        if after is not None and _INSTITUTION.search(after.group(1)):
            continue  # "Jeroen Bosch Ziekenhuis"
        if _SAINT_BEFORE.search(text, max(0, m.start() - 5), m.start()):
            continue  # "de Sint Jan", "St. Anna"
        yield from _name_spans(m)


# Detectors in order of priority: on overlap the earlier (then the longer) one wins.
_DETECTORS: tuple[Callable[[str], Iterator[Finding]], ...] = (
    _emails,
    _ibans,
    _bsns_labelled,
    _case_numbers,
    _birth_dates,
    _bsns,
    _phones,
    _postcodes,
    _addresses,
    _names,
)


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def scan(text: str) -> list[Finding]:
    """Return the personal data found in ``text``: sorted by start, non-overlapping."""
    candidates: list[tuple[int, int, Finding]] = []
    for priority, detector in enumerate(_DETECTORS):
        for finding in detector(text):
            if finding.end > finding.start:
                candidates.append((priority, finding.start - finding.end, finding))
    candidates.sort(key=lambda item: (item[0], item[1], item[2].start))
    # Which characters are already taken, one byte each. Comparing every candidate with every
    # finding kept so far was quadratic ("Jan Jan Jan …" has a name every four characters);
    # this costs the length of each candidate, and candidates of one detector do not overlap.
    occupied = bytearray(len(text) + 1)
    taken: list[Finding] = []
    for _, _, finding in candidates:
        start, end = max(0, finding.start), min(len(text), finding.end)
        if occupied.find(1, start, end) < 0:
            occupied[start:end] = b"\x01" * (end - start)
            taken.append(finding)
    taken.sort(key=lambda f: f.start)
    return taken


_LABELS = {
    "bsn": "[BSN]",
    "email": "[E-MAIL]",
    "phone": "[TELEFOON]",
    "postcode": "[POSTCODE]",
    "address": "[ADRES]",
    "birth_date": "[GEBOORTEDATUM]",
    "case_number": "[DOSSIERNUMMER]",
    "iban": "[IBAN]",
}


def _masked(kind: str, value: str) -> str:
    if kind == "name":
        first = value.lstrip()[:1]
        return f"{first}•••" if first.isalpha() and len(value.strip()) > 1 else "•••"
    return _LABELS.get(kind, "[•••]")


def mask(text: str, findings: Sequence[Finding]) -> str:
    """Replace each finding in ``text`` by a masked form that never reveals the value.

    Names keep their first letter ("mevrouw J•••"); other kinds become a label such as
    "[BSN]". Findings may be unsorted; overlapping ones are merged into one masked region.
    """
    spans = sorted(
        (max(0, f.start), min(len(text), f.end), f.kind) for f in findings if f.end > f.start
    )
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in spans:
        if merged and start < merged[-1][1]:
            prev_start, prev_end, prev_kind = merged[-1]
            kind_out = prev_kind if prev_kind == kind else "mixed"
            merged[-1] = (prev_start, max(prev_end, end), kind_out)
        elif start < end:
            merged.append((start, end, kind))
    parts: list[str] = []
    cursor = 0
    for start, end, kind in merged:
        parts.append(text[cursor:start])
        parts.append(_masked(kind, text[start:end]))
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def mask_text(text: str) -> str:
    """Convenience: ``mask(text, scan(text))``."""
    return mask(text, scan(text))


def contains_personal_data(text: str) -> bool:
    """Return True if :func:`scan` finds anything in ``text``."""
    return bool(scan(text))
