"""Deadlines: every commitment with a deadline, with the calendar date it falls due, marked due or past.

Two numbers describe a relative deadline, and they are allowed to differ: `days` is the nominal
length, where a month counts 30 days and a year 365 ("within six months" -> 180), and `date` is
calendar arithmetic from the document's date (20 October 2025 + six months -> 20 April 2026).
Both, and the `basis` saying how the date was found or why there is none, are worked out once, by
extraction (extract/deadlines.py); this module lists them. A deadline without a date is
`unresolved`: listed, never guessed, and kept under date filters, since it could fall in any window.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from extract.models import Commitment, DeadlineBasis, DeadlineKind

if TYPE_CHECKING:
    from kb.library import Library

Status = Literal["due", "past", "unresolved"]
STATUSES: tuple[str, ...] = ("due", "past", "unresolved")
# Documents that make commitments themselves (an executive order directs agencies); fact sheets, press
# releases and commentaries retell them.
INSTRUMENT_TYPES: tuple[str, ...] = ("agreement", "framework", "memorandum", "joint_statement", "action_plan",
                                     "executive_order")

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
    kind: DeadlineKind = Field(default="within", description="within (a period), by (a date), cap (a longest "
                                                             "duration, never dated) or on (a dated event).")
    basis: DeadlineBasis = Field(description="How the date was found, or why it could not be.")
    modality: str
    parties: list[str] = Field(default_factory=list, description="Who commits (the actors), else the document's "
                                                                 "parties.")
    citation: str = ""
    page: int | None = None
    doc_title: str = ""
    doc_date: dt.date | None = None
    doc_type: str = ""


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
    found = [c for c in kb.commitments(party=party, with_deadline=True) if c.deadline is not None
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
    date = c.deadline.date
    # Records stored by versions before the basis was kept: a date means it ran from the document.
    basis = c.deadline.basis or ("from_document_date" if date else "not_computable")
    return DeadlineRow(
        doc_id=summary.doc_id, clause_id=c.clause_id, type=c.type, text=sentence_with(clause_text, c.deadline.text),
        date=date, days=c.deadline.days, status=status_of(date, as_of), deadline_text=c.deadline.text, basis=basis,
        kind=c.deadline.kind,
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


def _doc_id(c: Commitment) -> str:
    return c.clause_id.split("/", 1)[0]
