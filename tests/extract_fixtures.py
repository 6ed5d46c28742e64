"""Shared fixtures for the extraction tests: the real spaCy pipeline and the real encoder, loaded
once per session, and a helper that builds Documents whose clause offsets are exact."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator

import pytest

from ingest.models import Clause, Document

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def make_document(clauses: list[str | tuple[str, str]], *, doc_id: str = "test-doc",
                  parties: tuple[str, ...] = ("United States", "Australia"), date: dt.date | None = dt.date(2025, 10, 20),
                  doc_type: str = "framework") -> Document:
    """A Document from clause texts (or (kind, text) pairs), joined the way ingest joins blocks."""
    text, built = "", []
    for n, item in enumerate(clauses, start=1):
        kind, body = ("provision", item) if isinstance(item, str) else item
        if text:
            text += "\n\n"
        start = len(text)
        text += body
        built.append(Clause(clause_id=f"{doc_id}/c{n}", kind=kind, start=start, end=len(text), text=body))  # type: ignore[arg-type]
    return Document(doc_id=doc_id, title=doc_id, date=date, parties=list(parties), doc_type=doc_type,  # type: ignore[arg-type]
                    text=text, clauses=built)


# Test modules import these under their function names; the fixture names are what tests ask for.
@pytest.fixture(scope="session", name="extractor")
def extractor_fixture() -> Iterator[object]:
    """The default Extractor: en_core_web_sm, all-MiniLM-L6-v2, shipped taxonomy and annotations."""
    saved = os.environ.pop("ACCORDS_TAXONOMY", None)
    from extract import Extractor

    yield Extractor()
    if saved is not None:
        os.environ["ACCORDS_TAXONOMY"] = saved


@pytest.fixture(scope="session", name="parsed")
def parsed_fixture() -> object:
    """The parsed spaCy pipeline with every accords component, for component-level tests."""
    from extract.extractor import UNUSED_PIPES
    from extract.nlp import DEFAULT_SPACY_MODEL, load_nlp

    nlp = load_nlp.__wrapped__(DEFAULT_SPACY_MODEL, UNUSED_PIPES)
    for name in ("accords_amounts", "accords_deadlines", "accords_modality", "accords_actors"):
        nlp.add_pipe(name)
    return nlp
