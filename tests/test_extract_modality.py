"""Legal force through the dependency parse: shall binds, negation keeps the force, recitals,
narrative and reported speech are recitals, list items take the force of their lead-in."""
from __future__ import annotations

import pytest
import spacy
from extract_fixtures import extractor_fixture, make_document, parsed_fixture  # noqa: F401  (pytest fixtures)


def force(nlp, text: str, **context: object) -> str | None:  # type: ignore[no-untyped-def]
    doc = nlp.make_doc(text)
    doc._.accords_context = context
    return nlp(doc)._.accords_modality


@pytest.mark.parametrize(("text", "expected"), [
    ("Each Party shall maintain a strategic reserve of rare earth oxides.", "binding"),
    ("The Parties must notify each other of any disruption.", "binding"),
    ("The Participants will jointly identify projects of interest.", "commitment"),
    ("The Participants commit to investing in minerals recycling technology.", "commitment"),
    ("The Participants are taking measures to expedite permits for mining.", "commitment"),
    ("Permitting: The Participants are taking measures to expedite permits for mining.", "commitment"),
    ("The Participants have decided to convene an investment ministerial.", "commitment"),
    ("The Participants intend to share information on best practices.", "intent"),
    ("The Sides plan to set up a joint working group.", "intent"),
    ("The purpose of this MOU is to strengthen cooperation between the Participants.", "intent"),
    ("The Parties shall endeavour to coordinate their strategic stocks.", "aspiration"),
    ("We will explore pooling information on national stockpiles.", "aspiration"),
    ("Mechanisms of cooperation under this MOU may include:", "aspiration"),
    ('"Fund" means the United States-Ukraine Reconstruction Investment Fund.', "recital"),
    ("Our export credit agencies are mobilising financing for refining projects.", "commitment"),
    ("The Bank has approved a provisional loan of up to EUR 80 million.", "commitment"),
    ("Japan to invest $550 billion in projects in the United States.", "commitment"),
])
def test_force_of_the_governing_verb(parsed, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert force(parsed, text, kind="provision") == expected


def test_a_modal_inside_what_a_statement_talks_about_gives_it_no_force(parsed) -> None:  # type: ignore[no-untyped-def]
    text = "The President has challenged the assumption that American workers must tolerate unfair practices."
    assert force(parsed, text, kind="provision") is None


def test_negation_keeps_the_force(parsed) -> None:  # type: ignore[no-untyped-def]
    assert force(parsed, "Malaysia shall not impose bans or quotas on exports of critical minerals.") == "binding"
    assert force(parsed, "Neither Party shall adopt any export duty on lithium.") == "binding"


@pytest.mark.parametrize("kind", ["recital", "preamble", "title", "signature", "narrative"])
def test_non_operative_kinds_are_recitals(parsed, kind: str) -> None:  # type: ignore[no-untyped-def]
    assert force(parsed, "The Participants shall establish a response group.", kind=kind) == "recital"


def test_recital_openers_are_recitals_whatever_the_segmenter_said(parsed) -> None:  # type: ignore[no-untyped-def]
    assert force(parsed, "Whereas the Participants intend to support a reliable supply of critical minerals;",
                 kind="provision") == "recital"
    assert force(parsed, "RECOGNIZING the importance of secure supply chains;", kind="provision") == "recital"


def test_reported_speech_is_a_recital(parsed) -> None:  # type: ignore[no-untyped-def]
    assert force(parsed, "The Prime Minister said Australia will provide $1 billion to the projects.") == "recital"
    assert force(parsed, "Australia will provide $1 billion to the projects, the Minister said.") == "recital"


def test_press_release_announces_with_its_verb_and_never_binds(parsed) -> None:  # type: ignore[no-untyped-def]
    text = "The Government will provide up to A$185 million in concessional loans."
    assert force(parsed, text, kind="provision", doc_type="press_release") == "commitment"
    assert force(parsed, "The Government shall provide the loans.", kind="provision", doc_type="press_release") == "commitment"
    assert force(parsed, text, kind="provision", doc_type="commentary") == "recital"
    assert force(parsed, text, kind="provision", doc_type="framework") == "commitment"


def test_modality_on_a_blank_pipeline_reads_the_words() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("accords_modality")
    assert nlp("Malaysia shall not impose export quotas.")._.accords_modality == "binding"
    assert nlp("The Parties shall endeavour to cooperate.")._.accords_modality == "aspiration"
    assert nlp("The Sides intend to share data.")._.accords_modality == "intent"


def test_list_items_take_the_force_and_actors_of_their_lead_in(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = make_document(["Mechanisms of cooperation under this MOU may include:",
                         "workshops, seminars and joint geoscience activities;"],
                        parties=("United States", "Thailand"), doc_type="memorandum")
    doc.clauses[1].clause_id = doc.clauses[0].clause_id + ".a"  # a sub-item of the lead-in
    lead, item = extractor.analyse_many([doc])[0]
    assert (lead.modality, item.modality) == ("aspiration", "aspiration")
    assert item.actors == ["United States", "Thailand"]
    assert "geological_mapping" in item.types
    assert all(c.modality == "aspiration" for c in item.commitments)


def test_items_after_a_colon_lead_in_take_its_force(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = make_document(["The two sides will work to make trade more seamless by:",
                         "opening markets for medical devices;",
                         "streamlining customs procedures for goods; and",
                         "The trade deficit was large in 2024."],
                        parties=("United States", "Switzerland"), doc_type="joint_statement")
    lead, first, second, after = extractor.analyse_many([doc])[0]
    assert lead.modality == first.modality == second.modality == "commitment"
    assert after.modality == "recital"  # a full sentence ends the list


def test_a_statement_of_fact_has_no_commitment_type(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = make_document(["Copper prices have dropped sharply over the past two years.",
                         "Refining capacity for rare earths remains concentrated in one country.",
                         "Phase I investment in the cobalt refinery has reached US$500 million.",
                         "The Participants will build a joint stockpile of copper."],
                        parties=("United States", "Australia"), doc_type="framework")
    prices, capacity, phase, stockpile = extractor.analyse_many([doc])[0]
    assert prices.types == [] and capacity.types == []
    assert phase.types == []  # the subject's head is "investment": "I" names no one
    assert "stockpiling" in stockpile.types


def test_a_list_ends_with_its_section(extractor) -> None:  # type: ignore[no-untyped-def]
    doc = make_document(["The Participants intend to cooperate in the following areas:", "trade in minerals;",
                         "tourism.", "copper and cobalt prices, which have fallen sharply;"],
                        parties=("United States", "Japan"), doc_type="memorandum")
    ids = ["d/art1.p1", "d/art1.b1", "d/art1.b2", "d/art2.b1"]
    for clause, clause_id in zip(doc.clauses, ids, strict=True):
        clause.clause_id = clause_id
    lead, first, last, elsewhere = extractor.analyse_many([doc])[0]
    assert lead.modality == first.modality == last.modality == "intent"
    assert elsewhere.modality == "recital" and elsewhere.types == []


@pytest.mark.parametrize(("subject", "parties", "actors"), [
    ("Washington and Canberra", ["United States", "Australia"], ["United States", "Australia"]),
    ("The Korean Side", ["United States", "Republic of Korea"], ["Republic of Korea"]),
    ("Tokyo", ["United States", "Japan"], ["Japan"]),
    ("Each Participant", ["United States", "Republic of Korea"], ["United States", "Republic of Korea"]),
    ("Swiss and Liechtenstein companies", ["United States", "Switzerland", "Liechtenstein"],
     ["Switzerland", "Liechtenstein"]),
    ("The United States and Viet Nam", ["United States", "Vietnam"], ["United States", "Vietnam"]),
])
def test_capitals_sides_and_each_participant_resolve_to_governments(subject: str, parties: list[str],
                                                                      actors: list[str]) -> None:
    from extract.grammar import resolve_actors

    assert resolve_actors(subject, parties) == actors


@pytest.mark.parametrize(("doc_type", "modality", "announced"), [
    ("fact_sheet", "commitment", True),  # "agreed to" in a fact sheet reports a deal; it does not bind
    ("press_release", "commitment", True),  # a release announces what its authors will do: not a recital
    ("commentary", "recital", False),  # a commentary reports others' commitments and makes none
    ("framework", "binding", False),  # the signed text itself
])
def test_announcements_keep_their_verb_but_never_bind(doc_type: str, modality: str, announced: bool) -> None:
    import datetime as dt

    from extract import Extractor
    from ingest import Clause, Document

    text = "The United States and Japan agreed to develop a joint stockpile of gallium and germanium."
    doc = Document(doc_id="d", title="Gallium", date=dt.date(2025, 10, 20), parties=["United States", "Japan"],
                   doc_type=doc_type, text=text,  # type: ignore[arg-type]  # one of DocType's values
                   clauses=[Clause(clause_id="d/c1", kind="provision", start=0, end=len(text), text=text)])
    [found] = Extractor().extract(doc)
    assert (found.type, found.modality, found.announced) == ("stockpiling", modality, announced)
