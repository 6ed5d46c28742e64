"""Deadlines: relative ones in days, absolute ones as dates, resolved against the document date."""
from __future__ import annotations

import datetime as dt

import pytest
import spacy

from extract.deadlines import find_deadlines

SIGNED = dt.date(2025, 10, 20)


@pytest.mark.parametrize(("text", "days", "date"), [
    ("within six months of the date of this Framework", 180, dt.date(2026, 4, 20)),
    ("convene a ministerial within 180 days of signature", 180, dt.date(2026, 4, 18)),
    ("no later than 31 March 2026", 162, dt.date(2026, 3, 31)),
    ("complete the roadmap by the end of 2027", 802, dt.date(2027, 12, 31)),
    ("within 30 days", 30, dt.date(2025, 11, 19)),
    ("before 1 January 2027", 438, dt.date(2027, 1, 1)),
    ("by mid-2026", 253, dt.date(2026, 6, 30)),
    ("over the next ten years", 3650, dt.date(2035, 10, 20)),
])
def test_deadline_resolved_against_the_document_date(text: str, days: int, date: dt.date) -> None:
    [hit] = find_deadlines(text, SIGNED)
    assert (hit.days, hit.date) == (days, date)


@pytest.mark.parametrize(("text", "days"), [
    ("meet within 10 days after either Participant receives a written request", 10),
    ("shall enter into force 60 days after the Parties have exchanged notifications", 60),
    ("takes effect on the thirtieth day after the other Participant receives the notice", 30),
    ("refund the tax within 90 days of receiving a complete claim", 90),
])
def test_deadline_counted_from_an_event_has_days_but_no_date(text: str, days: int) -> None:
    [hit] = find_deadlines(text, SIGNED)
    assert (hit.days, hit.date) == (days, None)


def test_without_a_document_date_only_days_are_known() -> None:
    [relative] = find_deadlines("within six months of signature", None)
    [absolute] = find_deadlines("no later than 31 March 2026", None)
    assert (relative.days, relative.date) == (180, None)
    assert (absolute.days, absolute.date) == (None, dt.date(2026, 3, 31))


@pytest.mark.parametrize("text", ["new capacity expected to become available in 2026",
                                  "signed on 20 October 2025 in Washington"])
def test_dates_that_are_not_deadlines(text: str) -> None:
    assert find_deadlines(text, SIGNED) == []


def test_deadline_component_reads_the_clause_context() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("accords_deadlines")
    doc = nlp.make_doc("The Participants will meet within six months of the date of this Framework.")
    doc._.accords_context = {"date": "2025-10-28"}
    [span] = nlp(doc).spans["accords_deadlines"]
    assert span._.accords_deadline == {"text": "within six months of the date of this Framework", "days": 180,
                                       "date": "2026-04-28", "basis": "from_document_date"}


@pytest.mark.parametrize(("text", "basis"), [
    ("Each Participant will reply within 30 days after the request is received.", "from_event"),
    ("The Parties will consult within 30 days after this Agreement enters into force.", "from_event"),
    ("Payments are due within ten business days of the date of this Agreement.", "business_days"),
    ("The Participants will open a priority window of three months for applications.", "from_event"),
    ("The Participants will meet no later than 31 March 2026.", "date_in_text"),
    ("The Participants will meet within six months of the date of this Framework.", "from_document_date"),
])
def test_every_deadline_says_how_its_date_was_found(text: str, basis: str) -> None:
    [hit] = find_deadlines(text, SIGNED)
    assert hit.basis == basis
    assert (hit.date is not None) == (basis in ("date_in_text", "from_document_date"))


def test_an_undated_document_dates_only_what_the_text_names() -> None:
    [relative] = find_deadlines("within six months of signature", None)
    assert (relative.date, relative.basis) == (None, "undated_document")
    [named] = find_deadlines("no later than 31 March 2026", None)
    assert named.basis == "date_in_text" and named.date is not None
