"""Vectors in a Chroma server: `chroma run` on 127.0.0.1, reached through ACCORDS_CHROMA_URL."""
from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ATLANTIS_SECTION

pytestmark = pytest.mark.slow  # starts a Chroma server process

FRAMEWORK = "UNITED STATES-ATLANTIS FRAMEWORK ON CRITICAL MINERALS\n\n" + ATLANTIS_SECTION


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _chroma_cli() -> str:
    beside = Path(sys.executable).parent / "chroma"
    found = str(beside) if beside.exists() else shutil.which("chroma")
    assert found, "the chroma CLI comes with chromadb; reinstall the venv (make install)"
    return found


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[str]:
    """A Chroma server on a free local port with its data in tmp_path; yields its URL, stops it after."""
    with running_chroma(tmp_path) as (url, _):
        yield url


@contextlib.contextmanager
def running_chroma(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "chroma.log").open("w")
    proc = subprocess.Popen([_chroma_cli(), "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "chroma.log").read_text()[-2000:]
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, "chroma run did not answer its heartbeat within 60 s"
            time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_ingest_and_search_through_a_chroma_server(run_cli, chroma_server: str, accords_home: Path,
                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chromadb

    monkeypatch.setenv("ACCORDS_CHROMA_URL", chroma_server)
    doc = tmp_path / "docs" / "atlantis-framework.txt"
    doc.parent.mkdir()
    doc.write_text(FRAMEWORK, encoding="utf-8")

    ingested = run_cli("ingest", doc, "--json")
    assert ingested.code == 0, ingested.stderr
    [item] = ingested.json()["ingested"]

    # The vectors live in the server, none in the embedded folder.
    assert not (accords_home / "chroma").exists()
    port = int(chroma_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port)
    assert client.get_collection("clauses").count() == item["n_clauses"]

    for mode in ("hybrid", "dense"):
        found = run_cli("search", "money for mining ventures within half a year", "-k", "2", "--mode", mode, "--json")
        assert found.code == 0, found.stderr
        assert found.json()["results"][0]["clause_id"] == "atlantis-framework/s1.2"
    filtered = run_cli("search", "gallium", "--doc", "atlantis-framework", "--mode", "dense", "--json")
    assert {h["doc_id"] for h in filtered.json()["results"]} == {"atlantis-framework"}

    assert run_cli("rm", "atlantis-framework").code == 0
    assert client.get_collection("clauses").count() == 0


def test_unreachable_server_is_one_line_error(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORDS_CHROMA_URL", f"http://127.0.0.1:{_free_port()}")
    doc = tmp_path / "atlantis-framework.txt"
    doc.write_text(FRAMEWORK, encoding="utf-8")
    result = run_cli("ingest", doc)
    assert result.code == 1
    assert result.stderr.startswith("accords: cannot reach the Chroma server at http://127.0.0.1:")
    assert len(result.stderr.strip().splitlines()) == 1 and "internal error" not in result.stderr


def test_server_lost_after_ingest_is_one_line_error(run_cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = tmp_path / "atlantis-framework.txt"
    doc.write_text(FRAMEWORK, encoding="utf-8")
    with running_chroma(tmp_path) as (url, proc):
        monkeypatch.setenv("ACCORDS_CHROMA_URL", url)
        assert run_cli("ingest", doc).code == 0
        proc.terminate()
        proc.wait(timeout=20)
        result = run_cli("search", "gallium reserves", "--mode", "dense")
    assert result.code == 1
    assert result.stderr.startswith("accords: ") and "Chroma server" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "internal error" not in result.stderr
    lexical = run_cli("search", "gallium reserves", "--mode", "lexical", "--json")  # SQLite alone still answers
    assert lexical.code == 0 and lexical.json()["results"][0]["clause_id"] == "atlantis-framework/s1.1"


def test_reindex_moves_an_embedded_knowledge_base_to_a_server(run_cli, chroma_server: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import chromadb

    doc = tmp_path / "atlantis-framework.txt"
    doc.write_text(FRAMEWORK, encoding="utf-8")
    assert run_cli("ingest", doc).code == 0  # embedded first

    monkeypatch.setenv("ACCORDS_CHROMA_URL", chroma_server)
    client = chromadb.HttpClient(host="127.0.0.1", port=int(chroma_server.rsplit(":", 1)[1]))
    empty = run_cli("search", "gallium reserves", "--mode", "dense", "--json")
    assert empty.code == 0 and empty.json()["results"] == []  # the server holds nothing yet

    assert run_cli("reindex").code == 0
    n_clauses = run_cli("docs", "--json").json()[0]["n_clauses"]
    assert client.get_collection("clauses").count() == n_clauses
    found = run_cli("search", "gallium reserves", "--mode", "dense", "-k", "1", "--json").json()
    assert found["results"][0]["clause_id"] == "atlantis-framework/s1.1"
