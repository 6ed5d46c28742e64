"""Check SQLite against Chroma: what disagrees, for KnowledgeBase.doctor() to report and repair() to fix.
SQLite is the truth; vectors follow it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from kb.store.sqlite import Store
    from kb.store.vectors import VectorIndex

SHOWN = 20  # ids listed per problem; the counts say how many there are in all


class DoctorReport(BaseModel):
    schema_migrations: list[str] = Field(default_factory=list)
    pending_migrations: list[str] = Field(default_factory=list)
    documents: int = 0
    clauses: int = 0
    vectors: int = 0
    interrupted: list[str] = Field(default_factory=list, description="Documents a killed process left half-done.")
    missing_vectors: int = 0
    missing_examples: list[str] = Field(default_factory=list)
    orphan_vectors: int = 0
    orphan_examples: list[str] = Field(default_factory=list)
    fts_drift: list[str] = Field(default_factory=list, description="Documents whose full-text rows differ.")
    foreign_models: list[str] = Field(default_factory=list, description="Embedding models other than the configured.")
    configured_model: str = ""
    repairs: list[str] = Field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.pending_migrations or self.interrupted or self.missing_vectors or self.orphan_vectors
                    or self.fts_drift or self.foreign_models)

    def problems(self) -> list[str]:
        out = []
        if self.pending_migrations:
            out.append(f"schema migrations not applied: {', '.join(self.pending_migrations)}")
        if self.interrupted:
            out.append(f"{len(self.interrupted)} documents left half-done by an interrupted run: "
                       f"{', '.join(self.interrupted[:SHOWN])}")
        if self.missing_vectors:
            out.append(f"{self.missing_vectors} clauses have no vector (e.g. {', '.join(self.missing_examples[:3])})")
        if self.orphan_vectors:
            out.append(f"{self.orphan_vectors} vectors have no clause (e.g. {', '.join(self.orphan_examples[:3])})")
        if self.fts_drift:
            out.append(f"full-text index out of step for {', '.join(self.fts_drift[:SHOWN])}")
        if self.foreign_models:
            out.append(f"vectors from {', '.join(self.foreign_models)} but the configured model is "
                       f"{self.configured_model}: run 'accords reindex' (or doctor --repair)")
        return out


def diagnose(store: Store, index: VectorIndex, configured_model: str) -> DoctorReport:
    """What disagrees between SQLite and Chroma, and with the configured embedding model."""
    owners = store.clause_owners()
    clause_ids = set(owners)
    vector_ids = index.all_ids()
    missing = sorted(clause_ids - vector_ids)
    orphans = sorted(vector_ids - clause_ids)
    model_names = {m.split(":")[0] for m in store.embed_models()}
    wanted = configured_model.rsplit("/", 1)[-1]
    applied, pending = store.migrations()
    return DoctorReport(
        schema_migrations=applied,
        pending_migrations=pending,
        documents=len(store.doc_ids()),
        clauses=len(clause_ids),
        vectors=len(vector_ids),
        interrupted=store.doc_ids_in_state("pending") + store.doc_ids_in_state("removing"),
        missing_vectors=len(missing),
        missing_examples=missing[:SHOWN],
        orphan_vectors=len(orphans),
        orphan_examples=orphans[:SHOWN],
        fts_drift=store.fts_drift(),
        foreign_models=sorted(m for m in model_names if m.rsplit("/", 1)[-1] != wanted),
        configured_model=configured_model,
    )


def orphan_vectors(store: Store, index: VectorIndex) -> list[str]:
    """Vector ids with no clause in SQLite."""
    return sorted(index.all_ids() - set(store.clause_owners()))


def docs_missing_vectors(store: Store, index: VectorIndex) -> list[str]:
    """Documents with at least one clause that has no vector."""
    vector_ids = index.all_ids()
    return sorted({doc_id for clause_id, doc_id in store.clause_owners().items() if clause_id not in vector_ids})
