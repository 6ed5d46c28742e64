"""The Extractor end to end on the real pipeline and encoder: one record per (clause, type), exact
evidence spans inside their clause, actors, minerals, institutions, amounts and deadlines."""
from __future__ import annotations

import datetime as dt

from extract_fixtures import extractor_fixture, make_document  # noqa: F401  (pytest fixtures)

CLAUSES = [
    ("title", "United States-Australia Framework for Securing Supply of Critical Minerals"),
    ("recital", "Whereas the Participants intend to support a reliable supply of heavy rare earths;"),
    ("Financing: Within six months of the date of this Framework, each Participant is taking measures to provide "
     "at least $1 billion in financing to projects whose output is expected to be delivered to buyers in both "
     "countries."),
    ("Rapid Response: The Participants are establishing the U.S.-Australia Critical Minerals Supply Security "
     "Response Group, to be led by the United States Secretary of Energy, to identify supply vulnerabilities."),
    ("Malaysia shall not impose bans or quotas on exports of gallium, germanium or battery-grade nickel. "
     "The Parties will also review sales of mining assets to high-risk buyers on national security grounds."),
    ("signature", "For the Government of Australia:"),
]


def test_evidence_spans_lie_inside_their_clause_and_are_verbatim(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = make_document(CLAUSES)
    commitments = extractor.extract(doc)
    assert commitments
    for c in commitments:
        clause = doc.clause(c.clause_id)
        assert clause.start <= c.start < c.end <= clause.end
        assert doc.text[c.start:c.end] == c.text
        assert 0.0 <= c.confidence <= 1.0
    keys = [(c.clause_id, c.type) for c in commitments]
    assert len(keys) == len(set(keys))  # one record per (clause, type)


def test_financing_clause(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = make_document(CLAUSES)
    found = {c.type: c for c in extractor.extract(doc) if c.clause_id == "test-doc/c3"}
    assert "public_finance" in found
    finance = found["public_finance"]
    assert finance.modality == "commitment"
    assert finance.actors == ["United States", "Australia"]
    assert [(a.value, a.currency, a.bound) for a in finance.amounts] == [(1e9, "USD", "at_least")]
    assert finance.deadline is not None
    assert (finance.deadline.days, finance.deadline.date) == (180, dt.date(2026, 4, 20))


def test_response_group_clause(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = make_document(CLAUSES)
    found = {c.type: c for c in extractor.extract(doc) if c.clause_id == "test-doc/c4"}
    assert "supply_coordination" in found
    assert set(found["supply_coordination"].institutions) == {
        "U.S.-Australia Critical Minerals Supply Security Response Group", "U.S. Department of Energy"}


def test_negated_binding_clause_names_its_actor_and_minerals(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = make_document(CLAUSES, parties=("United States", "Malaysia"))
    found = {c.type: c for c in extractor.extract(doc) if c.clause_id == "test-doc/c5"}
    restriction = found["export_restrictions"]
    assert restriction.modality == "binding"
    assert restriction.actors == ["Malaysia"]
    assert restriction.minerals == ["gallium", "germanium", "battery-grade nickel"]
    assert restriction.text.startswith("Malaysia shall not impose")  # the sentence that says it
    screening = found["investment_screening"]
    assert screening.text.startswith("The Parties will also review")
    assert screening.modality == "commitment"


def test_titles_and_signatures_commit_to_nothing_and_recitals_are_recitals(extractor) -> None:  # type: ignore[no-untyped-def]
    analyses = extractor.analyse_many([make_document(CLAUSES)])[0]
    by_id = {a.clause_id: a for a in analyses}
    assert by_id["test-doc/c1"].commitments == [] and by_id["test-doc/c6"].commitments == []
    assert by_id["test-doc/c2"].modality == "recital"
    assert by_id["test-doc/c2"].minerals == ["heavy rare earths"]


def test_extract_many_runs_one_batched_pipe_over_all_documents(extractor, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    original = extractor.nlp.pipe

    def counting_pipe(docs, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(docs, **kwargs)

    monkeypatch.setattr(extractor.nlp, "pipe", counting_pipe)
    docs = [make_document(CLAUSES, doc_id=f"doc-{i}") for i in range(3)]
    results = extractor.extract_many(docs)
    assert calls == [1]
    assert [len(r) for r in results] == [len(extractor.extract(docs[0]))] * 3
    assert all(c.clause_id.startswith(f"doc-{i}/") for i, r in enumerate(results) for c in r)


def test_an_unseen_drafting_style_is_read_by_meaning(extractor) -> None:  # type: ignore[no-untyped-def]
    # No cue word of the type appears here; the classifier has to read the meaning.
    doc = make_document([("The Parties shall set up a system to trace cobalt from mine to refinery so buyers "
                          "know its origin.")],
                        parties=("European Union", "Chile"), doc_type="agreement")
    types = {c.type for c in extractor.extract(doc)}
    assert "standards_transparency" in types
