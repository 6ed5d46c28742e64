"""The one Python API: the CLI, the HTTP API and the MCP server are thin shells over KnowledgeBase.

Every capability is a method here, with typed inputs and pydantic results: ingest, reading, search,
commitments, compare and report, deadlines, claims, diff, the context pack, doctor and repair,
reindex and evaluation. The shells never reach past it to the store, the index or the encoder.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import ingest
from extract.models import Commitment
from ingest.loader import Discovered
from ingest.models import Document
from kb.context import ContextPack, build_context
from kb.errors import StaleVectors, UnknownDocument, UsageProblem
from kb.followthrough.claims import ClaimsReport, check_claims
from kb.followthrough.deadlines import INSTRUMENT_TYPES, DeadlineRow, list_deadlines
from kb.followthrough.diff import DiffReport, diff_documents
from kb.models import (
    DocSummary,
    FailedFile,
    IngestedFile,
    IngestReport,
    SearchFilters,
    SearchMode,
    SearchResults,
    SkippedFile,
)
from kb.names import canonical_party, names_mineral, party_key
from kb.report.build import ALIGN_THRESHOLD, compare_documents, report_documents
from kb.report.models import ComparisonReport
from kb.settings import Settings
from kb.store.doctor import DoctorReport, diagnose, docs_missing_vectors, orphan_vectors
from kb.store.faults import crash_point
from kb.store.sqlite import EMBEDDING_LAYOUT, Store, clause_types, embedding_text, tag_layout, text_hash, vector_tag

if TYPE_CHECKING:
    import numpy as np

    from extract.encoder import Encoder
    from ingest.models import Clause
    from kb.eval.extraction import ExtractionReport
    from kb.eval.fusion import FusionReport
    from kb.eval.ingest import IngestEvalReport
    from kb.eval.search import SearchEvalReport
    from kb.search.ranker import HybridLists
    from kb.search.searcher import Searcher
    from kb.store.vectors import VectorIndex

ProgressHook = Callable[[str], None]
NewStatus = Literal["added", "updated"]  # what a parsed file becomes when stored
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
        from kb.store.vectors import VectorIndex

        return VectorIndex.open(self.settings.chroma_path, self.settings.chroma_url)

    @cached_property
    def encoder(self) -> Encoder:
        from extract.encoder import get_encoder

        return get_encoder(self.settings.embed_model, self.settings.embed_backend)

    @cached_property
    def extractor(self):
        from extract import Extractor

        return Extractor(spacy_model=self.settings.spacy_model, encoder=self.encoder)

    @cached_property
    def searcher(self) -> Searcher:
        from kb.search.searcher import Searcher

        return Searcher(self.store, lambda: self.index, lambda: self.encoder, cache_dir=self.settings.data_dir / "cache",
                        thesaurus=self.settings.thesaurus, fusion=self.settings.fusion)

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path | str], on_file: ProgressHook | None = None, *,
               keep_duplicates: bool = False) -> IngestReport:
        """Store every file under paths; a bad file lands in `failed` and the rest go on.

        A new document whose text is already stored under another id (or comes earlier in this run) is
        reported as a `duplicate` and not stored, unless keep_duplicates. paths may be what
        ingest.discover returned, so that a caller who walked the folders already does not walk them again.
        """
        files = paths if isinstance(paths, Discovered) else ingest.discover(paths)
        report = IngestReport(skipped=[SkippedFile(path=str(s.path), reason=s.reason) for s in files.skipped])
        self.repair_vectors()
        this_run: dict[str, str] = {}  # text hash -> doc_id of a document parsed in this run and going to be stored
        # Shorter names first: of two copies of one text, the one kept is the plain name, not the copy's
        # suffixed one ("report-2025" over "report-2025-copy"); the report goes back to file order below.
        for batch in _chunks(sorted(files, key=lambda p: (len(Path(p).name), str(p))), BATCH_FILES):
            parsed: list[tuple[Path, Document, NewStatus]] = []
            for path in batch:
                try:
                    outcome = self._load_if_changed(path)
                except ingest.IngestError as exc:
                    report.failed.append(FailedFile(path=str(path), error=exc.reason))
                else:
                    if isinstance(outcome, IngestedFile):
                        report.ingested.append(outcome)
                    else:
                        doc, status = outcome
                        same_as = None if keep_duplicates else self._same_text(doc, status, this_run)
                        if same_as:
                            report.ingested.append(IngestedFile(
                                doc_id=doc.doc_id, path=str(path), title=doc.title, status="duplicate",
                                n_clauses=len(doc.clauses), n_commitments=0, same_as=same_as))
                        else:
                            this_run.setdefault(text_hash(doc.text), doc.doc_id)
                            parsed.append((path, doc, status))
                if on_file:
                    on_file(str(path))
            report.ingested.extend(self._store_batch(parsed))
        # Stored documents are reported after their batch; put every line back in file order, so that a
        # duplicate comes after the document it repeats.
        order: dict[str, int] = {}
        for i, path in enumerate(files):
            order.setdefault(str(path), i)
        report.ingested.sort(key=lambda item: order.get(item.path, len(order)))
        return report

    def _same_text(self, doc: Document, status: NewStatus, this_run: dict[str, str]) -> str | None:
        """The id of another document with doc's text, stored or coming earlier in this run; else None.

        Only a new id is checked: a stored document that changed is the user's own to update, whatever it
        now resembles, and refusing the update would leave its old text standing.
        """
        if status != "added":
            return None
        digest = text_hash(doc.text)
        earlier = this_run.get(digest)
        if earlier and earlier != doc.doc_id:
            return earlier
        return self.store.doc_id_for_text(digest, other_than=doc.doc_id)

    def _load_if_changed(self, path: Path) -> IngestedFile | tuple[Document, NewStatus]:
        digest = None
        if path.is_file() and path.stat().st_size > 0:
            digest = ingest.fingerprint(path)
            known = self.store.doc_id_for_source(str(path.resolve()), digest)
            summary = self.store.summary(known) if known else None
            if summary:
                return IngestedFile(doc_id=summary.doc_id, path=str(path), title=summary.title, status="unchanged",
                                    n_clauses=summary.n_clauses, n_commitments=summary.n_commitments)
        doc = ingest.load(path, limits=self.settings.limits(), sha256=digest)
        previous = self.store.fingerprint(doc.doc_id)
        if previous == doc.sha256:
            return IngestedFile(doc_id=doc.doc_id, path=str(path), title=doc.title, status="unchanged",
                                n_clauses=len(doc.clauses), n_commitments=len(self.store.commitments(doc.doc_id)))
        return doc, ("updated" if previous else "added")

    def _store_batch(self, parsed: list[tuple[Path, Document, NewStatus]]) -> list[IngestedFile]:
        """Extract and embed outside the write lock; then SQLite, then Chroma, then mark ready."""
        if not parsed:
            return []
        docs = [doc for _, doc, _ in parsed]
        found = self.extract_many(docs)
        types = [clause_types(commitments) for commitments in found]
        ids, texts, metadatas = self._vector_inputs(docs, types)
        vectors = self.encoder.encode(texts)
        with self.writing():
            for doc, commitments, doc_types in zip(docs, found, types, strict=True):
                self.store.save(doc, commitments, doc_types)
            crash_point("after-sqlite")
            self._replace_vectors([d.doc_id for d in docs], ids, vectors, metadatas)
        return [
            IngestedFile(doc_id=doc.doc_id, path=str(path), title=doc.title, status=status,
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
    def _vector_inputs(docs: list[Document], types_by_doc: list[dict[str, list[str]]]
                       ) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        """Ids, texts to embed and Chroma metadata of every clause of docs."""
        from kb.store.vectors import clause_metadata

        ids: list[str] = []
        texts: list[str] = []
        metadatas: list[dict[str, Any]] = []
        for doc, types in zip(docs, types_by_doc, strict=True):
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
            types = [clause_types(self.store.commitments(d.doc_id)) for d in docs]
            ids, texts, metadatas = self._vector_inputs(docs, types)
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
        from kb.store.locking import write_lock

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
            crash_point("mid-removal")
            self.store.delete(doc_id)

    # -- reading ------------------------------------------------------------------------------
    def documents(self, doc_type: str | None = None, party: str | None = None,
                  doc_ids: Iterable[str] | None = None) -> list[DocSummary]:
        """Stored documents; party keeps those whose parties include it (see party_key); doc_ids reads only
        those (unknown ones are left out)."""
        found = self.store.summaries(doc_type, sorted(set(doc_ids)) if doc_ids is not None else None)
        if party:
            wanted = party_key(party)
            found = [s for s in found if wanted in {party_key(p) for p in s.parties}]
        return found

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
                    mineral: str | None = None, with_deadline: bool = False) -> list[Commitment]:
        """Stored commitments, filtered; min_force keeps that legal force and stronger, with_deadline only
        those with a deadline.

        party keeps the commitments of documents the party is party to, and those whose actors name it
        (a third country committing in someone else's agreement); mineral keeps commitments naming it
        as a whole word. The CLI, the HTTP API and the MCP tools all filter through here.
        """
        from extract.models import MODALITIES, force_rank

        if doc_id:
            self.require(doc_id)
        modalities = list(modalities)
        if min_force:
            if min_force not in MODALITIES:
                raise UsageProblem(f"unknown legal force {min_force!r}; use one of {', '.join(MODALITIES)}")
            strong = [m for m in MODALITIES if force_rank(m) >= force_rank(min_force)]
            modalities = [m for m in modalities if m in strong] if modalities else strong
        found = self.store.commitments(doc_id, types, modalities, with_deadline)
        if party:
            wanted = party_key(party)
            theirs = {s.doc_id for s in self.documents(party=party)}
            found = [c for c in found if c.clause_id.split("/", 1)[0] in theirs
                     or any(party_key(a) == wanted for a in c.actors)]
        if mineral:
            found = [c for c in found if names_mineral(c.minerals, mineral)]
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
        if filters and filters.parties:
            # Stored parties are normalised at ingest, so the asked-for names must be too ("U.S.", "japan").
            filters = filters.model_copy(update={"parties": [canonical_party(p) for p in filters.parties]})
        return self.searcher.search_many(queries, k, filters, mode)

    def hybrid_lists(self, queries: list[str], k: int = 10) -> list[HybridLists]:
        """Each query's ranked lists before fusion (what the learned ranker is fitted on)."""
        self.check_vectors()
        lists: list[HybridLists] = []
        self.searcher.search_many(queries, k, mode="hybrid", collect=lists)
        return lists

    def clause_sources(self, clause_ids: list[str]) -> dict[str, tuple[str, str, str]]:
        """Each clause's kind, its document's type and its doc_id."""
        return {cid: (kind, doc_type, doc_id) for cid, kind, doc_type, doc_id in self.store.clause_sources(clause_ids)}

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

    def doc_ids(self) -> list[str]:
        return self.store.doc_ids()

    def clauses(self, doc_id: str) -> list[Clause]:
        self.require(doc_id)
        return self.store.clauses(doc_id)

    def commitment_cells(self, types: Iterable[str] = ()) -> list[tuple[str, str, str, str, bool]]:
        """(doc_id, type, legal force, clause_id, announced) of every stored commitment (of these types)."""
        return self.store.commitment_cells(types)

    def clause_commitments(self, clause_ids: list[str]) -> dict[str, list[Commitment]]:
        """The stored commitments of each of these clauses; clauses with none are left out."""
        return self.store.clause_commitments(clause_ids)

    def clause_rows(self, clause_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Stored clauses by id, each with its citation, page, text and document title."""
        return self.store.clause_rows(clause_ids)

    def clause_vectors(self, clause_ids: list[str], embed_missing: bool = True) -> dict[str, np.ndarray]:
        """The stored clause vectors; a clause Chroma lacks is embedded from its stored text unless
        embed_missing is False (then it is simply absent)."""
        vectors = self.index.vectors(clause_ids)
        missing = set(clause_ids) - set(vectors)
        if missing and embed_missing:
            doc_ids = sorted({cid.split("/", 1)[0] for cid in missing})
            rows = [r for r in self.store.embedding_inputs(doc_ids) if r[0] in missing]
            if rows:
                encoded = self.encoder.encode([text for _, _, text in rows])
                vectors.update({cid: encoded[i] for i, (cid, _, _) in enumerate(rows)})
        return vectors

    # -- comparing and following through --------------------------------------------------------
    def compare(self, doc_ids: Sequence[str], threshold: float = ALIGN_THRESHOLD) -> ComparisonReport:
        """The comparison report of two or more stored documents."""
        return compare_documents(self, doc_ids, threshold)

    def report(self, doc_type: str | None = None, party: str | None = None,
               threshold: float = ALIGN_THRESHOLD) -> ComparisonReport:
        """Compare every agreement, framework and memorandum (or every document of doc_type), optionally
        only those party is party to."""
        return report_documents(self, doc_type, threshold, party)

    def deadlines(self, before: dt.date | None = None, after: dt.date | None = None, party: str | None = None,
                  as_of: dt.date | None = None, *, doc_types: Iterable[str] = (),
                  statuses: Iterable[str] = (), signed: bool = False) -> list[DeadlineRow]:
        """Every commitment with a deadline: dated rows by date, then those whose date is not known.

        signed keeps signed instruments only: fact sheets, press releases and commentaries retell
        another document's deadlines."""
        types = [*doc_types, *(INSTRUMENT_TYPES if signed else ())]
        return list_deadlines(self, before, after, party, as_of, doc_types=types, statuses=statuses)

    def claims(self, doc_id: str, against: str | Iterable[str] | None = None) -> ClaimsReport:
        """Check what a press release or fact sheet says against the signed texts it describes."""
        return check_claims(self, doc_id, against)

    def diff(self, old_id: str, new_id: str) -> DiffReport:
        """What changed between two versions of a document: clauses and commitments."""
        return diff_documents(self, old_id, new_id)

    def context(self, question: str, k: int = 20, filters: SearchFilters | None = None,
                mode: SearchMode = "hybrid", max_tokens: int = 2000) -> ContextPack:
        """The best clauses for a question with citations and commitments, within a token budget."""
        return build_context(self, question, k, filters, mode, max_tokens)

    # -- upkeep -------------------------------------------------------------------------------------
    def doctor(self) -> DoctorReport:
        """Check SQLite against Chroma, the schema and the configured embedding model."""
        return diagnose(self.store, self.index, self.settings.embed_model)

    def repair(self) -> DoctorReport:
        """Fix every problem doctor() finds; returns a fresh diagnosis listing what was done."""
        before = self.doctor()
        repairs: list[str] = []
        with self.writing():  # taking the lock finishes interrupted documents
            if before.interrupted:
                repairs.append(f"finished {len(before.interrupted)} interrupted documents")
            if before.foreign_models:
                self.reindex()
                repairs.append("rebuilt every vector with the configured model")
            if orphans := orphan_vectors(self.store, self.index):
                self.index.delete_ids(orphans)
                repairs.append(f"deleted {len(orphans)} orphan vectors")
            if drift := self.store.fts_drift():
                for doc_id in drift:
                    self.store.rebuild_fts(doc_id)
                repairs.append(f"rebuilt the full-text rows of {len(drift)} documents")
            if missing := docs_missing_vectors(self.store, self.index):
                self.rebuild_vectors(missing)
                repairs.append(f"re-embedded {len(missing)} documents with missing vectors")
        after = self.doctor()
        after.repairs = repairs
        return after

    def load_thesaurus(self) -> None:
        """Read the configured search thesaurus now: a server checks it before it starts, so that a bad
        file is one error at start-up rather than one per search."""
        from kb.search.expansion import load_thesaurus

        load_thesaurus(self.settings.thesaurus)

    def warm_up(self) -> None:
        """Open the store and load the embedding model now, so that the first search is fast."""
        self.store.doc_ids()
        self.searcher.encoder.encode(["warm up"], one_thread=True)

    # -- evaluation -----------------------------------------------------------------------------
    def evaluate_search(self, gold: Iterable[str | Path] | str | Path | None = None,
                        k_values: Sequence[int] = (5, 10)) -> SearchEvalReport:
        """Recall and reciprocal rank of this knowledge base's search on gold queries."""
        from kb.eval.search import evaluate_search, gold_files

        return evaluate_search(self, gold_files(gold), k_values=tuple(k_values))

    def evaluate_extraction(self, gold: Iterable[str | Path] | str | Path | None = None,
                            corpus_dir: str | Path = "corpus", *, lodo: bool = True) -> ExtractionReport:
        """Score the configured extractor on gold clauses of corpus documents (leave-one-document-out
        unless lodo is False)."""
        from kb.eval.extraction import evaluate_extraction, gold_files

        return evaluate_extraction(gold_files(gold), corpus_dir, self.extractor, lodo=lodo)

    def evaluate_clauses(self, path: str | Path) -> ExtractionReport:
        """Score the configured extractor on loose labelled clauses (JSON lines)."""
        from kb.eval.extraction import evaluate_clauses

        return evaluate_clauses(path, self.extractor)

    def evaluate_fusion(self, write: Path | None = None) -> FusionReport:
        """Fit the learned ranker on the gold queries (cross-validated) and compare it with the hand-set
        fusion on the held-out query sets; write the fitted ranker to `write` when given."""
        from kb.eval.fusion import evaluate_fusion

        return evaluate_fusion(self, write=write)

    @staticmethod
    def evaluate_ingest(gold: str | Path) -> IngestEvalReport:
        """Score ingest (metadata, citations, markup left) on a labelled folder of real postings."""
        from kb.eval.ingest import evaluate_ingest

        return evaluate_ingest(Path(gold))


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
