"""The one Python API: the CLI, the HTTP API and the MCP server are thin shells over KnowledgeBase."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ingest
from extract.models import Commitment
from ingest.models import Document
from kb.errors import StaleVectors, UnknownDocument, UsageProblem
from kb.faults import crash_point
from kb.models import (
    DocSummary,
    FailedFile,
    IngestedFile,
    IngestReport,
    SearchFilters,
    SearchMode,
    SearchResults,
)
from kb.settings import Settings
from kb.store import EMBEDDING_LAYOUT, Store, tag_layout, vector_tag

if TYPE_CHECKING:
    from extract.encoder import Encoder
    from kb.search import Searcher
    from kb.vectors import VectorIndex

ProgressHook = Callable[[str], None]
BATCH_FILES = 16  # documents parsed, extracted and embedded together


class KnowledgeBase:
    """A knowledge base in one data folder (SQLite file + Chroma folder, or a Chroma server)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.resolve()
        self._lock_depth = 0

    # -- parts, built on first use so that light commands stay light ------------------------
    @cached_property
    def store(self) -> Store:
        return Store.open(self.settings.db_path)

    @cached_property
    def index(self) -> VectorIndex:
        from kb.vectors import VectorIndex

        return VectorIndex.open(self.settings.chroma_path, self.settings.chroma_url)

    @cached_property
    def encoder(self) -> Encoder:
        from extract.encoder import get_encoder

        return get_encoder(self.settings.embed_model, self.settings.embed_backend)

    @cached_property
    def extractor(self):  # type: ignore[no-untyped-def]
        from extract import Extractor  # type: ignore[attr-defined]

        return Extractor(spacy_model=self.settings.spacy_model, encoder=self.encoder)

    @cached_property
    def searcher(self) -> Searcher:
        from kb.search import Searcher

        return Searcher(self.store, lambda: self.index, lambda: self.encoder, cache_dir=self.settings.data_dir / "cache",
                        thesaurus=self.settings.thesaurus)

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path | str], on_file: ProgressHook | None = None) -> IngestReport:
        """Store every file under paths; a bad file lands in `failed` and the rest go on."""
        files = ingest.discover(paths)
        report = IngestReport()
        self.repair_vectors()
        for batch in _chunks(files, BATCH_FILES):
            parsed: list[tuple[Path, Document, str]] = []
            for path in batch:
                try:
                    outcome = self._load_if_changed(path)
                except ingest.IngestError as exc:
                    report.failed.append(FailedFile(path=str(path), error=exc.reason))
                else:
                    if isinstance(outcome, IngestedFile):
                        report.ingested.append(outcome)
                    else:
                        parsed.append((path, outcome[0], outcome[1]))
                if on_file:
                    on_file(str(path))
            report.ingested.extend(self._store_batch(parsed))
        return report

    def _load_if_changed(self, path: Path) -> IngestedFile | tuple[Document, str]:
        if path.is_file() and path.stat().st_size > 0:
            digest = ingest.fingerprint(path)
            known = self.store.doc_id_for_source(str(path.resolve()), digest)
            summary = self.store.summary(known) if known else None
            if summary:
                return IngestedFile(doc_id=summary.doc_id, path=str(path), title=summary.title, status="unchanged",
                                    n_clauses=summary.n_clauses, n_commitments=summary.n_commitments)
        doc = ingest.load(path, limits=self.settings.limits())
        previous = self.store.fingerprint(doc.doc_id)
        if previous == doc.sha256:
            return IngestedFile(doc_id=doc.doc_id, path=str(path), title=doc.title, status="unchanged",
                                n_clauses=len(doc.clauses), n_commitments=len(self.store.commitments(doc.doc_id)))
        return doc, ("updated" if previous else "added")

    def _store_batch(self, parsed: list[tuple[Path, Document, str]]) -> list[IngestedFile]:
        """Extract and embed outside the write lock; then SQLite, then Chroma, then mark ready."""
        if not parsed:
            return []
        docs = [doc for _, doc, _ in parsed]
        found = self.extract_many(docs)
        ids, texts, metadatas = self._vector_inputs(docs, found)
        vectors = self.encoder.encode(texts)
        with self.writing():
            for doc, commitments in zip(docs, found, strict=True):
                self.store.save(doc, commitments)
            crash_point("after-sqlite")
            self._replace_vectors([d.doc_id for d in docs], ids, vectors, metadatas)
        return [
            IngestedFile(doc_id=doc.doc_id, path=str(path), title=doc.title, status=status,  # type: ignore[arg-type]
                         n_clauses=len(doc.clauses), n_commitments=len(commitments))
            for (path, doc, status), commitments in zip(parsed, found, strict=True)
        ]

    def extract_many(self, docs: list[Document]) -> list[list[Commitment]]:
        try:
            extractor = self.extractor
        except ImportError:  # extraction components not installed: store clauses without commitments
            return [[] for _ in docs]
        return list(extractor.extract_many(docs))

    @staticmethod
    def _vector_inputs(docs: list[Document], found: list[list[Commitment]]
                       ) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        from kb.store import embedding_text
        from kb.vectors import clause_metadata

        ids: list[str] = []
        texts: list[str] = []
        metadatas: list[dict[str, Any]] = []
        for doc, commitments in zip(docs, found, strict=True):
            types: dict[str, list[str]] = {}
            for c in commitments:
                types.setdefault(c.clause_id, []).append(c.type)
            for clause in doc.clauses:
                ids.append(clause.clause_id)
                texts.append(embedding_text(doc.title, clause.heading, clause.text))
                metadatas.append(clause_metadata(doc.doc_id, doc.doc_type, doc.date, doc.parties,
                                                 sorted(set(types.get(clause.clause_id, [])))))
        return ids, texts, metadatas

    def _replace_vectors(self, doc_ids: list[str], ids: list[str], vectors: Any,
                         metadatas: list[dict[str, Any]]) -> None:
        """Swap the documents' vectors; callers hold the write lock and SQLite marks them pending."""
        self.index.delete_docs(doc_ids)
        crash_point("after-vector-delete")
        half = len(ids) // 2
        self.index.upsert(ids[:half], vectors[:half], metadatas[:half])
        crash_point("mid-vectors")
        self.index.upsert(ids[half:], vectors[half:], metadatas[half:])
        crash_point("before-ready")
        self.store.mark_ready(doc_ids, vector_tag(self.encoder.model_id))

    def rebuild_vectors(self, doc_ids: list[str]) -> None:
        """Re-embed stored documents from SQLite (repair and reindex)."""
        for chunk in _chunks(doc_ids, 32):
            docs = [d for d in (self.store.document(doc_id) for doc_id in chunk) if d is not None]
            found = [self.store.commitments(d.doc_id) for d in docs]
            ids, texts, metadatas = self._vector_inputs(docs, found)
            self._replace_vectors([d.doc_id for d in docs], ids, self.encoder.encode(texts), metadatas)

    @contextmanager
    def writing(self, wait: bool = True) -> Iterator[bool]:
        """The write lock, re-entrant within one KnowledgeBase; yields False if busy and wait is False."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield True
            finally:
                self._lock_depth -= 1
            return
        from kb.locking import write_lock

        with write_lock(self.settings.data_dir, self.settings.lock_timeout_s, wait=wait) as held:
            if not held:
                yield False
                return
            self._lock_depth = 1
            try:
                self._finish_interrupted()
                yield True
            finally:
                self._lock_depth = 0

    def _finish_interrupted(self) -> None:
        """Complete what a killed process left: removals first, then vectors still pending."""
        for doc_id in self.store.doc_ids_in_state("removing"):
            self.index.delete_docs([doc_id])
            self.store.delete(doc_id)
        pending = self.store.doc_ids_in_state("pending")
        if pending:
            self.rebuild_vectors(pending)

    def repair_vectors(self, wait: bool = True) -> list[str]:
        """Finish documents a killed process left half-done; returns the ids it repaired.

        Readers pass wait=False: while another process writes, that writer finishes the work itself.
        """
        interrupted = self.store.doc_ids_in_state("pending") + self.store.doc_ids_in_state("removing")
        if interrupted:
            with self.writing(wait=wait) as held:
                if not held:
                    return []
        return interrupted

    def reindex(self) -> int:
        """Rebuild every vector from SQLite, e.g. after changing the embedding model."""
        with self.writing():
            doc_ids = self.store.doc_ids()
            self.rebuild_vectors(doc_ids)
        return len(doc_ids)

    def remove(self, doc_id: str) -> None:
        self.require(doc_id)
        with self.writing():
            self.store.set_state([doc_id], "removing")  # a kill from here on is finished by the next run
            self.index.delete_docs([doc_id])
            self.store.delete(doc_id)

    # -- reading ------------------------------------------------------------------------------
    def documents(self, doc_type: str | None = None) -> list[DocSummary]:
        return self.store.summaries(doc_type)

    def require(self, doc_id: str) -> None:
        if self.store.fingerprint(doc_id) is None:
            raise UnknownDocument(doc_id, self.store.doc_ids())

    def document(self, doc_id: str) -> Document:
        doc = self.store.document(doc_id)
        if doc is None:
            raise UnknownDocument(doc_id, self.store.doc_ids())
        return doc

    def commitments(self, doc_id: str | None = None, types: Iterable[str] = (), modalities: Iterable[str] = (),
                    *, min_force: str | None = None, party: str | None = None,
                    mineral: str | None = None) -> list[Commitment]:
        """Stored commitments, filtered; min_force keeps that legal force and stronger."""
        from extract.models import MODALITIES, force_rank

        if doc_id:
            self.require(doc_id)
        modalities = list(modalities)
        if min_force:
            if min_force not in MODALITIES:
                raise UsageProblem(f"unknown legal force {min_force!r}; use one of {', '.join(MODALITIES)}")
            strong = [m for m in MODALITIES if force_rank(m) >= force_rank(min_force)]
            modalities = [m for m in modalities if m in strong] if modalities else strong
        found = self.store.commitments(doc_id, types, modalities)
        if party:
            wanted = party.lower()
            found = [c for c in found if any(a.lower() == wanted for a in c.actors)]
        if mineral:
            wanted = mineral.lower()
            found = [c for c in found if any(wanted in m.lower() for m in c.minerals)]
        return found

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               mode: SearchMode = "hybrid") -> SearchResults:
        return self.search_many([query], k, filters, mode)[0]

    def search_many(self, queries: list[str], k: int = 10, filters: SearchFilters | None = None,
                    mode: SearchMode = "hybrid") -> list[SearchResults]:
        self.repair_vectors(wait=False)
        if mode != "lexical":
            self.check_vectors()
        for doc_id in (filters.doc_ids if filters else []):
            self.require(doc_id)
        return self.searcher.search_many(queries, k, filters, mode)

    def check_vectors(self) -> None:
        """Refuse to mix vectors of two models; decided by name, before any model is loaded."""
        from extract.encoder import model_name

        wanted = model_name(self.settings.embed_model)
        tags = self.store.embed_models()
        stored = {m.split(":")[0] for m in tags}
        if stored - {wanted}:
            raise StaleVectors(
                f"stored vectors were made with {', '.join(sorted(stored))}, but the configured model is {wanted}; "
                "run 'accords reindex' to rebuild them"
            )
        old_layouts = {tag_layout(m) for m in tags} - {EMBEDDING_LAYOUT}
        if old_layouts:
            raise StaleVectors(
                f"stored vectors lay clauses out as {', '.join(sorted(old_layouts))}, this version as "
                f"{EMBEDDING_LAYOUT}; run 'accords reindex' to rebuild them"
            )


def _chunks(items: list, size: int) -> Iterator[list]:  # type: ignore[type-arg]
    for i in range(0, len(items), size):
        yield items[i : i + size]
