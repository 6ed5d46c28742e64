"""The gold files are valid and every snippet names exactly one clause of the ingested corpus."""
from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

import ingest
from extract.models import MODALITIES
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.quality  # extraction measured over the whole gold corpus

TYPES = {
    "stockpiling", "investment_screening", "price_mechanism", "public_finance", "offtake", "investment_promotion",
    "permitting", "recycling", "research_innovation", "geological_mapping", "export_restrictions", "trade_measures",
    "standards_transparency", "supply_coordination",
}
GOLD = CORPUS / "gold"


class GoldAmount(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: float = Field(gt=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    bound: Literal["exact", "at_least", "up_to", "about", "more_than"] = "exact"


class GoldDeadline(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: int | None = Field(default=None, gt=0)
    date: dt.date | None = None

    @model_validator(mode="after")
    def one_of(self) -> GoldDeadline:
        assert (self.days is None) != (self.date is None), "a deadline has days or a date"
        return self


class GoldClause(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_id: str
    snippet: str = Field(min_length=8)
    types: list[str]
    modality: str
    actors: list[str] = Field(default_factory=list)
    minerals: list[str] = Field(default_factory=list)
    amounts: list[GoldAmount] = Field(default_factory=list)
    deadline: GoldDeadline | None = None
    institutions: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def known_labels(self) -> GoldClause:
        assert set(self.types) <= TYPES, set(self.types) - TYPES
        assert self.modality in MODALITIES, self.modality
        return self


class GoldRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    doc_id: str
    snippet: str = Field(min_length=8)


class GoldQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    query: str = Field(min_length=3)
    kind: Literal["paraphrase", "amount", "institution", "mineral", "vague", "exact"]
    relevant: list[GoldRef] = Field(min_length=1)


def read_jsonl(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


@lru_cache(maxsize=1)
def corpus_clauses() -> dict[str, list[str]]:
    docs = [ingest.load(path) for path in ingest.discover([CORPUS])]
    return {d.doc_id: [squash(c.text) for c in d.clauses] for d in docs}


def matches(doc_id: str, snippet: str) -> int:
    needle = squash(snippet)
    return sum(needle in clause for clause in corpus_clauses()[doc_id])


def test_every_corpus_file_ingests_and_there_are_at_least_16() -> None:
    assert len(corpus_clauses()) >= 16


@pytest.mark.parametrize("path", sorted(GOLD.glob("commitments*.jsonl")), ids=lambda p: p.name)
def test_commitment_gold_is_valid_and_resolves(path: Path) -> None:
    rows = [GoldClause.model_validate(row) for row in read_jsonl(path)]
    unresolved = [(r.doc_id, r.snippet) for r in rows if r.doc_id not in corpus_clauses() or matches(r.doc_id, r.snippet) != 1]
    assert not unresolved, unresolved[:5]


def test_commitment_gold_covers_enough_clauses_of_every_agreement_text() -> None:
    rows = [GoldClause.model_validate(r) for p in GOLD.glob("commitments*.jsonl") for r in read_jsonl(p)]
    assert len(rows) >= 150
    for doc_id in {r.doc_id for r in rows}:
        annotated = {r.snippet for r in rows if r.doc_id == doc_id}
        assert len(annotated) == len([r for r in rows if r.doc_id == doc_id]), f"duplicate snippet in {doc_id}"
        # every clause of an annotated document is annotated, headings aside
        assert len(annotated) >= 0.9 * len(corpus_clauses()[doc_id]), doc_id


@pytest.mark.parametrize("path", sorted(GOLD.glob("queries*.jsonl")), ids=lambda p: p.name)
def test_query_gold_is_valid_and_resolves(path: Path) -> None:
    queries = [GoldQuery.model_validate(row) for row in read_jsonl(path)]
    unresolved = [(ref.doc_id, ref.snippet) for q in queries for ref in q.relevant
                  if ref.doc_id not in corpus_clauses() or matches(ref.doc_id, ref.snippet) != 1]
    assert not unresolved, unresolved[:5]


def test_there_are_at_least_60_queries_of_several_kinds() -> None:
    queries = [GoldQuery.model_validate(r) for p in GOLD.glob("queries*.jsonl") for r in read_jsonl(p)]
    assert len(queries) >= 60
    assert {"paraphrase", "amount", "institution", "mineral", "vague"} <= {q.kind for q in queries}


WILD_GOLD = ROOT / "corpus" / "gold" / "wild-commitments.jsonl"
WILD_DOCS = ROOT.parent / "shared" / "wild" / "docs"


def test_the_real_postings_gold_resolves_and_holds_its_measured_figures() -> None:
    """Nine real postings labelled by two blind judges (corpus/gold/JUDGING.md); nothing is fitted on them.
    The floors sit at the figures measured when the set was made, so that a change that loses ground on real
    drafting shows here; the bars of the issue (0.88 macro-F1 and more) are far above them. Measured when the set
    was made: macro-F1 0.419, force 0.736, deadlines 0.50, background 0.68; now 0.446, 0.756, 0.75, 0.79."""
    from kb.eval.extraction import evaluate_extraction

    assert WILD_DOCS.is_dir(), f"the labelled postings are missing: expected them at {WILD_DOCS}"
    report = evaluate_extraction(WILD_GOLD, WILD_DOCS)
    assert report.gold_clauses == report.matched == 197, report.unmatched[:3]
    assert report.macro_f1 >= 0.44 and report.modality_accuracy >= 0.75
    assert report.amount_recall == 1.0 and report.deadline_recall >= 0.75
    assert report.background_precision >= 0.78
