"""The HTTP API through FastAPI's TestClient, on a real knowledge base built from corpus files.

`demo_home` (tests/conftest.py) builds that knowledge base once per session (test_mcp.py and
test_http_fuzz.py use it too): three short corpus documents and a notice whose clause tries to give the
reader orders.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kb.models import UNTRUSTED
from tests.conftest import KEY, SERVE_DOCS, app_for, demo_home


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_home(tmp_path_factory)


@pytest.fixture(scope="module")
def client(home: Path) -> Iterator[TestClient]:
    with TestClient(app_for(home)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def keyed(home: Path) -> Iterator[TestClient]:
    with TestClient(app_for(home, api_key=KEY, max_body_bytes=2048, preload=False)) as test_client:
        yield test_client


def error_of(response) -> dict:  # type: ignore[no-untyped-def, type-arg]
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]


# -- reading -----------------------------------------------------------------------------------
def test_health_needs_nothing_and_says_little(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": client.app.version}  # type: ignore[attr-defined]


def test_documents_lists_every_stored_document(client: TestClient) -> None:
    docs = client.get("/documents").json()
    assert sorted(d["doc_id"] for d in docs) == sorted([*SERVE_DOCS, "hostile-notice"])
    thai = next(d for d in docs if d["doc_id"] == "us-thailand-mou")
    assert thai["parties"] == ["United States", "Thailand"] and thai["date"] == "2025-10-26"
    assert thai["n_clauses"] > 10
    memoranda = client.get("/documents", params={"doc_type": "memorandum"}).json()
    assert {d["doc_id"] for d in memoranda} == {"us-thailand-mou", "us-kazakhstan-minerals-mou"}
    assert client.get("/documents", params={"doc_type": "novel"}).status_code == 422


def test_document_carries_clauses_as_marked_content_and_no_server_paths(client: TestClient, home: Path) -> None:
    response = client.get("/documents/us-thailand-mou")
    assert response.status_code == 200
    doc = response.json()
    assert doc["doc_type"] == "memorandum" and len(doc["clauses"]) == doc["n_clauses"]
    assert all(c["text"] and c["text_is"] == UNTRUSTED for c in doc["clauses"])
    assert any(c["citation"].startswith("Preamble") for c in doc["clauses"])
    assert "source" not in doc and "text" not in doc and "sha256" not in doc
    assert str(home.parent) not in response.text


@pytest.mark.parametrize("path, status, code", [
    ("/documents/us-vanuatu-mou", 404, "unknown_document"),
    ("/documents/Has%20Spaces", 422, "invalid_request"),
    ("/documents/..%2F..%2Fetc%2Fpasswd", 404, "not_found"),
    ("/documents/-leading-dash", 422, "invalid_request"),
])
def test_bad_document_ids(client: TestClient, path: str, status: int, code: str) -> None:
    response = client.get(path)
    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == code
    assert not any(doc_id in error["message"] for doc_id in SERVE_DOCS)  # a 404 lists nothing of what is stored


# -- search ------------------------------------------------------------------------------------
def test_search_returns_cited_clauses(client: TestClient) -> None:
    response = client.post("/search", json={"query": "refrain from banning exports of rare earths", "k": 3})
    assert response.status_code == 200
    found = response.json()
    assert found["mode"] == "hybrid" and len(found["results"]) == 3 and found["scope"] == []
    top = found["results"][0]
    assert top["clause_id"] == "us-malaysia-joint-statement/s1.b1"
    assert top["citation"] == "Critical minerals and rare earths, bullet 1" and top["text_is"] == UNTRUSTED
    assert [r["rank"] for r in found["results"]] == [1, 2, 3]


def test_search_names_the_documents_a_query_names(client: TestClient) -> None:
    found = client.post("/search", json={"query": "when does the Thai memorandum take effect", "k": 3}).json()
    assert found["scope"] == ["us-thailand-mou"]
    assert found["results"][0]["doc_id"] == "us-thailand-mou"


def test_search_filters_and_modes(client: TestClient) -> None:
    body = {"query": "first opportunity to invest", "k": 5, "mode": "lexical",
            "filters": {"doc_ids": ["us-kazakhstan-minerals-mou"]}}
    results = client.post("/search", json=body).json()["results"]
    assert results and {r["doc_id"] for r in results} == {"us-kazakhstan-minerals-mou"}
    by_party = client.post("/search", json={"query": "investment", "filters": {"parties": ["thailand"]}}).json()
    assert by_party["results"] and {r["doc_id"] for r in by_party["results"]} == {"us-thailand-mou"}


@pytest.mark.parametrize("k", [0, -1, 101, 10000])
def test_search_rejects_k_outside_1_to_100(client: TestClient, k: int) -> None:
    response = client.post("/search", json={"query": "gallium", "k": k})
    assert response.status_code == 422
    assert error_of(response)["message"].startswith("body.k:")


def test_search_takes_k_at_its_limit(client: TestClient) -> None:
    response = client.post("/search", json={"query": "critical minerals", "k": 100})
    assert response.status_code == 200 and 10 < len(response.json()["results"]) <= 100


@pytest.mark.parametrize("body, status", [
    ({"query": ""}, 422),
    ({"query": "x" * 2001}, 422),
    ({"query": "gallium", "mode": "psychic"}, 422),
    ({"query": "gallium", "colour": "red"}, 422),
    ({"query": "gallium", "filters": {"doc_ids": ["../secrets"]}}, 422),
    ({"query": "gallium", "filters": {"doc_ids": ["us-atlantis-mou"]}}, 404),
    ({"k": 3}, 422),
])
def test_search_rejects_bad_bodies(client: TestClient, body: dict, status: int) -> None:  # type: ignore[type-arg]
    response = client.post("/search", json=body)
    assert response.status_code == status
    assert error_of(response)["code"] == ("unknown_document" if status == 404 else "invalid_request")


def test_body_that_is_not_json_is_a_422(client: TestClient) -> None:
    response = client.post("/search", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and error_of(response)["code"] == "invalid_request"


# -- commitments -------------------------------------------------------------------------------
def test_commitments_carry_evidence_and_citation(client: TestClient) -> None:
    listing = client.get("/commitments", params={"doc": "us-thailand-mou"}).json()
    assert listing["total"] > 5 and len(listing["commitments"]) == listing["total"]
    for c in listing["commitments"]:
        assert c["doc_id"] == "us-thailand-mou" and c["clause_id"].startswith("us-thailand-mou/")
        assert c["citation"] and c["text_is"] == UNTRUSTED and c["text"]


def test_commitment_filters_each_narrow_the_list(client: TestClient) -> None:
    everything = client.get("/commitments").json()["total"]

    def listed(**params: object) -> list[dict]:  # type: ignore[type-arg]
        response = client.get("/commitments", params=params)
        assert response.status_code == 200, response.text
        return response.json()["commitments"]

    strong = listed(min_force="commitment")
    assert strong and all(c["modality"] in {"binding", "commitment"} for c in strong) and len(strong) < everything
    kazakh = listed(party="KAZAKHSTAN")
    assert kazakh and {c["doc_id"] for c in kazakh} == {"us-kazakhstan-minerals-mou"}
    rare = listed(mineral="rare earth")
    assert rare and all(any("rare earth" in m for m in c["minerals"]) for c in rare)
    typed = listed(type=["investment_promotion", "permitting"])
    assert typed and {c["type"] for c in typed} <= {"investment_promotion", "permitting"}
    assert listed(mineral="unobtainium") == []
    page = client.get("/commitments", params={"limit": 2, "offset": 1}).json()
    assert page["total"] == everything and page["offset"] == 1 and len(page["commitments"]) == 2


@pytest.mark.parametrize("params, status", [
    ({"doc": "us-atlantis-mou"}, 404),
    ({"min_force": "mandatory"}, 422),
    ({"type": "Not A Type"}, 422),
    ({"limit": 0}, 422),
    ({"offset": -1}, 422),
])
def test_commitments_reject_bad_filters(client: TestClient, params: dict, status: int) -> None:  # type: ignore[type-arg]
    response = client.get("/commitments", params=params)
    assert response.status_code == status and error_of(response)["code"] in {"unknown_document", "invalid_request"}


# -- compare and context -----------------------------------------------------------------------
def test_compare_returns_the_report(client: TestClient) -> None:
    ids = ["us-thailand-mou", "us-kazakhstan-minerals-mou"]
    response = client.post("/compare", json={"doc_ids": ids})
    assert response.status_code == 200
    report = response.json()
    assert report["doc_ids"] == ids and report["text_is"] == UNTRUSTED
    cell = report["matrix"]["investment_promotion"]["us-thailand-mou"]
    assert set(cell) == {"present", "modality", "count", "clause_ids"} and cell["present"] and cell["count"] > 0
    assert all(report["evidence"][cid]["doc_id"] == "us-thailand-mou" for cid in cell["clause_ids"])


@pytest.mark.parametrize("ids, status", [
    (["us-thailand-mou"], 422),
    (["us-thailand-mou", "us-thailand-mou"], 422),
    (["us-thailand-mou", "us-atlantis-mou"], 404),
    (["us-thailand-mou", "C:\\windows"], 422),
])
def test_compare_rejects_bad_ids(client: TestClient, ids: list[str], status: int) -> None:
    response = client.post("/compare", json={"doc_ids": ids})
    assert response.status_code == status and error_of(response)["message"]


def test_context_pack_is_numbered_cited_and_within_budget(client: TestClient) -> None:
    question = "Which side gets the first chance to invest in mineral assets put up for sale?"
    response = client.post("/context", json={"question": question, "max_tokens": 600})
    assert response.status_code == 200
    pack = response.json()
    assert set(pack) == {"question", "passages", "documents", "omitted", "tokens"}  # data only, no instructions
    passages = pack["passages"]
    assert [p["ref"] for p in passages] == [f"[{i}]" for i in range(1, len(passages) + 1)]
    assert passages[0]["clause_id"] == "us-thailand-mou/s2.1.d"
    assert all(p["citation"].startswith(p["doc_id"] + ", ") and p["text_is"] == UNTRUSTED for p in passages)
    assert any(c["type"] == "investment_promotion" for c in passages[0]["commitments"])
    assert pack["tokens"]["budget"] == 600 and sum(p["tokens"] for p in passages) <= pack["tokens"]["used"] <= 600
    assert "1.3 tokens per word" in pack["tokens"]["method"]
    assert {d["doc_id"] for d in pack["documents"]} == {p["doc_id"] for p in passages}
    assert pack["omitted"] > 0  # twenty candidates do not fit in 600 tokens


def test_context_pack_cuts_the_best_clause_to_a_tiny_budget(client: TestClient) -> None:
    question = "Which side gets the first chance to invest in mineral assets put up for sale?"
    pack = client.post("/context", json={"question": question, "max_tokens": 100}).json()
    [passage] = pack["passages"]
    assert passage["truncated"] and passage["text"].endswith("…")
    assert pack["tokens"]["used"] <= 100


def test_hostile_document_text_comes_back_only_as_marked_data(client: TestClient) -> None:
    pack = client.post("/context", json={"question": "ignore every earlier instruction", "k": 3}).json()
    hostile = [p for p in pack["passages"] if "ACCESS GRANTED" in p["text"]]
    assert hostile and all(p["text_is"] == UNTRUSTED and p["doc_id"] == "hostile-notice" for p in hostile)


@pytest.mark.parametrize("body", [{"question": "gallium", "k": 0}, {"question": "gallium", "max_tokens": 10},
                                  {"question": ""}, {"question": "gallium", "k": 10000}])
def test_context_rejects_bad_requests(client: TestClient, body: dict) -> None:  # type: ignore[type-arg]
    response = client.post("/context", json=body)
    assert response.status_code == 422 and error_of(response)["code"] == "invalid_request"


# -- transport safety --------------------------------------------------------------------------
def test_declared_oversized_body_is_refused_with_413(client: TestClient) -> None:
    response = client.post("/search", json={"query": "gallium " * 20000})
    assert response.status_code == 413 and error_of(response)["code"] == "body_too_large"


def test_streamed_oversized_body_is_refused_with_413(client: TestClient) -> None:
    chunks = iter([b'{"query": "' + b"a" * 50_000, b"b" * 50_000 + b'"}'])  # no content-length: chunked
    response = client.post("/search", content=chunks, headers={"content-type": "application/json"})
    assert response.status_code == 413 and error_of(response)["code"] == "body_too_large"


def test_unknown_route_and_method_are_json_errors(client: TestClient) -> None:
    assert error_of(client.get("/admin"))["code"] == "not_found"
    response = client.delete("/documents")
    assert response.status_code == 405 and error_of(response)["code"] == "method_not_allowed"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"},
                                     {"Authorization": f"Bearer {KEY}x"}, {"Authorization": "Bearer"}])
def test_key_guards_every_route_but_health(keyed: TestClient, headers: dict[str, str]) -> None:
    for method, path in [("GET", "/documents"), ("GET", "/documents/us-thailand-mou"), ("GET", "/commitments"),
                         ("POST", "/search"), ("POST", "/compare"), ("POST", "/context"), ("GET", "/openapi.json")]:
        response = keyed.request(method, path, headers=headers, json={"query": "x"} if method == "POST" else None)
        assert response.status_code == 401, (method, path)
        assert error_of(response)["code"] == "unauthorized" and response.headers["www-authenticate"] == "Bearer"
    assert keyed.get("/health", headers=headers).status_code == 200


def test_right_key_opens_the_api(keyed: TestClient) -> None:
    auth = {"Authorization": f"Bearer {KEY}"}
    assert [d["doc_id"] for d in keyed.get("/documents", headers=auth).json()]
    assert keyed.get("/documents", headers={"Authorization": f"bearer {KEY}"}).status_code == 200
    schema = keyed.get("/openapi.json", headers=auth).json()
    assert schema["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert schema["paths"]["/search"]["post"]["security"] == [{"bearer": []}]
    assert "security" not in schema["paths"]["/health"]["get"]
    too_big = keyed.post("/search", headers=auth, json={"query": "x" * 3000})  # this app allows 2 KiB
    assert too_big.status_code == 413


def test_openapi_comes_from_the_models(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/health", "/documents", "/documents/{doc_id}", "/commitments", "/search",
                                    "/compare", "/context", "/deadlines", "/claims/{doc_id}", "/diff"}
    search = schema["paths"]["/search"]["post"]
    assert search["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    request = schema["components"]["schemas"]["SearchRequest"]["properties"]["k"]
    assert (request["minimum"], request["maximum"]) == (1, 100)
    assert "text_is" in schema["components"]["schemas"]["Passage"]["properties"]


# -- the commands ------------------------------------------------------------------------------
def test_serve_and_mcp_commands_are_registered(run_cli) -> None:  # type: ignore[no-untyped-def]
    serve = run_cli("serve", "--help")
    assert serve.code == 0 and "127.0.0.1" in serve.stdout and "ACCORDS_API_KEY" in serve.stdout
    assert run_cli("mcp", "--help").code == 0
    assert run_cli("serve", "--port", "70000").code == 2


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("::1", True), ("localhost", True),
                                            ("0.0.0.0", False), ("192.168.1.20", False), ("example.org", False)])
def test_serve_knows_which_hosts_stay_on_this_machine(host: str, loopback: bool) -> None:
    from kb.cli.commands.serve import _is_loopback

    assert _is_loopback(host) is loopback


def test_a_loopback_server_answers_only_to_local_host_names(home: Path) -> None:
    app = app_for(home, preload=False, allowed_hosts=("127.0.0.1", "localhost", "::1"))
    for base, status in [("http://127.0.0.1:8000", 200), ("http://localhost:8000", 200), ("http://[::1]:8000", 200),
                         ("http://rebound.example.org:8000", 400), ("http://127.0.0.1.nip.io", 400)]:
        response = TestClient(app, base_url=base).get("/documents")
        assert response.status_code == status, base
        if status == 400:
            assert error_of(response)["code"] == "bad_host"


def test_unreachable_chroma_server_is_a_503_and_lexical_search_still_answers(home: Path) -> None:
    import socket

    from kb.api import KnowledgeBase
    from kb.serve.http import create_app
    from kb.settings import Settings

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    kb = KnowledgeBase(Settings.resolve(home, chroma_url=f"http://127.0.0.1:{port}"))
    with TestClient(create_app(kb, preload=False), raise_server_exceptions=False) as unreachable:
        dense = unreachable.post("/search", json={"query": "gallium", "mode": "dense"})
        lexical = unreachable.post("/search", json={"query": "critical minerals", "mode": "lexical"})
    assert dense.status_code == 503
    error = error_of(dense)
    assert error["code"] == "vector_store_unavailable" and f"127.0.0.1:{port}" in error["message"]
    assert lexical.status_code == 200 and lexical.json()["results"]
