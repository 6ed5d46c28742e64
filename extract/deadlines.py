"""Deadlines in clause text: "within six months" -> 180 days, "within 180 days of signature",
"no later than 31 March 2026", "by the end of 2027" -> 2027-12-31.

Relative deadlines count months as 30 days and years as 365 (the corpus convention); when the
deadline runs from the document's own date (or names no start) and that date is known, the
absolute date is added by calendar arithmetic ("within six months" of 20 October 2025 -> 20 April
2026; a day the target month lacks falls back to its last day). Every hit says how its date was
found, or why it has none (`basis`): a deadline that runs from a later event (a request, a notice,
entry into force), counts business days, or sits in an undated document gets no date, never a guess.
This is the one place deadline dates are worked out. Pure functions over a string.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, replace

from extract.models import DeadlineBasis, DeadlineKind

UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18, "twenty": 20,
    "twenty-four": 24, "thirty": 30, "forty-five": 45, "sixty": 60, "ninety": 90, "hundred": 100,
}
_ORDINALS = {
    "tenth": 10, "fifteenth": 15, "twentieth": 20, "thirtieth": 30, "sixtieth": 60, "ninetieth": 90,
    "fourteenth": 14, "seventh": 7, "fifth": 5,
}
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_NUM = rf"(?P<n>\d+|{'|'.join(sorted(_WORDS, key=len, reverse=True))})"
_UNIT = r"(?:calendar\s+|business\s+|working\s+)?(?P<unit>day|week|month|year)s?"
_RELATIVE = re.compile(
    rf"\b(?P<trigger>within(?:\s+the(?:\s+(?:next|coming|first))?)?|(?:in|over|during)\s+the\s+(?:next|coming|first)|for\s+the\s+first|"
    rf"no\s+later\s+than|not\s+later\s+than|(?:an?|the)\s+(?:\w+\s+)?(?:period|window)\s+of)"
    rf"\s+(?:a\s+period\s+of\s+)?{_NUM}(?:\s*\(\d+\))?[\s-]+{_UNIT}\b",
    re.IGNORECASE,
)
# "shall enter into force 60 days after ...", "take effect 180 days following ...": counted from an event.
_AFTER = re.compile(rf"\b{_NUM}(?:\s*\(\d+\))?[\s-]+{_UNIT}\s+(?=(?:after|following|from)\b)", re.IGNORECASE)
_ORDINAL_DAY = re.compile(
    rf"\b(?:on|by)\s+the\s+(?P<ord>{'|'.join(_ORDINALS)}|\d+(?:st|nd|rd|th))\s+day\s+(?:after|following|from)\b",
    re.IGNORECASE,
)
_DATE = (
    rf"(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH_RE})\.?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH_RE})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>\d{{4}})"
    rf"|(?P<iso>\d{{4}}-\d{{2}}-\d{{2}})"
    rf"|(?:the\s+)?(?:end|close)\s+of\s+(?:(?P<m3>{_MONTH_RE})\s+)?(?:the\s+year\s+)?(?P<y3>\d{{4}})"
    rf"|(?:end|year-end)[\s-](?P<y4>\d{{4}})"
    rf"|(?:the\s+)?(?:middle\s+of|mid-?)\s*(?P<y5>\d{{4}})"
    rf"|(?:the\s+)?(?P<half>first|second)\s+half\s+of\s+(?P<y6>\d{{4}})"
    rf"|(?:the\s+)?(?P<q>first|second|third|fourth)\s+quarter\s+of\s+(?P<y7>\d{{4}})|Q(?P<qn>[1-4])\s+(?P<y8>\d{{4}})"
    rf"|(?P<m9>{_MONTH_RE})\s+(?P<y9>\d{{4}})"
    rf"|(?P<y10>(?:19|20)\d{{2}})\b"
)
_ABSOLUTE = re.compile(
    rf"\b(?P<trigger>no\s+later\s+than|not\s+later\s+than|by\s+no\s+later\s+than|on\s+or\s+before|prior\s+to|"
    rf"before|by|until|till|through|due\s+by|deadline\s+of)\s+(?:{_DATE})",
    re.IGNORECASE,
)
# What a relative deadline runs from: the document itself, or some later event (a request, a notice).
_FROM_DOCUMENT = re.compile(
    r"^\s*(?:of|from|after|following)\s+(?:the\s+)?(?:date\s+of\s+(?:this|the|its|signature|signing|entry)[\w\s]{0,30}?"
    r"(?=[,.;]|\s+(?:each|the|a|to|and)\b|$)|signature|signing|entry\s+into\s+force|(?:this|the)\s+"
    r"(?:framework|agreement|memorandum|mou|arrangement|statement|plan)\b)",
    re.IGNORECASE,
)
_FROM_EVENT = re.compile(r"^\s*(?:of|from|after|following|upon|once)\b", re.IGNORECASE)
# A cap on how long something may take: "no longer than 18 months", "not to exceed 90 days", "at most two
# years", "limits approvals to nine months", "caps reviews at 120 days", "a maximum of 60 days".
_CAP = re.compile(
    rf"\b(?:(?:no|not)\s+(?:longer|more)\s+than|not\s+(?:to\s+)?exceed(?:ing)?|at\s+most|(?:a|the)\s+maximum\s+of|"
    rf"(?:limit|limits|limited|limiting|cap|caps|capped|capping)\s+(?:[\w-]+\s+){{0,8}}?(?:to|at)\s+(?:no\s+more\s+than\s+)?)"
    rf"\s*{_NUM}(?:\s*\(\d+\))?[\s-]+{_UNIT}\b",
    re.IGNORECASE,
)
# The end of the document's own year or the next: "by the end of the year", "by year-end", "before the end
# of next year".
_YEAR_END = re.compile(
    r"\b(?:by|before|until|no\s+later\s+than)\s+(?:the\s+)?(?:(?:end|close)\s+of\s+(?:the\s+|this\s+|(?P<next>next)\s+)?"
    r"(?:calendar\s+)?year|year[\s-]end)\b",
    re.IGNORECASE,
)
# A dated event: "to be held on 3 June 2026", "the forum in June 2026", "will meet on 12 March 2026".
_EVENT_ON = re.compile(
    rf"\b(?:(?:held|hosted|convened|launched|take\s+place|meet|meeting|summit|forum|conference|dialogue|"
    rf"round|session)\s+(?:\w+\s+){{0,3}}?)(?P<prep>on|in)\s+(?:{_DATE})",
    re.IGNORECASE,
)
# A period named but not counted: "in the coming weeks", "over the next months".
_VAGUE = re.compile(r"\b(?:in|over|within|during)\s+the\s+(?:coming|next|following)\s+(?P<unit>days|weeks|months|years)\b",
                    re.IGNORECASE)
_UNIT_WORD = re.compile(r"\b(?P<business>business\s+|working\s+)?(?P<unit>day|week|month|year)s?\b", re.IGNORECASE)
# What a relative deadline runs from, when the words after it name an event rather than the document.
_EVENT_AFTER = re.compile(
    r"^\W{0,3}(?:(?:enters?|entered|has\s+entered)\s+into\s+force|(?:'s\s+|’s\s+)?entry\s+into\s+force|"
    r"(?:is|are|has\s+been|have\s+been)\s+(?:ratified|approved|notified|received|requested|completed|concluded)|"
    r"receives?\b|requests?\b)",
    re.IGNORECASE,
)
# "a priority window of three months", "for a period of 90 days": a length of time, not a date to meet.
_DURATION = re.compile(r"\b(window|period|term|duration|span)\s+of\b", re.IGNORECASE)
_EVENT_WORDS = re.compile(r"\b(entry\s+into\s+force|enters\s+into\s+force|request|notice|notification|receipt)\b",
                          re.IGNORECASE)


@dataclass(frozen=True)
class DeadlineHit:
    start: int
    end: int
    text: str
    days: int | None
    date: dt.date | None
    basis: DeadlineBasis | None = None
    kind: DeadlineKind = "within"

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "days": self.days, "date": self.date.isoformat() if self.date else None,
                "basis": self.basis, "kind": self.kind}


def find_deadlines(text: str, doc_date: dt.date | None = None) -> list[DeadlineHit]:
    """Every deadline in the text, in order; dates resolved against doc_date when it is known."""
    hits: list[DeadlineHit] = []
    for match in _RELATIVE.finditer(text):
        n = _count(match.group("n"))
        unit = match.group("unit").lower()
        end = match.end()
        anchored = _FROM_DOCUMENT.match(text[end:])
        if anchored:
            end += anchored.end()
        elif _FROM_EVENT.match(text[end:]):
            hits.append(DeadlineHit(match.start(), end, text[match.start():end], n * UNIT_DAYS[unit], None))
            continue
        date = add_period(doc_date, n, unit) if doc_date else None
        hits.append(DeadlineHit(match.start(), end, text[match.start():end].rstrip(), n * UNIT_DAYS[unit], date))
    for match in _AFTER.finditer(text):
        if _inside(hits, match.start()):
            continue
        n, unit = _count(match.group("n")), match.group("unit").lower()
        end = match.end()
        anchored = _FROM_DOCUMENT.match(text[end:])
        date = add_period(doc_date, n, unit) if anchored and doc_date else None
        end += anchored.end() if anchored else 0
        hits.append(DeadlineHit(match.start(), end, text[match.start():end].rstrip(), n * UNIT_DAYS[unit], date))
    for match in _ORDINAL_DAY.finditer(text):
        raw = match.group("ord").lower()
        days = _ORDINALS.get(raw) or int(re.sub(r"\D", "", raw))
        hits.append(DeadlineHit(match.start(), match.end(), match.group(0), days, None, kind="on"))
    for match in _CAP.finditer(text):
        if _inside(hits, match.start()):
            continue
        n, unit = _count(match.group("n")), match.group("unit").lower()
        hits.append(DeadlineHit(match.start(), match.end(), match.group(0), n * UNIT_DAYS[unit], None, "duration",
                                "cap"))
    for match in _YEAR_END.finditer(text):
        if _inside(hits, match.start()):
            continue
        if doc_date is None:
            hits.append(DeadlineHit(match.start(), match.end(), match.group(0), None, None, "undated_document", "by"))
            continue
        date = dt.date(doc_date.year + (1 if match.group("next") else 0), 12, 31)
        hits.append(DeadlineHit(match.start(), match.end(), match.group(0), (date - doc_date).days, date,
                                "from_document_date", "by"))
    for match in _EVENT_ON.finditer(text):
        if _inside(hits, match.start("prep")):
            continue
        date = _resolve_date(match)
        # A date before the document's is news of what happened, not something to meet.
        if date is None or (doc_date is not None and date < doc_date) or match.group("y10"):
            continue
        days_after_doc = (date - doc_date).days if doc_date else None
        hits.append(DeadlineHit(match.start("prep"), match.end(), text[match.start("prep"):match.end()],
                                days_after_doc, date, "date_in_text", "on"))
    for match in _VAGUE.finditer(text):
        if not _inside(hits, match.start()):
            hits.append(DeadlineHit(match.start(), match.end(), match.group(0), None, None, "not_computable"))
    for match in _ABSOLUTE.finditer(text):
        if _inside(hits, match.start()):
            continue
        date = _resolve_date(match)
        if date is None:
            continue
        days_after_doc = (date - doc_date).days if doc_date else None
        hits.append(DeadlineHit(match.start(), match.end(), match.group(0), days_after_doc, date, "date_in_text", "by"))
    return sorted((_with_basis(h, text, doc_date) for h in hits), key=lambda h: h.start)


def _inside(hits: list[DeadlineHit], at: int) -> bool:
    """Whether a match starting at `at` lies inside a deadline already found (the first reading wins)."""
    return any(h.start <= at < h.end for h in hits)


def _with_basis(hit: DeadlineHit, text: str, doc_date: dt.date | None) -> DeadlineHit:
    """The hit with its basis; a relative deadline keeps its date only when it runs from the document."""
    if hit.basis is not None:  # a date the text names
        return hit
    unit = _UNIT_WORD.search(hit.text)
    basis: DeadlineBasis
    if unit is None:
        basis = "not_computable"
    elif unit.group("business"):
        basis = "business_days"
    elif (_EVENT_AFTER.match(text[hit.end:]) or _EVENT_WORDS.search(hit.text)
          or _DURATION.search(text[max(0, hit.start - 25):hit.start] + " " + hit.text)):
        basis = "from_event"
    elif doc_date is None:
        basis = "undated_document"
    elif hit.date is None:  # every deadline that runs from the document got its date above
        basis = "from_event"
    else:
        return replace(hit, basis="from_document_date")
    return replace(hit, date=None, basis=basis)


def _count(raw: str) -> int:
    raw = raw.lower()
    return int(raw) if raw.isdigit() else _WORDS[raw]


def add_period(start: dt.date, n: int, unit: str) -> dt.date:
    """start + n units: days and weeks by days, months and years by the calendar."""
    if unit in {"day", "week"}:
        return start + dt.timedelta(days=n * UNIT_DAYS[unit])
    months = n * (12 if unit == "year" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _resolve_date(m: re.Match[str]) -> dt.date | None:
    g = {k: v for k, v in m.groupdict().items() if v}
    try:
        if "y1" in g:
            return dt.date(int(g["y1"]), _MONTHS[g["m1"].lower()], int(g["d1"]))
        if "y2" in g:
            return dt.date(int(g["y2"]), _MONTHS[g["m2"].lower()], int(g["d2"]))
        if "iso" in g:
            return dt.date.fromisoformat(g["iso"])
        if "y3" in g:
            return _month_end(int(g["y3"]), _MONTHS[g["m3"].lower()] if "m3" in g else 12)
        if "y4" in g:
            return dt.date(int(g["y4"]), 12, 31)
        if "y5" in g:
            return dt.date(int(g["y5"]), 6, 30)
        if "y6" in g:
            return _month_end(int(g["y6"]), 6 if g["half"].lower() == "first" else 12)
        if "y7" in g or "y8" in g:
            q = int(g["qn"]) if "qn" in g else ["first", "second", "third", "fourth"].index(g["q"].lower()) + 1
            return _month_end(int(g.get("y7") or g["y8"]), 3 * q)
        if "y9" in g:
            return _month_end(int(g["y9"]), _MONTHS[g["m9"].lower()])
        if "y10" in g:
            return dt.date(int(g["y10"]), 12, 31)
    except ValueError:
        return None
    return None
