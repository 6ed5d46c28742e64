"""Minerals and institutions named in a clause, from the gazetteers in extract/data.

Matching is by regular expression over the clause text, so the components work on a blank
pipeline as well as on the parsed one, and the hits map to character offsets exactly.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.resources import alternation, data_file

# Capitalised words that open a sentence or a phrase but never begin a body's name.
_LEADING_NOISE = {"the", "a", "an", "this", "that", "these", "each", "both", "under", "in", "for", "with", "by",
                  "and", "of", "on", "to", "through", "via", "new", "such", "any", "its", "their", "our", "as"}


@dataclass(frozen=True)
class NameHit:
    start: int
    end: int
    name: str  # canonical


@lru_cache(maxsize=1)
def _mineral_tables() -> tuple[re.Pattern[str], dict[str, list[str]], set[str], re.Pattern[str]]:
    data = data_file("minerals.yaml")
    names: dict[str, list[str]] = {}
    for canonical, aliases in data["minerals"].items():
        for alias in [canonical, *(aliases or [])]:
            names.setdefault(str(alias).lower(), [str(canonical)])
    for phrase, canonicals in (data.get("compounds") or {}).items():
        names[str(phrase).lower()] = [str(c) for c in canonicals]
    pattern = re.compile(rf"(?<![\w-])(?:{alternation(list(names))})(?![\w-])", re.IGNORECASE)
    mining = re.compile(rf"^\s*(?:{'|'.join(map(re.escape, data['mining_words']))})\b", re.IGNORECASE)
    return pattern, names, {str(a).lower() for a in data.get("ambiguous") or []}, mining


def find_minerals(text: str) -> list[NameHit]:
    """Mineral mentions as canonical names; ambiguous words ('lead', 'tin') only in mineral company."""
    pattern, names, ambiguous, mining = _mineral_tables()
    raw = [(m.start(), m.end(), m.group(0).lower()) for m in pattern.finditer(text)]
    sure = [r for r in raw if re.sub(r"\s+", " ", r[2]) not in ambiguous]
    hits: list[NameHit] = []
    for start, end, found in raw:
        key = re.sub(r"[\s-]+", " ", found)
        canonicals = names.get(found) or names.get(key) or _lookup_flexible(found, names)
        if not canonicals:
            continue
        if key in ambiguous and not sure and not mining.match(text[end:]):
            continue
        hits.extend(NameHit(start, end, c) for c in canonicals)
    return hits


def _lookup_flexible(found: str, names: dict[str, list[str]]) -> list[str]:
    # The pattern lets spaces and hyphens vary ("rare-earth" for "rare earth"); find the entry.
    squashed = re.sub(r"[\s-]+", "", found)
    for alias, canonicals in names.items():
        if re.sub(r"[\s-]+", "", alias) == squashed:
            return canonicals
    return []


@lru_cache(maxsize=1)
def _institution_tables() -> tuple[re.Pattern[str], re.Pattern[str] | None, dict[str, str], re.Pattern[str]]:
    data = data_file("institutions.yaml")
    exact: dict[str, str] = {}  # acronyms, case-sensitive
    folded: dict[str, str] = {}  # longer names, case-insensitive
    for canonical, aliases in data["institutions"].items():
        for alias in [canonical, *(aliases or [])]:
            alias = str(alias)
            if re.fullmatch(r"[A-Z][A-Za-z0-9&-]{1,7}", alias) and alias.upper() == alias.replace("o", "O"):
                exact[alias] = str(canonical)
            else:
                folded[alias.lower()] = str(canonical)
    folded_re = re.compile(rf"(?<![\w-])(?:{alternation(list(folded))})(?![\w-])", re.IGNORECASE)
    exact_re = re.compile(rf"(?<![\w-])(?:{alternation(list(exact), flexible_space=False)})(?![\w-])") if exact else None
    table = {**{k.lower(): v for k, v in folded.items()}, **{f"={k}": v for k, v in exact.items()}}
    heads = alternation([str(h) for h in data["body_heads"]])
    cap = r"(?:[A-Z][\w.'’&]*(?:-[\w.'’&]+)*)"
    body = re.compile(rf"(?:{cap}(?:,?\s+|\s+(?:of|and|for|on|the|&)\s+))+(?:{heads})\b")
    return folded_re, exact_re, table, body


def find_institutions(text: str) -> list[NameHit]:
    """Named bodies: gazetteer entries first, then capitalised names ending in Group, Fund, Ministerial..."""
    folded_re, exact_re, table, body = _institution_tables()
    hits: list[NameHit] = []
    for m in folded_re.finditer(text):
        key = re.sub(r"\s+", " ", m.group(0).lower())
        canonical = table.get(key) or next((v for k, v in table.items() if re.sub(r"[\s-]", "", k) ==
                                            re.sub(r"[\s-]", "", key)), None)
        if canonical:
            hits.append(NameHit(m.start(), m.end(), canonical))
    if exact_re is not None:
        for m in exact_re.finditer(text):
            if not _overlaps(hits, m.start(), m.end()):
                hits.append(NameHit(m.start(), m.end(), table[f"={m.group(0)}"]))
    for m in body.finditer(text):
        start, name = _trim_body(m.start(), m.group(0))
        if name is None or _overlaps(hits, start, m.end()) or re.match(r"\s+[A-Z]", text[m.end():]):
            continue
        hits.append(NameHit(start, m.end(), name))
    return sorted(hits, key=lambda h: h.start)


def _trim_body(start: int, name: str) -> tuple[int, str | None]:
    words = name.split()
    while words and words[0].lower().strip(",") in _LEADING_NOISE:
        start += name.index(words[0]) + len(words[0])
        name = name[name.index(words[0]) + len(words[0]):]
        offset = len(name) - len(name.lstrip())
        start, name = start + offset, name.lstrip()
        words = name.split()
    if len(words) < 2:
        return start, None  # "the Fund" alone names nothing
    return start, name


def _overlaps(hits: list[NameHit], start: int, end: int) -> bool:
    return any(h.start < end and start < h.end for h in hits)


@lru_cache(maxsize=1)
def institution_countries() -> dict[str, str]:
    return {str(k): str(v) for k, v in (data_file("institutions.yaml").get("country_of") or {}).items()}
