"""The segmenter on hand-made blocks: each agreement form, and the look-alikes that are not."""
from __future__ import annotations

import pytest

from ingest.blocks import Block
from ingest.structure import segment
from ingest.structure_rules import numbered_heading


@pytest.mark.parametrize(("text", "key", "label", "title"), [
    ("Section I – Critical Minerals and Rare Earths", "s1", "Section I", "Critical Minerals and Rare Earths"),
    ("Article 3", "art3", "Article 3", ""),
    ("ARTICLE 12: FINAL PROVISIONS", "art12", "Article 12", "FINAL PROVISIONS"),
    ("Annex A – Indicative Projects", "annexa", "Annex A", "Indicative Projects"),
    ("ANNEX", "annex", "Annex", ""),
    ("Part II. Institutions", "pt2", "Part II", "Institutions"),
    ("3.1 Stockpiling", "s3.1", "Section 3.1", "Stockpiling"),
])
def test_headings(text: str, key: str, label: str, title: str) -> None:
    found = numbered_heading(text)
    assert found is not None
    assert (found.key, found.label, found.title) == (key, label, title)


@pytest.mark.parametrize("text", [
    "Section 2 of this Framework provides that the Participants will meet.",
    "Article 5 shall apply to projects selected after signature.",
    "Annex to the Agreement on trade, which the Parties signed in 2024.",
    "Part of the financing will come from export credit agencies.",
    "3.1 The Participants will review the list of projects every year.",
])
def test_cross_references_and_sentences_are_not_headings(text: str) -> None:
    assert numbered_heading(text) is None


def _ids(texts: list[str], **flags: bool) -> list[str]:
    blocks = [Block(t, list_item=flags.get("list_item", False)) for t in texts]
    return [c.clause_id for c in segment(blocks, "d")[2]]


def test_numbered_lettered_and_roman_items_nest() -> None:
    ids = _ids(["Article 4 – Finance", "1. The Parties will cooperate:", "(a) on loans;", "(b) on equity,",
                "(i) directly;", "(ii) through funds;", "(c) on guarantees.", "2. The Parties will report."])
    assert ids == ["d/art4.1", "d/art4.1.a", "d/art4.1.b", "d/art4.1.b.i", "d/art4.1.b.ii", "d/art4.1.c",
                   "d/art4.2"]


def test_letter_i_after_h_is_a_letter_not_a_roman_numeral() -> None:
    items = [f"({c}) item {c};" for c in "abcdefghij"]
    ids = _ids(["Section 1 – Items", "1. The list:", *items])
    assert ids[-2:] == ["d/s1.1.i", "d/s1.1.j"]
    assert "d/s1.1.h.i" not in ids


def test_dotted_paragraphs_sit_under_their_article() -> None:
    assert _ids(["Article 1 – Scope", "1.1 This covers exploration.", "1.2 It covers processing."]) == [
        "d/art1.1", "d/art1.2"]


def test_title_preamble_recitals_signature_and_annex() -> None:
    texts = ["FRAMEWORK ON NICKEL", "The Government of Canada and the Government of Japan,",
             "Whereas nickel matters;", "Recognizing that supply is concentrated;",
             "Section 1 – Cooperation", "1. The Participants will cooperate.",
             "Signed at Ottawa on 2 June 2025.", "For the Government of Canada:", "Annex I – Projects",
             "A list of projects."]
    _, sections, clauses = segment([Block(t) for t in texts], "d")
    kinds = [(c.clause_id, c.kind, c.citation) for c in clauses]
    assert kinds == [
        ("d/t1", "title", "Title"),
        ("d/p1", "preamble", "Preamble"),
        ("d/p2", "recital", "Preamble, recital 1"),
        ("d/p3", "recital", "Preamble, recital 2"),
        ("d/s1.1", "provision", "Section 1 (Cooperation), para 1"),
        ("d/sig1", "signature", "Signature block"),
        ("d/sig2", "signature", "Signature block"),
        ("d/annex1.p1", "annex", "Annex I (Projects), para 1"),
    ]
    assert [s.section_id for s in sections] == ["s1", "annex1"]


def test_place_and_date_line_at_the_top_is_not_the_signature_block() -> None:
    texts = ["MEMORANDUM ON COPPER", "Signed at Lima on 3 May 2026.", "The Sides,", "Recognising that copper matters,",
             "Article 1 – Traceability", "Peru will set up a passport for copper cathodes.",
             "Done at Lima in two copies.", "For Peru:"]
    _, _, clauses = segment([Block(t) for t in texts], "d")
    assert [(c.clause_id, c.kind) for c in clauses] == [
        ("d/t1", "title"), ("d/sig1", "signature"), ("d/p1", "preamble"), ("d/p2", "recital"),
        ("d/art1.p1", "provision"),
        ("d/sig2", "signature"), ("d/sig3", "signature"),
    ]


def test_a_heading_line_stands_alone_in_plain_text() -> None:
    from ingest.readers.text import split_paragraphs

    blocks = split_paragraphs(["Article 2 – Traceability", "Within a year, the Sides will set up a registry",
                               "for copper cathodes.", "", "Article 2 of the Charter applies."])
    assert [b.text for b in blocks] == [
        "Article 2 – Traceability", "Within a year, the Sides will set up a registry for copper cathodes.",
        "Article 2 of the Charter applies."]


def test_bullets_attach_to_the_paragraph_before_them() -> None:
    ids = _ids(["Section 2 – Work", "3. The group will:", "• map deposits;", "• list plants."])
    assert ids == ["d/s2.3", "d/s2.3.b1", "d/s2.3.b2"]


def test_clause_ids_are_stable_when_text_changes_but_layout_does_not() -> None:
    first = _ids(["Article 1 – Scope", "1. The Parties will cooperate on lithium."])
    second = _ids(["Article 1 – Scope", "1. The Parties shall cooperate on lithium and nickel."])
    assert first == second == ["d/art1.1"]


def test_pages_become_citations() -> None:
    blocks = [Block("Section 2 – Finance", page=1), Block("1. First.", page=1),
              Block("2. Second, running on.", page=1, page_end=2), Block("3. Third.", page=2)]
    citations = [c.citation for c in segment(blocks, "d")[2]]
    assert citations == ["Section 2 (Finance), para 1, p. 1", "Section 2 (Finance), para 2, pp. 1-2",
                         "Section 2 (Finance), para 3, p. 2"]
