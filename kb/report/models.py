"""The comparison report's models: what kb.report.build builds and the renderers (kb.report.html,
kb.report.markdown), the CLI and the HTTP API read."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from extract.models import Amount, Commitment, Deadline, Modality

Aspect = Literal["force", "amount", "deadline", "minerals", "institutions"]


class Cell(BaseModel):
    """One matrix cell (design.md): these four keys, and `announced` when it is true; citations live in
    `evidence`."""

    present: bool = False
    modality: Modality | None = Field(default=None, description="Strongest legal force among the commitments.")
    count: int = 0
    clause_ids: list[str] = Field(default_factory=list)
    announced: bool = Field(default=False, exclude_if=lambda announced: not announced,
                            description="Every commitment here is announced (a fact sheet or press release), none "
                                        "signed; left out when false.")


class DocInfo(BaseModel):
    doc_id: str
    name: str = Field(description="Short name used in sentences: the partner party, or a short title.")
    label: str = Field(default="", description="Column head made from parties and type, unique in the report: "
                                               "'US–Japan framework', 'US fact sheet', '12-party joint statement'.")
    title: str
    date: dt.date | None = None
    doc_type: str = "other"
    parties: list[str] = Field(default_factory=list)
    n_commitments: int = 0


class Evidence(BaseModel):
    clause_id: str
    doc_id: str
    citation: str
    page: int | None = None
    start: int = Field(default=0, description="Offset of the clause in the document's normalised text.")
    text: str = Field(description="The whole clause.")
    commitments: list[Commitment] = Field(default_factory=list, description="One per commitment type.")


class Body(BaseModel):
    name: str
    created: bool = Field(description="True when the document sets the body up (establish, create, convene...).")
    clause_ids: list[str] = Field(default_factory=list)


class Profile(BaseModel):
    """Legalisation (design.md): obligation, precision and delegation of one document."""

    doc_id: str
    n_commitments: int
    obligation: dict[str, int] = Field(description="Commitments per legal force, strongest first.")
    strongest: Modality | None = None
    precision: float = Field(description="Share of commitments naming an amount, a deadline, a mineral or a project.")
    precise: dict[str, int] = Field(description="Commitments naming an amount / deadline / mineral / project.")
    delegation: list[Body] = Field(default_factory=list, description="Bodies the document creates or names.")


class Provision(BaseModel):
    doc_id: str
    clause_id: str
    citation: str
    text: str
    modality: Modality
    amounts: list[Amount] = Field(default_factory=list)
    deadline: Deadline | None = None
    minerals: list[str] = Field(default_factory=list)
    institutions: list[str] = Field(default_factory=list)


class Difference(BaseModel):
    aspect: Aspect
    sentence: str


class Alignment(BaseModel):
    type: str
    similarity: float = Field(description="Lowest cosine between any two of its clauses.")
    provisions: dict[str, Provision] = Field(description="doc_id -> its clause; documents without one are absent.")
    differences: list[Difference] = Field(default_factory=list)


class TypeComparison(BaseModel):
    type: str
    label: str
    present_in: list[str]
    summary: str
    aligned: list[Alignment] = Field(default_factory=list)
    unmatched: list[Provision] = Field(default_factory=list, description="Clauses no other document matches.")


class ComparisonReport(BaseModel):
    doc_ids: list[str]
    documents: list[DocInfo]
    types: list[str]
    matrix: dict[str, dict[str, Cell]]
    evidence: dict[str, Evidence] = Field(description="clause_id -> the clause, its citation and commitments.")
    profiles: dict[str, Profile]
    alignments: list[TypeComparison]
    threshold: float

    def doc(self, doc_id: str) -> DocInfo:
        return next(d for d in self.documents if d.doc_id == doc_id)
