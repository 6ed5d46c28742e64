"""Query scope: the documents a query names by country, and by kind of instrument.

"When does the Malaysia memorandum take effect" is about one memorandum, though every memorandum has a
commencement clause and the title words match them all. Hybrid search ranks the named documents' clauses
as one more list and lets the rest keep part of their evidence (see kb/search/ranker.py): a preference, not a
filter, because a query naming a country may still be answered by another instrument.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extract.countries import CAPITALS, countries_in, country_at
from kb.store.term_counts import Freshness

if TYPE_CHECKING:
    from kb.store.sqlite import Store

# Words for a kind of instrument, by doc_type (ingest.models.DocType). Only names of the instrument itself:
# "analysis of the Japan stockpile" asks for the stockpile clause, not for commentaries.
KIND_WORDS = {
    "memorandum": r"memorand(?:um|a)|mou|mous", "framework": r"frameworks?", "joint_statement": r"joint statements?",
    "fact_sheet": r"fact ?sheets?", "press_release": r"(?:press|media) releases?", "action_plan": r"action plans?",
    "commentary": r"commentar(?:y|ies)", "agreement": r"agreements?|treat(?:y|ies)",
    "executive_order": r"executive orders?",
}
_KIND_PATTERNS = {kind: re.compile(rf"\b(?:{words})\b", re.IGNORECASE) for kind, words in KIND_WORDS.items()}
_CAPITALS = re.compile(rf"\b(?:{'|'.join(re.escape(c) for c in CAPITALS)})\b", re.IGNORECASE)
# A place the query sets apart ("production outside China", "buyers other than Japan") is not what it is
# about; only the name right after the words counts ("without notifying Australia" still names Australia).
# Not "out of": "out of Ukraine's rebuilding" is about Ukraine.
_SET_APART = re.compile(r"\b(?:outside(?:\s+of)?|away\s+from|instead\s+of|other\s+than|rather\s+than|"
                        r"except(?:\s+for)?|excluding|without)\s+(?:(?:in|from|to)\s+)?(?:the\s+)?", re.IGNORECASE)


@dataclass(frozen=True)
class DocumentFacts:
    doc_id: str
    parties: frozenset[str]
    doc_type: str
    n_clauses: int = 0


def named_parties(query: str) -> set[str]:
    """Countries and groups a query names, by name, adjective ("Malaysian") or capital ("Canberra"), less
    those it sets apart ("outside China")."""
    named = set(countries_in(query))
    named.update(CAPITALS[m.group(0).lower()] for m in _CAPITALS.finditer(query))
    for m in _SET_APART.finditer(query):
        rest = query[m.end():]
        capital = _CAPITALS.match(rest)
        named.discard(CAPITALS[capital.group(0).lower()] if capital else country_at(rest))
    return named


def named_kinds(query: str) -> set[str]:
    return {kind for kind, pattern in _KIND_PATTERNS.items() if pattern.search(query)}


def query_scope(query: str, documents: Iterable[DocumentFacts]) -> list[str]:
    """The documents a query names: party to every country it names (a country party to most documents,
    such as the United States here, tells nothing and is ignored), narrowed to the kinds of instrument it
    names when any of them is such a kind. Empty when the query names no country or none matches."""
    documents = list(documents)
    named = named_parties(query)
    if not named or not documents:
        return []
    everywhere = {p for p in named if sum(p in d.parties for d in documents) * 2 > len(documents)}
    named -= everywhere
    if not named:
        return []
    chosen = [d for d in documents if named <= d.parties]
    kinds = named_kinds(query)
    of_kind = [d for d in chosen if d.doc_type in kinds]
    return sorted(d.doc_id for d in (of_kind or chosen))


class DocumentCatalog:
    """Every document's parties and type, read again only when the database changes (in any process)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._documents: list[DocumentFacts] = []
        self._sizes: dict[str, int] = {}
        self._fresh = Freshness(store.db)

    def __call__(self) -> list[DocumentFacts]:
        if self._fresh.changed():
            self._documents = [DocumentFacts(d, frozenset(p), t, n) for d, p, t, n in self.store.document_facts()]
            self._sizes = {d.doc_id: d.n_clauses for d in self._documents}
        return self._documents

    def clause_count(self, doc_ids: Iterable[str]) -> int:
        """Clauses in these documents, as of the last call."""
        return sum(self._sizes.get(d, 0) for d in doc_ids)
