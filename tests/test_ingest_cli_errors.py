"""Bad input through the CLI: one line 'PATH: reason' on stderr and in `failed`, exit 1, the rest stored,
nothing of the bad file in SQLite or Chroma."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import BAD_FILES, ROOT

DATA = ROOT / "tests" / "data"
GOOD = ROOT / "corpus" / "us-kazakhstan-minerals-mou.txt"


def store_snapshot(kb) -> tuple[list[str], int, int]:  # type: ignore[no-untyped-def]
    clauses = kb.store.db.execute("SELECT count(*) FROM clauses").fetchone()[0]
    return kb.store.doc_ids(), clauses, kb.index.count()


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_beside_a_good_one(run_cli, kb, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    bad = shutil.copy(DATA / name, folder / name)
    good = shutil.copy(GOOD, folder / GOOD.name)
    result = run_cli("ingest", good, bad, "--json")
    assert result.code == 1
    assert result.json()["failed"] == [{"path": str(bad), "error": BAD_FILES[name]}]
    assert [i["doc_id"] for i in result.json()["ingested"]] == ["us-kazakhstan-minerals-mou"]
    assert result.stderr.strip().splitlines() == [f"{bad}: {BAD_FILES[name]}"]
    before = store_snapshot(kb)
    assert before[0] == ["us-kazakhstan-minerals-mou"] and before[1] == before[2] > 0

    alone = run_cli("ingest", bad)  # the bad file on its own: still one line, still nothing stored
    assert alone.code == 1 and alone.stderr.strip() == f"{bad}: {BAD_FILES[name]}"
    assert store_snapshot(kb) == before


def test_unsupported_type_and_size_cap(run_cli, kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    slides = tmp_path / "slides.pptx"
    slides.write_bytes(b"PK\x03\x04 not really slides")
    result = run_cli("ingest", slides)
    assert result.code == 1 and result.stderr.startswith(f"{slides}: unsupported file type .pptx")

    monkeypatch.setenv("ACCORDS_MAX_FILE_MB", "0.001")
    big = run_cli("ingest", GOOD)
    assert big.code == 1 and "over the" in big.stderr and "MB limit" in big.stderr
    assert kb.store.doc_ids() == []


def test_missing_path_and_bad_option(run_cli) -> None:
    missing = run_cli("ingest", "/no/such/file.txt")
    assert missing.code == 1 and missing.stderr.strip() == "/no/such/file.txt: no such file"
    assert run_cli("ingest", "--no-such-option", str(GOOD)).code == 2
