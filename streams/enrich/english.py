"""English name extraction: lexicon scan plus capitalised spans, and the optional statistical
model (:mod:`streams.enrich.en_model`) for the runs these rules cannot type.

A capitalised run is a name candidate (one camel-case word, ``BlackRock``, an organisation); a
single capitalised word at a sentence start is only kept when the same word also appears
capitalised mid-sentence (so ``Shares`` or ``Analysts`` opening a sentence are not names), and a
sentence's first word joined to a name by ``of`` is dropped (``Shares of BlackRock``). In a
title-case headline (``How I Keep Sourdough Starter Alive``) capitals say nothing, so there a run
is kept only when the lexicon knows it or the body uses it too. Titles (``President``, ``Mr.``),
speech verbs (``said``), a role written before the name (``writer Tom Becker``) and a common
given name first (``David Glanzman``) type a run as a person; head words (``Inc.``, ``River``,
``University of``) as organisation or place, except that a "place" that speaks is a person
(``Lisa Park said``); ``in``/``near``/``north of`` before an otherwise untyped run make it a
place, and so does a wire dateline (``FLAGSTAFF, Ariz. (AP) —``, ``LONDON, Nov 26 (Reuters) -``).
Two suffixed or camel-case names joined by ``and`` (``Main Street and Fifth Avenue``) are two
names. A known place right after a given name is a surname (``Michael Jordan``), and one inside a
longer run with a head word is part of that name (``University of California``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from streams.enrich import en_model, generic, rules
from streams.enrich.ids import normalise
from streams.enrich.lexicon import Lexicon
from streams.enrich.mention import Mention, known_or, occupy, overlaps
from streams.enrich.resources import read_tsv
from streams.enrich.rules import words

if TYPE_CHECKING:
    from streams.enrich.enricher import Enricher

_WORD = (
    r"(?:(?:Inc|Corp|Ltd|Co|Jr|Sr|St|Mr|Mrs|Ms|Dr|Gen|Gov|Sen|Rep|Prof)\.|(?:[A-Z]\.)+"
    r"|[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ0-9'’\-&]*)"  # Météo-France, Lézignan-Corbières
)
_SPAN_RE = re.compile(
    rf"{_WORD}(?:\s+(?:(?:of|for|the|and|de|von|van|der|du|la)\s+|&\s+)?{_WORD})*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;\"“‘(\n—–]\s*|\n)$")  # — ends a dateline
_DATELINE_RE = re.compile(  # FLAGSTAFF, Ariz. (AP) —; LONDON, Nov 26 (Reuters) -
    r"(?m)^([A-Z][A-Z.'\- ]{2,30}?)(?:, ([A-Z][A-Za-z.]{1,14}?(?: [A-Z][a-z]+)?))?"
    r"(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?(?:\s*\((?:AP|Reuters|AFP|UPI|Bloomberg)\)\s*[—–-]"
    r"|--\((?:BUSINESS WIRE|GLOBE NEWSWIRE|PRNewswire|ACCESSWIRE)\)--|\s*—)"
)  # ... and SAN JOSE, Calif.--(BUSINESS WIRE)--, ANN ARBOR—, BRYAN COUNTY, Ga. —
_TITLE_WORDS = rules.PERSON_CUES_EN | frozenset(
    words(
        "Prime Vice Chief Executive Foreign Finance Defense Defence Deputy Former Acting First"
    )
)
# Roles written before a name that head a longer title (Senate Majority Leader John Thune, House
# Judiciary Chair Jim Jordan, Land Minister Choi Jin-woo): the name after them is a person's.
_ROLE_HEADS = _TITLE_WORDS - frozenset(words("Prime Vice Chief Executive Foreign Finance Defense "
                                             "Defence Deputy Former Acting First")) | frozenset(
    words(
        "Speaker Chair Chairperson Leader Whip Councilor Councilors Councillor Councillors "
        "Councilman Councilwoman Councilmember Representative Justice Attorney Treasurer "
        "Spokesperson Spokesman Spokeswoman Lt. Sgt. Capt. Col. Cmdr. Adm. Sheriff Detective "
        "Officer Inspector Superintendent Bishop Cardinal Rev. Rabbi Imam"
    )
)
# Month and weekday abbreviations and time zones: parts of dates and times, not names (Aug 5,
# Tue, 09:00 GMT Thursday); a run ending in "Time" is a time zone (Pacific Time, Eastern
# Daylight Time).
_DATE_WORDS = frozenset(
    words(
        "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri "
        "Sat Sun GMT UTC EST EDT CST CDT MST MDT PST PDT BST CET CEST KST JST HKT SGT AEST AEDT "
        "ET PT Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March "
        "April May June July August September October November December Published Updated "
        "Posted"
    )
)
# Adjectives of a nation, a people or a party that are not derived from a place name the
# lexicon knows by a regular ending (see :func:`_demonym`); plural forms count too.
_DEMONYMS = frozenset(
    words(
        "French British English Dutch Swiss Greek Thai Welsh Scottish Irish Spanish Turkish "
        "Polish Danish Swedish Finnish Norwegian Icelandic German Filipino Arab Arabic Latino "
        "Latina Hispanic Nordic Baltic Slavic Kurdish Pashtun Uyghur Uighur Tibetan Basque "
        "Catalan Flemish Walloon Cypriot Maltese Portuguese Lebanese Sudanese Congolese "
        "Muslim Christian Jewish Catholic Protestant Buddhist Hindu Sikh Sunni Shiite Shia "
        "Republican Democrat Democratic Western Eastern Northern Southern"
    )
)
_DEMONYM_ENDINGS = (("ese", ("", "a")), ("ian", ("", "a", "e", "y", "ia")), ("an", ("", "a", "o")),
                    ("n", ("",)), ("i", ("",)), ("ish", ("", "land")))
# Last words of page furniture in press releases and blogs (Media Contact, Image Credits,
# Conference Call, Forward-Looking Statements), and units (Celsius): never an entity's name.
_FURNITURE_ENDS = frozenset(words(
    "Contact Contacts Credit Credits Call Statements Celsius Fahrenheit Kelvin"
))
# Section words that open a press-release line before the company's name (About Acme Inc.,
# SOURCE Acme Inc.).
_FURNITURE_STARTS = frozenset(words("About SOURCE Source Contact Contacts"))
# A clitic after a name or pronoun: Nvidia's, I’m, they’ll.
# Title words that also open firms' names (General Catalyst, First Solar, Prime Video).
_FIRM_WORDS = frozenset(words("General First Prime Chief Executive Director"))
# Romanised Korean surnames: with a hyphenated given name (Choi Jin-woo), a person.
_KO_SURNAMES = frozenset(words(
    "Kim Lee Park Choi Jung Jeong Kang Cho Jo Yoon Yun Jang Lim Im Han Oh Seo Shin Kwon Hwang "
    "Ahn Song Yoo Yu Hong Jeon Ko Moon Yang Son Bae Baek Heo Nam Shim Noh Ha Kwak Sung Cha Joo "
    "Woo Koo Ku Min Ryu Na Jin Ji Um Chae Won Chun Bang Gong Hyun Ham Byun Yeom Yeo Choo Do So "
    "Seok Sun Seol Ma Gil Yeon Pyo Myung Ki Ban Ra Wang Ok Maeng Je Mo Tak Kook Eun Kyung Bong"
))
_KO_GIVEN_RE = re.compile(r"[A-Z][a-z]{1,4}-[a-z]{1,5}")
# Nouns before "of" that make the name after it a place (the town of Lézignan-Corbières).
_PLACE_OF_NOUNS = frozenset(words(
    "town village city region province district county state island suburb port capital "
    "municipality prefecture neighbourhood neighborhood"
))
# ", who", ", a professor": what follows a person's name.
_DESCRIBED_ROLES = "|".join(sorted(rules.PERSON_ROLES_EN | frozenset(words(
    "professor director resident owner manager coach mother father student teacher nurse "
    "doctor farmer worker engineer chief president minister lecturer officer executive"))))
# Up to three capitalised words after a comma: the place a name is put in (San Antonio, Texas).
# The place ends a clause or a phrase ("..., Texas, on Monday", "Texas (AP)", "Texas on..."):
# "In Group C, Scotland beat Denmark" starts another clause with its subject.
_APPOSED_RE = re.compile(r", ((?:[A-Z][a-z]+)(?: [A-Z][a-z]+){0,2})"
                         r"(?=[,.;:()]|\s*$|\s+\(|\s+(?:on|in|at|and|to|for|where|after|last)\b)")
_DESCRIBED_RE = re.compile(
    rf",\s+(?:who\b|(?:an?|the)\s+(?:[a-z\-]+\s+){{0,3}}?(?:{_DESCRIBED_ROLES})\b)")
# Lower-case roles right before a name, beside rules.PERSON_ROLES_EN (Phoenix coach Jordan Ott).
_ROLES_BEFORE = rules.PERSON_ROLES_EN | frozenset(words(
    "coach manager guard forward midfielder defender winger captain teammate rookie pitcher "
    "quarterback professor president director chairman chairwoman minister secretary "
    "prosecutor judge investor"
))
_CLITIC_RE = re.compile(r"['’](?:s|m|d|ll|ve|re)$")
_COMMON_STARTS = frozenset(
    words(
        "Is Are Was Were Do Does Did Can Could Will Would Should Has Have Had "
        "The A An In On At He She It They We I You This That These Those But And Or If When While "
        "After Before As For With By From Its His Her Their Our Then There Here What Why How Who "
        "Where Some Many Most More Such Also Yet So Still Now Last Next Over Under Since Despite "
        "However Meanwhile According Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
        "January February March April May June July August September October November December"
    )
) | _DATE_WORDS | _FURNITURE_STARTS


def extract(enricher: Enricher, text: str, lexicon: Lexicon,
            confirm: str | None = None) -> list[Mention]:
    """All name mentions in one piece of English text, sorted by position.

    Passes, each claiming its characters: the lexicon, wire datelines, capitalised runs that a
    rule types (a title, a head word, a given name...), the statistical model's spans where it is
    turned on (:mod:`streams.enrich.en_model`; it reads only the sentences that hold a run no rule
    could type), then the remaining capitalised runs, untyped. ``confirm``: the article body,
    given for its title; when the title is in title case, an unknown name must occur in it to
    count.
    """
    if not text.strip():
        return []
    occupied = bytearray(len(text))
    for line in _CAPS_LINE_RE.finditer(text):  # WHO DECIDES WHERE THE MONEY GOES?: a subhead
        occupy(occupied, line.start(), line.end())
    for line in _FURNITURE_LINE_RE.finditer(text):  # Our Standards: The Thomson Reuters Trust...
        occupy(occupied, line.start(), line.end())
    found: list[Mention] = []
    quoted_titles = [m.span(1) for m in _QUOTED_RE.finditer(text)
                     if _is_title_case(m.group(1)) and " " in m.group(1)]
    capitalised = list(_SPAN_RE.finditer(text))  # the capitalised runs, read by several passes
    headed = [match.span() for match in capitalised
              if rules.suffix_type_en(match.group(0).rstrip(".").split())]
    longer = [] if confirm is not None and _is_title_case(text) else _longer_names(
        text, lexicon, enricher, capitalised)
    for start, end, known in lexicon.scan(text):
        if overlaps(occupied, start, end) or any(s <= start < e for s, e, _ in longer):
            continue  # SoftBank Ventures Asia, CJ Logistics: another name that starts the same
        if _inside_hyphenated(text, start, end, lexicon):
            continue  # Météo-France, Asia-Pacific: part of another name (not U.S.-China)
        if known.type == "location" and (_after_given_name(text, start, enricher.given_names) or (
                text[end:end + 1] not in "'’" and any(  # South Korea's Samsung Electronics
                    s <= start and end <= e and e - s > end - start for s, e in headed))):
            # Michael Jordan: a person's surname; University of California, Texas Department of
            # Transportation: part of a longer name with its own head word
            continue
        if known.id == "loc:GE" and _us_georgia(confirm or text):  # a title: its body
            found.append(Mention(start, end, text[start:end], "location", "rule", 0.6))
            occupy(occupied, start, end)
            continue
        if known.type == "product" and (model := _MODEL_TAIL_RE.match(text, end)):
            end = model.end()  # iPhone 16 Pro Max, Galaxy S25 Edge: a model of the product line
        found.append(Mention(start, end, text[start:end], known.type, known.source,
                             known.confidence, known))
        occupy(occupied, start, end)
    for start, end in quoted_titles:  # the "Keyboard Specs at a Glance" section: a title
        occupy(occupied, start, end)
    for start, end, prefix in longer:
        if prefix == "organization" and not overlaps(occupied, start, end):
            # Kakao Ventures, Hanwha Ocean: a unit of the company, itself an organisation
            found.append(Mention(start, end, text[start:end], "organization", "rule", 0.55))
            occupy(occupied, start, end)
    for dateline in [*_datelines(text, lexicon), *_postal_states(text, lexicon)]:
        if not overlaps(occupied, dateline.start, dateline.end):
            occupy(occupied, dateline.start, dateline.end)
            found.append(dateline)
    title_case = confirm is not None and _is_title_case(text)

    def claim(mentions: list[Mention]) -> None:
        for mention in mentions:
            if generic.is_generic(mention, enricher.stoplist):
                continue  # CEO, AI: a title or an acronym of a common noun
            if mention.known is None and _not_a_name(mention.surface, lexicon):
                continue  # Aug, Pacific Time, South Korean, Media Contact, Celsius
            if title_case and mention.known is None and mention.surface not in (confirm or ""):
                continue  # a capitalised headline word, not a name
            if not overlaps(occupied, mention.start, mention.end):
                occupy(occupied, mention.start, mention.end)
                found.append(mention)

    midsentence = {
        m.group(0).rstrip(".") for m in capitalised
        if not _SENTENCE_START_RE.search(text[max(0, m.start() - 3):m.start()])
    }
    runs = [mention for match in capitalised
            for start, end in _split_possessive(text, match.start(), match.end(),
                                                enricher.given_names)
            if (mention := _candidate(text, _after_known_prefix(text, start, end, occupied), end,
                                      midsentence, lexicon, enricher)) is not None]
    claim([m for m in runs if m.source != "default"])
    untyped = [m for m in runs if m.source == "default"
               and not overlaps(occupied, m.start, m.end)]  # "Amazon and Oracle": both known
    # Los Angeles Lakers, Denver Nuggets: a known place and more words is not that place
    teams = frozenset((s, e) for s, e, prefix in longer if prefix == "location")
    if untyped:
        modelled = [m for s, e, t in en_model.spans_around(enricher.en_model, text,
                                                           [m.start for m in untyped])
                    for ps, pe in _and_parts(text, s, e)
                    if (m := _model_mention(text, ps, pe, t, lexicon, teams))]
        written: dict[str, bool] = {}  # word -> whether the text writes it in lower case
        modelled = [m for m in modelled if m.known is not None
                    or not _common_words(m, text, written, enricher.given_names)]
        claim(modelled)
        if enricher.en_model is not None:
            # the model has read these characters and found no name: what is left (``HR``,
            # ``Yes``, ``Media Contact``) names something only where the same surface is typed
            # elsewhere in the article, as a sentence's first word does
            untyped = [Mention(m.start, m.end, m.surface, "other", "weak", 0.1)
                       for m in untyped]
        claim(untyped)
    found = _campuses(text, _surnames_not_places(found))
    found.sort(key=lambda m: m.start)
    return found


def _written_lower(text: str, word: str) -> bool:
    """Whether ``text`` has ``word`` (lower-case) as a word of its own, not inside another; a
    plain substring search (no regex is built per word: pages name hundreds of them)."""
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if not (at and text[at - 1].isalpha()) and not text[end:end + 1].isalpha():
            return True
        at = text.find(word, end)
    return False


def _common_words(mention: Mention, text: str, written: dict[str, bool],
                  given_names: frozenset[str]) -> bool:
    """Whether an unknown name from the model is a capitalised common phrase of the text: one
    word, or a "person" without a given name, with a word that the same text also writes in
    lower case (``Run Easy`` where the text says "run easy", ``Waterfall``, ``Deep Calm``).
    Surnames and brands are rarely also common words of the text that names them. ``written``
    memoises the answer per word for one text."""
    words = mention.surface.split()
    if words[0] in given_names:
        return False
    plain = [word.lower() for word in words if len(word) > 2 and word[1:].islower()]
    for word in plain:
        if word not in written:
            written[word] = _written_lower(text, word)
    if len(words) == 1 or mention.type == "person":
        return any(written[word] for word in plain)
    return len(plain) == len(words) and all(written[word] for word in plain)


_CAMPUS_RE = re.compile(r"\b(?:University|College) of [A-Z][\w.]*(?: [A-Z][\w.]*)*$")


def _campuses(text: str, found: list[Mention]) -> list[Mention]:
    """``University of California, Los Angeles``: a university named with its campus's place
    after a comma is one organisation, not the university and the city."""
    places = {m.start: m for m in found if m.type == "location"}
    out, dropped = [], set()
    for mention in found:
        place = places.get(mention.end + 2)
        if (mention.type == "organization" and place is not None
                and text[mention.end:mention.end + 2] == ", "
                and _CAMPUS_RE.search(mention.surface)):
            out.append(Mention(mention.start, place.end, text[mention.start:place.end],
                               "organization", "rule", 0.6))
            dropped.add(place.start)
        else:
            out.append(mention)
    return [m for m in out if not (m.type == "location" and m.start in dropped)]


def _us_georgia(text: str) -> bool:
    """Whether ``Georgia`` in ``text`` is the US state (no id): a US cue (``BRYAN COUNTY,
    Ga.``, Atlanta), or no cue of the country (Tbilisi, Georgian, its neighbours)."""
    return (_US_GEORGIA_RE.search(text) is not None
            or _GEORGIA_COUNTRY_RE.search(text) is None)


# A line in capitals with three or more words (a subhead: WHAT ARE THE TARIFFS?); a dateline
# (SAN JOSE, Calif.--) has lower-case letters on its line.
_CAPS_LINE_RE = re.compile(r"(?m)^(?=(?:[^a-z\n]*?[A-Z]{2,}\b){3})[^a-z\n]+$")
# What follows a product line's name in a model's name: a model number, then model words
# (iPhone 16 Pro Max, Galaxy S25 Edge, Windows 11), or model words alone (iPhone Air).
_MODEL_WORDS = r"(?:Pro|Max|Ultra|Plus|Air|Edge|Mini|mini|Lite|Fold\d*|Flip\d*|SE|FE|XL|AI)"
_MODEL_TAIL_RE = re.compile(
    rf"(?: (?:[A-Z]{{1,3}}\d+[A-Za-z]{{0,3}}|\d{{1,2}}|{_MODEL_WORDS}))+(?![\w.,-]\d)(?![\w-])")
# A quoted phrase: in title case (the "Keyboard Specs at a Glance" section, the practice note
# "Saving Costs by Bringing More Legal Work In-House"), the title of a work or a section, whose
# capitals say nothing about names (names the lexicon knows inside it still count).
_QUOTED_RE = re.compile(r"[\"“]([^\"“”\n]{3,120})[\"”]")
# Wire and press-release lines that name no entity of the story.
_FURNITURE_LINE_RE = re.compile(r"(?m)^(?:Our Standards:|Image Credits?:|Media Contacts?:).*$")
# The country Georgia rather than the US state: its capital, region, people or neighbours nearby.
# English copy that names none of them means the state far more often (a plant "in Georgia").
_GEORGIA_COUNTRY_RE = re.compile(r"\b(?:Tbilisi|Georgian|Caucasus|Abkhazia|Ossetia|Batumi|Armenia"
                                 r"|Azerbaijan|Moldova|Kremlin|Georgian Dream)\b")
# The US state of Georgia rather than the country: its AP abbreviation or its cities nearby.
_US_GEORGIA_RE = re.compile(r"\bGa\.(?=[\s,]|$)|\b(?:Atlanta|Savannah|Augusta|Macon)\b"
                            r"|\bstate of Georgia\b|\bGeorgia (?:Gov\.|governor|lawmakers)")
# Words after a known name that do not make a longer name of it (Nvidia CEO, Samsung Inc.).
_SAME_NAME_ENDS = frozenset(words(
    "Inc Inc. Corp Corp. Ltd Ltd. LLC Co Co. Group Holdings plc PLC AG SA NV Company"
))


def _longer_names(text: str, lexicon: Lexicon, enricher: Enricher,
                  capitalised: list[re.Match[str]]) -> list[tuple[int, int, str]]:
    """Capitalised runs that a known organisation or place opens and more capitalised words
    continue into another name: ``SoftBank Ventures Asia``, ``Kakao Ventures``, ``CJ
    Logistics``, ``Hanwha Ocean`` (a unit of the company, not the company), ``Los Angeles
    Lakers`` (a team, not the city), ``Jordan Ott`` (a person). Not when the next word is a
    title (``Nvidia CEO``, ``NATO Secretary General``), a legal form (``Acme Inc.``), a date,
    another known name or a demonym, nor when the whole run is known. ``capitalised``: the
    matches of ``_SPAN_RE`` in ``text``."""
    out = []
    for match in capitalised:
        if " " not in match.group(0):
            continue  # one word: nothing longer (most runs)
        for start, end in _split_possessive(text, match.start(), match.end(),
                                            enricher.given_names):
            surface = _CLITIC_RE.sub("", text[start:end].rstrip("."))
            run = surface.split()
            while run and (run[0] in _COMMON_STARTS or run[0] in _TITLE_WORDS):
                start += len(run[0]) + 1
                surface = surface[len(run[0]) + 1:]
                run = run[1:]
            for at, word in enumerate(run):
                if word[0].islower():  # Kakao Ventures and Altos Ventures: the first name
                    run = run[:at]
                    surface = " ".join(run)
                    break
            if len(run) < 2 or lexicon.lookup(surface) is not None:
                continue
            for cut in range(len(run) - 1, 0, -1):  # the longest known opening
                if (known := lexicon.lookup(" ".join(run[:cut]))) is not None:
                    break
            else:
                continue
            if known.type not in ("organization", "location"):
                continue
            nxt = run[cut]
            if (nxt[0].islower() or nxt in _TITLE_WORDS or nxt in _ROLE_HEADS
                    or nxt in _SAME_NAME_ENDS or nxt in _COMMON_STARTS
                    or (kind := enricher.stoplist.get(normalise(nxt))) == "title"
                    or (kind is not None and nxt.isupper())  # Nvidia AI, not Jordan Ott (OTT)
                    or any(w in _ROLE_HEADS for w in run[cut:])  # Senate Majority Leader X
                    or lexicon.lookup(nxt) is not None or _not_a_name(nxt, lexicon)
                    or (known.type == "location" and rules.suffix_type_en(run) is not None)):
                continue  # Seoul Station, Han River: the head word types the whole run
            out.append((start, start + len(surface), known.type))
    return out


def _inside_hyphenated(text: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """Whether ``text[start:end]`` is part of a hyphenated word whose other parts are not known
    names (``Météo-France``, ``Asia-Pacific``; not ``Korea-Japan`` or ``U.S.-China``)."""
    if not (text[start - 1:start] == "-" and text[start - 2:start - 1].isalpha()) and not (
            text[end:end + 1] == "-" and text[end + 1:end + 2].isalpha()):
        return False
    left = start
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    right = end
    while right < len(text) and not text[right].isspace():
        right += 1
    word = text[left:right].strip(".,;:!?\"“”‘’()")
    return not all(lexicon.lookup(part) is not None for part in word.split("-") if part)


def _surnames_not_places(found: list[Mention]) -> list[Mention]:
    """A known place that is the last word of a person named in the same text is that
    person's surname (``Jordan`` after ``Jim Jordan``, ``Washington`` after ``Denise
    Washington``): an unknown person mention, which resolution joins to the full name."""
    surnames = {m.surface.split()[-1] for m in found
                if m.type == "person" and len(m.surface.split()) >= 2}
    return [Mention(m.start, m.end, m.surface, "person", "rule", 0.5)
            if m.surface in surnames and m.type != "person" and (
                (m.known is not None and m.known.type == "location")
                or m.source in ("model", "weak", "rule"))
            else m for m in found]


def _not_a_name(surface: str, lexicon: Lexicon) -> bool:
    """A date or time (``Aug``, ``GMT Thursday``, ``Pacific Time``), a nationality or a party's
    adjective (``South Korean``, ``Japanese``, ``Republican``), page furniture or a unit
    (``Media Contact``, ``Image Credits``, ``Celsius``), a legal form alone (``Inc.``), or an
    adjective made with a hyphen (``AI-driven``)."""
    parts = surface.split()
    if not parts:
        return True
    if _HYPHEN_ADJECTIVE_RE.search(parts[-1]):
        return True  # AI-driven, GitHub-hosted, SCA-certified: an adjective, not a name
    if all(p.rstrip(".,") in _DATE_WORDS for p in parts) or (
            len(parts) >= 2 and parts[-1] == "Time"):
        return True
    if parts[-1] in _FURNITURE_ENDS or (len(parts) == 1 and parts[0] in _SAME_NAME_ENDS):
        return True
    return _demonym(surface, lexicon)


def _demonym(surface: str, lexicon: Lexicon) -> bool:
    """``Japanese``, ``South Koreans``, ``Egyptian``: a listed adjective of a nation, people or
    party, or a known place's name with a demonym ending (``Japan`` + ``ese``, ``Canada`` ->
    ``Canadian``, ``Italy`` -> ``Italian``, ``Israel`` + ``i``)."""
    word = surface[:-1] if surface.endswith("s") and not surface.endswith("ss") else surface
    if surface in _DEMONYMS or word in _DEMONYMS:
        return True
    for ending, stems in _DEMONYM_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            base = word[:-len(ending)]
            for stem in stems:
                known = lexicon.lookup(base + stem)
                if known is not None and known.type == "location":
                    return True
    return False


def _model_mention(text: str, start: int, end: int, etype: str,
                   lexicon: Lexicon, teams: frozenset[tuple[int, int]] = frozenset()
                   ) -> Mention | None:
    """The model's span as a mention: a leading ``the`` and a trailing clitic cut off (``the
    Commerce Department``, ``Nvidia's``), the lexicon's entity where it knows the name; None
    for a span that does not start with a capital or a digit (the small model's noise)."""
    surface = text[start:end]
    if surface.startswith(("the ", "The ")):
        start += 4
        surface = surface[4:]
    surface = _CLITIC_RE.sub("", surface).rstrip(".,")
    parts = surface.split()
    while len(parts) > 1 and parts[0] not in _FIRM_WORDS and (
            parts[0] in _COMMON_STARTS or parts[0] in _TITLE_WORDS or parts[0] in _ROLE_HEADS):
        if parts[0] in _TITLE_WORDS or parts[0] in _ROLE_HEADS:
            etype = "person"  # Councilors Dave Petersen
        start += len(parts[0]) + 1
        surface = surface[len(parts[0]) + 1:]
        parts = parts[1:]
    while len(parts) > 1 and parts[-1].rstrip(".,") in _DATE_WORDS:  # Jordan Ott Monday
        surface = surface[:len(surface) - len(parts[-1])].rstrip()
        parts = parts[:-1]
    if text[start:start + len(surface)] != surface:
        return None
    if etype == "location" and (start, start + len(surface)) in teams:
        etype = "organization"
    if len(surface) < 2 or not (surface[0].isupper() or surface[0].isdigit()) or (
            surface in rules.LATIN_STOP) or (surface.split()[-1][0].islower()) or (
            surface in _COMMON_STARTS):
        return None  # ST3 Pro and, Zaopin Z2 - the: the small model's ragged ends
    known = lexicon.lookup(surface)
    if known is not None:
        return Mention(start, start + len(surface), surface, known.type, known.source,
                       known.confidence, known)
    if _ACRONYM_RE.fullmatch(surface) and _MODIFIER_RE.match(text, start + len(surface)) and (
            not _spelt_out(text, surface)):
        return None  # HR teams, PTO policy, DNS records: an acronym of a common noun
    if etype in ("person", "organization", "location") and _model_number(surface.split()):
        etype = "product"  # Volt 276, Snapdragon 8 Elite, HBM4: a model number
    elif surface.split()[-1] in _CONCEPT_ENDS:
        etype = "other"  # the Ferber Method, the Digital Services Act
    return Mention(start, start + len(surface), surface, etype, "model", 0.6)


# One upper-case word of two to six letters (HR, MBA, FAFSA; not U.S., which is dotted).
_ACRONYM_RE = re.compile(r"[A-Z][A-Z&]{1,5}")


# A lower-case word after an acronym that makes it a modifier (HR teams, an MBA program),
# unlike a verb or a function word after a body's acronym (LSC is, the FDA said, FSC-certified).
_MODIFIER_RE = re.compile(
    r" (?!(?:is|are|was|were|has|have|had|said|says|will|would|can|could|may|must|should|to|and|"
    r"or|of|in|on|at|for|with|by|from|as|that|which|who|also|announced|reported|issued|"
    r"released|found|launched|requires|offers|provides|recommends|approved|added)\b)[a-z]{3,}")


def _spelt_out(text: str, acronym: str) -> bool:
    """Whether the text spells the acronym out, as news style does for a body on first
    reference: ``Legal Services Corporation (LSC)``, ``LSC (Legal Services Corporation)``."""
    return f"({acronym})" in text or f"{acronym} (" in text


# Last words of names of laws, methods, indices and documents: named, but no person, body or
# place (the Affordable Care Act, the Ferber Method, the Consumer Price Index).
_CONCEPT_ENDS = frozenset(words(
    "Act Acts Treaty Accord Accords Amendment Doctrine Method Technique Principle Theory Effect "
    "Syndrome Index Spreadsheet Template Checklist Worksheet Calculator Framework Protocol "
    "Hypothesis Paradox Prize Diet"
))
# The last part of an adjective made with a hyphen (AI-driven, GitHub-hosted, SCA-certified).
_HYPHEN_ADJECTIVE_RE = re.compile(
    r"-(?:driven|based|powered|certified|generated|hosted|friendly|free|style|like|related|owned|"
    r"backed|led|made|focused|ready|native|enabled|compatible|approved|sized|inspired|specific)$")
# A word with a letter and a digit (S25, HBM4, Px7, B200), or a number after a name (Volt 276).
_MODEL_NUMBER_RE = re.compile(r"[A-Za-z][A-Za-z\-]*\d[\w\-]*|\d+[A-Za-z]{0,2}")
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d|\d+(?:st|nd|rd|th|s)")
# First words of numbered places and bodies, not products (Interstate 16, Route 66, Channel 4).
_NUMBERED_HEADS = frozenset(words(
    "Interstate Route Highway Terminal Gate Pier Platform Building Studio Channel Chapter "
    "Section Title Article Amendment Ward District Precinct Station Level Stage Phase Apollo"
))


def _model_number(parts: list[str]) -> bool:
    """Whether a name has a model number: a word mixing letters and digits (``S25``, ``HBM4``)
    or a number after its first word (``Volt 276``, ``Snapdragon 8 Elite``); not a year
    (``Summit 2025``), an ordinal or a numbered road, channel or section (``Interstate 16``)."""
    if parts[0] in _NUMBERED_HEADS:
        return False
    return any(_MODEL_NUMBER_RE.fullmatch(word) and not _YEAR_RE.fullmatch(word)
               and (at > 0 or not word[0].isdigit())
               for at, word in enumerate(parts))


# Where a model span runs over a separator of headings and product lists (``Surfshark Speed -
# Good``, ``Model | The``, ``Chainsaw Man - The``) or an ``and`` between capitalised words.
_JOINT_RE = re.compile(r" and (?=[A-Z])|\s+[-–—|:]\s+|\s*\|\s*|['’]s\s+(?=[A-Z])")


def _and_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A model span cut at ``and`` between capitalised words (``Scope and Mencap``, ``Andreessen
    Horowitz and General Catalyst``): the small model joins listed names; firms joined by
    ``and`` usually write ``&``. Also cut at a spaced dash, bar or colon: web headings and
    product lists (``Arlo Pro 5S 2K - Best``) put them between a name and the words after it."""
    out, at = [], start
    for joint in _JOINT_RE.finditer(text[start:end]):
        out.append((at, start + joint.start()))
        at = start + joint.end()
    out.append((at, end))
    return out


def _company_context(text: str, start: int, end: int) -> bool:
    """``shares of X``, ``chief executive of X`` before the run, or ``X's shares``, ``X's CEO``
    after it: what news writes around companies (not after a given name: ``Maria's shares``)."""
    before = text[max(0, start - 24):start].split()
    if len(before) > 1 and before[-1] == "of" and before[-2].lower() in rules.ORG_OF_CUES_EN:
        return True
    if text[end:end + 2] not in ("'s", "’s"):
        return False
    after = text[end + 2:end + 24].split()
    return bool(after) and after[0].lower().rstrip(",.") in rules.ORG_POSSESSIVE_CUES_EN


def _after_known_prefix(text: str, start: int, end: int, occupied: bytearray) -> int:
    """Where a run's own candidate starts: after a lexicon name that opens it when a title
    follows (``NATO Secretary General Mark Rutte``: NATO is claimed, the person is still to be
    read); else the run's start (``Georgia Tech`` stays whole rather than leave ``Tech``)."""
    at = start
    while at < end and occupied[at]:
        at += 1
    if at == start:
        return start
    rest = text[at:end].split()
    if rest and any(w in _TITLE_WORDS or w in _ROLE_HEADS for w in rest[:3]):
        return text.index(rest[0], at)  # Senate Majority Leader John Thune
    return start


def load_given_names() -> frozenset[str]:
    """Common English given names (``data/given_names_en.tsv``; an enricher holds them)."""
    return frozenset(row[0] for row in read_tsv("given_names_en.tsv"))


# One word with a capital after lower-case letters names a company far more often than anything
# else in news (BlackRock, FreshBooks, HarperCollins); Mc/Mac/De/Di/Le/La/Van/Von surnames aside.
_CAMEL_RE = re.compile(r"(?!Mc|Mac|De|Di|Le|La|Van|Von)[A-Z][a-z]+[A-Z][A-Za-z]*")
_LAST_WORD_RE = re.compile(r"(?:^|\s)([A-Z][a-z]+) $")


def _after_given_name(text: str, start: int, given_names: frozenset[str]) -> bool:
    before = _LAST_WORD_RE.search(text, max(0, start - 16), start)
    return before is not None and before.group(1) in given_names


def _is_title_case(text: str) -> bool:
    """Most words of four or more letters capitalised (``How I Keep Sourdough Starter Alive``)."""
    long_words = re.findall(r"[A-Za-z]{4,}", text)
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return len(long_words) >= 3 and capitalised >= 0.7 * len(long_words)


def _datelines(text: str, lexicon: Lexicon) -> list[Mention]:
    """The city (and state or country) of a wire dateline: ``FLAGSTAFF, Ariz. (AP) —``."""
    out = []
    for match in _DATELINE_RE.finditer(text):
        for group in (1, 2):
            if match.group(group) is None:
                continue
            start = match.start(group)
            surface = match.group(group).rstrip(". ")
            if len(surface) >= 2:
                out.append(known_or(lexicon, start, start + len(surface), surface, "location",
                                    0.65))  # above the model's 0.6: SAN JOSE is San Jose
    return out


# US postal state codes and their states' names (New York, Washington and Georgia left out: the
# lexicon's names of those are the city, the capital and the country).
_POSTAL_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "Washington, D.C.",
    "FL": "Florida", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana",
    "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine",
    "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming",
}
# A postal code after a town and a comma (Austin, TX 78701; Denver, CO.).
_POSTAL_RE = re.compile(r", ([A-Z]{2})(?=\s+\d{5}|[\s.,;)]|$)")


def _postal_states(text: str, lexicon: Lexicon) -> list[Mention]:
    """The state of an address or a place line, written as its postal code (``Austin, TX``)."""
    out = []
    for match in _POSTAL_RE.finditer(text):
        if not text[match.start() - 1:match.start()].islower():
            continue  # Austin, TX; not TX alone or after another code
        state = _POSTAL_STATES.get(match.group(1))
        known = lexicon.lookup(state) if state else None
        if known is not None:
            out.append(Mention(match.start(1), match.end(1), match.group(1), known.type,
                               known.source, known.confidence, known))
    return out


def _named_part(words: list[str], given_names: frozenset[str]) -> bool:
    """Whether one side of an ``and`` reads as a name of its own: a head word (``Main Street``),
    a camel-case word (``BlackRock``) or a given name and a surname (``Danny Penman``)."""
    return bool(words) and bool(
        rules.suffix_type_en(words) or _CAMEL_RE.fullmatch(words[-1])
        or (len(words) in (2, 3) and words[0] in given_names)
        or (len(words) == 2 and words[0] in _KO_SURNAMES and _KO_GIVEN_RE.fullmatch(words[1])))


def _split_possessive(text: str, start: int, end: int,
                      given_names: frozenset[str]) -> list[tuple[int, int]]:
    """:func:`_split_joined` parts, each cut after a possessive inside it: ``Zentrix's CEO``
    is ``Zentrix`` (then its title), not one name."""
    out = []
    for s, e in _split_joined(text, start, end, given_names):
        at = s
        for clitic in _POSSESSIVE_RE.finditer(text, s, e):
            out.append((at, clitic.start()))
            at = clitic.end()
        out.append((at, e))
    return [(s, e) for s, e in out if e > s]


_POSSESSIVE_RE = re.compile(r"['’]s\s+")


def _split_joined(text: str, start: int, end: int,
                  given_names: frozenset[str]) -> list[tuple[int, int]]:
    """``Main Street and Fifth Avenue``, ``BlackRock and HarperCollins``, ``Mark Williams and
    Danny Penman``: two spans when every part joined by ``and`` reads as a name of its own
    (:func:`_named_part`); else the span itself (``Johnson and Johnson``)."""
    surface = text[start:end]
    if " and " not in surface:
        return [(start, end)]
    parts, at = [], start
    for part in surface.split(" and "):
        parts.append((at, at + len(part)))
        at += len(part) + len(" and ")
    if all(_named_part(text[s:e].rstrip(".").split(), given_names) for s, e in parts):
        return parts
    before = text[max(0, start - 12):start].split()
    if before and before[-1] in ("in", "between", "including"):
        return parts  # in Toulouse and Montpellier: a list of places; charities including A and B
    return [(start, end)]


def _apposed_place(text: str, end: int, lexicon: Lexicon) -> bool:
    """Whether a known place follows after a comma (``San Antonio, Texas``, ``Busan, South
    Korea``): the name before it is a place in it, whatever its words suggest (``Antonio`` is
    a given name)."""
    match = _APPOSED_RE.match(text, end)
    if match is None:
        return False
    known = lexicon.lookup(match.group(1))  # all of it: "Marcin Szczepanski, Michigan
    return known is not None and known.type == "location"  # Engineering" is a photo credit


def _candidate(text: str, start: int, end: int, midsentence: set[str],
               lexicon: Lexicon, enricher: Enricher) -> Mention | None:
    given_names = enricher.given_names
    surface = text[start:end]
    if surface.endswith(".") and surface[:-1].split()[-1] not in rules.ORG_SUFFIXES_EN:
        surface = surface[:-1]
    surface = _CLITIC_RE.sub("", surface)  # Nvidia's, I’m
    words = surface.split()
    titled = False
    with_title: tuple[int, list[str]] | None = None
    while words and (words[0] in _TITLE_WORDS or words[0] in _COMMON_STARTS
                     or (words[0].islower() and len(words) > 1 and not titled)):  # Is the X
        if words[0] in _TITLE_WORDS and not titled:
            titled, with_title = True, (start, words)
        start += len(words[0]) + 1
        words = words[1:]
    if titled and words and words[0].islower():
        titled = False  # CEO of Acme Corp.: the title's organisation, not a person
        while words and words[0].islower():
            start += len(words[0]) + 1
            words = words[1:]
    for at in range(len(words) - 2, 0, -1):
        tail = words[at + 1:]
        if words[at] in _ROLE_HEADS and len(tail) <= 3 and all(
                w[0].isupper() and w not in _TITLE_WORDS for w in tail) and (
                rules.suffix_type_en(tail) is None):
            # Senate Majority Leader John Thune, Land Minister Choi Jin-woo: the name after
            # the role is a person's (the body before it is left to other mentions)
            start += sum(len(w) + 1 for w in words[:at + 1])
            words, titled, with_title = tail, True, None
            break
    if titled and with_title and rules.suffix_type_en(words) == "organization":
        # Queen Mary University of London: the "title" starts the organisation's name
        (start, words), titled = with_title, False
    if (len(words) > 2 and words[1] in ("of", "for") and words[0] not in midsentence
            and not rules.suffix_type_en(words[:1])
            and _SENTENCE_START_RE.search(text[max(0, start - 3):start])):
        # "Shares of BlackRock": a sentence's capitalised first word joined to a name by "of"
        start += len(words[0]) + 1
        words = words[1:]
        while words and words[0].islower():
            start += len(words[0]) + 1
            words = words[1:]
    if not words:
        return None
    surface = " ".join(words)
    end = start + len(surface)
    if text[start:end] != surface:  # irregular spacing; fall back to the raw slice
        return None
    if _company_context(text, start, end) and words[0] not in given_names and (
            lexicon.lookup(surface) is None):
        return Mention(start, end, surface, "organization", "rule", 0.5)  # Zentrix's CEO
    at_sentence_start = bool(_SENTENCE_START_RE.search(text[max(0, start - 3):start]))
    if len(words) == 1 and at_sentence_start and surface not in midsentence:
        # Kept only as a weak mention: it survives if it corefers with a full name.
        return Mention(start, end, surface, "other", "weak", 0.1)
    if surface in rules.LATIN_STOP or len(surface) < 2 or generic.all_generic(
            words, enricher.stoplist):
        return None
    known = lexicon.lookup(surface)
    if known is not None:
        return Mention(start, end, surface, known.type, known.source, known.confidence, known)
    if len(words) > 1 and words[-1] in _CONCEPT_ENDS:
        return Mention(start, end, surface, "other", "rule", 0.5)  # Affordable Care Act
    by_suffix = rules.suffix_type_en(words)
    if by_suffix == "organization" and not titled:  # Acme Corp. said: organisations speak too
        return Mention(start, end, surface, by_suffix, "rule", 0.6)
    if "&" in words and not titled:  # Bowers & Wilkins, Marks & Spencer: firms' names
        return Mention(start, end, surface, "organization", "rule", 0.55)
    following = text[end:end + 12].split()
    before = text[max(0, start - 24):start].split()
    # "officials in San Antonio said": the verb is the officials', the name after "in" a place
    speaks = bool(following) and following[0].rstrip(",.") in rules.PERSON_VERBS_EN and not (
        before and before[-1] in rules.PLACE_CUES_EN)
    role = bool(before) and before[-1] in _ROLES_BEFORE
    described = _DESCRIBED_RE.match(text, end) is not None  # Elena Park, an associate professor
    if not titled and _apposed_place(text, end, lexicon):
        return Mention(start, end, surface, "location", "rule", 0.6)  # San Antonio, Texas
    if titled or ((speaks or role or described) and len(words) in (2, 3)):
        return Mention(start, end, surface, "person", "rule", 0.7)
    if len(words) == 2 and words[0] in _KO_SURNAMES and _KO_GIVEN_RE.fullmatch(words[1]):
        return Mention(start, end, surface, "person", "rule", 0.65)  # Yoon Ga-eul
    if by_suffix is not None and len(words) > 1:  # a lone Park or Bank is no place
        return Mention(start, end, surface, by_suffix, "rule", 0.6)
    if len(words) in (2, 3) and words[0] in given_names and words[-1][0].isupper():
        return Mention(start, end, surface, "person", "rule", 0.6)  # David Glanzman
    if len(words) == 1 and _CAMEL_RE.fullmatch(surface):
        return Mention(start, end, surface, "organization", "rule", 0.45)  # FreshBooks, BlackRock
    if before and (before[-1] in rules.PLACE_CUES_EN or (
            before[-1] == "of" and len(before) > 1 and (
                before[-2] in rules.PLACE_OF_CUES_EN or before[-2] in _PLACE_OF_NOUNS)) or (
            before[-1] == "and" and len(before) > 2 and before[-3] in rules.PLACE_CUES_EN)):
        # in Phoenix, the town of Aude, in Toulouse and Montpellier
        return Mention(start, end, surface, "location", "rule", 0.45)
    return Mention(start, end, surface, "other", "default", 0.3)
