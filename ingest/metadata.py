"""Document metadata: found in the text by cues, overridden by a sidecar NAME.meta.yaml."""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.models import DOC_TYPES, Clause

SIDECAR_SUFFIX = ".meta.yaml"
_SIDECAR_FIELDS = {"doc_id", "title", "date", "parties", "doc_type"}

_DOC_TYPE_CUES: list[tuple[str, str]] = [
    (r"\bfact sheet\b", "fact_sheet"),
    (r"\b(press|media) release\b", "press_release"),
    (r"\bjoint statement\b|\bjoint declaration\b|\bleaders'? statement\b", "joint_statement"),
    (r"\baction plan\b", "action_plan"),
    (r"\bmemorandum of understanding\b|\bmemorandum\b|\bMOU\b", "memorandum"),
    (r"\bframework\b", "framework"),
    (r"\bagreement\b|\btreaty\b|\bconvention\b|\baccord\b", "agreement"),
    (r"\bcommentary\b|\banalysis\b|\bbrief\b", "commentary"),
]
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATE_PATTERNS = [
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?:{_MONTHS}),?\s+\d{{4}}\b",
    rf"\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b",
    r"\b\d{4}-\d{2}-\d{2}\b",
]
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19, "twentieth": 20,
    "twenty-first": 21, "twenty-second": 22, "twenty-third": 23, "twenty-fourth": 24, "twenty-fifth": 25,
    "twenty-sixth": 26, "twenty-seventh": 27, "twenty-eighth": 28, "twenty-ninth": 29, "thirtieth": 30,
    "thirty-first": 31,
}
_WORD_DATE = re.compile(
    rf"\b(?:the\s+)?({'|'.join(sorted(_ORDINAL_WORDS, key=len, reverse=True))})\s+day\s+of\s+({_MONTHS}),?\s+(\d{{4}})",
    re.IGNORECASE,
)
# Names the text uses that pycountry spells otherwise.
_COUNTRY_ALIASES = {
    "united states of america": "United States", "united states": "United States", "u.s.": "United States",
    "usa": "United States", "kingdom of thailand": "Thailand", "republic of korea": "South Korea",
    "south korea": "South Korea", "korea": "South Korea", "kingdom of saudi arabia": "Saudi Arabia",
    "democratic republic of the congo": "DR Congo", "drc": "DR Congo", "russian federation": "Russia",
    "united kingdom": "United Kingdom", "uk": "United Kingdom", "european union": "European Union",
    "people's republic of china": "China", "republic of indonesia": "Indonesia",
    "republic of kazakhstan": "Kazakhstan", "republic of uzbekistan": "Uzbekistan",
}


def read_sidecar(path: Path) -> dict[str, Any]:
    sidecar = path.with_name(path.name.rsplit(".", 1)[0] + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    import yaml

    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IngestError(sidecar, f"invalid metadata file ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise IngestError(sidecar, "metadata file must be a mapping of field: value")
    if "doc_type" in data and data["doc_type"] not in DOC_TYPES:
        raise IngestError(sidecar, f"doc_type {data['doc_type']!r} is not one of {', '.join(DOC_TYPES)}")
    if "date" in data and data["date"] is not None and not isinstance(data["date"], dt.date):
        parsed = parse_date(str(data["date"]))
        if parsed is None:
            raise IngestError(sidecar, f"date {data['date']!r} is not a date (use YYYY-MM-DD)")
        data["date"] = parsed
    if isinstance(data.get("parties"), str):
        data["parties"] = [data["parties"]]
    return data


def extra_fields(sidecar: dict[str, Any]) -> dict[str, str]:
    """Sidecar keys beyond the core fields, kept as strings in Document.meta."""
    out: dict[str, str] = {}
    for key, value in sidecar.items():
        if key in _SIDECAR_FIELDS:
            continue
        out[key] = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return out


def guess_title(clauses: list[Clause], fallback: str) -> str:
    titles = [c.text for c in clauses if c.kind == "title"]
    if titles:
        title = titles[0]
        return title if len(title) <= 300 else title[:297].rstrip() + "..."
    return fallback


def guess_doc_type(title: str, text: str) -> str:
    for pattern, doc_type in _DOC_TYPE_CUES:
        if re.search(pattern, title, re.IGNORECASE):
            return doc_type
    head = text[:1500]
    for pattern, doc_type in _DOC_TYPE_CUES:
        if re.search(pattern, head, re.IGNORECASE):
            return doc_type
    return "other"


def guess_date(clauses: list[Clause], text: str) -> dt.date | None:
    """Prefer a date in the signature block, then the title block, then the first one in the text."""
    ordered = [c.text for c in clauses if c.kind == "signature"] + [c.text for c in clauses if c.kind == "title"]
    for chunk in [*ordered, text[:3000]]:
        found = find_dates(chunk)
        if found:
            return found[0]
    return None


def find_dates(text: str) -> list[dt.date]:
    found: list[tuple[int, dt.date]] = []
    for match in _WORD_DATE.finditer(text):
        day = _ORDINAL_WORDS[match.group(1).lower()]
        parsed = parse_date(f"{day} {match.group(2)} {match.group(3)}")
        if parsed:
            found.append((match.start(), parsed))
    for pattern in _DATE_PATTERNS:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            parsed = parse_date(match.group(0).replace("day of", ""))
            if parsed:
                found.append((match.start(), parsed))
    return [d for _, d in sorted(found, key=lambda item: item[0])]


def parse_date(value: str) -> dt.date | None:
    value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", value.strip())
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        pass
    for fmt in ("%d %B %Y", "%B %d %Y", "%B %d, %Y", "%d %B, %Y"):
        try:
            return dt.datetime.strptime(re.sub(r"\s+", " ", value), fmt).date()
        except ValueError:
            continue
    return None


def guess_parties(title: str, clauses: list[Clause]) -> list[str]:
    """Countries named in the title block, preamble and signature block, normalised."""
    scope = " ".join([title] + [c.text for c in clauses if c.kind in {"title", "preamble", "signature"}])
    found: list[str] = []
    for name in find_countries(scope):
        if name not in found:
            found.append(name)
    return found


def find_countries(text: str) -> list[str]:
    lowered = text.lower()
    hits: list[tuple[int, str]] = []
    for alias, name in _COUNTRY_ALIASES.items():
        for match in re.finditer(rf"(?<![\w.]){re.escape(alias)}(?![\w])", lowered):
            hits.append((match.start(), name))
    for name, pattern in _country_patterns():
        for match in pattern.finditer(text):
            hits.append((match.start(), name))
    hits.sort()
    out: list[str] = []
    for _, name in hits:
        if name not in out:
            out.append(name)
    return out


def normalise_country(name: str) -> str:
    lowered = name.strip().lower()
    if lowered in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[lowered]
    import pycountry

    try:
        country = pycountry.countries.lookup(name.strip())
    except LookupError:
        return name.strip()
    return getattr(country, "common_name", None) or country.name


@lru_cache(maxsize=1)
def _country_patterns() -> list[tuple[str, re.Pattern[str]]]:
    import pycountry

    patterns = []
    skip = {"United States", "Korea, Republic of"}
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        if name in skip or "," in name or "(" in name:
            continue
        patterns.append((name, re.compile(rf"\b{re.escape(name)}\b")))
    return patterns
