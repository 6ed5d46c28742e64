"""A context pack for a language model: the best clauses for a question, numbered [1], [2]..., with
citations and their commitments, within a token budget. Plain data; it carries no instructions."""
from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from extract.models import Commitment, Modality
from kb.models import UNTRUSTED, DocSummary, SearchHit, TextIs

if TYPE_CHECKING:
    from kb.library import Library
    from kb.models import SearchFilters, SearchMode

TOKENS_PER_WORD = 1.3
PASSAGE_OVERHEAD = 12  # tokens for a passage's field names and punctuation


def estimate_tokens(*texts: str) -> int:
    """A rough language-model token count: 1.3 tokens per whitespace-separated word, rounded up."""
    return math.ceil(TOKENS_PER_WORD * sum(len(t.split()) for t in texts))



class PackCommitment(BaseModel):
    type: str
    modality: Modality
    actors: list[str] = Field(default_factory=list)
    minerals: list[str] = Field(default_factory=list)
    amounts: list[str] = Field(default_factory=list)
    deadline: str | None = None
    institutions: list[str] = Field(default_factory=list)


class Passage(BaseModel):
    ref: str = Field(description="'[1]', '[2]'...: how an answer cites this passage.")
    citation: str = Field(description="doc_id, then where in the document.")
    doc_id: str
    clause_id: str
    page: int | None = None
    text: str
    text_is: TextIs = UNTRUSTED
    truncated: bool = False
    commitments: list[PackCommitment] = Field(default_factory=list)
    tokens: int


class PackDocument(BaseModel):
    doc_id: str
    title: str
    date: dt.date | None = None
    parties: list[str] = Field(default_factory=list)
    doc_type: str


class TokenCount(BaseModel):
    budget: int
    used: int
    method: str = "estimate: 1.3 tokens per word of every value, plus 12 per passage for field names"


class ContextPack(BaseModel):
    question: str
    passages: list[Passage]
    documents: list[PackDocument] = Field(description="The documents the passages come from.")
    omitted: int = Field(description="Relevant clauses left out to stay within the budget.")
    tokens: TokenCount


def build_context(kb: Library, question: str, k: int = 20, filters: SearchFilters | None = None,
                  mode: SearchMode = "hybrid", max_tokens: int = 2000) -> ContextPack:
    """The best clauses for a question and their commitments, numbered, cited and within the budget."""
    hits = kb.search_many([question], k=k, filters=filters, mode=mode)[0].results
    by_clause: dict[str, list[Commitment]] = {}
    for doc_id in dict.fromkeys(h.doc_id for h in hits):
        for c in kb.commitments(doc_id):
            by_clause.setdefault(c.clause_id, []).append(c)
    summaries = {s.doc_id: s for s in kb.documents()}
    passages: list[Passage] = []
    sources: dict[str, PackDocument] = {}
    used, omitted = 0, 0
    for hit in hits:
        source = sources.get(hit.doc_id) or _pack_document(summaries.get(hit.doc_id), hit)
        source_cost = 0 if hit.doc_id in sources else _source_tokens(source)
        passage = _passage(len(passages) + 1, hit, by_clause.get(hit.clause_id, []))
        room = max_tokens - used - source_cost
        # the best clause alone is too long: cut it to fit
        fitted = _truncate(passage, room) if passage.tokens > room and not passages else passage
        if fitted is None or fitted.tokens > room:
            omitted += 1
            continue
        passages.append(fitted)
        sources[hit.doc_id] = source
        used += fitted.tokens + source_cost
    return ContextPack(question=question, passages=passages, documents=list(sources.values()),
                       omitted=omitted, tokens=TokenCount(budget=max_tokens, used=used))


def _pack_document(summary: DocSummary | None, hit: SearchHit) -> PackDocument:
    if summary is None:
        return PackDocument(doc_id=hit.doc_id, title=hit.doc_title, doc_type="other")
    return PackDocument(**summary.model_dump(include=set(PackDocument.model_fields)))


def _source_tokens(source: PackDocument) -> int:
    return estimate_tokens(source.doc_id, source.title, str(source.date or ""), *source.parties,
                           source.doc_type) + PASSAGE_OVERHEAD // 2


def _pack_commitment(c: Commitment) -> PackCommitment:
    return PackCommitment(type=c.type, modality=c.modality, actors=c.actors, minerals=c.minerals,
                          amounts=[a.text for a in c.amounts], deadline=c.deadline.text if c.deadline else None,
                          institutions=c.institutions)


def _passage(n: int, hit: SearchHit, commitments: list[Commitment]) -> Passage:
    citation = f"{hit.doc_id}, {hit.citation}" if hit.citation else hit.doc_id
    passage = Passage(ref=f"[{n}]", citation=citation, doc_id=hit.doc_id, clause_id=hit.clause_id, page=hit.page,
                      text=hit.text, commitments=[_pack_commitment(c) for c in commitments], tokens=0)
    passage.tokens = _passage_tokens(passage)
    return passage


def _passage_tokens(p: Passage) -> int:
    values = [p.ref, p.citation, p.doc_id, p.clause_id, str(p.page or ""), p.text]
    for c in p.commitments:
        values += [c.type, c.modality, *c.actors, *c.minerals, *c.amounts, c.deadline or "", *c.institutions]
    return estimate_tokens(*values) + PASSAGE_OVERHEAD


def _truncate(passage: Passage, room: int) -> Passage | None:
    """Cut the text to whole words so that the passage fits in room; None when too little would be left."""
    words = passage.text.split()
    keep = len(words) - math.ceil((passage.tokens - room) / TOKENS_PER_WORD)
    while keep >= 8:
        cut = passage.model_copy(update={"text": " ".join(words[:keep]) + " …", "truncated": True})
        cut.tokens = _passage_tokens(cut)
        if cut.tokens <= room:
            return cut
        keep -= 1
    return None
