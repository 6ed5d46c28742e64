"""Query handling and fusion helpers: pure functions, hand-made inputs."""
from __future__ import annotations

import pytest

from kb.search.fusion import reciprocal_rank, reweight
from kb.search.ranker import source_weight
from kb.search.searcher import BM25_WEIGHTS, fts_match, parse_query, phrase_pattern, term_match


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("$900m", '("900m" OR "900 million")'),
        ("2.2bn", '("2.2bn" OR "2.2 billion")'),
        ("us$5b", '"us$5b"'),  # a currency code glued to the number is left alone
        ("$2.2", '"2.2"'),
        ("billion", '"billion"'),
        ("1,000", '"1,000"'),
    ],
)
def test_abbreviated_amounts_also_match_spelled_out(term: str, expected: str) -> None:
    assert term_match(term) == expected


def test_amount_query_keeps_number_and_scale() -> None:
    parsed = parse_query("export credit of as much as $900m")
    assert parsed.terms == ("export", "credit", "$900m")  # "much" is a question word, not a subject
    assert fts_match(parsed) == '"export" OR "credit" OR ("900m" OR "900 million")'


def test_phrase_pattern_is_word_for_word_and_case_blind() -> None:
    pattern = phrase_pattern(("price floor", "EXIM"))
    assert pattern is not None
    assert pattern.match("Exim backs a PRICE\n  floor for gallium.")
    assert not pattern.match("EXIM backs price floors.")
    assert not pattern.match("a price floor alone")
    assert phrase_pattern(()) is None
    money = phrase_pattern(("$2.2 billion",))
    assert money is not None and money.match("up to $2.2 billion in loans") and not money.match("$2.25 billion")


def test_reweight_demotes_by_factor_and_keeps_order_of_equals() -> None:
    fused = [("commentary", 0.05), ("treaty", 0.04), ("other", 0.04)]
    assert [c for c, _ in reweight(fused, {"commentary": 0.5})] == ["treaty", "other", "commentary"]
    assert reweight(fused, {"commentary": 0.5})[-1][1] == pytest.approx(0.025)


def test_reweight_never_lifts_a_negative_score() -> None:
    ranked = reweight([("a", -0.1), ("b", -0.12)], {"a": 0.5})
    assert [c for c, _ in ranked] == ["b", "a"]


def test_rrf_constant_changes_how_much_agreement_counts() -> None:
    # "a" is 1st in one list and 9th in the other; "b" is 4th in both. A small constant favours the top hit.
    rankings = [["a", "x", "y", "b"], ["c", "d", "e", "b", "f", "g", "h", "i", "a"]]
    assert reciprocal_rank(rankings, k=1)[0][0] == "a"
    assert reciprocal_rank(rankings, k=60)[0][0] == "b"


def test_source_prior_values() -> None:
    assert source_weight("agreement", "provision") == 1.0
    secondary = source_weight("commentary", "provision")
    assert 0.5 <= secondary < 1.0  # ranked after the instrument, but not buried: it may alone name a figure
    title = source_weight("agreement", "title")
    assert source_weight("fact_sheet", "title") == secondary * title < title


def test_bm25_weights_cover_every_fts_column(kb) -> None:
    columns = [row[1] for row in kb.store.db.execute("PRAGMA table_info(clause_fts)").fetchall()]
    assert list(BM25_WEIGHTS) == columns


def test_question_words_and_modals_are_not_search_terms() -> None:
    assert parse_query("when may the Ukraine fund pay out profits").terms == ("ukraine", "fund", "pay", "out", "profits")
    assert parse_query('"may" lend').phrases == ("may",)  # a quoted word still matches exactly


def test_embedding_text_puts_the_clause_before_its_context() -> None:
    from kb.store.sqlite import embedding_text

    assert embedding_text("A Framework", "Prices", "The Participants will set a floor.") == (
        "The Participants will set a floor. (Prices — A Framework)")
    assert embedding_text("", "", "Bare text.") == "Bare text."


def test_query_types_come_from_the_taxonomy_examples(kb) -> None:
    searcher = kb.searcher
    vectors = searcher.encoder.encode(["blocking foreign takeovers of mineral assets on national security grounds",
                                       "recovering rare earths from scrap", "what did the two leaders say"])
    assert "investment_screening" in searcher.query_types(vectors[0])
    assert "recycling" in searcher.query_types(vectors[1])
    assert searcher.query_types(vectors[2]) == set()  # a query about no commitment gets no type list
