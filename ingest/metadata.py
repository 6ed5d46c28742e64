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
_SIDECAR_FIELDS = {"doc_id", "title", "date", "published", "parties", "doc_type"}  # "source" stays in meta

_DOC_TYPE_CUES: list[tuple[str, str]] = [
    (r"\bfact ?sheets?\b", "fact_sheet"),
    (r"\b(press|media|news) releases?\b|\bfor immediate release\b", "press_release"),
    (r"\bexecutive orders?\b|\bproclamations?\b|\bit is hereby ordered\b", "executive_order"),
    (r"\bjoint (?:[A-Z][\w.–-]* ){0,3}statements?\b|\b(?:joint )?declarations?\b|\bleaders['’]? statements?\b|\bjoint communiqu"
     r"|^statements? (?:on|of|regarding|concerning)\b"
     r"|\bstatements? of intent\b", "joint_statement"),
    (r"\baction plans?\b|\broad ?maps?\b", "action_plan"),
    (r"\bmemorandum of understanding\b|\bmemorandum\b|\bMOU\b", "memorandum"),
    (r"\bframeworks?\b|\bcompacts?\b|\bgeneral terms\b|\bterms of reference\b", "framework"),
    (r"\bagreements?\b|\btreaty\b|\bconvention\b|\baccords?\b", "agreement"),
    (r"\bcommentary\b|\banalysis\b|\bexplainer\b|\bwhat .{3,40} means\b|\bbrief(?:ing)? note\b", "commentary"),
]
# How a head of state's order or proclamation opens: "By the authority vested in me as President by the
# Constitution and the laws of X, ... it is hereby ordered" / "I hereby determine and order" / "do hereby proclaim".
ENACTING = re.compile(r"\bauthority vested in me\b|\bit is hereby ordered\b|\bI hereby (?:determine and )?order\b"
                      r"|\bdo hereby proclaim\b|^memorandum for\b",
                      re.IGNORECASE | re.MULTILINE)
# A title that names an instrument after one of these words is about it, not it: "Implementation of
# the Agreement ...", "Remarks on the Framework ...". The form of such a document lies elsewhere.
_ABOUT = re.compile(r"\b(?:of|on|for|to|toward|towards|regarding|under|concerning|implement(?:ing)?|amend(?:ing)?|"
                    r"modify(?:ing)?|extend(?:ing)?|terminat(?:e|ing))\s+(?:the\s+|a\s+|an\s+)?"
                    r"(?-i:[A-Z][\w.'’–-]*\s+){0,5}$",
                    re.IGNORECASE)
# "This document does not constitute a legally binding agreement": no treaty, whatever it mentions.
NOT_BINDING = re.compile(r"\b(?:not|non)[\s-]+(?:\w+\s+){0,3}?(?:legally[\s-]+)?binding\b", re.IGNORECASE)
_SELF_KINDS = {"statement": "joint_statement", "declaration": "joint_statement", "communiqué": "joint_statement",
               "communique": "joint_statement", "framework": "framework", "arrangement": "framework",
               "compact": "framework", "memorandum": "memorandum", "agreement": "agreement", "roadmap": "action_plan",
               "plan": "action_plan", "order": "executive_order", "proclamation": "executive_order"}
_SELF = re.compile(r"\b(?:this|the present)\s+((?:joint\s+)?(?:statement|declaration|communiqu[eé]|framework|"
                   r"arrangement|compact|memorandum|agreement|roadmap|(?:action\s+)?plan|order|proclamation))\b",
                   re.IGNORECASE)
_JOINT_VOICE = re.compile(r"\b(?:we|our|both countries|the two countries|both sides|the two sides)\b", re.IGNORECASE)
# Heads of state or government speaking together: a leaders' statement, whatever instrument it cites.
_LEADERS = re.compile(r"\b(?:the (?:two|three|four|[A-Z]\w+) leaders|leaders of)\b", re.IGNORECASE)
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
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_YEAR_WORDS = re.compile(rf"two thousand(?: and)?(?: (?P<tens>{'|'.join(_TENS)}))?(?: (?P<units>{'|'.join(_UNITS)}))?")
_YEAR = r"\d{4}|two\s+thousand(?:\s+and)?(?:\s+[a-z]+(?:[\s-][a-z]+)?)?"
_DAY = rf"{'|'.join(sorted(_ORDINAL_WORDS, key=len, reverse=True))}|\d{{1,2}}(?:st|nd|rd|th)?"
# "the twenty-eighth day of October, 2025", "this 28th day of October, two thousand and twenty-five"
_WORD_DATE = re.compile(rf"\b(?:the\s+|this\s+)?({_DAY})\s+day\s+of\s+({_MONTHS}),?\s+(?:in\s+the\s+year\s+)?({_YEAR})",
                        re.IGNORECASE)


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
    return checked_fields(data, sidecar)


