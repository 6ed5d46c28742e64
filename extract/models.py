"""Commitment records: what one clause commits to, with the evidence span that says so."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Modality = Literal["binding", "commitment", "intent", "aspiration", "recital"]
# Strongest first; compare and filters rank legal force by this order.
MODALITIES: tuple[str, ...] = ("binding", "commitment", "intent", "aspiration", "recital")
Bound = Literal["exact", "at_least", "up_to", "about", "more_than"]


def force_rank(modality: str) -> int:
    """Higher is stronger: binding=4 ... recital=0."""
    return len(MODALITIES) - 1 - MODALITIES.index(modality)


class Amount(BaseModel):
    value: float = Field(description="Plain number in units of the currency, e.g. 1e9 for '$1 billion'.")
    currency: str | None = Field(default=None, description="ISO 4217 code, e.g. USD.")
    bound: Bound = "exact"
    text: str


# How a deadline's date was found, or why it has none: a date the text names; the document's date plus the
# period; or no date, because it runs from a later event, the document is undated, it counts business
# days, or it gives no unit to count.
DeadlineBasis = Literal["date_in_text", "from_document_date", "from_event", "undated_document", "business_days",
                        "not_computable", "duration"]
# What kind of time limit: a period to act in ("within six months"), a date to act by ("by 31 March 2026",
# "by the end of the year"), a cap on how long something may take ("no longer than 18 months": a duration,
# never a date), or the day something happens ("a forum to be held on 3 June 2026").
DeadlineKind = Literal["within", "by", "cap", "on"]


# Documents that announce what their authors do or will do; they sign nothing, so their force stops at
# commitment and their commitments are marked announced. Commentaries report others' and make none.
ANNOUNCING_TYPES = frozenset({"fact_sheet", "press_release"})


class Deadline(BaseModel):
    text: str
    days: int | None = Field(default=None, description="Nominal length: a month counts 30 days, a year 365.")
    date: dt.date | None = Field(default=None, description="The calendar date it falls due, when known.")
    basis: DeadlineBasis | None = Field(default=None, description="How the date was found, or why there is none "
                                                                  "(absent in records stored by older versions).")
    kind: DeadlineKind = Field(default="within", description="within, by, cap or on (see DeadlineKind).")


class Commitment(BaseModel):
    type: str
    modality: Modality
    actors: list[str] = Field(default_factory=list)
    minerals: list[str] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    deadline: Deadline | None = None
    institutions: list[str] = Field(default_factory=list)
    clause_id: str
    # Left out of the JSON when false, so a signed text's records keep design.md's shape.
    announced: bool = Field(default=False, exclude_if=lambda announced: not announced,
                            description="Made in a fact sheet or press release: a named actor's unilateral "
                                        "announcement, reported, not signed.")
    text: str = Field(description="The evidence span, verbatim from the clause.")
    start: int = Field(description="Offset of the evidence in the document's normalised text.")
    end: int
    confidence: float = 1.0
