"""SQLite, the record of truth: documents, sections, clauses, commitments and the FTS5 index."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from extract.models import Commitment
from ingest.models import Clause, Document, Section
from kb.models import DocSummary, SearchFilters
from kb.store.term_counts import Freshness

MIGRATIONS = Migrations("accords.kb")
SCHEMA_VERSION = 4
# Filter combinations whose clause share is kept (see Store.clause_share); past this the cache starts again.
CACHED_SHARES = 256


@MIGRATIONS()
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE documents (
            doc_id TEXT PRIMARY KEY, title TEXT NOT NULL, date TEXT, parties TEXT NOT NULL DEFAULT '[]',
            doc_type TEXT NOT NULL, source TEXT NOT NULL, sha256 TEXT NOT NULL, text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}', n_clauses INTEGER NOT NULL, n_commitments INTEGER NOT NULL,
            ingested_at TEXT NOT NULL,
            vectors_state TEXT NOT NULL DEFAULT 'pending',  -- pending until Chroma holds every clause
            embed_model TEXT
        );
        CREATE INDEX documents_source ON documents(source);
        CREATE TABLE sections (
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE, section_id TEXT NOT NULL,
            label TEXT NOT NULL, heading TEXT NOT NULL, level INTEGER NOT NULL, parent TEXT,
            start INTEGER NOT NULL, "end" INTEGER NOT NULL, PRIMARY KEY (doc_id, section_id)
        );
        CREATE TABLE clauses (
            clause_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            ord INTEGER NOT NULL, section TEXT NOT NULL, heading TEXT NOT NULL, citation TEXT NOT NULL,
            kind TEXT NOT NULL, page INTEGER, page_end INTEGER, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
            text TEXT NOT NULL, types TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX clauses_doc ON clauses(doc_id, ord);
        CREATE TABLE commitments (
            id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            clause_id TEXT NOT NULL, type TEXT NOT NULL, modality TEXT NOT NULL, record TEXT NOT NULL
        );
        CREATE INDEX commitments_clause ON commitments(clause_id);
        CREATE INDEX commitments_type ON commitments(type, doc_id);
        CREATE VIRTUAL TABLE clause_fts USING fts5(
            clause_id UNINDEXED, doc_id UNINDEXED, text, heading, title,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        """
    )


@MIGRATIONS()
def m002_documents_state(db: Database) -> None:
    # Every search asks for pending documents and stored model names; without these it scans each row's text.
    db.execute("CREATE INDEX IF NOT EXISTS documents_state ON documents(vectors_state)")
    db.execute("CREATE INDEX IF NOT EXISTS documents_model ON documents(embed_model)")


@MIGRATIONS()
def m003_documents_published(db: Database) -> None:
    # The posting date, kept apart from `date` (signed or issued); rows stored before it stay NULL until re-ingested.
    db.execute("ALTER TABLE documents ADD COLUMN published TEXT")


@MIGRATIONS()
def m004_documents_text_hash(db: Database) -> None:
    # Ingest asks "is this text stored already under another id?" once per new document: one indexed lookup.
    db.execute("ALTER TABLE documents ADD COLUMN text_hash TEXT")
    rows = db.execute("SELECT doc_id, text FROM documents").fetchall()
    db.conn.executemany("UPDATE documents SET text_hash = ? WHERE doc_id = ?",
                        [(text_hash(text), doc_id) for doc_id, text in rows])
    db.execute("CREATE INDEX IF NOT EXISTS documents_text_hash ON documents(text_hash)")


def open_database(path: Path) -> Database:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=30000")
    return db


