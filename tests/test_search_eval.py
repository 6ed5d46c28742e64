"""accords eval search: metrics on a hand-made gold set, and the bar on the demo corpus."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.eval.search import RECALL_BAR, evaluate_search, gold_files, load_gold
from tests.conftest import ATLANTIS_SECTION, CORPUS

pytestmark = pytest.mark.quality  # search measured over the gold and held-out query sets

DATA = Path(__file__).parent / "data"

ACCORD = "UNITED STATES-ATLANTIS ACCORD ON CRITICAL MINERALS\n\n" + ATLANTIS_SECTION


def _gold(path: Path, rows: list[dict]) -> Path:  # type: ignore[type-arg]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def small(kb, tmp_path: Path):  # type: ignore[no-untyped-def]
    doc = tmp_path / "atlantis-accord.txt"
    doc.write_text(ACCORD, encoding="utf-8")
    assert kb.ingest([doc]).failed == []
    first = _gold(tmp_path / "queries_a.jsonl", [
        {"query": '"strategic reserves of gallium"', "kind": "exact",
         "relevant": [{"doc_id": "atlantis-accord", "snippet": "release of their  strategic\nreserves of gallium"}]},
        {"query": "loans and equity for joint projects", "kind": "paraphrase",
         "relevant": [{"doc_id": "atlantis-accord", "snippet": "at least $1 billion in loans"},
                      {"doc_id": "atlantis-accord", "snippet": "The Participants will"},
                      {"doc_id": "no-such-doc", "snippet": "anything at all"}]},
    ])
    second = _gold(tmp_path / "queries_b.jsonl", [
        {"query": "Loans and equity  for joint projects", "kind": "paraphrase",
         "relevant": [{"doc_id": "atlantis-accord", "snippet": "recovering rare earths from electronic scrap"}]},
    ])
    return kb, [first, second]


def test_report_scores_resolves_and_merges(small) -> None:
    kb, files = small
    report = evaluate_search(kb, [str(files[0].parent / "queries_*.jsonl")])
    assert report.gold_files == [str(f) for f in files]
    assert report.n_queries == 2  # the same query in two files counts once, its relevant clauses merged
    assert [m.mode for m in report.modes] == ["hybrid", "dense", "lexical"]
    assert report.k_values == [5, 10]
    hybrid, dense, lexical = (report.scores(m) for m in ("hybrid", "dense", "lexical"))
    # Five clauses in all (title and four provisions): dense and hybrid hold every one in their top 5.
    assert len(kb.store.clauses("atlantis-accord")) == 5
    assert hybrid.recall[5] == dense.recall[5] == 1.0
    # Lexical: the phrase query finds its clause first; the merged query finds the loans clause first
    # but never the scrap clause, which shares no word with it.
    assert lexical.recall == {5: 0.75, 10: 0.75} and lexical.mrr == 1.0
    [miss] = report.misses
    assert miss.relevant == ["atlantis-accord/s1.2", "atlantis-accord/s1.4"]
    assert miss.ranks["lexical"] == [1, None] and None not in miss.ranks["hybrid"]
    assert sorted(u.reason.split(":")[0] for u in report.unresolved) == [
        "3 clauses contain it", "document not in the knowledge base"]
    assert {u.snippet for u in report.unresolved} == {"anything at all", "The Participants will"}
    assert report.passed == (report.hybrid_beats_others_on_mrr and report.hybrid_recall_at_5 >= RECALL_BAR)


def test_exact_query_ranks_its_clause_first_in_lexical_mode(small) -> None:
    kb, files = small
    report = evaluate_search(kb, files[0], k_values=(1,), modes=("lexical",))
    assert report.k_values == [1]
    assert report.by_kind["exact"]["lexical"] == 1.0


def test_misses_name_the_rank_of_each_relevant_clause(kb, tmp_path: Path) -> None:
    doc = tmp_path / "atlantis-accord.txt"
    doc.write_text(ACCORD, encoding="utf-8")
    kb.ingest([doc])
    gold = _gold(tmp_path / "queries.jsonl", [
        {"query": "gallium stockpile release", "kind": "paraphrase",
         "relevant": [{"doc_id": "atlantis-accord", "snippet": "shorten approval timelines"}]},
    ])
    report = evaluate_search(kb, gold, k_values=(1,))
    [miss] = report.misses
    assert miss.relevant == ["atlantis-accord/s1.3"]
    assert miss.ranks == {"hybrid": [None], "dense": [None], "lexical": [None]}
    assert miss.top["lexical"][0] == "atlantis-accord/s1.1"
    assert report.scores("hybrid").mrr == 0.0 and not report.passed


def test_bad_gold_line_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "queries.jsonl"
    path.write_text('{"query": "ok", "relevant": [{"doc_id": "a", "snippet": "b"}]}\n{"query": "no relevant"}\n')
    with pytest.raises(ValueError, match=r"queries.jsonl:2"):
        load_gold([path])


def test_gold_files_take_folders_globs_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "queries_x.jsonl").write_text("")
    (tmp_path / "commitments.jsonl").write_text("")
    assert gold_files(tmp_path) == [tmp_path / "queries_x.jsonl"]
    assert gold_files(str(tmp_path / "*.jsonl")) == [tmp_path / "commitments.jsonl", tmp_path / "queries_x.jsonl"]
    defaults = gold_files()
    assert defaults and all(p.name.startswith("queries") for p in defaults)


def test_cli_json_and_table(run_cli, small) -> None:
    _, files = small
    out = run_cli("eval", "search", "--gold", str(files[0]), "--json")
    assert out.code == 0, out.stderr
    data = out.json()
    assert set(data) >= {"n_queries", "modes", "misses", "unresolved", "passed", "by_kind", "hybrid_recall_at_5"}
    assert {m["mode"] for m in data["modes"]} == {"hybrid", "dense", "lexical"}
    assert set(data["modes"][0]["recall"]) == {"5", "10"}
    table = run_cli("eval", "search", "--gold", str(files[0]), "-k", "3")
    assert table.code == 0 and "recall@3" in table.stdout and "MRR" in table.stdout
    assert "gold snippet not resolved" in table.stdout
    missing = run_cli("eval", "search", "--gold", str(files[0].parent / "nothing-*.jsonl"))
    assert missing.code == 2 and "no gold query file" in missing.stderr


def test_cli_on_an_empty_knowledge_base_says_to_ingest(run_cli) -> None:
    out = run_cli("eval", "search")
    assert out.code == 1 and "ingest the corpus first" in out.stderr


@pytest.fixture(scope="module")
def corpus_kb(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    kb = KnowledgeBase(Settings(data_dir=tmp_path_factory.mktemp("corpus") / "kb"))
    report = kb.ingest([CORPUS])
    assert report.failed == [], report.failed
    return kb


def test_corpus_gold_resolves_and_hybrid_beats_each_retriever(corpus_kb) -> None:
    report = evaluate_search(corpus_kb)
    assert report.unresolved == [], report.unresolved[:3]
    assert report.n_queries >= 90
    hybrid, dense, lexical = (report.scores(m) for m in ("hybrid", "dense", "lexical"))
    assert report.hybrid_beats_others_on_mrr
    assert hybrid.mrr > dense.mrr and hybrid.mrr > lexical.mrr
    assert hybrid.recall[10] > max(dense.recall[10], lexical.recall[10])
    # The bar is 0.9. On the pooled, twice-judged relevant sets (corpus/README.md) hybrid with the
    # learned ranker measures 0.798 (MRR 0.913, nDCG@10 0.863; fitted on these queries, so in-sample), and 16
    # queries have more than 5 relevant clauses, so 0.94 is the most any ranking could reach. The floors sit
    # at the measured figures less Chroma's run-to-run wobble (one relevant clause of one query costs ~0.005).
    assert hybrid.recall[5] >= 0.79
    assert hybrid.mrr >= 0.905
    assert hybrid.ndcg >= 0.855


def test_heldout_queries_resolve_and_hybrid_recalls_most(corpus_kb) -> None:
    """Queries written after the search was tuned, by writers who never ran it (tests/data/heldout_queries_*)."""
    for part in (1, 2, 3, 4):
        report = evaluate_search(corpus_kb, DATA / f"heldout_queries_{part}.jsonl")
        assert report.unresolved == [] and report.n_queries == 40
        hybrid, dense, lexical = (report.scores(m) for m in ("hybrid", "dense", "lexical"))
        assert hybrid.recall[5] > max(dense.recall[5], lexical.recall[5])
        assert hybrid.recall[10] > max(dense.recall[10], lexical.recall[10])


# nDCG@10 of hybrid search with the learned ranker on each held-out set, as measured, less a little wobble.
HELD_OUT_NDCG = {1: 0.67, 2: 0.73, 3: 0.69, 4: 0.79}


def test_learned_ranker_beats_the_hand_set_weights_on_queries_it_never_saw(corpus_kb) -> None:
    from kb.api import KnowledgeBase

    hand = KnowledgeBase(corpus_kb.settings.model_copy(update={"fusion": "rrf"}))
    assert corpus_kb.searcher.ranker is not None and hand.searcher.ranker is None
    for part, floor in HELD_OUT_NDCG.items():
        gold = DATA / f"heldout_queries_{part}.jsonl"
        learned = evaluate_search(corpus_kb, gold, modes=("hybrid",)).scores("hybrid")
        weights = evaluate_search(hand, gold, modes=("hybrid",)).scores("hybrid")
        assert learned.ndcg > weights.ndcg, (part, learned, weights)
        assert learned.ndcg >= floor, (part, learned)
