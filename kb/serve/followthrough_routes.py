"""HTTP routes for follow-through: GET /deadlines, GET /claims/{doc_id}, GET /diff.

Mount on the app that create_app(kb) builds:

    app.state.kb = kb
    app.state.serial = run              # optional: the app's one-thread runner (kb/serve/http.py Serial)
    app.include_router(followthrough_api.router)

With `app.state.serial` set, the views run on the app's knowledge-base thread (SQLite connections
belong to the thread that opened them); without it they run in the request's own task. The
views (`deadlines_view`, `claims_view`, `diff_view`) take the KnowledgeBase first, so the MCP
server can call them the same way. Unknown ids answer 404, bad requests 422, both with a message.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, BeforeValidator, Field

from ingest.models import DocType
from kb.errors import UnknownDocument, UsageProblem
from kb.followthrough.claims import ClaimsReport
from kb.followthrough.deadlines import DeadlineRow
from kb.followthrough.diff import DiffReport
from kb.models import DOC_ID_PATTERN, UNTRUSTED
from kb.serve.guards import error_responses
from kb.serve.schemas import PARTY_COMMITMENTS

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

T = TypeVar("T")
DocIdQuery = Annotated[str, Query(pattern=DOC_ID_PATTERN, description="A document id (see GET /documents).")]


def _iso_date(value: object) -> object:
    # Query values are text; pydantic would also read "0.0" as a Unix timestamp, which no one means here.
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("use a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]

router = APIRouter(tags=["follow-through"])


class DeadlineReport(BaseModel):
    as_of: dt.date
    deadlines: list[DeadlineRow] = Field(default_factory=list)
    text_is: str = Field(default=UNTRUSTED, description="Every `text` field here is quoted from a document.")


def deadlines_view(kb: KnowledgeBase, before: dt.date | None = None, after: dt.date | None = None,
                   party: str | None = None, as_of: dt.date | None = None, doc_types: list[str] | None = None,
                   statuses: list[str] | None = None, signed: bool = False) -> DeadlineReport:
    as_of = as_of or dt.date.today()
    return DeadlineReport(as_of=as_of, deadlines=kb.deadlines(before, after, party, as_of, doc_types=doc_types or [],
                                                              statuses=statuses or [], signed=signed))


def claims_view(kb: KnowledgeBase, doc_id: str, against: list[str] | None = None) -> ClaimsReport:
    return kb.claims(doc_id, against or None)


def diff_view(kb: KnowledgeBase, old: str, new: str) -> DiffReport:
    return kb.diff(old, new)


def knowledge_base(request: Request) -> KnowledgeBase:
    kb = getattr(request.app.state, "kb", None)
    if kb is None:
        raise HTTPException(500, "the app has no knowledge base (set app.state.kb)")
    return kb


async def _run(request: Request, kb: KnowledgeBase, view: Callable[..., T], *args: Any) -> T:
    serial = getattr(request.app.state, "serial", None)
    try:
        if serial is not None:
            return await serial(view, *args)
        return view(kb, *args)
    except UnknownDocument as exc:
        raise HTTPException(404, f"no document with id {exc.doc_id!r}; GET /documents lists them") from None
    except UsageProblem as exc:
        raise HTTPException(422, str(exc)) from None


KB = Annotated[Any, Depends(knowledge_base)]


@router.get("/deadlines", responses=error_responses())
async def deadlines(
    request: Request, kb: KB,
    before: Annotated[IsoDate | None, Query(description="Only deadlines before this date.")] = None,
    after: Annotated[IsoDate | None, Query(description="Only deadlines on or after this date.")] = None,
    party: Annotated[str | None, Query(max_length=100, description=PARTY_COMMITMENTS)] = None,
    as_of: Annotated[IsoDate | None, Query(description="Due or past as of this date (default today).")] = None,
    doc_type: Annotated[list[DocType] | None, Query(max_length=20, description="Only these document types.")] = None,
    status: Annotated[list[Literal["due", "past", "unresolved"]] | None, Query(max_length=3)] = None,
    signed: Annotated[bool, Query(description="Only signed instruments (no fact sheets, releases or "
                                              "commentaries).")] = False,
) -> DeadlineReport:
    """Every commitment with a deadline, resolved to a calendar date from its document's date and marked
    due, past or unresolved (undated document, or a deadline that runs from a later event)."""
    return await _run(request, kb, deadlines_view, before, after, party, as_of, doc_type, status, signed)


@router.get("/claims/{doc_id}", responses=error_responses(404))
async def claims(
    request: Request, kb: KB,
    doc_id: Annotated[str, PathParam(pattern=DOC_ID_PATTERN, description="A fact sheet or press release.")],
    against: Annotated[list[str] | None, Query(max_length=20, description="The signed text(s) to check against; "
                                               "default: what the document describes, else the instrument of "
                                               "the same parties dated up to a year before it (or a month "
                                               "after); 422 when there is none.")] = None,
) -> ClaimsReport:
    """Announced vs signed: each figure, project, mineral and institution the document claims, and the
    clause of the signed text that contains it, if any."""
    return await _run(request, kb, claims_view, doc_id, against)


@router.get("/diff", responses=error_responses(404))
async def diff(request: Request, kb: KB, old: DocIdQuery, new: DocIdQuery) -> DiffReport:
    """What changed between two versions of an instrument, clause by clause and word by word."""
    return await _run(request, kb, diff_view, old, new)