class Store:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._shares: dict[str, float] = {}
        self._shares_fresh = Freshness(db)
        MIGRATIONS.apply(db)

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (and create or migrate) the database; processes starting together migrate one at a time."""
        from filelock import FileLock

        db = open_database(path)
        if MIGRATIONS.pending(db):
            with FileLock(str(path) + ".schema.lock"):
                return cls(db)  # applies what another process has not applied meanwhile
        return cls(db)

    # -- writing ----------------------------------------------------------------------------
    def fingerprint(self, doc_id: str) -> str | None:
        row = self.db.execute("SELECT sha256 FROM documents WHERE doc_id = ?", [doc_id]).fetchone()
        return row[0] if row else None

    def doc_id_for_source(self, source: str, sha256: str) -> str | None:
        row = self.db.execute(
            "SELECT doc_id FROM documents WHERE source = ? AND sha256 = ?",
            [source, sha256],
        ).fetchone()
        return row[0] if row else None

    def doc_id_for_text(self, digest: str, other_than: str) -> str | None:
        """The stored document (the first one stored, if several) whose text hashes to digest, other_than aside."""
        row = self.db.execute(
            "SELECT doc_id FROM documents WHERE text_hash = ? AND doc_id != ? AND vectors_state != 'removing' "
            "ORDER BY ingested_at, doc_id LIMIT 1",
            [digest, other_than],
        ).fetchone()
        return row[0] if row else None

    def save(self, doc: Document, commitments: list[Commitment],
             types_by_clause: dict[str, list[str]] | None = None) -> None:
        """Replace the document whole, in one transaction; vectors stay 'pending' until mark_ready.
        types_by_clause is clause_types(commitments), when the caller has it already."""
        if types_by_clause is None:
            types_by_clause = clause_types(commitments)
        with self.db.atomic():
            self._delete_rows(doc.doc_id)
            self.db.table("documents").insert(
                {
                    "doc_id": doc.doc_id, "title": doc.title, "date": doc.date.isoformat() if doc.date else None,
                    "published": doc.published.isoformat() if doc.published else None,
                    "parties": json.dumps(doc.parties), "doc_type": doc.doc_type, "source": doc.source,
                    "sha256": doc.sha256, "text": doc.text, "meta": json.dumps(doc.meta),
                    "n_clauses": len(doc.clauses), "n_commitments": len(commitments),
                    "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "vectors_state": "pending", "embed_model": None, "text_hash": text_hash(doc.text),
                }
            )
            self.db.table("sections").insert_all(
                ({"doc_id": doc.doc_id, **s.model_dump()} for s in doc.sections), batch_size=500
            )
            self.db.table("clauses").insert_all(
                (
                    {**c.model_dump(), "doc_id": doc.doc_id, "ord": i,
                     "types": json.dumps(types_by_clause.get(c.clause_id, []))}
                    for i, c in enumerate(doc.clauses)
                ),
                batch_size=500,
            )
            self.db.table("commitments").insert_all(
                (
                    {"doc_id": doc.doc_id, "clause_id": c.clause_id, "type": c.type, "modality": c.modality,
                     "record": c.model_dump_json()}
                    for c in commitments
                ),
                batch_size=500,
            )
            self.db.table("clause_fts").insert_all(
                ({"clause_id": c.clause_id, "doc_id": doc.doc_id, "text": c.text, "heading": c.heading,
                  "title": doc.title} for c in doc.clauses),
                batch_size=500,
            )

    def mark_ready(self, doc_ids: list[str], embed_model: str) -> None:
        with self.db.atomic():
            for chunk in _chunks(doc_ids, 500):
                self.db.execute(
                    f"UPDATE documents SET vectors_state = 'ready', embed_model = ? "
                    f"WHERE doc_id IN ({','.join('?' * len(chunk))})", [embed_model, *chunk]
                )

    def set_state(self, doc_ids: list[str], state: str) -> None:
        with self.db.atomic():
            for doc_id in doc_ids:
                self.db.execute("UPDATE documents SET vectors_state = ? WHERE doc_id = ?", [state, doc_id])

    def rebuild_fts(self, doc_id: str) -> None:
        with self.db.atomic():
            self.db.execute("DELETE FROM clause_fts WHERE doc_id = ?", [doc_id])
            self.db.execute(
                "INSERT INTO clause_fts (clause_id, doc_id, text, heading, title) SELECT c.clause_id, c.doc_id, "
                "c.text, c.heading, d.title FROM clauses c JOIN documents d ON d.doc_id = c.doc_id WHERE c.doc_id = ?",
                [doc_id],
            )
            self.db.execute("UPDATE documents SET n_clauses = (SELECT count(*) FROM clauses WHERE doc_id = ?) "
                            "WHERE doc_id = ?", [doc_id, doc_id])

    def delete(self, doc_id: str) -> bool:
        with self.db.atomic():
            existed = self.fingerprint(doc_id) is not None
            self._delete_rows(doc_id)
        return existed

    def _delete_rows(self, doc_id: str) -> None:
        for table in ("clause_fts", "commitments", "clauses", "sections", "documents"):
            self.db.execute(f"DELETE FROM {table} WHERE doc_id = ?", [doc_id])

    # -- reading ----------------------------------------------------------------------------
    def doc_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()]

    def doc_ids_in_state(self, state: str) -> list[str]:
        rows = self.db.execute("SELECT doc_id FROM documents WHERE vectors_state = ? ORDER BY doc_id", [state])
        return [r[0] for r in rows.fetchall()]

    def clause_owners(self) -> dict[str, str]:
        """Every stored clause id and the document it belongs to."""
        return dict(self.db.execute("SELECT clause_id, doc_id FROM clauses").fetchall())

    def fts_drift(self) -> list[str]:
        """Documents whose clause rows or full-text rows do not number what the document says."""
        return [r[0] for r in self.db.execute(
            "SELECT d.doc_id FROM documents d WHERE d.n_clauses != "
            "(SELECT count(*) FROM clause_fts f WHERE f.doc_id = d.doc_id) OR d.n_clauses != "
            "(SELECT count(*) FROM clauses c WHERE c.doc_id = d.doc_id)"
        ).fetchall()]

    def migrations(self) -> tuple[list[str], list[str]]:
        """Names of the schema migrations applied and of those still pending."""
        return ([m.name for m in MIGRATIONS.applied(self.db)], [m.name for m in MIGRATIONS.pending(self.db)])

    def embed_models(self) -> set[str]:
        rows = self.db.execute("SELECT DISTINCT embed_model FROM documents WHERE embed_model IS NOT NULL").fetchall()
        return {r[0] for r in rows}

    def summary(self, doc_id: str) -> DocSummary | None:
        rows = list(self._rows(f"SELECT {_SUMMARY_COLUMNS} FROM documents WHERE doc_id = ?", [doc_id]))
        return _summary(rows[0]) if rows else None

    def summaries(self, doc_type: str | None = None, doc_ids: list[str] | None = None) -> list[DocSummary]:
        """Every document's summary, or those of one type; doc_ids (when given) reads only those documents."""
        where, params = ([" doc_type = ?"], [doc_type]) if doc_type else ([], [])
        if doc_ids is not None:
            if not doc_ids:
                return []
            where.append(f" doc_id IN ({','.join('?' * len(doc_ids))})")
            params.extend(doc_ids)
        sql = f"SELECT {_SUMMARY_COLUMNS} FROM documents" + (" WHERE" + " AND".join(where) if where else "")
        return [_summary(row) for row in self._rows(sql + " ORDER BY date, doc_id", params)]

    def document(self, doc_id: str) -> Document | None:
        rows = list(self._rows("SELECT * FROM documents WHERE doc_id = ?", [doc_id]))
        if not rows:
            return None
        row = rows[0]
        sections = [Section(**{k: v for k, v in r.items() if k != "doc_id"})
                    for r in self._rows("SELECT * FROM sections WHERE doc_id = ? ORDER BY start", [doc_id])]
        return Document(
            doc_id=row["doc_id"], title=row["title"], date=row["date"], published=row["published"],
            parties=json.loads(row["parties"]), doc_type=row["doc_type"], source=row["source"], sha256=row["sha256"],
            text=row["text"],
            sections=sections, clauses=self.clauses(doc_id), meta=json.loads(row["meta"]),
        )

    def clauses(self, doc_id: str) -> list[Clause]:
        rows = self._rows("SELECT * FROM clauses WHERE doc_id = ? ORDER BY ord", [doc_id])
        return [_clause(r) for r in rows]

    def clause_rows(self, clause_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Clause rows joined with their document's title, keyed by clause_id."""
        out: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(clause_ids, 500):
            marks = ",".join("?" * len(chunk))
            sql = (f"SELECT c.*, d.title AS doc_title FROM clauses c JOIN documents d ON d.doc_id = c.doc_id "
                   f"WHERE c.clause_id IN ({marks})")
            for row in self._rows(sql, chunk):
                row["types"] = json.loads(row["types"])
                out[row["clause_id"]] = row
        return out

    def clause_texts(self, clause_ids: list[str]) -> dict[str, str]:
        return dict(self._select("SELECT clause_id, text FROM clauses WHERE clause_id IN ({marks})", clause_ids))

    def clause_types(self, clause_ids: list[str]) -> dict[str, list[str]]:
        """The commitment types extraction gave each clause."""
        rows = self._select("SELECT clause_id, types FROM clauses WHERE clause_id IN ({marks})", clause_ids)
        return {clause_id: json.loads(types or "[]") for clause_id, types in rows}

    def clause_sources(self, clause_ids: list[str]) -> list[tuple[str, str, str, str]]:
        """(clause_id, clause kind, document type, doc_id) of each clause."""
        return self._select("SELECT c.clause_id, c.kind, d.doc_type, c.doc_id FROM clauses c "
                            "JOIN documents d ON d.doc_id = c.doc_id WHERE c.clause_id IN ({marks})", clause_ids)

    def document_facts(self) -> list[tuple[str, list[str], str, int]]:
        """(doc_id, parties, doc_type, n_clauses) of every document."""
        rows = self.db.execute("SELECT doc_id, parties, doc_type, n_clauses FROM documents").fetchall()
        return [(d, json.loads(p or "[]"), t, n) for d, p, t, n in rows]

    def bm25(self, match: str, columns: str, weights: Iterable[float], filters: SearchFilters,
             limit: int) -> list[tuple[str, float]]:
        """Clauses matching an FTS5 expression in columns, best first, as (clause_id, BM25 score; higher is
        better); weights are the BM25 weights of the full-text table's columns in order."""
        rank = f"bm25(clause_fts, {', '.join(str(float(w)) for w in weights)})"
        params: list[Any] = [f"{columns} : ({match})"]
        if filters.is_empty():  # no join: FTS5 ranks its own rows, which is what keeps this fast at 100k
            sql = f"SELECT clause_id, {rank} AS rank FROM clause_fts WHERE clause_fts MATCH ? ORDER BY rank LIMIT ?"
        else:
            cond, extra = self.filter_sql(filters)
            params.extend(extra)
            sql = (f"SELECT f.clause_id, {rank} AS rank FROM clause_fts f "
                   "JOIN clauses c ON c.clause_id = f.clause_id JOIN documents d ON d.doc_id = c.doc_id "
                   f"WHERE clause_fts MATCH ? AND {cond} ORDER BY rank LIMIT ?")
        rows = self.db.execute(sql, [*params, limit]).fetchall()
        return [(clause_id, -float(score)) for clause_id, score in rows]

    def _select(self, sql: str, clause_ids: list[str]) -> list[Any]:
        """Run sql, whose `{marks}` stands for the placeholders of an IN list, over clause_ids in chunks."""
        rows: list[Any] = []
        for chunk in _chunks(clause_ids, 500):
            rows.extend(self.db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk).fetchall())
        return rows

    def commitments(self, doc_id: str | None = None, types: Iterable[str] = (),
                    modalities: Iterable[str] = (), with_deadline: bool = False) -> list[Commitment]:
        where, params = ["1 = 1"], []
        if with_deadline:  # read in SQLite: parsing every record to find the few with a deadline took a second at 100k
            where.append("json_extract(record, '$.deadline') IS NOT NULL")
        if doc_id:
            where.append("doc_id = ?")
            params.append(doc_id)
        types, modalities = list(types), list(modalities)
        if types:
            where.append(f"type IN ({','.join('?' * len(types))})")
            params.extend(types)
        if modalities:
            where.append(f"modality IN ({','.join('?' * len(modalities))})")
            params.extend(modalities)
        sql = f"SELECT record FROM commitments WHERE {' AND '.join(where)} ORDER BY doc_id, id"
        return [Commitment.model_validate_json(r[0]) for r in self.db.execute(sql, params).fetchall()]

    def commitment_cells(self, types: Iterable[str] = ()) -> list[tuple[str, str, str, str, bool]]:
        """(doc_id, type, legal force, clause_id, announced) of every commitment, in stored order, without
        parsing the records: what a documents x types grid needs."""
        types = list(types)
        where = f"WHERE type IN ({','.join('?' * len(types))})" if types else ""
        rows = self.db.execute(f"SELECT doc_id, type, modality, clause_id, coalesce(json_extract(record, '$.announced'), 0) "
                               f"FROM commitments {where} ORDER BY doc_id, id", types).fetchall()
        return [(d, t, m, c, bool(a)) for d, t, m, c, a in rows]

    def clause_commitments(self, clause_ids: list[str]) -> dict[str, list[Commitment]]:
        """The commitments of each of these clauses (clauses with none are left out)."""
        found: dict[str, list[Commitment]] = {}
        for clause_id, record in self._select("SELECT clause_id, record FROM commitments WHERE clause_id IN ({marks}) "
                                              "ORDER BY id", clause_ids):
            found.setdefault(clause_id, []).append(Commitment.model_validate_json(record))
        return found

    def embedding_inputs(self, doc_ids: list[str]) -> Iterator[tuple[str, str, str]]:
        """(clause_id, doc_id, text to embed) for each clause of the given documents."""
        for chunk in _chunks(doc_ids, 200):
            marks = ",".join("?" * len(chunk))
            sql = (f"SELECT c.clause_id, c.doc_id, c.heading, c.text, d.title FROM clauses c "
                   f"JOIN documents d ON d.doc_id = c.doc_id WHERE c.doc_id IN ({marks}) ORDER BY c.doc_id, c.ord")
            for clause_id, doc_id, heading, text, title in self.db.execute(sql, chunk).fetchall():
                yield clause_id, doc_id, embedding_text(title, heading, text)

    def filter_sql(self, filters: SearchFilters, clause_alias: str = "c", doc_alias: str = "d") -> tuple[str, list[Any]]:
        """SQL conditions (on clauses c joined to documents d) for the filters, with parameters."""
        where: list[str] = []
        params: list[Any] = []
        if filters.doc_ids:
            where.append(f"{doc_alias}.doc_id IN ({','.join('?' * len(filters.doc_ids))})")
            params.extend(filters.doc_ids)
        if filters.doc_types:
            where.append(f"{doc_alias}.doc_type IN ({','.join('?' * len(filters.doc_types))})")
            params.extend(filters.doc_types)
        if filters.parties:
            where.append(f"EXISTS (SELECT 1 FROM json_each({doc_alias}.parties) p "
                         f"WHERE lower(p.value) IN ({','.join('?' * len(filters.parties))}))")
            params.extend(p.lower() for p in filters.parties)
        if filters.types:
            where.append(f"EXISTS (SELECT 1 FROM json_each({clause_alias}.types) t "
                         f"WHERE t.value IN ({','.join('?' * len(filters.types))}))")
            params.extend(filters.types)
        if filters.date_from:
            where.append(f"{doc_alias}.date >= ?")
            params.append(filters.date_from.isoformat())
        if filters.date_to:
            where.append(f"{doc_alias}.date <= ?")
            params.append(filters.date_to.isoformat())
        return (" AND ".join(where) or "1 = 1"), params

    def clause_share(self, filters: SearchFilters) -> float:
        """The share of all clauses in documents passing document-level filters (not types).

        Kept until the database changes: a filtered search asks three or four times, and each count read
        every document row past its text (n_clauses is stored after it), 6 ms over 2,000 documents. An index
        covering the count made SQLite pick it for the filtered joins too, which then ran slower."""
        if self._shares_fresh.changed() or len(self._shares) >= CACHED_SHARES:
            self._shares.clear()
        key = filters.model_dump_json(exclude={"types"})
        if key not in self._shares:
            cond, params = self.filter_sql(filters.model_copy(update={"types": []}))
            kept, total = self.db.execute(
                f"SELECT coalesce(sum(CASE WHEN {cond} THEN n_clauses END), 0), coalesce(sum(n_clauses), 0) "
                "FROM documents d", params).fetchone()
            self._shares[key] = kept / total if total else 0.0
        return self._shares[key]

    def passing(self, clause_ids: list[str], filters: SearchFilters) -> set[str]:
        """Those of clause_ids that pass the filters."""
        cond, params = self.filter_sql(filters)
        out: set[str] = set()
        for chunk in _chunks(clause_ids, 500):
            sql = (f"SELECT c.clause_id FROM clauses c JOIN documents d ON d.doc_id = c.doc_id "
                   f"WHERE c.clause_id IN ({','.join('?' * len(chunk))}) AND {cond}")
            out.update(r[0] for r in self.db.execute(sql, [*chunk, *params]).fetchall())
        return out

    def clause_ids_where(self, filters: SearchFilters) -> list[str]:
        cond, params = self.filter_sql(filters)
        sql = f"SELECT c.clause_id FROM clauses c JOIN documents d ON d.doc_id = c.doc_id WHERE {cond}"
        return [r[0] for r in self.db.execute(sql, params).fetchall()]

    def _rows(self, sql: str, params: list[Any]) -> Iterator[dict[str, Any]]:
        cursor = self.db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            yield dict(zip(names, row, strict=True))


