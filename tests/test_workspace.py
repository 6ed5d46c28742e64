"""The browser workspace's pages, read through FastAPI's TestClient over a real knowledge base: what each
page shows, its downloads, escaping of document text, and the API key. tests/test_browser.py drives the
same pages in a real Chromium."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from extract.models import MODALITIES, force_rank

HOSTILE = "hostile-markup"


def open_kb(home: Path):  # type: ignore[no-untyped-def]
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    return KnowledgeBase(Settings.resolve(home))


@pytest.fixture(scope="module")
def kb(workspace_home: Path):  # type: ignore[no-untyped-def]
    """The test's own reader: the app's knowledge base belongs to the app's thread."""
    return open_kb(workspace_home)


@pytest.fixture(scope="module")
def web(workspace_home: Path):  # type: ignore[no-untyped-def]
    from kb.serve.http import create_app

    with TestClient(create_app(open_kb(workspace_home), preload=False)) as client:
        yield client


def test_search_page_shows_results_with_citation_highlights_why_and_facets(web: TestClient) -> None:
    page = web.get("/", params={"q": "stockpiling of rare earths"})
    assert page.status_code == 200
    html = page.text
    hits = re.findall(r'<li class="hit" data-clause="([^"]+)"', html)
    assert hits and hits[0].startswith("us-japan-framework/")
    assert "<mark>stockpiling</mark>" in html.lower() or "<mark>Stockpiling</mark>" in html
    assert re.search(r'class="why"><span class="why-label">Why:</span> matched', html)
    for facet in ("party", "doc_type", "type", "force"):
        assert f'data-facet="{facet}"' in html
    assert "Section I (Critical Minerals and Rare Earths)" in html  # the citation
    assert "2025-10-28" in html  # the document's date on the result


def test_a_facet_keeps_only_its_results_and_counts_them(web: TestClient, kb) -> None:  # type: ignore[no-untyped-def]
    everything = web.get("/", params={"q": "stockpile", "shown": 100}).text
    count = int(re.search(r'name="doc_type" value="memorandum"[^>]*>\s*<label[^>]*>memorandum '
                          r'<span class="count"[^>]*>(\d+)</span>', everything).group(1))
    only = web.get("/", params={"q": "stockpile", "doc_type": "memorandum", "shown": 100}).text
    clauses = re.findall(r'<li class="hit" data-clause="([^"]+)"', only)
    # the count is of the clauses ranked so far; filtered, search looks deeper and may find more
    assert len(clauses) >= count > 0
    assert set(re.findall(r'<li class="hit" data-clause="(us-thailand-mou/[^"]+)"', everything)) <= set(clauses)
    assert {c.split("/")[0] for c in clauses} == {"us-thailand-mou"}
    forced = web.get("/", params={"q": "stockpile", "force": "binding", "shown": 100}).text
    shown = re.findall(r'<li class="hit" data-clause="([^"]+)"', forced)
    assert shown
    strongest = kb.clause_commitments(shown)
    assert all(max(force_rank(c.modality) for c in strongest[cid]) == force_rank("binding") for cid in shown)


def test_an_off_topic_search_says_there_is_no_good_match(web: TestClient) -> None:
    weak = web.get("/", params={"q": "chocolate cake recipe"}).text
    assert "No good match" in weak
    good = web.get("/", params={"q": "joint stockpile of gallium"}).text
    assert "No good match" not in good


def test_search_json_explains_each_hit(web: TestClient) -> None:
    found = web.post("/search", json={"query": "stockpiling of rare earths", "k": 5}).json()
    assert found["weak"] is False
    top = found["results"][0]
    why = top["why"]
    assert why["meaning"] is True and "stockpiling" in why["types"]
    for start, end in top["highlights"]:
        assert top["text"][start:end].lower() in {*why["keywords"], *why["thesaurus"]}
    assert "stockpiling" in [w.lower() for w in why["keywords"]]
    assert why["summary"].startswith("matched")
    path, anchor = top["link"].split("#")  # the citation's deep link into the workspace
    assert path == f"/doc/{top['doc_id']}" and f'id="{anchor}"' in web.get(path).text


def test_document_page_has_a_deep_link_anchor_per_clause_and_marks_evidence(web: TestClient, kb) -> None:  # type: ignore[no-untyped-def]
    html = web.get("/doc/us-japan-framework").text
    for clause in kb.clauses("us-japan-framework"):
        assert f'id="{clause.clause_id.split("/", 1)[1]}"' in html
    assert html.count('<mark class="evidence"') >= len({c.clause_id for c in kb.commitments("us-japan-framework")})
    assert "Critical Minerals" in html and "framework" in html
    missing = web.get("/doc/no-such-doc")
    assert missing.status_code == 404 and "No document has the id" in missing.text


