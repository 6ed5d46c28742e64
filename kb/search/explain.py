"""Why a clause came up: the words that matched, and which of hybrid search's lists brought it.

Matched words are found by SQLite FTS5 itself, in a throwaway in-memory table holding only the clauses
shown, with the tokenizer of the search table (kb/store/sqlite.py): what is highlighted is exactly what
BM25 matched, stems included ("stockpiles" for "stockpiling"), and costs well under a millisecond for a page
of results, whatever the size of the knowledge base.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping

from kb.models import SearchHit, Why

TOKENIZER = "porter unicode61 remove_diacritics 2"  # as clause_fts
_OPEN, _CLOSE = "\x02", "\x03"
# A hit is "close in meaning" when it is among this many nearest clauses by embedding, at WEAK_COSINE or more.
MEANING_RANK = 10
# Below this cosine a clause is only loosely related to the query. On corpus/ the 96 gold queries' nearest
# clause has a cosine of 0.28 to 0.88 (median 0.61; 4 below 0.42), twelve off-topic questions' 0.07 to 0.33.
# A result list with no clause this close, none holding half the query's words, and no commitment type or
# provision kind the query is about is weak: shown as the nearest there is, not as an answer.
WEAK_COSINE = 0.34


def highlight_spans(texts: Mapping[str, str], matches: Mapping[str, str | None]) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """For each named FTS5 expression, the character spans per clause of the words it matches."""
    found: dict[str, dict[str, list[tuple[int, int]]]] = {name: {} for name in matches}
    if not texts or not any(matches.values()):
        return found
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"CREATE VIRTUAL TABLE t USING fts5(cid UNINDEXED, text, tokenize = '{TOKENIZER}')")
        # the markers must not occur in the text itself; a same-length stand-in keeps every offset
        clean = [(cid, text.replace(_OPEN, " ").replace(_CLOSE, " ")) for cid, text in texts.items()]
        db.executemany("INSERT INTO t (cid, text) VALUES (?, ?)", clean)
        for name, match in matches.items():
            if not match:
                continue
            try:
                rows = db.execute("SELECT cid, highlight(t, 1, ?, ?) FROM t WHERE t MATCH ?",
                                  [_OPEN, _CLOSE, f"text : ({match})"]).fetchall()
            except sqlite3.OperationalError:  # an expression this table cannot read matches nothing here
                continue
            found[name] = {cid: _spans(marked) for cid, marked in rows}
    finally:
        db.close()
    return found


def _spans(marked: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    plain = 0  # position in the unmarked text
    start = 0
    for ch in marked:
        if ch == _OPEN:
            start = plain
        elif ch == _CLOSE:
            spans.append((start, plain))
        else:
            plain += 1
    return spans


def matched_words(text: str, spans: Iterable[tuple[int, int]]) -> list[str]:
    """The distinct words (lower case) of text at spans, in order of first appearance."""
    return list(dict.fromkeys(text[a:b].lower() for a, b in spans))


def explain(hit: SearchHit, keyword_spans: list[tuple[int, int]], thesaurus_spans: list[tuple[int, int]],
            dense: tuple[int, float] | None, types: set[str], named: list[str], provisions: list[str]) -> Why:
    keywords = matched_words(hit.text, keyword_spans)
    thesaurus = [w for w in matched_words(hit.text, thesaurus_spans) if w not in keywords]
    return Why(
        keywords=keywords, thesaurus=thesaurus,
        meaning=dense is not None and dense[0] < MEANING_RANK and dense[1] >= WEAK_COSINE,
        types=sorted(types.intersection(hit.types)), named=named, provisions=provisions,
    )


def merge_spans(*groups: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans sorted and overlapping ones joined: what a reader sees highlighted."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(s for group in groups for s in group):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
