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


class Deadline(BaseModel):
    text: str
    days: int | None = None
    date: dt.date | None = None


class Commitment(BaseModel):
    type: str
    modality: Modality
    actors: list[str] = Field(default_factory=list)
    minerals: list[str] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    deadline: Deadline | None = None
    institutions: list[str] = Field(default_factory=list)
    clause_id: str
    text: str = Field(description="The evidence span, verbatim from the clause.")
    start: int = Field(description="Offset of the evidence in the document's normalised text.")
    end: int
    confidence: float = 1.0
