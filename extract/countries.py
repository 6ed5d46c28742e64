"""Country and organisation names in a phrase, normalised the way Document.parties spells them.

Kept apart from ingest's own finder so the extractor does not depend on ingest internals.
"""
from __future__ import annotations

import re
from functools import lru_cache

ALIASES = {
    "united states of america": "United States", "united states": "United States", "u.s.": "United States",
    "us": "United States", "usa": "United States", "america": "United States", "american": "United States",
    "australian": "Australia", "japanese": "Japan", "malaysian": "Malaysia", "thai": "Thailand",
    "kingdom of thailand": "Thailand", "republic of korea": "South Korea", "south korea": "South Korea",
    "korea": "South Korea", "kingdom of saudi arabia": "Saudi Arabia", "saudi": "Saudi Arabia",
    "democratic republic of the congo": "DR Congo", "drc": "DR Congo", "russian federation": "Russia",
    "united kingdom": "United Kingdom", "uk": "United Kingdom", "european union": "European Union",
    "eu": "European Union", "people's republic of china": "China", "chinese": "China",
    "republic of indonesia": "Indonesia", "republic of kazakhstan": "Kazakhstan",
    "republic of uzbekistan": "Uzbekistan", "ukrainian": "Ukraine", "g7": "G7", "quad": "Quad",
}
# Seats of government that reporting uses for the government itself ("Washington and Canberra agreed").
CAPITALS = {
    "washington": "United States", "canberra": "Australia", "tokyo": "Japan", "kuala lumpur": "Malaysia",
    "bangkok": "Thailand", "kyiv": "Ukraine", "kiev": "Ukraine", "riyadh": "Saudi Arabia", "kinshasa": "DR Congo",
    "astana": "Kazakhstan", "new delhi": "India", "beijing": "China", "ottawa": "Canada", "brussels": "European Union",
    "seoul": "South Korea", "jakarta": "Indonesia", "hanoi": "Vietnam", "manila": "Philippines",
    "london": "United Kingdom", "buenos aires": "Argentina", "brasilia": "Brazil", "santiago": "Chile",
}
ALIASES.update(CAPITALS)
ALIASES["korean"] = "South Korea"
# Groups that sign as one ("We, the Leaders of the G7 ..."): collective subjects mean the group.
GROUPS = frozenset({"G7", "G20", "Quad", "ASEAN", "APEC", "Minerals Security Partnership"})
# Upper-case only: "US" is a country, "us" is a pronoun.
_CASED = {"us", "uk", "eu", "drc", "usa", "g7"}


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    import pycountry

    from extract.resources import data_file

    names: dict[str, str] = {}
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        # "Viet Nam" and "Socialist Republic of Viet Nam" are Vietnam too
        for spelling in (name, country.name, getattr(country, "official_name", None)):
            if spelling and "," not in spelling and "(" not in spelling:
                names.setdefault(spelling.lower(), name)
    names.update({k: v for k, v in ALIASES.items() if k not in _CASED})
    names.update({k: v for k, v in data_file("demonyms.yaml").items() if k not in names})
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    folded = re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])", re.IGNORECASE)
    cased = re.compile(r"(?<![\w.])(?:US|U\.S\.|UK|EU|DRC|USA|G7)(?![\w])")
    return folded, cased, names


def countries_in(text: str) -> list[str]:
    """Normalised names in order of first mention, each once."""
    if not text.strip():
        return []
    folded, cased, names = _patterns()
    hits = [(m.start(), names[re.sub(r"\s+", " ", m.group(0).lower())]) for m in folded.finditer(text)]
    hits += [(m.start(), ALIASES[m.group(0).lower()]) for m in cased.finditer(text)]
    out: list[str] = []
    for _, name in sorted(hits):
        if name not in out:
            out.append(name)
    return out


def country_at(text: str) -> str | None:
    """The country or group whose name opens text ("China's output" -> China), normalised; else None."""
    folded, cased, names = _patterns()
    found = folded.match(text)
    if found:
        return names[re.sub(r"\s+", " ", found.group(0).lower())]
    found = cased.match(text)
    return ALIASES[found.group(0).lower()] if found else None
