from __future__ import annotations

from kb.search.fusion import RRF_K, reciprocal_rank
from kb.search.searcher import fts_match, parse_query


def test_rrf_rewards_agreement_between_rankers() -> None:
    fused = reciprocal_rank([["a", "b", "c"], ["b", "c", "d"]])
    assert [item for item, _ in fused] == ["b", "c", "a", "d"]
    assert fused[0][1] == 1 / (RRF_K + 2) + 1 / (RRF_K + 1)  # b: second in one list, first in the other


def test_rrf_weights_tilt_the_order() -> None:
    fused = reciprocal_rank([["a", "b"], ["b", "a"]], weights=[2.0, 1.0])
    assert fused[0][0] == "a"


def test_quoted_phrases_are_required_and_terms_optional() -> None:
    parsed = parse_query('"letters of interest" EXIM for $2.2 billion')
    assert parsed.phrases == ("letters of interest",)
    assert parsed.terms == ("exim", "$2.2", "billion")
    assert fts_match(parsed) == '"letters of interest" AND ("exim" OR "2.2" OR "billion")'


def test_query_of_only_stopwords_matches_nothing_lexically() -> None:
    assert fts_match(parse_query("what is the")) is None


def test_weighted_rrf_lets_a_lighter_list_break_ties_only() -> None:
    fused = reciprocal_rank([["a", "b"], ["b", "a"], ["b"]], [1.0, 0.8, 0.5], k=20)
    assert [c for c, _ in fused] == ["b", "a"]
    alone = reciprocal_rank([["a", "b"], ["b", "a"]], [1.0, 0.8], k=20)
    assert [c for c, _ in alone] == ["a", "b"]


def test_ndcg_counts_every_relevant_clause_by_its_rank() -> None:
    from kb.eval.search import ndcg_at

    assert ndcg_at(["a", "b", "c"], ["a", "b"], 10) == 1.0  # the best ranking of two relevant clauses
    assert ndcg_at(["x", "y"], ["a"], 10) == 0.0
    swapped = ndcg_at(["b", "x", "a"], ["a", "b"], 10)
    assert 0.9 < swapped < 1.0  # both found, one lower down
    many = [f"r{i}" for i in range(12)]
    assert ndcg_at(many, many, 10) == 1.0  # twelve relevant clauses: recall@5 could not pass 5/12, nDCG can
    assert ndcg_at(["x", *many], many, 10) < 1.0


def test_ranker_features_read_every_list() -> None:
    from kb.search.ranker import FEATURES, HybridLists, features

    lists = HybridLists(lexical=[("d/a", 8.0), ("d/b", 2.0)], dense=[("d/b", 0.6), ("e/c", 0.4)], typed=["d/b"],
                        scope=["d"])
    sources = {"d/a": ("title", "framework", "d"), "d/b": ("provision", "framework", "d"),
               "e/c": ("provision", "fact_sheet", "e")}
    rows = {c: dict(zip(FEATURES, row, strict=True)) for c, row in features(lists, sources).items()}
    assert list(rows) == ["d/a", "d/b", "e/c"]
    assert rows["d/a"]["bm25"] == 1.0 and rows["d/b"]["bm25"] == 0.25 and rows["e/c"]["bm25"] == 0.0
    assert rows["d/a"]["cosine"] == 0.4  # not in the dense list: at most its last cosine
    assert rows["d/b"]["rr_type"] > 0 and rows["d/a"]["rr_type"] == 0
    assert rows["d/a"]["framing_clause"] == 1.0 and rows["e/c"]["secondary_source"] == 1.0
    assert rows["e/c"]["out_of_scope"] == 1.0 and rows["d/b"]["out_of_scope"] == 0.0
    assert rows["d/b"]["lists"] == 3 / 6


def test_a_ranker_file_for_other_features_is_not_used(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from kb.search.ranker import FUSION_FILE, LearnedRanker

    shipped = LearnedRanker.load()
    assert shipped is not None and shipped.about["fitted_on"] == ["corpus/gold/queries.jsonl"]
    other = tmp_path / "fusion.json"
    data = json.loads(FUSION_FILE.read_text(encoding="utf-8"))
    other.write_text(json.dumps({**data, "features": data["features"][:-1]}), encoding="utf-8")
    assert LearnedRanker.load(other) is None
    assert LearnedRanker.load(tmp_path / "missing.json") is None
