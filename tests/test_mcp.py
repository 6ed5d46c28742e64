"""The MCP server as a chat assistant meets it: `python -m kb mcp` spawned over stdio by the SDK's client.

One session per module: the `transcript` fixture lists and calls every tool and reads the resources,
then the tests below check what came back.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.shared.exceptions import MCPError

from kb.models import UNTRUSTED
from tests.conftest import ROOT, SERVE_DOCS, demo_home

pytestmark = pytest.mark.slow  # spawns `python -m kb mcp`, which loads the models anew; in-process: test_three_shells

TOOLS = {"search_agreements", "get_document", "list_documents", "list_commitments", "compare_agreements",
         "get_context", "list_deadlines", "check_claims", "diff_versions"}
CALLS: dict[str, tuple[str, dict[str, Any]]] = {
    "search": ("search_agreements", {"query": "refrain from banning exports of rare earths", "k": 3}),
    "document": ("get_document", {"doc_id": "us-kazakhstan-minerals-mou"}),
    "commitments": ("list_commitments", {"doc_ids": ["us-thailand-mou"], "min_force": "intent"}),
    "compare": ("compare_agreements", {"doc_ids": ["us-thailand-mou", "us-kazakhstan-minerals-mou"]}),
    "context": ("get_context", {"question": "Who gets the first chance to invest in assets put up for sale?",
                                "max_tokens": 500}),
    "deadlines": ("list_deadlines", {"as_of": "2025-12-01", "signed": True}),
    "diff": ("diff_versions", {"old_id": "us-thailand-mou", "new_id": "us-kazakhstan-minerals-mou"}),
    "diff_same": ("diff_versions", {"old_id": "us-thailand-mou", "new_id": "us-thailand-mou"}),
    "claims_unknown": ("check_claims", {"doc_id": "us-atlantis-fact-sheet"}),
    "unknown": ("get_document", {"doc_id": "us-atlantis-mou"}),
    "bad_k": ("search_agreements", {"query": "gallium", "k": 0}),
    "bad_id": ("get_document", {"doc_id": "../../etc/passwd"}),
    "same_doc_twice": ("compare_agreements", {"doc_ids": ["us-thailand-mou", "us-thailand-mou"]}),
}


async def _session(home: Path) -> dict[str, Any]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "kb", "mcp"], cwd=str(ROOT),
        env={"ACCORDS_HOME": str(home), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"},
    )
    seen: dict[str, Any] = {}
    async with stdio_client(params) as (read, write), ClientSession(read, write, read_timeout_seconds=300) as session:
        seen["init"] = await session.initialize()
        seen["tools"] = {tool.name: tool for tool in (await session.list_tools()).tools}
        for key, (tool, arguments) in CALLS.items():
            seen[key] = await session.call_tool(tool, arguments)
        seen["resources"] = (await session.list_resources()).resources
        seen["templates"] = (await session.list_resource_templates()).resource_templates
        seen["listing"] = await session.read_resource("accords://documents")
        seen["thai"] = await session.read_resource("accords://documents/us-thailand-mou")
        try:
            await session.read_resource("accords://documents/us-atlantis-mou")
        except MCPError as exc:
            seen["missing"] = exc
    return seen


@pytest.fixture(scope="module")
def transcript(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return asyncio.run(_session(demo_home(tmp_path_factory)))


def structured(transcript: dict[str, Any], key: str) -> Any:
    result = transcript[key]
    assert not result.is_error, result.content
    assert json.loads(result.content[0].text) == result.structured_content  # text mirrors the structure
    return result.structured_content


def test_server_introduces_itself_and_its_data_rules(transcript: dict[str, Any]) -> None:
    init = transcript["init"]
    assert init.server_info.name == "accords"
    assert UNTRUSTED in init.instructions


def test_every_tool_has_json_schema_input_and_output(transcript: dict[str, Any]) -> None:
    tools = transcript["tools"]
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.input_schema["type"] == "object" and tool.output_schema and tool.description
        assert tool.annotations.read_only_hint
    k = tools["search_agreements"].input_schema["properties"]["k"]
    assert (k["minimum"], k["maximum"]) == (1, 100)
    assert tools["get_document"].input_schema["required"] == ["doc_id"]


def test_follow_through_tools(transcript: dict[str, Any]) -> None:
    deadlines = structured(transcript, "deadlines")
    rows = deadlines["deadlines"] if isinstance(deadlines, dict) and "deadlines" in deadlines else deadlines
    assert isinstance(rows, list)
    diff = structured(transcript, "diff")
    assert diff["old_id"] == "us-thailand-mou" and diff["new_id"] == "us-kazakhstan-minerals-mou"
    assert transcript["diff_same"].is_error and "two different documents" in transcript["diff_same"].content[0].text
    assert transcript["claims_unknown"].is_error


def test_search_agreements_returns_cited_clauses(transcript: dict[str, Any]) -> None:
    found = structured(transcript, "search")
    top = found["results"][0]
    assert top["clause_id"] == "us-malaysia-joint-statement/s1.b1" and top["text_is"] == UNTRUSTED
    assert top["citation"] == "Critical minerals and rare earths, bullet 1" and len(found["results"]) == 3


def test_get_document_returns_its_clauses(transcript: dict[str, Any]) -> None:
    doc = structured(transcript, "document")
    assert doc["doc_id"] == "us-kazakhstan-minerals-mou" and doc["parties"] == ["United States", "Kazakhstan"]
    assert len(doc["clauses"]) == doc["n_clauses"] > 5


def test_list_commitments_filters_by_document_and_force(transcript: dict[str, Any]) -> None:
    listing = structured(transcript, "commitments")
    assert listing["total"] > 0 and len(listing["commitments"]) == listing["total"]
    assert {c["doc_id"] for c in listing["commitments"]} == {"us-thailand-mou"}
    assert {c["modality"] for c in listing["commitments"]} <= {"binding", "commitment", "intent"}


def test_compare_agreements_returns_the_matrix(transcript: dict[str, Any]) -> None:
    report = structured(transcript, "compare")
    assert report["doc_ids"] == ["us-thailand-mou", "us-kazakhstan-minerals-mou"]
    assert set(report["matrix"]["investment_promotion"]) == set(report["doc_ids"])


def test_get_context_returns_a_numbered_pack(transcript: dict[str, Any]) -> None:
    pack = structured(transcript, "context")
    assert [p["ref"] for p in pack["passages"]][:2] == ["[1]", "[2]"]
    assert pack["passages"][0]["clause_id"] == "us-thailand-mou/s2.1.d"
    assert pack["tokens"]["used"] <= 500


@pytest.mark.parametrize("key, words", [("unknown", "no document with id 'us-atlantis-mou'"),
                                        ("bad_k", "greater than or equal to 1"),
                                        ("bad_id", "should match pattern"),
                                        ("same_doc_twice", "each document may appear only once")])
def test_bad_calls_are_tool_errors_that_say_why(transcript: dict[str, Any], key: str, words: str) -> None:
    result = transcript[key]
    assert result.is_error and words in result.content[0].text


def test_documents_are_resources(transcript: dict[str, Any]) -> None:
    uris = {str(r.uri) for r in transcript["resources"]}
    assert {f"accords://documents/{d}" for d in SERVE_DOCS} | {"accords://documents"} <= uris
    assert [t.uri_template for t in transcript["templates"]] == ["accords://documents/{doc_id}"]
    listing = json.loads(transcript["listing"].contents[0].text)
    assert set(SERVE_DOCS) <= {d["doc_id"] for d in listing}
    [content] = transcript["thai"].contents
    assert content.mime_type == "application/json"
    thai = json.loads(content.text)
    assert thai["doc_id"] == "us-thailand-mou" and all(c["text_is"] == UNTRUSTED for c in thai["clauses"])
    assert "us-atlantis-mou" in str(transcript["missing"])
