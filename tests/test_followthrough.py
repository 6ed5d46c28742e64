"""Follow-through on the demo corpus: deadlines, announced vs signed, and diffs between versions.

The session's corpus_kb (tests/conftest.py): the corpus documents these tests and the comparison
tests read, plus three copies made from corpus texts (an undated copy of the US–Australia framework,
and two edited copies of the US–Thailand MOU), ingested once with the real extractor and model.
"""
from __future__ import annotations

import datetime as dt

import pytest

from extract.deadlines import add_period
from kb.followthrough.claims import Claim, ClaimsReport, check_claims, match_signed, same_amount
from kb.followthrough.deadlines import list_deadlines
from kb.followthrough.diff import diff_documents
from tests.conftest import THAI

AS_OF = dt.date(2025, 12, 1)


def _rows(kb, doc_id: str, **kwargs):  # type: ignore[no-untyped-def]
    return [r for r in list_deadlines(kb, as_of=AS_OF, **kwargs) if r.doc_id == doc_id]


# -- deadlines ---------------------------------------------------------------------------------------
def test_relative_deadlines_resolve_from_the_document_date(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    rows = {r.clause_id: r for r in _rows(corpus_kb, "us-australia-framework")}
    financing = rows["us-australia-framework/s1.2.b"]
    assert financing.deadline_text.startswith("within six months")
    assert (financing.date, financing.days, financing.status) == (dt.date(2026, 4, 20), 180, "due")
    assert financing.basis == "from_document_date"
    assert financing.citation.startswith("Section I") and financing.parties == ["United States", "Australia"]
    assert "at least $1 billion" in financing.text
    ministerial = rows["us-australia-framework/s1.2.d"]
    assert (ministerial.date, ministerial.days) == (dt.date(2026, 4, 18), 180)
    assert "Ministerial" in ministerial.text


def test_status_turns_past_the_day_after_the_deadline(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    rows = list_deadlines(corpus_kb, as_of=dt.date(2026, 4, 19), doc_types=["framework"])
    status = {(r.clause_id, r.date): r.status for r in rows if r.doc_id == "us-australia-framework"}
    assert status[("us-australia-framework/s1.2.d", dt.date(2026, 4, 18))] == "past"
    assert status[("us-australia-framework/s1.2.b", dt.date(2026, 4, 20))] == "due"


def test_undated_copy_lists_its_deadlines_as_unresolved(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    assert corpus_kb.document("us-australia-framework-undated").date is None
    rows = _rows(corpus_kb, "us-australia-framework-undated")
    relative = [r for r in rows if r.basis == "undated_document"]
    assert {"s1.2.b", "s1.2.d"} <= {r.clause_id.split("/")[1] for r in relative}
    assert all(r.status == "unresolved" and r.date is None for r in rows)
    assert {r.days for r in relative if r.clause_id.endswith(("s1.2.b", "s1.2.d"))} == {180}
    # No date to compare, so a date window keeps them, after every dated row.
    window = list_deadlines(corpus_kb, before=dt.date(2026, 1, 1), as_of=AS_OF)
    assert all(r.date is None or r.date < dt.date(2026, 1, 1) for r in window)
    assert any(r.doc_id == "us-australia-framework-undated" for r in window)
    dated = [r.date is not None for r in window]
    assert dated == sorted(dated, reverse=True)


def test_deadline_running_from_entry_into_force_is_not_guessed(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    rows = _rows(corpus_kb, "us-drc-strategic-partnership")
    assert rows and all(r.status == "unresolved" and r.basis == "from_event" for r in rows), rows
    assert any("enters into force" in r.text for r in rows)
    assert any("window of three months" in r.text for r in rows)  # a duration from an event, not a due date


def test_deadline_filters_and_order(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    everything = list_deadlines(corpus_kb, as_of=AS_OF)
    dates = [r.date for r in everything if r.date]
    assert dates == sorted(dates)
    japan = list_deadlines(corpus_kb, party="japan", as_of=AS_OF)
    # the one party rule: Japan is party to the document, or Japan is among those who commit
    japan_docs = {d.doc_id for d in corpus_kb.documents(party="japan")}
    assert japan and all(r.doc_id in japan_docs or "Japan" in r.parties for r in japan)
    assert {"us-japan-framework", "wh-fact-sheet-japan"} <= {r.doc_id for r in japan}
    signed = list_deadlines(corpus_kb, as_of=AS_OF, doc_types=["framework", "memorandum", "agreement"])
    assert signed and {r.doc_type for r in signed} <= {"framework", "memorandum", "agreement"}
    window = list_deadlines(corpus_kb, after=dt.date(2026, 4, 19), before=dt.date(2026, 4, 27), as_of=AS_OF,
                            statuses=["due"])
    assert {r.date for r in window} >= {dt.date(2026, 4, 20), dt.date(2026, 4, 26)}
    assert all(dt.date(2026, 4, 19) <= r.date < dt.date(2026, 4, 27) for r in window)  # type: ignore[operator]


@pytest.mark.parametrize(("start", "count", "unit", "expected"), [
    (dt.date(2025, 10, 20), 6, "month", dt.date(2026, 4, 20)),
    (dt.date(2025, 10, 20), 180, "day", dt.date(2026, 4, 18)),
    (dt.date(2025, 8, 31), 6, "month", dt.date(2026, 2, 28)),
    (dt.date(2024, 2, 29), 1, "year", dt.date(2025, 2, 28)),
    (dt.date(2025, 10, 26), 2, "week", dt.date(2025, 11, 9)),
])
def test_calendar_arithmetic(start: dt.date, count: int, unit: str, expected: dt.date) -> None:
    assert add_period(start, count, unit) == expected


def test_deadlines_command_json(corpus_kb, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data_dir = corpus_kb.settings.data_dir
    result = run_cli("--data-dir", data_dir, "deadlines", "--json", "--signed", "--as-of", "2025-12-01")
    assert result.code == 0, result.stderr
    rows = result.json()
    assert {"doc_id", "clause_id", "type", "text", "date", "days", "status", "citation", "parties"} <= set(rows[0])
    assert not {r["doc_type"] for r in rows} & {"fact_sheet", "press_release", "commentary"}
    assert {"date": "2026-04-20", "status": "due"}.items() <= next(
        r for r in rows if r["clause_id"] == "us-australia-framework/s1.2.b").items()
    monkeypatch.setenv("COLUMNS", "200")
    table = run_cli("--data-dir", data_dir, "deadlines", "--signed", "--as-of", "2025-12-01", "--party", "Japan")
    assert table.code == 0 and "us-japan-framework" in table.stdout and "us-australia" not in table.stdout
    bad = run_cli("--data-dir", data_dir, "deadlines", "--before", "2026-13-01")
    assert bad.code == 2


# -- claims -------------------------------------------------------------------------------------------
def _claim(report: ClaimsReport, kind: str, value: float | None = None, name: str | None = None) -> Claim:
    return next(c for c in report.claims if c.kind == kind and (value is None or c.value == value)
                and (name is None or c.claim.casefold() == name.casefold()))


def test_press_release_figures_against_the_signed_framework(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    report = check_claims(corpus_kb, "au-pm-media-release")
    assert report.matched_by == "describes" and [d.doc_id for d in report.against] == ["us-australia-framework"]
    pipeline = _claim(report, "amount", 8.5e9)
    assert pipeline.currency == "USD" and not pipeline.in_signed and not pipeline.matches
    assert pipeline.sources[0].clause_id == "au-pm-media-release/p3"
    # "will each provide ..." is a commitment the release announces: missing from the signed text, it matters
    assert pipeline.announced and pipeline.sources[0].announced
    assert any(not c.announced for c in report.claims)  # figures the release only narrates
    floor = _claim(report, "amount", 1e9)
    assert floor.claim == "at least US$1 billion" and floor.in_signed
    assert floor.matches[0].clause_id == "us-australia-framework/s1.2.b"
    assert floor.matches[0].matched == "at least $1 billion" and floor.matches[0].citation.startswith("Section I")
    assert not _claim(report, "amount", 2e8).in_signed  # the Alcoa–Sojitz equity
    assert not _claim(report, "mineral", name="gallium").in_signed
    group = _claim(report, "institution", name="U.S.-Australia Critical Minerals Supply Security Response Group")
    assert group.in_signed and group.matches[0].clause_id == "us-australia-framework/s1.9"
    nolans = next(c for c in report.claims if c.kind == "project" and "Nolans" in c.claim)
    assert not nolans.in_signed
    assert report.n_in_signed + report.n_not_in_signed == len(report.claims)


@pytest.mark.parametrize("text", ["US$1 billion", "$1bn", "1,000 million US dollars", "USD 1,000 million"])
def test_amounts_match_as_numbers(text: str) -> None:
    from extract.amounts import find_amounts

    (hit,) = find_amounts(text)
    assert same_amount(hit.value, hit.currency, 1e9, "USD")
    assert not same_amount(hit.value, hit.currency, 1e9, "AUD")
    assert not same_amount(hit.value, hit.currency, 1.1e9, "USD")


def test_signed_text_found_by_parties_and_date_without_metadata(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    summaries = corpus_kb.documents()
    by_id = {s.doc_id: s for s in summaries}
    assert match_signed(by_id["wh-fact-sheet-australia"], summaries).doc_id == "us-australia-framework"
    assert match_signed(by_id["wh-fact-sheet-japan"], summaries).doc_id == "us-japan-framework"
    assert match_signed(by_id["commentary-china-export-controls"], summaries) is None


def test_against_names_the_signed_text(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    report = check_claims(corpus_kb, "au-pm-media-release", against="us-japan-framework")
    assert report.matched_by == "against" and [d.doc_id for d in report.against] == ["us-japan-framework"]
    assert not _claim(report, "institution", name="U.S.-Australia Critical Minerals Supply Security Response Group"
                      ).in_signed


def test_claims_command(corpus_kb, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data_dir = corpus_kb.settings.data_dir
    md = run_cli("--data-dir", data_dir, "claims", "au-pm-media-release")
    assert md.code == 0, md.stderr
    line = next(row for row in md.stdout.splitlines() if row.startswith("| US$8.5 billion"))
    assert "**no**" in line
    as_json = run_cli("--data-dir", data_dir, "claims", "au-pm-media-release", "--format", "json").json()
    assert as_json["against"][0]["doc_id"] == "us-australia-framework" and as_json["n_not_in_signed"] > 0
    assert run_cli("--data-dir", data_dir, "claims", "no-such-doc").code == 2


# -- diff ---------------------------------------------------------------------------------------------
def _paths(changes, side: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [getattr(c, f"{side}_clause_id").split("/", 1)[1] for c in changes]


def test_edited_copy_diffs_to_exactly_its_edits(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    report = diff_documents(corpus_kb, THAI, f"{THAI}-edited")
    assert report.summary == {"added": 1, "removed": 1, "changed": 1,
                              "unchanged": len(corpus_kb.document(THAI).clauses) - 2, "moved": 0}
    (changed,) = report.of("changed")
    assert _paths([changed], "old") == _paths([changed], "new") == ["s2.5"] and changed.aligned_by == "structure"
    assert [(w.op, w.old, w.new) for w in changed.words if w.op != "equal"] == [("replace", "will", "shall")]
    forces = [c for c in changed.commitments if c.change == "force"]
    assert forces and all(c.old == "commitment" and c.new.startswith("binding") for c in forces)  # type: ignore[union-attr]
    assert _paths(report.of("removed"), "old") == ["s2.4"]
    (added,) = report.of("added")
    assert _paths([added], "new") == ["s2.6"] and "working group" in added.new_text
    assert any("within twelve months" in (c.new or "") for c in added.commitments)
    assert [c.status for c in report.changes] == ["removed", "changed", "added"]  # reading order


def test_renumbered_and_reworded_clauses_align_by_meaning(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    report = diff_documents(corpus_kb, THAI, f"{THAI}-reworded")
    assert _paths(report.of("removed"), "old") == ["p3"] and not report.of("added")
    (changed,) = report.of("changed")
    assert (_paths([changed], "old"), _paths([changed], "new")) == (["p5"], ["p4"])
    assert changed.aligned_by == "meaning"
    inserted = " ".join(w.new for w in changed.words if w.op in ("insert", "replace"))
    assert "environmental and labour" in inserted
    assert ("us-thailand-mou/p4", "us-thailand-mou-reworded/p3") in {(m.old_clause_id, m.new_clause_id)
                                                                      for m in report.moved}


def test_diff_command(corpus_kb, run_cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    data_dir = corpus_kb.settings.data_dir
    shown = run_cli("--data-dir", data_dir, "diff", THAI, f"{THAI}-edited")
    assert shown.code == 0, shown.stderr
    assert "1 changed, 1 added, 1 removed" in shown.stdout
    assert "~ changed s2.5" in shown.stdout and "+ added s2.6" in shown.stdout and "- removed s2.4" in shown.stdout
    as_json = run_cli("--data-dir", data_dir, "diff", THAI, f"{THAI}-edited", "--json").json()
    assert as_json["summary"]["changed"] == 1 and as_json["changes"][1]["words"][1]["new"] == "shall"
    assert run_cli("--data-dir", data_dir, "diff", THAI, "no-such-doc").code == 2


# -- HTTP routes ------------------------------------------------------------------------------------------
def test_http_routes(corpus_kb) -> None:  # type: ignore[no-untyped-def]
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from kb.api import KnowledgeBase
    from kb.serve.followthrough_routes import router

    app = FastAPI()
    app.state.kb = KnowledgeBase(corpus_kb.settings)  # its own SQLite connection, opened on the app's thread
    app.include_router(router)
    with TestClient(app) as client:
        found = client.get("/deadlines", params={"as_of": "2025-12-01", "signed": True, "party": "Australia"})
        assert found.status_code == 200
        rows = found.json()["deadlines"]
        assert ("us-australia-framework/s1.2.d", "2026-04-18") in {(r["clause_id"], r["date"]) for r in rows}
        claims = client.get("/claims/au-pm-media-release").json()
        assert any(c["value"] == 8.5e9 and not c["in_signed"] for c in claims["claims"])
        diff = client.get("/diff", params={"old": THAI, "new": f"{THAI}-edited"}).json()
        assert diff["summary"]["added"] == 1
        assert client.get("/diff", params={"old": THAI, "new": "no-such-doc"}).status_code == 404
        assert client.get("/deadlines", params={"before": "2026-13-01"}).status_code == 422
