"""Deadlines: every commitment with a deadline, resolved to a calendar date and marked due or past.

Two numbers describe a relative deadline, and they are allowed to differ:

- `days` is the extractor's nominal length, where a month counts 30 days and a year 365
  ("within six months" -> 180). It is what the commitment record stores; we pass it through.
- `date` is calendar arithmetic from the document's date: months and years move the calendar
  ("within six months" of 20 October 2025 -> 20 April 2026, which is 182 days on), days and
  weeks count days ("within 180 days" -> 18 April 2026). A day of the month that the target month
  lacks falls back to its last day (31 August + six months -> 28 or 29 February).

A deadline gets no date, and status `unresolved`, when its document is undated, when it runs
from a later event (a request, a notice, entry into force), or when it counts business days.
Such rows are listed, never guessed, and they are kept under date filters, since their date could
fall in any window.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from extract.models import Commitment, Deadline

if TYPE_CHECKING:
    from kb.library import Library

Status = Literal["due", "past", "unresolved"]
Basis = Literal["date_in_text", "from_document_date", "from_event", "undated_document", "business_days",
                "not_computable"]
STATUSES: tuple[str, ...] = ("due", "past", "unresolved")
# Documents that make commitments themselves (an executive order directs agencies); fact sheets, press
# releases and commentaries retell them.
INSTRUMENT_TYPES: tuple[str, ...] = ("agreement", "framework", "memorandum", "joint_statement", "action_plan",
                                     "executive_order")

_UNIT = re.compile(r"\b(?P<business>business\s+|working\s+)?(?P<unit>day|week|month|year)s?\b", re.IGNORECASE)
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


class DeadlineRow(BaseModel):
    """One commitment with a deadline; `accords deadlines --json` prints a list of these."""

    doc_id: str
    clause_id: str
    type: str
    text: str = Field(description="The sentence of the clause that sets the deadline (document content).")
    date: dt.date | None = Field(description="The calendar date it falls due; null when unresolved.")
    days: int | None = Field(description="Nominal length as extracted: a month counts 30 days, a year 365.")
    status: Status
    deadline_text: str = Field(description="The deadline's own words, e.g. 'within six months of the date of ...'.")
    basis: Basis = Field(description="How the date was found, or why it could not be.")
    modality: str
    parties: list[str] = Field(default_factory=list, description="Who commits (the actors), else the document's "
                                                                 "parties.")
    citation: str = ""
    page: int | None = None
    doc_title: str = ""
    doc_date: dt.date | None = None
    doc_type: str = ""


def resolve_deadline(deadline: Deadline, doc_date: dt.date | None, following: str = "",
                     preceding: str = "") -> tuple[dt.date | None, Basis]:
    """The calendar date a deadline falls on, and how it was found.

    `following` is the clause text right after the deadline's words; "within 30 days after this
    Agreement enters into force" runs from an event even when the extractor kept only its start.
    """
    from extract.deadlines import find_deadlines

    named = next((hit.date for hit in find_deadlines(deadline.text) if hit.date is not None), None)
    if named is not None:  # "no later than 31 March 2026", "by the end of 2027": a date the text names
        return named, "date_in_text"
    unit = _UNIT.search(deadline.text)
    if unit is None:
        return None, "not_computable"
    if unit.group("business"):
        return None, "business_days"
    if _EVENT_AFTER.match(following) or _EVENT_WORDS.search(deadline.text) or _DURATION.search(preceding[-25:] + " " + deadline.text):
        return None, "from_event"
    if doc_date is None:
        return None, "undated_document"
    if deadline.date is None:
        # The extractor dates every deadline that runs from the document; none means a later event.
        return None, "from_event"
    if deadline.days is None:
        return None, "not_computable"
    name = unit.group("unit").lower()
    per_unit = {"day": 1, "week": 7, "month": 30, "year": 365}[name]
    count = round(deadline.days / per_unit)
    return add_period(doc_date, count, name), "from_document_date"


def add_period(start: dt.date, count: int, unit: str) -> dt.date:
    """start + count units: days and weeks by days, months and years by the calendar."""
    if unit in ("day", "week"):
        return start + dt.timedelta(days=count * (7 if unit == "week" else 1))
    months = count * (12 if unit == "year" else 1)
    year, month0 = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month0 + 1)[1])
    return dt.date(year, month0 + 1, day)


def status_of(date: dt.date | None, as_of: dt.date) -> Status:
    if date is None:
        return "unresolved"
    return "past" if date < as_of else "due"


def list_deadlines(kb: Library, before: dt.date | None = None, after: dt.date | None = None,
                   party: str | None = None, as_of: dt.date | None = None, *,
                   doc_types: Iterable[str] = (), statuses: Iterable[str] = ()) -> list[DeadlineRow]:
    """Every commitment with a deadline, dated rows first by date, then the unresolved ones.

    before/after keep dated rows strictly before / on or after a date (unresolved rows stay);
    party keeps the commitments KnowledgeBase.commitments keeps for it (its documents, or actors naming it);
    as_of (default: today, read at call time) decides due versus past.
    """
    as_of = as_of or dt.date.today()
    doc_types, statuses = set(doc_types), set(statuses)
    unknown = statuses - set(STATUSES)
    if unknown:
        from kb.errors import UsageProblem

        raise UsageProblem(f"status {min(unknown)!r} is not one of {', '.join(STATUSES)}")
    summaries = {s.doc_id: s for s in kb.documents()}
    found = [c for c in kb.commitments(party=party) if c.deadline is not None
             and (not doc_types or summaries[_doc_id(c)].doc_type in doc_types)]
    clauses = kb.clause_rows(sorted({c.clause_id for c in found}))
    rows: list[DeadlineRow] = []
    for c in found:
        summary, clause = summaries[_doc_id(c)], clauses.get(c.clause_id, {})
        row = _row(c, summary, clause, as_of)
        if statuses and row.status not in statuses:
            continue
        if row.date is not None and ((before and row.date >= before) or (after and row.date < after)):
            continue
        rows.append(row)
    order = {cid: row.get("ord", 0) for cid, row in clauses.items()}
    rows.sort(key=lambda r: (r.date is None, r.date or dt.date.max, r.doc_id, order.get(r.clause_id, 0), r.type))
    return rows


def _row(c: Commitment, summary, clause: dict, as_of: dt.date) -> DeadlineRow:
    assert c.deadline is not None
    clause_text = clause.get("text", c.text)
    following = _after(clause_text, c.deadline.text)
    at = clause_text.find(c.deadline.text)
    preceding = clause_text[max(0, at - 40) : at] if at >= 0 else ""
    date, basis = resolve_deadline(c.deadline, summary.date, following, preceding)
    return DeadlineRow(
        doc_id=summary.doc_id, clause_id=c.clause_id, type=c.type, text=sentence_with(clause_text, c.deadline.text),
        date=date, days=c.deadline.days, status=status_of(date, as_of), deadline_text=c.deadline.text, basis=basis,
        modality=c.modality, parties=list(c.actors or summary.parties), citation=clause.get("citation", ""),
        page=clause.get("page"), doc_title=summary.title, doc_date=summary.date, doc_type=summary.doc_type,
    )


def sentence_with(text: str, needle: str) -> str:
    """The sentence of text that holds needle (a lead-in label like 'Financing:' dropped); else text."""
    at = text.find(needle)
    if at < 0:
        return text
    starts = [m.end() for m in re.finditer(r"[.;!?]\s+|^[^.;:]{1,60}:\s+", text[:at])]
    start = starts[-1] if starts else 0
    stop = re.search(r"[.;!?](?=\s|$)", text[at + len(needle):])
    end = at + len(needle) + stop.end() if stop else len(text)
    return text[start:end].strip()


def _after(text: str, needle: str) -> str:
    at = text.find(needle)
    return text[at + len(needle): at + len(needle) + 80] if at >= 0 else ""


def _doc_id(c: Commitment) -> str:
    return c.clause_id.split("/", 1)[0]
