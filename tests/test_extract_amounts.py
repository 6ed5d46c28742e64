"""Money amounts: value as a plain number, ISO 4217 currency, bound; as a pure function and as a
component on a blank pipeline."""
from __future__ import annotations

import pytest
import spacy

from extract.amounts import find_amounts


@pytest.mark.parametrize(("text", "value", "currency", "bound"), [
    ("each side will provide $1 billion in financing", 1e9, "USD", "exact"),
    ("a commitment of AUD 1 billion to the reserve", 1e9, "AUD", "exact"),
    ("letters of interest worth US$2.2 billion", 2.2e9, "USD", "exact"),
    ("loans of up to 200 million dollars for the refinery", 2e8, "USD", "up_to"),
    ("a programme of EUR 1.2bn for raw materials", 1.2e9, "EUR", "exact"),
    ("at least $1 billion in financing to projects", 1e9, "USD", "at_least"),
    ("more than US$3 billion together", 3e9, "USD", "more_than"),
    ("approximately US$70 billion over ten years", 7e10, "USD", "about"),
    ("an A$1.2 billion strategic reserve", 1.2e9, "AUD", "exact"),
    ("some 5 billion yen for the smelter", 5e9, "JPY", "about"),
    ("RM 500 million for processing parks", 5e8, "MYR", "exact"),
    ("one billion US dollars in equity", 1e9, "USD", "exact"),
    ("USD 75 million or more in capital", 7.5e7, "USD", "at_least"),
    ("a $300m loan", 3e8, "USD", "exact"),
])
def test_amount_is_parsed(text: str, value: float, currency: str, bound: str) -> None:
    [hit] = find_amounts(text)
    assert (hit.value, hit.currency, hit.bound) == (pytest.approx(value), currency, bound)
    assert text[hit.start:hit.end] == hit.text  # the span is verbatim


@pytest.mark.parametrize("text", [
    "processing capacity expected in 2026",
    "50% of revenues from new licences",
    "a 100-metric-ton-per-year gallium refinery",
    "within 180 days of the date of this Framework",
])
def test_no_amount_where_there_is_no_money(text: str) -> None:
    assert find_amounts(text) == []


def test_two_amounts_in_order() -> None:
    hits = find_amounts("up to US$900 million toward a project cost of about US$1.1 billion")
    assert [(h.value, h.bound) for h in hits] == [(9e8, "up_to"), (pytest.approx(1.1e9), "about")]


def test_amounts_component_on_a_blank_pipeline() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("accords_amounts")  # found through the spacy_factories entry point
    doc = nlp("Japan will lend JPY 50 billion and Australia up to A$185 million.")
    found = [(s.text, s._.accords_amount["currency"], s._.accords_amount["bound"]) for s in doc.spans["accords_amounts"]]
    assert found == [("JPY 50 billion", "JPY", "exact"), ("up to A$185 million", "AUD", "up_to")]


def test_annotations_survive_a_docbin_round_trip() -> None:
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    for name in ("accords_amounts", "accords_deadlines", "accords_modality", "accords_minerals"):
        nlp.add_pipe(name)
    doc = nlp.make_doc("Malaysia shall provide at least $1 billion for gallium within six months of signature.")
    doc._.accords_context = {"date": "2025-10-26"}
    doc = nlp(doc)
    payload = DocBin(store_user_data=True, docs=[doc]).to_bytes()
    [back] = DocBin(store_user_data=True).from_bytes(payload).get_docs(nlp.vocab)
    assert back._.accords_modality == "binding"
    assert [s._.accords_amount["value"] for s in back.spans["accords_amounts"]] == [1e9]
    assert [s._.accords_deadline["date"] for s in back.spans["accords_deadlines"]] == ["2026-04-26"]
    assert [s.kb_id_ for s in back.spans["accords_minerals"]] == ["gallium"]
