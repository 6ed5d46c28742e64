"""Crash safety and concurrency: real processes, killed with SIGKILL at each step of an ingest."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kb.store.faults import INGEST_POINTS
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # real processes killed mid-ingest, each loading the models anew

def accords(home: Path, *args: str, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ACCORDS_HOME": str(home), **(env or {})}
    return subprocess.run([sys.executable, "-m", "kb", *args], capture_output=True, text=True, env=full_env,
                          cwd=ROOT, timeout=timeout)


def doctor(home: Path) -> dict:  # type: ignore[type-arg]
    result = accords(home, "doctor", "--json")
    return json.loads(result.stdout)


def assert_each_document_absent_or_whole(home: Path) -> None:
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    kb = KnowledgeBase(Settings.resolve(home))
    for doc_id in kb.store.doc_ids():
        clauses = {c.clause_id for c in kb.store.clauses(doc_id)}
        assert clauses, doc_id
        assert kb.index.ids_for_doc(doc_id) == clauses, doc_id


# Every crash point is stopped at in-process in test_crash_in_process.py; a real SIGKILL at two of them
# checks what only a dead process shows (the lock released by the kernel, Chroma's files as left).
@pytest.mark.parametrize("point", [p for p in INGEST_POINTS if p in ("after-sqlite", "mid-vectors")])
def test_kill_at_each_step_is_repaired_by_the_next_run(point: str, folder: Path, tmp_path: Path) -> None:
    home = tmp_path / "kb"
    killed = accords(home, "ingest", str(folder), env={"ACCORDS_CRASH_AT": point})
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    before = doctor(home)
    assert not before["ok"] and before["interrupted"], before  # the kill left work to finish, and doctor sees it

    again = accords(home, "ingest", str(folder), "--json")  # the next run repairs without being asked
    assert again.returncode == 0, again.stderr
    statuses = {i["doc_id"]: i["status"] for i in json.loads(again.stdout)["ingested"]}
    assert set(statuses) == {"alpha-framework", "beta-memorandum"}
    after = doctor(home)
    assert after["ok"], after["problems"]
    assert after["clauses"] == after["vectors"] > 0
    assert_each_document_absent_or_whole(home)


def test_search_after_a_kill_repairs_first(folder: Path, tmp_path: Path) -> None:
    home = tmp_path / "kb"
    accords(home, "ingest", str(folder), env={"ACCORDS_CRASH_AT": "after-sqlite"})
    found = accords(home, "search", "stockpile of gallium", "--mode", "dense", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["results"][0]["clause_id"] == "alpha-framework/s1.1"
    assert doctor(home)["ok"]


def test_kill_during_removal_is_finished_by_the_next_run(folder: Path, tmp_path: Path) -> None:
    home = tmp_path / "kb"
    assert accords(home, "ingest", str(folder)).returncode == 0
    killed = accords(home, "rm", "beta-memorandum", env={"ACCORDS_CRASH_AT": "mid-removal"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr  # the kill landed between vectors and rows
    with sqlite3.connect(home / "accords.db") as db:
        assert db.execute("SELECT vectors_state FROM documents WHERE doc_id = 'beta-memorandum'").fetchone() == (
            "removing",)
    accords(home, "doctor", "--repair")
    assert doctor(home)["ok"]
    assert_each_document_absent_or_whole(home)


def test_a_second_writer_waits_with_a_message_then_times_out(folder: Path, tmp_path: Path) -> None:
    from filelock import FileLock

    home = tmp_path / "kb"
    home.mkdir()
    with FileLock(str(home / "write.lock")):
        blocked = accords(home, "ingest", str(folder), env={"ACCORDS_LOCK_TIMEOUT": "1"})
    assert blocked.returncode == 1
    assert "knowledge base busy, waiting" in blocked.stderr
    assert "still busy after 1 s" in blocked.stderr and "Traceback" not in blocked.stderr


def test_two_ingests_and_a_search_at_once_neither_corrupt_nor_deadlock(folder: Path, tmp_path: Path) -> None:
    home = tmp_path / "kb"
    other = tmp_path / "more"
    other.mkdir()
    for i in range(4):
        (other / f"gamma-{i}.md").write_text(f"# Gamma accord {i}\n\n1. The Parties shall cap export quotas on "
                                             f"tungsten at level {i}.\n2. The Parties will meet every quarter.\n")
    env = {**os.environ, "ACCORDS_HOME": str(home)}
    procs = [
        subprocess.Popen([sys.executable, "-m", "kb", "ingest", str(path), "--json"], cwd=ROOT, env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for path in (folder, other)
    ]
    searcher = subprocess.Popen([sys.executable, "-m", "kb", "search", "export quotas", "--json"], cwd=ROOT,
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for proc in [*procs, searcher]:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        json.loads(out)
    final = doctor(home)
    assert final["ok"], final["problems"]
    assert final["documents"] == 6
    assert_each_document_absent_or_whole(home)