def test_grid_csv_holds_the_strongest_force_per_document_and_type(web: TestClient, kb) -> None:  # type: ignore[no-untyped-def]
    response = web.get("/grid.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["doc_id"] for r in rows} == set(kb.doc_ids())
    checked = 0
    for row in rows:
        for commitment_type in rows[0].keys() - {"doc_id", "title", "date", "doc_type", "parties"}:
            found = kb.commitments(row["doc_id"], [commitment_type])
            expected = max((c.modality for c in found), key=force_rank) if found else ""
            assert row[commitment_type].removesuffix(" (announced)") == expected, (row["doc_id"], commitment_type)
            checked += bool(found)
    assert checked > 10
    as_json = web.get("/grid.json", params={"doc_type": "framework"}).json()
    assert {d["doc_type"] for d in as_json["documents"]} == {"framework"}
    cell = as_json["documents"][0]["cells"][as_json["types"][0]] if as_json["types"][0] in as_json["documents"][0]["cells"] else None
    assert cell is None or (cell["force"] in MODALITIES and cell["link"].startswith("/doc/"))


def test_compare_page_and_its_downloads(web: TestClient) -> None:
    ids = ["us-japan-framework", "us-australia-framework"]
    page = web.get("/compare", params=[("doc", d) for d in ids]).text
    assert 'id="report-frame"' in page
    report = web.get("/compare/report", params=[("doc", d) for d in ids])
    assert report.status_code == 200 and "Coverage matrix" in report.text
    assert "script-src 'sha256-" in report.headers["content-security-policy"]
    as_json = web.get("/compare/report", params=[*(("doc", d) for d in ids), ("format", "json"), ("download", "true")])
    assert "attachment" in as_json.headers["content-disposition"]
    assert [d["doc_id"] for d in json.loads(as_json.text)["documents"]] == ids
    as_csv = web.get("/compare/report", params=[*(("doc", d) for d in ids), ("format", "csv")]).text
    assert len(list(csv.reader(io.StringIO(as_csv)))) > 3
    one = web.get("/compare", params={"doc": ids[0]}).text
    assert "Pick between 2 and 6 documents" in one
    assert web.get("/compare/report", params={"doc": ids[0]}).status_code == 422


def test_timeline_lists_each_dated_deadline(web: TestClient, kb) -> None:  # type: ignore[no-untyped-def]
    html = web.get("/timeline", params={"as_of": "2025-12-01"}).text
    rows = kb.deadlines(as_of=__import__("datetime").date(2025, 12, 1))
    dated = [r for r in rows if r.date]
    assert dated
    for row in dated:
        assert f'<span class="when">{row.date}</span>' in html
    due = sum(r.status == "due" for r in rows)
    assert f"{due} due" in html
    signed = web.get("/timeline", params={"as_of": "2025-12-01", "signed": "true"}).text
    assert "Fact Sheet" not in signed.split("<ol class=\"timeline\">", 1)[1]


PAGES = ["/", "/?q=gallium+stockpile", f"/doc/{HOSTILE}", "/grid", "/timeline",
         f"/compare?doc={HOSTILE}&doc=us-japan-framework", f"/compare/report?doc={HOSTILE}&doc=us-japan-framework"]


@pytest.mark.parametrize("path", PAGES)
def test_document_markup_is_shown_as_text_never_as_markup(web: TestClient, path: str) -> None:
    response = web.get(path)
    assert response.status_code == 200
    html = response.text
    assert "<script>window.__xss" not in html and "<img src=x" not in html and 'href="javascript:' not in html
    policy = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    if path.startswith(("/doc/", "/?q=")):
        assert "&lt;script&gt;window.__xss" in html or "&lt;img src=x" in html


def test_with_an_api_key_pages_want_a_sign_in_and_the_cookie_only_reads(workspace_home: Path) -> None:
    from kb.serve.http import create_app

    with TestClient(create_app(open_kb(workspace_home), api_key="s3cret-key", preload=False)) as client:
        page = client.get("/grid", headers={"accept": "text/html"}, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login?next=%2Fgrid"
        assert client.get("/grid.csv").status_code == 401  # not a browser page view: the API's answer
        assert client.get("/static/workspace.css").status_code == 200
        wrong = client.post("/login", content="key=nope&next=/grid", headers={"content-type": "application/x-www-form-urlencoded"})
        assert wrong.status_code == 401 and "not the server" in wrong.text
        right = client.post("/login", content="key=s3cret-key&next=//evil.example/",
                            headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)
        assert right.status_code == 303 and right.headers["location"] == "/"
        assert "samesite=strict" in right.headers["set-cookie"].lower() and "httponly" in right.headers["set-cookie"].lower()
        assert client.get("/grid").status_code == 200  # the cookie now stands in for the key
        assert client.post("/search", json={"query": "gallium"}).status_code == 401  # but never for a write
        token = client.cookies.get("accords_key")
        assert token and "s3cret" not in token  # a token derived from the key, not the key
        # another local app's malformed cookie on the same host does not hide ours
        assert client.get("/grid", headers={"cookie": f'other={{"a":1}}; accords_key={token}; x=a b'}).status_code == 200


def test_a_key_beyond_ascii_signs_in(workspace_home: Path) -> None:
    from kb.serve.http import create_app

    with TestClient(create_app(open_kb(workspace_home), api_key="clé-k€y", preload=False)) as client:
        signed = client.post("/login", content="key=cl%C3%A9-k%E2%82%ACy&next=/grid",
                             headers={"content-type": "application/x-www-form-urlencoded"})
        assert signed.status_code == 200 and "Commitments grid" in signed.text


def test_highlights_survive_control_characters_in_the_text() -> None:
    from kb.search.explain import highlight_spans

    text = "The Parties shall build a \x03 stockpile of gallium and tungsten \x02 reserves."
    spans = highlight_spans({"c": text}, {"q": '"gallium" OR "tungsten"'})["q"]["c"]
    assert [text[a:b] for a, b in spans] == ["gallium", "tungsten"]
