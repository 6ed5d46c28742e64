"""Every test gets a fresh knowledge base folder; models load once per session (real ones, never fakes)."""
from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import ingest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# One section of four clauses, each on one commitment type, that several tests ingest under a title of their own.
ATLANTIS_SECTION = """\
Section I – Cooperation

1. Stockpiles: The Participants will coordinate the release of their strategic reserves of gallium during a supply shock.
2. Financing: Within six months, each Participant will provide at least $1 billion in loans and equity to joint projects.
3. Permits: The Participants will shorten approval timelines for new processing plants.
4. Recycling: The Participants will fund research into recovering rare earths from electronic scrap.
"""


@pytest.fixture(autouse=True)
def accords_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "kb"
    monkeypatch.setenv("ACCORDS_HOME", str(home))
    for var in ("ACCORDS_CHROMA_URL", "ACCORDS_EMBED_MODEL", "ACCORDS_SPACY_MODEL", "ACCORDS_API_KEY",
                "ACCORDS_THESAURUS"):
        monkeypatch.delenv(var, raising=False)
    return home


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self):  # type: ignore[no-untyped-def]
        import json

        return json.loads(self.stdout)


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    """Run `accords ARGS` in this process through the real entry point (error mapping included)."""
    from kb.cli.app import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["accords", *map(str, args)])
        code = 0
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


@pytest.fixture
def kb(accords_home: Path):  # type: ignore[no-untyped-def]
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    return KnowledgeBase(Settings.resolve(accords_home))


def citation_of(doc: ingest.Document, words: str) -> str:
    """The citation of the one clause holding words; fails, listing the clauses, when none or several do."""
    hits = [c for c in doc.clauses if words in c.text]
    assert len(hits) == 1, [c.text for c in doc.clauses]
    return hits[0].citation


def http_client(home: Path):  # type: ignore[no-untyped-def]
    """A TestClient of the HTTP API over the knowledge base in home (use it as a context manager)."""
    from fastapi.testclient import TestClient

    from kb.api import KnowledgeBase
    from kb.serve.http import create_app
    from kb.settings import Settings

    return TestClient(create_app(KnowledgeBase(Settings.resolve(home)), preload=False))


def mcp_caller(home: Path) -> Callable[..., Any]:
    """Call an MCP tool of a server built in this process (the same server `accords mcp` runs); a tool
    returning a list has it unwrapped from MCP's {"result": [...]}."""
    import asyncio

    from mcp import Client

    from kb.api import KnowledgeBase
    from kb.serve.mcp import build_server
    from kb.settings import Settings

    server = build_server(KnowledgeBase(Settings.resolve(home)))

    def call(tool: str, arguments: dict[str, Any]) -> Any:
        async def once() -> Any:
            async with Client(server) as client:
                result = await client.call_tool(tool, arguments)
                assert not result.is_error, result.content
                return result.structured_content

        found = asyncio.run(once())
        return found["result"] if isinstance(found, dict) and set(found) == {"result"} else found

    return call
