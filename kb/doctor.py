"""Check SQLite against Chroma and repair what disagrees. SQLite is the truth; vectors follow it."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

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


def diagnose(kb: KnowledgeBase) -> DoctorReport:
    from kb.store import MIGRATIONS

    store, index = kb.store, kb.index
    clause_ids = {r[0] for r in store.db.execute("SELECT clause_id FROM clauses").fetchall()}
    vector_ids = index.all_ids()
    missing = sorted(clause_ids - vector_ids)
    orphans = sorted(vector_ids - clause_ids)
    drift = [
        r[0] for r in store.db.execute(
            "SELECT d.doc_id FROM documents d WHERE d.n_clauses != "
            "(SELECT count(*) FROM clause_fts f WHERE f.doc_id = d.doc_id) OR d.n_clauses != "
            "(SELECT count(*) FROM clauses c WHERE c.doc_id = d.doc_id)"
        ).fetchall()
    ]
    configured = kb.settings.embed_model
    model_names = {m.split(":")[0] for m in store.embed_models()}
    wanted = configured.rsplit("/", 1)[-1]
    return DoctorReport(
        schema_migrations=[m.name for m in MIGRATIONS.applied(store.db)],
        pending_migrations=[m.name for m in MIGRATIONS.pending(store.db)],
        documents=len(store.doc_ids()),
        clauses=len(clause_ids),
        vectors=len(vector_ids),
        interrupted=store.doc_ids_in_state("pending") + store.doc_ids_in_state("removing"),
        missing_vectors=len(missing),
        missing_examples=missing[:SHOWN],
        orphan_vectors=len(orphans),
        orphan_examples=orphans[:SHOWN],
        fts_drift=drift,
        foreign_models=sorted(m for m in model_names if m.rsplit("/", 1)[-1] != wanted),
        configured_model=configured,
    )


def repair(kb: KnowledgeBase) -> DoctorReport:
    """Fix every problem diagnose() finds; returns a fresh diagnosis listing what was done."""
    before = diagnose(kb)
    repairs: list[str] = []
    with kb.writing():  # taking the lock finishes interrupted documents
        if before.interrupted:
            repairs.append(f"finished {len(before.interrupted)} interrupted documents")
        if before.foreign_models:
            kb.reindex()
            repairs.append("rebuilt every vector with the configured model")
        now = diagnose(kb)
        if now.orphan_vectors:
            orphans = sorted(kb.index.all_ids() - {r[0] for r in kb.store.db.execute("SELECT clause_id FROM clauses")})
            kb.index.delete_ids(orphans)
            repairs.append(f"deleted {len(orphans)} orphan vectors")
        for doc_id in now.fts_drift:
            kb.store.rebuild_fts(doc_id)
        if now.fts_drift:
            repairs.append(f"rebuilt the full-text rows of {len(now.fts_drift)} documents")
        if now.missing_vectors:
            missing_docs = sorted({
                r[0] for r in kb.store.db.execute("SELECT doc_id FROM clauses").fetchall()
            } & _docs_missing_vectors(kb))
            kb.rebuild_vectors(missing_docs)
            repairs.append(f"re-embedded {len(missing_docs)} documents with missing vectors")
    after = diagnose(kb)
    after.repairs = repairs
    return after


def _docs_missing_vectors(kb: KnowledgeBase) -> set[str]:
    vector_ids = kb.index.all_ids()
    rows = kb.store.db.execute("SELECT clause_id, doc_id FROM clauses").fetchall()
    return {doc_id for clause_id, doc_id in rows if clause_id not in vector_ids}
