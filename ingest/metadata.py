"""Document metadata: found in the text by cues, overridden by a sidecar NAME.meta.yaml."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.models import DOC_TYPES, Clause
from ingest.parties import normalise_country  # noqa: F401  (kept importable from here)

SIDECAR_SUFFIX = ".meta.yaml"
_SIDECAR_FIELDS = {"doc_id", "title", "date", "parties", "doc_type"}  # "source" stays in meta

_DOC_TYPE_CUES: list[tuple[str, str]] = [
    (r"\bfact sheet\b", "fact_sheet"),
    (r"\b(press|media) release\b|\bfor immediate release\b", "press_release"),
    (r"\bjoint statement\b|\bjoint declaration\b|\bleaders'? statement\b|\bjoint communiqu", "joint_statement"),
    (r"\baction plan\b", "action_plan"),
    (r"\bmemorandum of understanding\b|\bmemorandum\b|\bMOU\b", "memorandum"),
    (r"\bframeworks?\b", "framework"),
    (r"\bagreements?\b|\btreaty\b|\bconvention\b|\baccords?\b", "agreement"),
    (r"\bcommentary\b|\banalysis\b|\bexplainer\b|\bwhat .{3,40} means\b|\bbrief(?:ing)? note\b", "commentary"),
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


_CONNECTIVE = re.compile(r"\b(between|and|of|on|for|concerning|regarding|the|to|in|with)$", re.IGNORECASE)
_LEADS_ON = re.compile(r"^(between|and|concerning|regarding|on|for|of|to|with)\b", re.IGNORECASE)


def guess_title(clauses: list[Clause], fallback: str) -> str:
    """The title block's first line, joined with the lines that continue it.

    A title set as separate centred lines ("MEMORANDUM OF UNDERSTANDING" / "BETWEEN" / "THE
    GOVERNMENT OF ...") continues while a line ends or starts with a joining word.
    """
    lines = [c.text for c in clauses if c.kind == "title"]
    if not lines:
        return fallback
    title = lines[0]
    for line in lines[1:]:
        if find_dates(line) or not (_CONNECTIVE.search(title) or _LEADS_ON.match(line)):
            break
        title = f"{title} {line}"
    return title if len(title) <= 300 else title[:297].rstrip() + "..."


_NEWS_CUES = re.compile(r"\b(today|announced|welcomed|welcomes|said|media contact|press office)\b", re.IGNORECASE)
_NEWS_TITLE = re.compile(r"\b(signs?|announces?|welcomes?|launch(?:es)?|secures?|unveils?|agree)\b", re.IGNORECASE)
_STRONG = {"fact_sheet", "press_release", "joint_statement", "action_plan", "commentary"}


def guess_doc_type(title: str, text: str, title_block: str = "") -> str:
    """The form a document names for itself in its title or byline, else the one its text implies."""
    named = f"{title} {title_block}"
    for pattern, doc_type in _DOC_TYPE_CUES:
        if doc_type in _STRONG and re.search(pattern, named, re.IGNORECASE):
            return doc_type
    # A page that reports on an agreement ("... today announced the signing of a framework")
    # is a press release, not the agreement: instruments do not speak of themselves in news words.
    head = text[:1500]
    recitals = re.search(r"^\s*(whereas|recogni[sz]ing)", text, re.I | re.M)
    if not recitals and (_NEWS_TITLE.search(title) or len(_NEWS_CUES.findall(head)) >= 2):
        return "press_release"
    for pattern, doc_type in _DOC_TYPE_CUES:
        if re.search(pattern, title, re.IGNORECASE):
            return doc_type
    # Otherwise the form named earliest in the opening text.
    hits = [(m.start(), doc_type) for pattern, doc_type in _DOC_TYPE_CUES
            if (m := re.search(pattern, head, re.IGNORECASE))]
    return min(hits)[1] if hits else "other"


def guess_date(clauses: list[Clause], text: str, hint: dt.date | None = None) -> dt.date | None:
    """The date signed: the signature block's date, then the title block's, then the date the
    file itself declares (an HTML page's publication date), then the first date in the text."""
    for kind in ("signature", "title"):
        for chunk in (c.text for c in clauses if c.kind == kind):
            found = find_dates(chunk)
            if found:
                return found[0]
    if hint is not None:
        return hint
    found = find_dates(text[:3000])
    return found[0] if found else None


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


def leading_date(stamp: str | None, pattern: re.Pattern[str]) -> dt.date | None:
    """The date at the start of a machine stamp, where pattern's three groups are the year, month and
    day ("2025-10-20T09:00" for an HTML page, "D:20251020..." for a PDF); None when absent or impossible."""
    match = pattern.match(stamp or "")
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
