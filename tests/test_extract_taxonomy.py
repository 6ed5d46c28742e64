"""The taxonomy is data: a user's file adds a type (or replaces the default) without code, and the
new type is extracted; bad files are refused with a message that names the file and the type."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from extract_fixtures import make_document

WATER = """
types:
  water_security:
    description: Managing the water that mines and refineries use, and protecting water sources near them.
    cues:
      - '\\bwater\\s+(?:use|rights|security|sources?|management)\\b'
      - '\\baquifers?\\b'
    examples:
      - The Parties shall monitor the water use of lithium brine operations.
      - Each Side will protect aquifers near processing plants from contamination.
      - Mines shall publish how much water they draw from rivers in dry seasons.
"""


@pytest.fixture
def water_file(tmp_path: Path) -> Path:
    path = tmp_path / "water.yaml"
    path.write_text(WATER, encoding="utf-8")
    return path


def test_a_type_added_from_a_file_is_extracted(water_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extract import Extractor

    monkeypatch.delenv("ACCORDS_TAXONOMY", raising=False)
    extractor = Extractor(taxonomy=water_file)
    assert "water_security" in extractor.taxonomy.labels and "stockpiling" in extractor.taxonomy.labels
    doc = make_document(["The Parties shall cooperate on water management at lithium mines and protect aquifers.",
                         "The Parties shall maintain a strategic reserve of cobalt."], parties=("Chile", "Japan"))
    found = {(c.clause_id, c.type) for c in extractor.extract(doc)}
    assert ("test-doc/c1", "water_security") in found
    assert ("test-doc/c2", "stockpiling") in found
    assert ("test-doc/c2", "water_security") not in found


def test_the_taxonomy_variable_adds_types_too(water_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extract import load_taxonomy

    monkeypatch.setenv("ACCORDS_TAXONOMY", str(water_file))
    assert "water_security" in load_taxonomy().labels
    assert "water_security" not in load_taxonomy(use_env=False).labels


def test_replace_mode_keeps_only_the_users_types(tmp_path: Path) -> None:
    from extract import load_taxonomy

    path = tmp_path / "only.yaml"
    path.write_text("mode: replace\n" + WATER, encoding="utf-8")
    assert load_taxonomy(path, use_env=False).labels == ["water_security"]


def test_extending_an_existing_type_appends_its_cues(tmp_path: Path) -> None:
    from extract import load_taxonomy

    path = tmp_path / "more.yaml"
    path.write_text("types:\n  stockpiling:\n    cues: ['\\bsovereign\\s+hoard\\b']\n", encoding="utf-8")
    spec = load_taxonomy(path, use_env=False).types["stockpiling"]
    assert spec.cues[-1] == r"\bsovereign\s+hoard\b" and len(spec.examples) >= 12


@pytest.mark.parametrize(("body", "message"), [
    ("types:\n  Water Security:\n    cues: ['water']\n", "type name 'Water Security'"),
    ("types:\n  water:\n    cues: ['(unclosed']\n", "type 'water': cue '(unclosed' is not a valid regex"),
    ("types:\n  water: {}\n", "type 'water' needs cues, examples or a description"),
    ("mode: merge\ntypes:\n  water:\n    cues: ['x']\n", "mode 'merge' is not one of extend, replace"),
    ("- just a list\n", "expected a mapping"),
])
def test_bad_taxonomy_files_are_refused_by_name(tmp_path: Path, body: str, message: str) -> None:
    from extract import load_taxonomy

    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError) as info:
        load_taxonomy(path, use_env=False)
    assert str(path) in str(info.value) and message in str(info.value)


def test_every_default_type_has_a_dozen_examples() -> None:
    from extract import load_taxonomy

    taxonomy = load_taxonomy(use_env=False)
    assert len(taxonomy.labels) == 14
    assert all(len(spec.examples) >= 12 and spec.cues and spec.description for spec in taxonomy.types.values())


def test_types_component_on_a_blank_pipeline_uses_the_cues() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("accords_types", config={"semantic": False})
    doc = nlp("The Participants will establish price floors and recycle battery scrap.")
    assert {s.label_ for s in doc.spans["accords_types"]} == {"price_mechanism", "recycling"}
    assert set(doc.cats) == set(nlp.get_pipe("accords_types").labels)
