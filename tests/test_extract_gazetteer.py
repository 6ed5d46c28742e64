"""Minerals and institutions: the USGS 2025 list, each rare-earth element, product forms, named bodies."""
from __future__ import annotations

import pytest
import spacy

from extract.gazetteer import find_institutions, find_minerals

RARE_EARTH_ELEMENTS = ["scandium", "yttrium", "lanthanum", "cerium", "praseodymium", "neodymium", "promethium",
                       "samarium", "europium", "gadolinium", "terbium", "dysprosium", "holmium", "erbium", "thulium",
                       "ytterbium", "lutetium"]


def names(text: str) -> list[str]:
    return [h.name for h in find_minerals(text)]


@pytest.mark.parametrize("element", RARE_EARTH_ELEMENTS)
def test_each_rare_earth_element(element: str) -> None:
    assert names(f"supplies of {element.capitalize()} oxide") == [element]


@pytest.mark.parametrize(("text", "expected"), [
    ("copper, metallurgical coal and uranium", ["copper", "metallurgical coal", "uranium"]),
    ("heavy rare earths for permanent magnets", ["heavy rare earths", "permanent magnets"]),
    ("heavy and light rare earths", ["heavy rare earths", "light rare earths"]),
    ("rare-earth elements and battery-grade nickel", ["rare earths", "battery-grade nickel"]),
    ("gallium and germanium recovered from zinc residues", ["gallium", "germanium", "zinc"]),
    ("lithium hydroxide and spodumene concentrate", ["lithium", "lithium"]),
    ("critical minerals supply chains", []),
])
def test_minerals_and_their_forms(text: str, expected: list[str]) -> None:
    assert names(text) == expected


def test_ordinary_words_need_mineral_company() -> None:
    assert names("The United States will lead the response group.") == []
    assert names("exports of lead and zinc") == ["lead", "zinc"]
    assert names("a lead smelter") == ["lead"]


@pytest.mark.parametrize(("text", "expected"), [
    ("EXIM issued letters of interest", ["EXIM"]),
    ("the U.S. International Development Finance Corporation and JBIC", ["DFC", "JBIC"]),
    ("Export Finance Australia will lend", ["Export Finance Australia"]),
    ("the Minister of Economy, Trade and Industry of Japan", ["METI"]),
    ("led by the United States Secretary of Energy", ["U.S. Department of Energy"]),
    ("convene a Mining, Minerals and Metals Investment Ministerial", ["Mining, Minerals and Metals Investment Ministerial"]),
    ("the U.S.-Japan Critical Minerals Supply Security Rapid Response Group",
     ["U.S.-Japan Critical Minerals Supply Security Rapid Response Group"]),
    ("Under the Fund, the Parties will meet.", []),
])
def test_institutions(text: str, expected: list[str]) -> None:
    assert [h.name for h in find_institutions(text)] == expected


def test_gazetteer_components_on_a_blank_pipeline() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("accords_minerals")
    nlp.add_pipe("accords_institutions")
    doc = nlp("DFC will finance a dysprosium separation plant.")
    assert [(s.text, s.kb_id_) for s in doc.spans["accords_minerals"]] == [("dysprosium", "dysprosium")]
    assert [s.kb_id_ for s in doc.spans["accords_institutions"]] == ["DFC"]
