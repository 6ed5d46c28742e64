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