def checked_fields(data: dict[str, Any], path: Path) -> dict[str, Any]:
    """Declared metadata (a sidecar's, or a file's front matter) with doc_type, dates and parties checked."""
    data = dict(data)
    if "doc_type" in data:
        doc_type = str(data["doc_type"]).strip().lower().replace(" ", "_").replace("-", "_")
        if doc_type not in DOC_TYPES:
            raise IngestError(path, f"doc_type {data['doc_type']!r} is not one of {', '.join(DOC_TYPES)}")
        data["doc_type"] = doc_type
    for key in ("date", "published"):
        if key in data and data[key] is not None and not isinstance(data[key], dt.date):
            parsed = parse_date(str(data[key]))
            if parsed is None:
                raise IngestError(path, f"{key} {data[key]!r} is not a date (use YYYY-MM-DD)")
            data[key] = parsed
        elif isinstance(data.get(key), dt.datetime):
            data[key] = data[key].date()
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
_STRONG = {"fact_sheet", "press_release", "executive_order", "joint_statement", "action_plan", "commentary"}


def guess_doc_type(title: str, text: str, title_block: str = "", tags: list[str] | None = None) -> str:
    """The form a document names for itself (title, byline, its site's category tags), else the one
    its text implies."""
    named = f"{title} {title_block}"
    category = " ".join(t.replace("-", " ").replace("_", " ") for t in tags or [])
    for source in (named, category):
        for pattern, doc_type in _DOC_TYPE_CUES:
            if doc_type in _STRONG and _names(pattern, source):
                return doc_type
    head = text[:1500]
    if ENACTING.search(text):
        return "executive_order"  # the enacting formula of an order or proclamation, wherever its recitals end
    # A page that reports on an agreement ("... today announced the signing of a framework")
    # is a press release, not the agreement: instruments do not speak of themselves in news words.
    recitals = re.search(r"^\s*(whereas|recogni[sz]ing)", text, re.I | re.M)
    if not recitals and _NEWS_TITLE.search(title):
        return "press_release"
    for pattern, doc_type in _DOC_TYPE_CUES:
        if _names(pattern, title):
            return doc_type
    if not recitals and len(_NEWS_CUES.findall(head)) >= 2:
        return "press_release"
    if own := self_named(text):
        return own  # "this Statement", "this Memorandum": the form a text calls itself
    if _LEADERS.search(head):
        return "joint_statement"
    if NOT_BINDING.search(text):
        return "framework"  # terms its sides intend to follow, unsigned by any form's name
    if len(_JOINT_VOICE.findall(head)) >= 2 and not hits_in(head):
        return "joint_statement"  # governments speaking together ("we", "both countries") in no named form
    # Otherwise the form named earliest in the opening text.
    hits = hits_in(head)
    return min(hits)[1] if hits else "other"


def self_named(text: str) -> str | None:
    """The form a text most often calls itself ("this Framework", "the present Memorandum"), if any."""
    counts: dict[str, int] = {}
    for match in _SELF.finditer(text):
        kind = _SELF_KINDS[match.group(1).lower().split()[-1]]
        counts[kind] = counts.get(kind, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def hits_in(head: str) -> list[tuple[int, str]]:
    """Where the opening text first names each form of document: (offset, doc_type)."""
    return [(m.start(), doc_type) for pattern, doc_type in _DOC_TYPE_CUES
            if (m := re.search(pattern, head, re.IGNORECASE))]


def _names(pattern: str, text: str) -> bool:
    """Whether text names this form for itself: a mention after 'of the', 'on the'... is about another."""
    return any(not _ABOUT.search(text[: m.start()]) for m in re.finditer(pattern, text, re.IGNORECASE))


def signed_date(clauses: list[Clause]) -> dt.date | None:
    """The date the text says it was signed or done: the signature block's ("Signed in Tokyo this 28th
    day of October, two thousand and twenty-five", "DONE at ... on 26 October 2025"), else a date set
    in the title block."""
    for kind in ("signature", "title"):
        for chunk in (c.text for c in clauses if c.kind == kind):
            if kind == "title" and len(chunk.split()) > 8:
                continue  # a title that cites "Executive Order 14257 of April 2, 2025" is not dated by it
            found = find_dates(chunk)
            if found:
                return found[0]
    return None


def first_date(text: str) -> dt.date | None:
    """The last resort for a file that declares no date: the first date in its opening text."""
    found = find_dates(text[:3000])
    return found[0] if found else None


def find_dates(text: str) -> list[dt.date]:
    found: list[tuple[int, dt.date]] = []
    for match in _WORD_DATE.finditer(text):
        day = _ORDINAL_WORDS.get(match.group(1).lower()) or re.sub(r"\D", "", match.group(1))
        year = _year(match.group(3))
        parsed = parse_date(f"{day} {match.group(2)} {year}") if year else None
        if parsed:
            found.append((match.start(), parsed))
    for pattern in _DATE_PATTERNS:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            parsed = parse_date(re.sub(r"\bday\s+of\b", "", match.group(0), flags=re.I))
            if parsed:
                found.append((match.start(), parsed))
    return [d for _, d in sorted(found, key=lambda item: item[0])]


def _year(words: str) -> int | None:
    """'2025', or a year in words as formal texts write it: 'two thousand and twenty-five'."""
    if words.isdigit():
        return int(words)
    match = _YEAR_WORDS.fullmatch(" ".join(words.lower().replace("-", " ").split()))
    if not match:
        return None
    tens = _TENS.get(match.group("tens") or "", 0)
    units = _UNITS.get(match.group("units") or "", 0)
    return 2000 + tens + units


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
