"""The posting date survives the store, and databases made before it was kept are migrated in place."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import ingest
from kb.store.sqlite import MIGRATIONS, Store, open_database, text_hash

NOTE = """\
JOINT NOTE OF THE REPUBLIC OF QUELLMARK AND THE FEDERATION OF ORSOVIA ON BRENNITE

1. The Participants will exchange assay results for brennite ore from the Halden pits every quarter.
"""
POSTED = dt.date(2025, 10, 27)


def _document(tmp_path: Path) -> ingest.Document:
    path = tmp_path / "brennite-note.txt"
    path.write_text(NOTE, encoding="utf-8")
    return ingest.load(path).model_copy(update={"published": POSTED})


def test_published_round_trips_through_the_store(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "kb" / "accords.db")
    doc = _document(tmp_path)
    store.save(doc, [])
    back = store.document(doc.doc_id)
    assert back is not None and back.published == POSTED and back.date == doc.date
    summary = store.summary(doc.doc_id)
    assert summary is not None and summary.published == POSTED
    assert [s.published for s in store.summaries()] == [POSTED]


def test_docs_and_show_print_published(run_cli, kb, tmp_path: Path) -> None:
    doc = _document(tmp_path)
    kb.store.save(doc, [])
    listed = run_cli("docs", "--json")
    assert listed.code == 0, listed.stderr
    assert listed.json()[0]["published"] == "2025-10-27"
    shown = run_cli("show", doc.doc_id, "--json")
    assert shown.code == 0, shown.stderr
    assert shown.json()["published"] == "2025-10-27"


def test_unknown_published_leaves_the_documented_keys(run_cli, kb, tmp_path: Path) -> None:
    kb.store.save(_document(tmp_path).model_copy(update={"published": None}), [])
    [row] = run_cli("docs", "--json").json()
    assert set(row) == {"doc_id", "title", "date", "parties", "doc_type", "n_clauses", "n_commitments"}


def test_an_older_database_gains_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = open_database(path)
    MIGRATIONS.apply(db, stop_before="m003_documents_published")  # the schema as the previous release left it
    db.execute(
        "INSERT INTO documents (doc_id, title, doc_type, source, sha256, text, n_clauses, n_commitments, ingested_at) "
        "VALUES ('old-note', 'Old note', 'other', '/nowhere', 'x', ?, 0, 0, '2025-01-01T00:00:00+00:00')",
        [NOTE],
    )
    db.conn.commit()
    assert "published" not in db["documents"].columns_dict

    store = Store(db)
    assert {m.name for m in MIGRATIONS.pending(store.db)} == set()
    row = store.db.execute("SELECT published, text_hash FROM documents WHERE doc_id = 'old-note'").fetchone()
    assert row == (None, text_hash(NOTE))  # no posting date known; the hash is filled so copies are caught
    assert store.doc_id_for_text(text_hash(NOTE), other_than="new-note") == "old-note"
    indexes = {i.name for i in store.db["documents"].indexes}
    assert "documents_text_hash" in indexes
