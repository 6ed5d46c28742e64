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
    ("within the next six months", 180, dt.date(2026, 4, 20)),
    ("purchases will continue through 2028", 1168, dt.date(2028, 12, 31)),
    ("the exemption applies until 31 March 2026", 162, dt.date(2026, 3, 31)),
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
                                       "date": "2026-04-28", "basis": "from_document_date",
                                       "kind": "within"}


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


@pytest.mark.parametrize(("text", "days"), [
    ("The review of an application shall take no longer than 18 months.", 540),
    ("The reform limits environmental approvals to nine months.", 270),
    ("The Ministry will cut licensing times to no more than 120 days.", 120),
    ("Each permit decision is not to exceed 90 days.", 90),
    ("The regulator caps the consultation at 30 days.", 30),
    ("Appeals will be heard within a maximum of 60 days.", 60),
])
def test_a_cap_on_a_duration_is_a_deadline_without_a_date(text: str, days: int) -> None:
    [hit] = find_deadlines(text, SIGNED)
    assert (hit.kind, hit.days, hit.date, hit.basis) == ("cap", days, None, "duration")


@pytest.mark.parametrize(("text", "due"), [
    ("The Parties will complete the feasibility study by the end of the year.", dt.date(2025, 12, 31)),
    ("A roadmap will follow by year-end.", dt.date(2025, 12, 31)),
    ("The first shipments are expected before the end of next year.", dt.date(2026, 12, 31)),
    ("Both sides will agree the list before the end of 2026.", dt.date(2026, 12, 31)),
])
def test_the_end_of_a_period_is_a_date_to_meet(text: str, due: dt.date) -> None:
    [hit] = find_deadlines(text, SIGNED)
    assert (hit.kind, hit.date) == ("by", due)


def test_the_end_of_the_year_in_an_undated_text_has_no_date() -> None:
    [hit] = find_deadlines("The Parties will report by the end of the year.", None)
    assert (hit.kind, hit.date, hit.basis) == ("by", None, "undated_document")


@pytest.mark.parametrize(("text", "day"), [
    ("The ministries will host an investor forum to be held on 3 June 2026.", dt.date(2026, 6, 3)),
    ("The two ministries will jointly hold an investor forum in June 2026.", dt.date(2026, 6, 30)),
    ("Officials will meet on 12 March 2026 to review progress.", dt.date(2026, 3, 12)),
])
def test_a_dated_event_is_a_deadline_on_its_day(text: str, day: dt.date) -> None:
    [hit] = find_deadlines(text, SIGNED)
    assert (hit.kind, hit.date, hit.basis) == ("on", day, "date_in_text")


def test_an_event_before_the_document_is_news_not_a_deadline() -> None:
    assert find_deadlines("The ministers met at a summit on 2 May 2025 and agreed the plan.", SIGNED) == []
    assert find_deadlines("The forum in 2026 will discuss supply chains.", SIGNED) == []  # a year alone: no day


def test_commitments_carry_the_new_kinds_of_time_limit() -> None:
    from extract import Extractor
    from ingest import Clause, Document

    texts = {
        "cap": "The Participants will ensure that the review of a mining permit application takes no longer than "
               "18 months.",
        "on": "The two ministries will jointly hold an investor forum on critical minerals in June 2026.",
    }
    docs = [Document(doc_id=f"d-{kind}", title="A Framework", date=SIGNED, parties=["Japan", "United States"],
                     doc_type="framework", text=text,
                     clauses=[Clause(clause_id=f"d-{kind}/c1", kind="provision", start=0, end=len(text), text=text)])
            for kind, text in texts.items()]
    found = Extractor().extract_many(docs)
    deadlines = {kind: {(c.deadline.kind, c.deadline.days, c.deadline.date) for c in commitments if c.deadline}
                 for kind, commitments in zip(texts, found, strict=True)}
    assert deadlines == {"cap": {("cap", 540, None)}, "on": {("on", 253, dt.date(2026, 6, 30))}}


def test_a_period_named_but_not_counted_is_a_deadline_without_days() -> None:
    [hit] = find_deadlines("In the coming weeks, the two sides will work to finalize the Agreement.", SIGNED)
    assert (hit.text, hit.days, hit.date, hit.kind, hit.basis) == ("In the coming weeks", None, None, "within",
                                                                    "not_computable")


def test_a_further_period_is_counted_in_days() -> None:
    [hit] = find_deadlines("The suspension is extended for an additional period of 90 days.", SIGNED)
    assert (hit.days, hit.date) == (90, None)