# How embedding_text lays a clause out; stored with each document's model so that vectors made under another
# layout are refused like another model's (search says to run `accords reindex`). Tags before it had none.
EMBEDDING_LAYOUT = "text-first"
_FIRST_LAYOUT = "title-first"


def vector_tag(model_id: str) -> str:
    """What documents.embed_model records: model, backend and layout, e.g. all-MiniLM-L6-v2:fp32:text-first."""
    return f"{model_id}:{EMBEDDING_LAYOUT}"


def tag_layout(tag: str) -> str:
    parts = tag.split(":")
    return parts[2] if len(parts) > 2 else _FIRST_LAYOUT


def clause_types(commitments: Iterable[Commitment]) -> dict[str, list[str]]:
    """The commitment types of each clause, in the order the commitments come."""
    out: dict[str, list[str]] = {}
    for c in commitments:
        types = out.setdefault(c.clause_id, [])
        if c.type not in types:
            types.append(c.type)
    return out


def embedding_text(title: str, heading: str, text: str) -> str:
    """What a clause's vector encodes: its words first, then the heading and title that give them context.

    The clause's own words lead: a long title in front (an MOU's runs to 35 words) outweighed them, and
    twin clauses of sibling instruments drifted apart. Text first raised dense MRR on the gold queries
    from 0.60 to 0.65 (0.61 -> 0.66 and 0.59 -> 0.63 on the odd and even halves).

    Extraction embeds the clause's words alone, so ingest embeds each clause twice. No one layout served
    both (corpus gold, hybrid R@5 / MRR and extraction macro-F1, leave-one-document-out): this one for both
    costs extraction 0.042 (0.859 -> 0.817); the words alone for both cost search 0.010 / 0.021
    (0.775 / 0.926 -> 0.765 / 0.905); words and heading cost search 0.021 / 0.025; a title and heading
    vector mixed into the words' vector did no better than the words alone; pooling only the clause's own
    tokens of the in-context pass cost extraction 0.031.
    """
    context = " — ".join(part for part in (heading, title) if part)
    return f"{text} ({context})" if context else text


