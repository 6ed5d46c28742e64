"""The API's views: plain `view(kb, request) -> model` functions that the HTTP routes (kb/http.py)
and the MCP tools (kb/mcp_server.py) both call, plus the context pack's token budgeting."""
from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

from pydantic import BaseModel

from extract.models import Commitment
from kb.http_models import (
    ClauseOut,
    CommitmentList,
    CommitmentOut,
    CommitmentQuery,
    CompareRequest,
    ContextPack,
    ContextRequest,
    DocumentOut,
    HitOut,
    PackCommitment,
    PackDocument,
    Passage,
    SearchOut,
    SearchRequest,
    TokenCount,
)
from kb.models import DocSummary, SearchHit

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

log = logging.getLogger("accords.http")

TOKENS_PER_WORD = 1.3
PASSAGE_OVERHEAD = 12  # tokens for a passage's field names and punctuation


def estimate_tokens(*texts: str) -> int:
    """A rough language-model token count: 1.3 tokens per whitespace-separated word, rounded up."""
    return math.ceil(TOKENS_PER_WORD * sum(len(t.split()) for t in texts))


# -- views: kb + request -> model; the HTTP routes and MCP tools call these -----------------------
def warm_up(kb: KnowledgeBase) -> None:
    """Open the store, load the model, and give torch one thread: a server embeds one short query at a
    time, which one thread does in ~30 ms, while two spin against each other on a busy CPU (0.3-1.3 s
    measured with a load average of 8 on 2 cores)."""
    try:
        kb.store.doc_ids()
        kb.searcher.encoder.encode(["warm up"])
        import torch

        torch.set_num_threads(1)
    except Exception:  # a broken model or store shows up again, as an error, on the first real call
        log.warning("warm-up failed", exc_info=True)


def list_documents(kb: KnowledgeBase, doc_type: str | None = None, party: str | None = None) -> list[DocSummary]:
    return kb.documents(doc_type, party)


def document_view(kb: KnowledgeBase, doc_id: str) -> DocumentOut:
    doc = kb.document(doc_id)
    summary = next((s for s in kb.documents() if s.doc_id == doc_id), None)
    return DocumentOut(
        doc_id=doc.doc_id, title=doc.title, date=doc.date, published=doc.published, parties=doc.parties,
        doc_type=doc.doc_type,
        n_clauses=len(doc.clauses), n_commitments=summary.n_commitments if summary else 0, meta=doc.meta,
        sections=doc.sections, clauses=[ClauseOut(**c.model_dump(include=set(ClauseOut.model_fields)))
                                        for c in doc.clauses],
    )


def search(kb: KnowledgeBase, request: SearchRequest) -> SearchOut:
    found = kb.search(request.query, k=request.k, filters=request.filters.to_kb(), mode=request.mode)
    return SearchOut(**found.model_dump(exclude={"results"}), results=[HitOut(**h.model_dump()) for h in found.results])


def find_commitments(kb: KnowledgeBase, query: CommitmentQuery) -> CommitmentList:
    found: list[Commitment] = []
    doc_ids: list[str | None] = [*query.doc] or [None]  # None: every document
    for doc_id in doc_ids:
        found.extend(kb.commitments(doc_id, query.type, min_force=query.min_force, party=query.party,
                                    mineral=query.mineral))
    page = found[query.offset : query.offset + query.limit]
    rows = kb.store.clause_rows([c.clause_id for c in page])
    return CommitmentList(total=len(found), offset=query.offset, commitments=[
        CommitmentOut(**c.model_dump(), doc_id=_doc_of(c.clause_id),
                      citation=rows.get(c.clause_id, {}).get("citation") or "",
                      page=rows.get(c.clause_id, {}).get("page"))
        for c in page
    ])


def compare(kb: KnowledgeBase, request: CompareRequest) -> BaseModel:
    from kb.compare import compare_documents

    return compare_documents(kb, request.doc_ids)


def build_context(kb: KnowledgeBase, request: ContextRequest) -> ContextPack:
    """The best clauses for a question and their commitments, numbered, cited and within the budget."""
    hits = kb.search(request.question, k=request.k, filters=request.filters.to_kb(), mode=request.mode).results
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
        room = request.max_tokens - used - source_cost
        # the best clause alone is too long: cut it to fit
        fitted = _truncate(passage, room) if passage.tokens > room and not passages else passage
        if fitted is None or fitted.tokens > room:
            omitted += 1
            continue
        passages.append(fitted)
        sources[hit.doc_id] = source
        used += fitted.tokens + source_cost
    return ContextPack(question=request.question, passages=passages, documents=list(sources.values()),
                       omitted=omitted, tokens=TokenCount(budget=request.max_tokens, used=used))


def _doc_of(clause_id: str) -> str:
    return clause_id.split("/", 1)[0]  # clause ids are doc_id + "/" + structural path


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
