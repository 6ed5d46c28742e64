"""Final and procedural provisions: coming into effect, leaving, legal status, amendment, meetings...

Analysts ask about them as often as about commitments ("can one side walk away", "is any of this
enforceable"), but extraction types only commitments, so the type list cannot help, and the clauses answering
share few words with the questions. Each kind (kb/search/data/provisions.yaml) has the questions people ask about
it, which a query is compared with by vector like the taxonomy's examples, and the cues its clauses are
drafted with, which FTS5 finds (see Searcher._provision_list).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

PROVISIONS_FILE = Path(__file__).parent / "data" / "provisions.yaml"


class ProvisionKind(BaseModel):
    name: str
    description: str = Field(min_length=1)
    cues: list[str] = Field(min_length=1)  # FTS5 phrases: any one marks a clause as of this kind
    asks: list[str] = Field(min_length=1)  # how a user asks about it, in everyday words


@lru_cache(maxsize=2)
def load_provisions(path: Path = PROVISIONS_FILE) -> tuple[ProvisionKind, ...]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return tuple(ProvisionKind(name=name, **spec) for name, spec in data.items())