_SUMMARY_COLUMNS = "doc_id, title, date, parties, doc_type, n_clauses, n_commitments, published"
# Characters that markup leaves in a text (Markdown emphasis, headings, quotes, tables, code) and that differ
# between two postings of the same words, e.g. one saved as Markdown and one as plain text.
_MARKUP = re.compile(r"[*_#>`~|]+")
_SPACE = re.compile(r"\s+")


def text_hash(text: str) -> str:
    """What decides "the same text": a document's words with markup dropped and white space collapsed, hashed.

    Case, words and other punctuation are kept: texts that differ in what a reader reads are different texts.
    """
    words = _SPACE.sub(" ", _MARKUP.sub("", unicodedata.normalize("NFKC", text))).strip()
    return hashlib.sha256(words.encode("utf-8")).hexdigest()


def _summary(row: dict[str, Any]) -> DocSummary:
    return DocSummary(
        doc_id=row["doc_id"], title=row["title"], date=row["date"], parties=json.loads(row["parties"]),
        doc_type=row["doc_type"], n_clauses=row["n_clauses"], n_commitments=row["n_commitments"],
        published=row["published"],
    )


def _clause(row: dict[str, Any]) -> Clause:
    return Clause(**{k: v for k, v in row.items() if k in Clause.model_fields})


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
