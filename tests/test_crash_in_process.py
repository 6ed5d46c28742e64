"""Crash safety in one process: an ingest or a removal stopped at each crash point (ACCORDS_CRASH_MODE=raise),
then the folder opened again as the next run would. tests/test_reliability.py kills real processes."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from kb.store.faults import INGEST_POINTS, CrashPoint
from tests.conftest import CRASH_DOCS


def reopened(home: Path):  # type: ignore[no-untyped-def]
    """The knowledge base as the next process would open it."""
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    return KnowledgeBase(Settings.resolve(home))


def stop_at(point: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORDS_CRASH_AT", point)
    monkeypatch.setenv("ACCORDS_CRASH_MODE", "raise")


def assert_each_document_absent_or_whole(home: Path) -> None:
    kb = reopened(home)
    for doc_id in kb.doc_ids():
        clauses = {c.clause_id for c in kb.clauses(doc_id)}
        assert clauses, doc_id
        assert set(kb.clause_vectors(sorted(clauses), embed_missing=False)) == clauses, doc_id


@pytest.mark.parametrize("point", INGEST_POINTS)
def test_an_ingest_stopped_at_each_step_is_finished_by_the_next_run(point: str, folder: Path, accords_home: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    stop_at(point, monkeypatch)
    with pytest.raises(CrashPoint):
        reopened(accords_home).ingest([folder])
    monkeypatch.delenv("ACCORDS_CRASH_AT")

    before = reopened(accords_home).doctor()
    assert not before.ok and before.interrupted, before  # the stop left work to finish, and doctor sees it
    report = reopened(accords_home).ingest([folder])  # the next run repairs without being asked
    assert report.failed == [] and {i.doc_id for i in report.ingested} == {"alpha-framework", "beta-memorandum"}
    after = reopened(accords_home).doctor()
    assert after.ok, after.problems()
    assert after.clauses == after.vectors > 0
    assert_each_document_absent_or_whole(accords_home)


def test_search_after_a_stop_repairs_first(folder: Path, accords_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stop_at("after-sqlite", monkeypatch)
    with pytest.raises(CrashPoint):
        reopened(accords_home).ingest([folder])
    monkeypatch.delenv("ACCORDS_CRASH_AT")
    found = reopened(accords_home).search("stockpile of gallium", mode="dense")
    assert found.results[0].clause_id == "alpha-framework/s1.1"
    assert reopened(accords_home).doctor().ok


def test_a_removal_stopped_midway_is_finished_by_the_next_run(folder: Path, accords_home: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    reopened(accords_home).ingest([folder])
    stop_at("mid-removal", monkeypatch)
    with pytest.raises(CrashPoint):
        reopened(accords_home).remove("beta-memorandum")
    monkeypatch.delenv("ACCORDS_CRASH_AT")
    with sqlite3.connect(accords_home / "accords.db") as db:  # the stop landed between vectors and rows
        assert db.execute("SELECT vectors_state FROM documents WHERE doc_id = 'beta-memorandum'").fetchone() == (
            "removing",)
    assert reopened(accords_home).repair().ok
    assert reopened(accords_home).doc_ids() == ["alpha-framework"]
    assert_each_document_absent_or_whole(accords_home)


def test_doctor_finds_and_repairs_drift(run_cli, folder: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    home = tmp_path / "kb"
    kb = KnowledgeBase(Settings.resolve(home))
    assert kb.ingest([folder]).failed == []
    kb.index.delete_ids(["alpha-framework/s1.2"])
    victim = kb.store.clauses("beta-memorandum")[-1].clause_id
    kb.store.db.execute("DELETE FROM clause_fts WHERE clause_id = ?", [victim])
    kb.store.db.conn.commit()
    kb.index.upsert(["ghost/s9"], np.ones((1, 384), dtype=np.float32) / np.sqrt(384), [{"doc_id": "ghost"}])

    report = run_cli("--data-dir", home, "doctor", "--json")
    assert report.code == 1
    found = report.json()
    assert found["missing_vectors"] == 1 and found["orphan_vectors"] == 1
    assert found["fts_drift"] == ["beta-memorandum"]

    fixed = run_cli("--data-dir", home, "doctor", "--repair", "--json")
    assert fixed.code == 0, fixed.stdout
    assert fixed.json()["ok"]
    assert_each_document_absent_or_whole(home)


def test_search_refuses_vectors_of_another_model_and_names_reindex(run_cli, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "alpha-framework.txt").write_text(CRASH_DOCS["alpha-framework.txt"], encoding="utf-8")
    assert run_cli("ingest", docs).code == 0
    monkeypatch.setenv("ACCORDS_EMBED_MODEL", str(tmp_path / "models" / "another-model"))
    refused = run_cli("search", "gallium stockpile", "--mode", "dense")
    assert refused.code == 1
    assert "made with all-MiniLM-L6-v2" in refused.stderr and "accords reindex" in refused.stderr
    assert run_cli("search", "gallium stockpile", "--mode", "lexical").code == 0  # keywords need no vectors
    report = run_cli("doctor", "--json")
    assert report.code == 1 and report.json()["foreign_models"] == ["all-MiniLM-L6-v2"]


def test_vectors_of_an_older_clause_layout_are_refused_until_reindexed(run_cli, tmp_path: Path,
                                                                         accords_home: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "alpha-framework.txt").write_text(CRASH_DOCS["alpha-framework.txt"], encoding="utf-8")
    assert run_cli("ingest", docs).code == 0
    with sqlite3.connect(accords_home / "accords.db") as db:  # as a version before layout tags stored them
        db.execute("UPDATE documents SET embed_model = 'all-MiniLM-L6-v2:fp32'")
    refused = run_cli("search", "gallium stockpile", "--mode", "hybrid")
    assert refused.code == 1
    assert "title-first" in refused.stderr and "accords reindex" in refused.stderr
    assert run_cli("reindex").code == 0
    found = run_cli("search", "gallium stockpile", "--json")
    assert found.code == 0 and found.json()["results"]
