"""The document model every stage shares: a Document owns its normalised text, and every
Section and Clause points into that text by character offsets."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

DocType = Literal[
    "agreement",
    "framework",
    "memorandum",
    "joint_statement",
    "action_plan",
    "fact_sheet",
    "press_release",
    "commentary",
    "executive_order",
    "other",
]
DOC_TYPES: tuple[str, ...] = DocType.__args__  # type: ignore[attr-defined]  # a Literal has __args__ at run time; mypy does not model it

# What part of the instrument a clause sits in; extraction reads recitals and narrative differently.
ClauseKind = Literal["title", "preamble", "recital", "provision", "heading", "signature", "annex", "narrative"]


class Section(BaseModel):
    section_id: str = Field(description="Structural path, e.g. 's1' or 's2.3'.")
    label: str = Field(description="Human label, e.g. 'Section I' or 'Article 3'.")
    heading: str = ""
    level: int = 1
    parent: str | None = None
    start: int = 0
    end: int = 0


class Clause(BaseModel):
    clause_id: str = Field(description="doc_id + '/' + structural path, stable across re-ingests.")
    section: str = Field(default="", description="Label of the section the clause sits in.")
    heading: str = Field(default="", description="Heading of that section, used as search context.")
    citation: str = Field(default="", description="How a person cites it: 'Section 2, para 3, p. 2'.")
    kind: ClauseKind = "provision"
    page: int | None = None
    page_end: int | None = None
    start: int
    end: int
    text: str


class Document(BaseModel):
    doc_id: str
    title: str
    date: dt.date | None = Field(default=None, description="Date signed when the text states one, else date issued.")
    published: dt.date | None = Field(default=None, description="When the posting was published (front matter, page meta).")
    parties: list[str] = Field(default_factory=list)
    doc_type: DocType = "other"
    source: str = ""
    sha256: str = ""
    text: str = Field(default="", description="The normalised text every offset points into.")
    sections: list[Section] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    meta: dict[str, str] = Field(default_factory=dict, description="Extra metadata (place, signatories...).")

    def clause(self, clause_id: str) -> Clause:
        for clause in self.clauses:
            if clause.clause_id == clause_id:
                return clause
        raise KeyError(clause_id)
