"""Who is party to a document, as normalised country names.

Cues first: "For the Government of X:" in the signature block, "between the Government of X and
the Government of Y" or "X-Y Framework" in the title, "The Government of X and ..." opening the
preamble. Only when those name fewer than two parties does spaCy NER read the title block and
opening paragraphs for places and governments.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import files

from ingest.models import Clause

# Names the texts use that pycountry spells otherwise, or does not hold (the EU).
ALIASES = {
    "united states of america": "United States", "united states": "United States", "u.s.": "United States",
    "us": "United States", "usa": "United States", "america": "United States",
    "republic of korea": "South Korea", "south korea": "South Korea", "korea": "South Korea",
    "democratic republic of the congo": "DR Congo", "drc": "DR Congo", "dr congo": "DR Congo",
    "russian federation": "Russia", "russia": "Russia", "uk": "United Kingdom", "britain": "United Kingdom",
    "great britain": "United Kingdom", "united kingdom": "United Kingdom", "european union": "European Union",
    "eu": "European Union", "people's republic of china": "China", "prc": "China", "turkey": "Türkiye",
    "ivory coast": "Côte d'Ivoire", "viet nam": "Vietnam", "vietnam": "Vietnam",
    "kosovo": "Kosovo", "republic of kosovo": "Kosovo",  # a party to many instruments; no ISO 3166 entry
    "united kingdom of great britain and northern ireland": "United Kingdom", "northern ireland": "United Kingdom",
    "brunei darussalam": "Brunei", "brunei": "Brunei", "uae": "United Arab Emirates",
    "european commission": "European Union",  # the Commission signs for the Union
    "lao people's democratic republic": "Laos", "lao pdr": "Laos", "laos": "Laos",
}
# Parties that are not states but sign as one.
ORGANISATIONS = frozenset({"European Union"})
_FORMS = re.compile(
    r"^(?:the\s+)?(?:government\s+of\s+(?:the\s+)?)?(?:(?:federal|democratic|socialist|islamic|united|"
    r"people's|plurinational|bolivarian|hashemite|cooperative|oriental)\s+)*"
    r"(?:republic|kingdom|commonwealth|state|sultanate|emirates?|principality|grand duchy|federation)"
    r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
_GOVERNMENT_OF = re.compile(
    r"\b(?i:governments?\s+of\s+(?:the\s+)?)([A-Z][\w.'’-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w.'’-]*){0,5})")
_FOR_PARTY = re.compile(r"^for\s+(?:the\s+)?(?:government\s+of\s+(?:the\s+)?)?(.{2,80}?)\s*:?\s*$", re.I)
# "X (the "United States") and Y (together, the "Participants")": the names before it are the parties.
_COLLECTIVE = re.compile(
    r"\((?:together|collectively|jointly|each|individually|hereinafter)\b[^)]{0,40}?\b(?:participants?|parties|party|"
    r"sides?|signatories)\b[^)]{0,20}\)|\bhereinafter\b[^.]{0,60}?\b(?:participants|parties|sides)\b"
    r"|\((?:the\s+)?[\"“]?(?:participants|parties|sides|signatories)[\"”]?\)", re.IGNORECASE)
# "We, the Leaders of A, B and C, ...", "Those countries are A, B, ... and Z."
_ENUMERATION = re.compile(
    r"\bwe,?\s+the\s+(?:governments?|leaders|heads\s+of\s+(?:state|government)|ministers|representatives)\s+of\s+"
    r"|\b(?:countries|signatories|participants|parties|members|partners)\s+(?:are|were|include|comprise)\s*:?\s+",
    re.IGNORECASE)
# "We, the Prime Minister of X and the Prime Minister of Y, as witnessed by ...": who speaks, up to
# the witnesses or the verb. Witnesses and hosts are not parties.
_WE = re.compile(
    r"\b(?:We|WE),\s+(?P<who>[^.;]{5,600}?)(?:,\s*(?:as\s+witnessed|witnessed|having|in\s+the\s+presence|on\s+the\s+occasion|"
    r"meeting|gathered)|,?\s+(?:hereby\s+)?(?:declare|affirm|reaffirm|state|share|agree|commit|intend|decide|express|"
    r"welcome|recogni[sz]e|note)\b)")
# Fact sheets and press releases announce a deal; their parties are the deal's, not everyone they mention.
ANNOUNCEMENTS = frozenset({"fact_sheet", "press_release"})
# "President of the Republic of Türkiye", "Emir of the State of Qatar": a signatory's office, alone on a line.
_OFFICE_OF = re.compile(r"^(?:the\s+)?(?:president|vice president|prime minister|emir|king|queen|sultan|chancellor|"
                        r"premier|crown prince|head of government|minister\b[^,]{0,60}?|secretary\b[^,]{0,60}?)"
                        r"\s+of\s+(?P<state>.{3,80}?)[.,:]?$", re.IGNORECASE)
# "secured reciprocal trade deals with Malaysia and Cambodia": whom a fact sheet's deals are with.
_DEALS_WITH = re.compile(r"\b(?:deals?|agreements?|statements?|frameworks?|arrangements?|partnerships?|accords?)\b"
                         r"[^.;]{0,60}?\bwith\s+(?:the\s+)?", re.IGNORECASE)
_WITNESSES = re.compile(r"^(?:in the presence of|witness(?:ed)?(?:\s+by)?)\b", re.IGNORECASE)
# "By the authority vested in me as President by the Constitution and the laws of X": the state that orders.
_ENACTED_BY = re.compile(r"\bauthority vested in me\b[^.]{0,80}?\blaws of (?:the )?"
                         r"(?P<state>[A-Z][\w.]*(?:\s+(?:of\s+)?[A-Z][\w.]*){0,4})")
_SENTENCE_START = re.compile(r"(?<![A-Z])[.;!?]\s+(?=[A-Z\"“])")
# "Declaration between the Kingdom of Spain and the United States of America on ..."
_BETWEEN = re.compile(r"\bbetween\s+(.{3,80}?)\s+and\s+(.{3,80}?)(?=\s+(?:on|concerning|regarding|for|to|in)\s|[,.;:]|$)",
                      re.IGNORECASE)
# "United States–Japan Framework": a lookahead, so that "Twenty-First Century U.S.-UK" yields both pairs.
_PAIR = re.compile(r"(?=\b([A-Z][\w.]*(?:\s[A-Z][\w.]*){0,3})\s?[-–—]\s?([A-Z][\w.]*(?:\s[A-Z][\w.]*){0,3})\b)")


def normalise_country(name: str) -> str:
    """'Kingdom of Thailand' -> 'Thailand'; a name that is no country comes back trimmed."""
    resolved = resolve_country(name)
    return resolved or " ".join(name.split()).strip(" .,;:")


def resolve_country(name: str) -> str | None:
    cleaned = " ".join(name.replace("’", "'").split()).strip(" .,;:\"'")
    cleaned = re.sub(r"^the\s+", "", cleaned, flags=re.I)
    # "U.S." loses its last dot to the trim above; the alias keeps it.
    for candidate in (cleaned, cleaned + ".", _FORMS.sub("", cleaned)):
        lowered = candidate.lower()
        if lowered in ALIASES:
            return ALIASES[lowered]
        if len(candidate) < 4:
            continue  # a code ("AI", "IT", "ARE") is a word far more often than a country; aliases hold the real ones
        import pycountry

        try:
            country = pycountry.countries.lookup(candidate)
        except LookupError:
            continue
        return getattr(country, "common_name", None) or country.name
    return None


def find_parties(title: str, clauses: list[Clause], doc_type: str = "", text: str = "") -> list[str]:
    found: list[str] = []
    if doc_type == "executive_order":
        body = " ".join(c.text for c in clauses if c.kind != "title")
        if (enacted := _ENACTED_BY.search(body)) and (state := _longest(enacted.group("state").split(), False)):
            return [state]  # an order binds the state whose head issues it, whatever countries it names
        # A memorandum's addressees are the issuing state's officials ("THE UNITED STATES TRADE REPRESENTATIVE").
        head = text[:2500] or "\n\n".join(c.text for c in clauses[:16])  # capitals lines may have become headings
        addressees = [t for t in head.split("\n\n") if t.isupper() and not t.startswith("SUBJECT")]
        if (state_named := countries_in(" ".join(addressees))):
            return state_named[:1]
    if doc_type in ANNOUNCEMENTS and (named := announced_parties(title, clauses)):
        return named

    def add(names: list[str]) -> None:
        for name in names:
            if name not in found:
                found.append(name)

    signature = [c.text for c in clauses if c.kind == "signature"]
    add([n for line in signature if (m := _FOR_PARTY.match(line)) and (n := resolve_country(m.group(1)))])
    add(signatories(clauses))
    first_clauses = [c.text for c in clauses if c.kind != "title"][:6]
    for text in first_clauses:
        add(defined_parties(text))
    opening = [title] + [c.text for c in clauses if c.kind in {"title", "preamble"}][:4]
    for i, text in enumerate(opening):
        add([n for m in _GOVERNMENT_OF.finditer(text) if (n := resolve_country(_trim(m.group(1))))])
        if i == 0 and (between := _BETWEEN.search(text)) is not None:  # in a preamble it names trade flows
            add([n for n in (_longest(between.group(1).split(), from_end=True),
                             _longest(between.group(2).split(), from_end=False)) if n])
        for m in _PAIR.finditer(text):
            pair = [_longest(m.group(1).split(), from_end=True), _longest(m.group(2).split(), from_end=False)]
            if pair[0] and pair[1]:
                add([pair[0], pair[1]])
    if len(found) < 2:
        speaking = " ".join([title] + [m.group("who") for text in first_clauses for m in _WE.finditer(text)])
        add(group_members(speaking))
    if len(found) >= 2:
        return found
    # The opening paragraphs: the loose ones, else the first under a heading (a fact sheet's first part).
    narrative = ([c.text for c in clauses if c.kind == "narrative"][:3]
                 or [c.text for c in clauses if c.kind == "provision"][:1])
    scope = " ".join(opening + narrative)[:3000]
    from ingest.nlp import entities

    # NER reads the opening; countries spelled out in the title and first paragraph (where a
    # statement names who makes it: "We, the Leaders of Canada, France ...") fill in what it misses.
    add([n for text, _ in entities(scope) if (n := resolve_country(_trim(text)))])
    first = next((c.text for c in clauses if c.kind in {"preamble", "narrative", "provision"}), "")
    add(countries_in(f"{title} {first}"))
    return found


def group_members(text: str) -> list[str]:
    """The members of each group (ingest/data/groups.yaml) the text names: "We, the leaders of the G7"."""
    members: list[str] = []
    for names, group in _groups():
        if names.search(text):
            members += [m for m in group if m not in members]
    return members


@lru_cache(maxsize=1)
def _groups() -> list[tuple[re.Pattern[str], list[str]]]:
    import yaml

    data = yaml.safe_load(files("ingest").joinpath("data/groups.yaml").read_text(encoding="utf-8")) or {}
    return [(re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in entry["names"]) + r")(?![\w-])"),
             [str(m) for m in entry["members"]]) for entry in data.values()]


def signatories(clauses: list[Clause]) -> list[str]:
    """States whose office-holders sign at the end: "President of the Arab Republic of Egypt" on its own
    line under a name. Lines that only name an office, in the last clauses of the text."""
    found: list[str] = []
    for clause in clauses[-16:]:
        if _WITNESSES.match(clause.text.strip()):
            break  # who signs below "Witnessed by:" only watched
        match = _OFFICE_OF.match(clause.text.strip())
        if match and (name := _longest(match.group("state").split(), from_end=False)) and name not in found:
            found.append(name)
    return found if len(found) >= 2 else []  # one office line is a closing name, not a block of signatories


def announced_parties(title: str, clauses: list[Clause]) -> list[str]:
    """For a fact sheet or press release: the governments its title says the deal is with (or, when the
    title names fewer than two, those its opening says deals were made with: "trade deals with Malaysia
    and Cambodia"), joined by the one that announces it (the country its text names most)."""
    named = countries_in(title)
    for m in _PAIR.finditer(title):
        named += [n for n in (_longest(m.group(1).split(), True), _longest(m.group(2).split(), False))
                  if n and n not in named]
    if len(named) >= 2:
        return named
    opening = " ".join(c.text for c in clauses if c.kind != "title")[:1500]
    for m in _DEALS_WITH.finditer(opening):
        named += [n for n in _enumerated(opening[m.end() :]) if n not in named]
    if not named:
        return []
    counts: dict[str, int] = {}
    for clause in clauses:
        for name in countries_in(clause.text):
            counts[name] = counts.get(name, 0) + 1
    others = sorted(((n, c) for n, c in counts.items() if n not in named), key=lambda nc: -nc[1])
    if others and others[0][1] >= 2 and (len(others) == 1 or others[0][1] > others[1][1]):
        named.append(others[0][0])
    return named


def defined_parties(text: str) -> list[str]:
    """The parties a paragraph defines ("X and Y (together, the "Participants")") or lists
    ("We, the governments of A, B and C", "Those countries are A, B ... and Z"); [] when it does neither."""
    found: list[str] = []
    for match in _WE.finditer(text):
        who = match.group("who")
        found += [n for n in countries_in(who) + group_members(who) if n not in found]
    for match in _COLLECTIVE.finditer(text):
        starts = [m.end() for m in _SENTENCE_START.finditer(text, 0, match.start())]
        found += [n for n in countries_in(text[starts[-1] if starts else 0 : match.start()]) if n not in found]
    for match in _ENUMERATION.finditer(text):
        listed = _enumerated(text[match.end() :])
        if len(listed) >= 2:
            # The paragraph that lists the states often names a union that joins them apart from the list.
            extra = [n for n in countries_in(text) if n in ORGANISATIONS]
            found += [n for n in listed + extra if n not in found]
    return found


def _enumerated(text: str) -> list[str]:
    """The run of country names that opens text: 'A, B, the C, and D hold ...' -> [A, B, C, D]."""
    names: list[str] = []
    sentence = re.split(r"(?<![A-Z])[.;:](?:\s|$)", text[:2000], maxsplit=1)[0]  # "U.S." does not end it
    for item in re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+", sentence):
        item = re.sub(r"\s*\([^)]*\)\s*", " ", item).strip(" *\"“”")
        if not item:
            continue
        name = resolve_country(item) or _longest(item.split(), from_end=False)
        if name is None:
            break
        if name not in names:
            names.append(name)
        if resolve_country(item) is None:
            break  # "Uruguay hold a common vision": the list ends with the last name
    return names


def _longest(words: list[str], from_end: bool) -> str | None:
    """'United States' from the end of 'The United States', 'Japan' from 'Japan Framework'."""
    for n in range(len(words), 0, -1):
        found = resolve_country(" ".join(words[-n:] if from_end else words[:n]))
        if found:
            return found
    return None


def _trim(name: str) -> str:
    # "United States of America (the 'United States')" and "Japan and" trail into the next words.
    name = re.split(r"\s+\(|,|\s+and\s+|\s+concerning\b|\s+on\s+|\s+regarding\b", name)[0]
    return re.sub(r"^(?:the\s+)?government\s+of\s+", "", name.strip(), flags=re.I)


def countries_in(text: str) -> list[str]:
    """Country names spelled out in the text, in order of first mention."""
    lowered = text.lower()
    hits: list[tuple[int, int, str]] = []
    for alias, name in ALIASES.items():
        if len(alias) <= 3:
            # "us" is a pronoun far more often than a country; written in capitals ("UAE", "EU") it is the country.
            upper = alias.upper()
            hits += [(m.start(), len(alias), name) for m in re.finditer(rf"(?<![\w.]){re.escape(upper)}(?![\w-])", text)
                     if alias != "us"]
            continue
        hits += [(m.start(), len(alias), name) for m in re.finditer(rf"(?<![\w.]){re.escape(alias)}(?!\w)", lowered)]
    for name, pattern in _country_patterns():
        hits += [(m.start(), m.end() - m.start(), name) for m in pattern.finditer(text)]
    # A name inside a longer one is part of it: "Ireland" in "... and Northern Ireland".
    hits.sort(key=lambda h: (h[0], -h[1]))
    out: list[str] = []
    reach = -1
    for start, length, name in hits:
        if start + length <= reach:
            continue
        reach = max(reach, start + length)
        if name not in out:
            out.append(name)
    return out


@lru_cache(maxsize=1)
def _country_patterns() -> list[tuple[str, re.Pattern[str]]]:
    import pycountry

    patterns = []
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        if "," in name or "(" in name or name == "United States":
            continue
        patterns.append((name, re.compile(rf"\b{re.escape(name)}\b")))
        official = re.sub(r"^the\s+", "", getattr(country, "official_name", "") or "")
        if official and official != name and name not in official and "," not in official:
            patterns.append((name, re.compile(rf"\b{re.escape(official)}\b")))  # "the French Republic"
    return patterns
