"""The API's views: plain `view(kb, request) -> model` functions that the HTTP routes (kb.serve.http)
and the MCP tools (kb.serve.mcp) both call: a request's fields in, one KnowledgeBase method, a response out."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from pydantic import BaseModel

from extract.models import Commitment
from kb.context import ContextPack
from kb.models import DocSummary
from kb.serve.schemas import (
    ClauseOut,
    CommitmentList,
    CommitmentOut,
    CommitmentQuery,
    CompareRequest,
    ContextRequest,
    DocumentOut,
    HitOut,
    SearchOut,
    SearchRequest,
)

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

log = logging.getLogger("accords.http")


# -- views: kb + request -> model; the HTTP routes and MCP tools call these -----------------------
def warm_up(kb: KnowledgeBase) -> None:
    """Open the store and load the model (queries then embed on one thread; see embed_queries)."""
    try:
        kb.warm_up()
    except Exception:  # a broken model or store shows up again, as an error, on the first real call
        log.warning("warm-up failed", exc_info=True)


def list_documents(kb: KnowledgeBase, doc_type: str | None = None, party: str | None = None) -> list[DocSummary]:
    return kb.documents(doc_type, party)


def document_view(kb: KnowledgeBase, doc_id: str) -> DocumentOut:
    doc = kb.document(doc_id)
    summary = next(iter(kb.documents(doc_ids=[doc_id])), None)
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
    rows = kb.clause_rows([c.clause_id for c in page])
    return CommitmentList(total=len(found), offset=query.offset, commitments=[
        CommitmentOut(**c.model_dump(), doc_id=_doc_of(c.clause_id),
                      citation=rows.get(c.clause_id, {}).get("citation") or "",
                      page=rows.get(c.clause_id, {}).get("page"))
        for c in page
    ])


def compare(kb: KnowledgeBase, request: CompareRequest) -> BaseModel:
    return kb.compare(request.doc_ids)


def _doc_of(clause_id: str) -> str:
    return clause_id.split("/", 1)[0]  # clause ids are doc_id + "/" + structural path


def build_context(kb: KnowledgeBase, request: ContextRequest) -> ContextPack:
    return kb.context(request.question, k=request.k, filters=request.filters.to_kb(), mode=request.mode,
                      max_tokens=request.max_tokens)
