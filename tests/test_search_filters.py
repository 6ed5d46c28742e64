"""Search filters act inside both retrievers, before ranking; quoted phrases match word for word.

The corpus is built so that post-filtering would fail: one long agreement talks about gallium in
every clause, so an unfiltered top 50 holds nothing else, while the documents the filters pick
mention gallium only in passing. A filter applied after ranking would return (almost) nothing.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from kb.models import SearchFilters

MODES = ("hybrid", "dense", "lexical")
K = 8

TOPICS = [
    "shorten approval timelines for new processing plants",
    "fund research into recovering rare earths from electronic scrap",
    "share geological survey data for the northern provinces",
    "train local engineers in refinery operations",
    "hold an annual ministerial meeting on mining investment",
    "publish reference prices for battery-grade materials",
    "align labour and environmental standards in supply chains",
    "set up a working group on logistics and port capacity",
    "consider joint equity stakes in new smelting projects",
    "exchange information on disruptions in shipping routes",
    "promote traceability of minerals from mine to market",
    "screen investments in strategic assets on security grounds",
]
GALLIUM = [
    "build a strategic reserve of gallium and release it in a supply shock",
    "buy gallium from allied producers at agreed prices",
    "fund new gallium recovery lines at alumina refineries",
    "publish monthly data on gallium stocks and flows",
    "coordinate gallium purchases for the defence industry",
]


def _write(folder: Path, doc_id: str, title: str, meta: dict[str, str], clauses: list[str]) -> None:
    lines = [title, "", "Section I – Undertakings", ""]
    lines += [f"{i}. {text}" for i, text in enumerate(clauses, start=1)]
    lines += ["", "Done in two originals on the date of signature."]
    (folder / f"{doc_id}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / f"{doc_id}.meta.yaml").write_text(
        "".join(f"{key}: {value}\n" for key, value in {"doc_id": doc_id, "title": title, **meta}.items()),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def filtered_kb(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    root = tmp_path_factory.mktemp("filters")
    docs = root / "docs"
    docs.mkdir()
    # The distractor: gallium in every clause, many clauses.
    _write(docs, "gallium-accord", "Gallium Supply Accord between Japan and the United States",
           {"date": "2025-03-01", "parties": "[Japan, United States]", "doc_type": "agreement"},
           [f"The Parties shall {GALLIUM[i % len(GALLIUM)]}, including gallium held in tranche {i}." for i in range(60)])
    # The targets: gallium only in passing.
    _write(docs, "australia-memo", "Memorandum on Minerals Cooperation between Australia and the United States",
           {"date": "2024-06-01", "parties": "[Australia, United States]", "doc_type": "memorandum"},
           [f"The Participants intend to {topic}, which may also cover gallium." for topic in TOPICS])
    _write(docs, "canada-framework", "Framework on Mineral Security between Canada and Japan",
           {"date": "2023-01-15", "parties": "[Canada, Japan]", "doc_type": "framework"},
           [f"The Participants will {topic}; gallium is among the minerals in view." for topic in TOPICS])
    kb = KnowledgeBase(Settings(data_dir=root / "kb"))
    report = kb.ingest([docs])
    assert report.failed == [], report.failed
    assert {d.doc_id for d in kb.documents()} == {"gallium-accord", "australia-memo", "canada-framework"}
    return kb


def _docs_of(results) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.doc_id for hit in results.results}


@pytest.mark.parametrize("mode", MODES)
def test_unfiltered_gallium_query_is_all_distractor(filtered_kb, mode: str) -> None:
    found = filtered_kb.search("strategic reserve of gallium", k=K, mode=mode)
    assert len(found.results) == K
    assert _docs_of(found) == {"gallium-accord"}


FILTERS = {
    "doc": (SearchFilters(doc_ids=["australia-memo"]), {"australia-memo"}),
    "party": (SearchFilters(parties=["Australia"]), {"australia-memo"}),
    "party-any-case": (SearchFilters(parties=["canada"]), {"canada-framework"}),
    "doc_type": (SearchFilters(doc_types=["framework"]), {"canada-framework"}),
    "date-range": (SearchFilters(date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)), {"australia-memo"}),
    "date-to": (SearchFilters(date_to=dt.date(2023, 12, 31)), {"canada-framework"}),
    "two-docs": (SearchFilters(doc_ids=["australia-memo", "canada-framework"]), {"australia-memo", "canada-framework"}),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", list(FILTERS))
def test_filter_returns_k_from_the_filtered_documents(filtered_kb, mode: str, name: str) -> None:
    filters, allowed = FILTERS[name]
    found = filtered_kb.search("strategic reserve of gallium", k=K, filters=filters, mode=mode)
    assert len(found.results) == K, [h.clause_id for h in found.results]
    assert _docs_of(found) <= allowed


@pytest.mark.parametrize("mode", MODES)
def test_type_filter_keeps_only_clauses_of_that_type(filtered_kb, mode: str) -> None:
    stored = filtered_kb.store.db.execute("SELECT clause_id, doc_id, types FROM clauses").fetchall()
    by_type: dict[str, set[str]] = {}
    for clause_id, _doc_id, types in stored:
        for t in re.findall(r'"([a-z_]+)"', types):
            by_type.setdefault(t, set()).add(clause_id)
    assert by_type, "extraction gave no clause a commitment type"
    # the type the extractor gave to the most clauses outside the distractor
    wanted = max(by_type, key=lambda t: (len({c for c in by_type[t] if not c.startswith("gallium-accord")}), t))
    eligible = by_type[wanted]
    found = filtered_kb.search("gallium", k=K, filters=SearchFilters(types=[wanted]), mode=mode)
    assert {h.clause_id for h in found.results} <= eligible
    assert all(wanted in h.types for h in found.results)
    assert len(found.results) == min(K, len(eligible))


def test_filters_combine(filtered_kb) -> None:
    filters = SearchFilters(parties=["Japan"], doc_types=["framework", "memorandum"])
    found = filtered_kb.search("gallium reserve", k=K, filters=filters)
    assert len(found.results) == K and _docs_of(found) == {"canada-framework"}
    nothing = filtered_kb.search("gallium", k=K, filters=SearchFilters(parties=["Australia"], doc_types=["framework"]))
    assert nothing.results == []


@pytest.mark.parametrize("mode", MODES)
def test_quoted_phrase_matches_word_for_word(filtered_kb, mode: str) -> None:
    found = filtered_kb.search('"electronic scrap" recovering', k=K, mode=mode)
    assert len(found.results) == 2  # one clause in each target document says it
    assert all(re.search(r"\belectronic scrap\b", h.text, re.IGNORECASE) for h in found.results)
    # the stemmer alone would let "reference price" match "reference prices"
    assert filtered_kb.search('"reference price"', k=K, mode=mode).results == []
    assert len(filtered_kb.search('"reference prices"', k=K, mode=mode).results) == 2


def test_quoted_phrase_with_a_filter(filtered_kb) -> None:
    found = filtered_kb.search('"gallium stocks"', k=K, filters=SearchFilters(doc_ids=["gallium-accord"]))
    assert found.results and all("gallium stocks" in h.text for h in found.results)
    assert filtered_kb.search('"gallium stocks"', filters=SearchFilters(doc_ids=["australia-memo"])).results == []


def test_no_result_says_so(run_cli, filtered_kb) -> None:
    data_dir = str(filtered_kb.settings.data_dir)
    text = run_cli("--data-dir", data_dir, "search", '"molybdenum concentrate"')
    assert text.code == 0, text.stderr
    assert "No clauses match" in text.stdout and "molybdenum concentrate" in text.stdout
    as_json = run_cli("--data-dir", data_dir, "search", '"molybdenum concentrate"', "--json")
    assert as_json.json() == {"query": '"molybdenum concentrate"', "terms": ["molybdenum concentrate"], "scope": [],
                              "expanded": [], "provisions": [], "weak": False, "results": []}


def test_cli_filters_and_modes(run_cli, filtered_kb) -> None:
    data_dir = str(filtered_kb.settings.data_dir)
    for mode in MODES:
        out = run_cli("--data-dir", data_dir, "search", "gallium", "-k", "3", "--party", "Canada", "--mode", mode,
                      "--json")
        assert out.code == 0, out.stderr
        hits = out.json()["results"]
        assert [h["rank"] for h in hits] == [1, 2, 3]
        assert {h["doc_id"] for h in hits} == {"canada-framework"}
        assert all(h["section"] and h["doc_title"].startswith("Framework on Mineral Security") for h in hits)
    bad = run_cli("--data-dir", data_dir, "search", "gallium", "--from", "2024-13-01")
    assert bad.code == 2 and "date_from" in bad.stderr
