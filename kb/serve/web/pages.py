"""The workspace's routes: each reads its query string, asks kb/serve/web/views.py for what to show on the
app's knowledge-base thread, and renders a template. Downloads come from the same views."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from extract.models import MODALITIES
from kb.errors import UnknownDocument, UsageProblem
from kb.models import DOC_ID_PATTERN
from kb.serve.guards import KEY_COOKIE, session_token
from kb.serve.schemas import clause_link
from kb.serve.web import views

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

HERE = Path(__file__).parent
MODES = ("hybrid", "dense", "lexical")
DOC_ID = re.compile(DOC_ID_PATTERN)
MAX_COMPARED = 6
# Pages run only this server's own script and styles; the report frame (a standalone report with its own
# inline style and print script) gets the inline style and exactly that script.
PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
               "form-action 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                    "Cache-Control": "no-store"}

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                        trim_blocks=True, lstrip_blocks=True)


def _marked(text: str, spans: list[tuple[int, int]] | list[list[int]]) -> Markup:
    """Text with the spans wrapped in <mark>, every piece escaped."""
    out, at = [], 0
    for start, end in sorted((int(a), int(b)) for a, b in spans):
        if start < at:
            continue
        out.append(escape(text[at:start]))
        out.append(Markup("<mark>") + escape(text[start:end]) + Markup("</mark>"))
        at = end
    out.append(escape(text[at:]))
    return Markup("").join(out)


def _label(name: str | None) -> str:
    return (name or "").replace("_", " ")


templates.filters.update(marked=_marked, label=_label)
templates.globals.update(modalities=MODALITIES, clause_link=clause_link)


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, "Content-Security-Policy": PAGE_POLICY})


async def run(request: Request, view: Any, *args: Any) -> Any:
    """A view on the app's knowledge-base thread (kb/serve/http.py Serial)."""
    return await request.app.state.serial(view, *args)


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


router = APIRouter(include_in_schema=False)
Many = Annotated[list[str] | None, Query(max_length=50)]


@router.get("/", response_class=HTMLResponse)
async def search(request: Request, q: Annotated[str, Query(max_length=2000)] = "", mode: str = "hybrid",
                 party: Many = None, doc_type: Many = None, type: Many = None, force: Many = None,
                 mineral: Many = None, date_from: str = "", date_to: str = "",
                 shown: Annotated[int, Query(ge=1, le=views.POOL)] = views.SHOWN) -> HTMLResponse:
    form = views.SearchForm(q=q, mode=mode if mode in MODES else "hybrid", party=party or [],  # type: ignore[arg-type]
                            doc_type=doc_type or [], type=type or [], force=force or [], mineral=mineral or [],
                            date_from=_date(date_from), date_to=_date(date_to), shown=shown)
    error = None
    try:
        result = await run(request, views.search_page, form)
    except UsageProblem as exc:
        result, error = views.SearchPage(form=form), str(exc)
    more = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "shown"]
                     + [("shown", str(min(views.POOL, form.shown + views.SHOWN)))])
    return page("search.html", result=result, form=form, modes=MODES, error=error, more=more, nav="search")


@router.get("/doc/{doc_id}", response_class=HTMLResponse)
async def document(request: Request, doc_id: str) -> HTMLResponse:
    try:
        if not _valid_id(doc_id):
            raise UnknownDocument(doc_id, [])
        shown = await run(request, views.doc_page, doc_id)
    except UnknownDocument:
        return page("missing.html", 404, what=f"No document has the id {doc_id!r}.", nav="")
    return page("doc.html", page=shown, nav="")


def _valid_id(doc_id: str) -> bool:
    return DOC_ID.fullmatch(doc_id) is not None


def _grid_args(party: str | None, type: list[str] | None, doc_type: list[str] | None) -> tuple[Any, ...]:
    return (party or None, [t for t in type or [] if t], [d for d in doc_type or [] if d])


@router.get("/grid", response_class=HTMLResponse)
async def grid(request: Request, party: Annotated[str | None, Query(max_length=100)] = None, type: Many = None,
               doc_type: Many = None, start: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    table = await run(request, views.grid, *_grid_args(party, type, doc_type))
    documents = await run(request, _documents)
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "start"])
    return page("grid.html", grid=table, rows=table.rows[start : start + views.GRID_PAGE], start=start,
                step=views.GRID_PAGE, all_types=views.taxonomy_types(), query=query,
                doc_types=sorted({d.doc_type for d in documents}), nav="grid")


@router.get("/grid.csv")
async def grid_csv(request: Request, party: Annotated[str | None, Query(max_length=100)] = None, type: Many = None,
                   doc_type: Many = None) -> Response:
    table = await run(request, views.grid, *_grid_args(party, type, doc_type))
    return _download(views.grid_csv(table), "text/csv; charset=utf-8", "accords-grid.csv")


@router.get("/grid.json")
async def grid_json(request: Request, party: Annotated[str | None, Query(max_length=100)] = None, type: Many = None,
                    doc_type: Many = None) -> Response:
    table = await run(request, views.grid, *_grid_args(party, type, doc_type))
    body = json.dumps({"types": table.types, "documents": table.as_records()}, indent=2, ensure_ascii=False)
    return _download(body + "\n", "application/json", "accords-grid.json")


def _download(body: str, media_type: str, filename: str) -> Response:
    return Response(body, media_type=media_type, headers={
        **SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'})


def _documents(kb: KnowledgeBase) -> list[Any]:
    return kb.documents()


def _chosen(doc: list[str] | None) -> tuple[list[str], str | None]:
    chosen = list(dict.fromkeys(d for d in doc or [] if d))
    if not 2 <= len(chosen) <= MAX_COMPARED:
        return chosen, f"Pick between 2 and {MAX_COMPARED} documents to compare."
    if not all(_valid_id(d) for d in chosen):
        return chosen, "One of the chosen ids is not a document id."
    return chosen, None


@router.get("/compare", response_class=HTMLResponse)
async def compare(request: Request, doc: Many = None) -> HTMLResponse:
    documents = await run(request, _documents)
    chosen, problem = _chosen(doc)
    known = {d.doc_id for d in documents}
    if not problem and not set(chosen) <= known:
        problem = "No document has the id " + ", ".join(repr(d) for d in chosen if d not in known) + "."
    query = urlencode([("doc", d) for d in chosen])
    return page("compare.html", documents=documents, chosen=chosen, problem=problem if doc else None,
                ready=bool(doc) and not problem, query=query, formats=("html", "md", "csv", "json"), nav="compare")


@router.get("/compare/report")
async def compare_report(request: Request, doc: Many = None,
                         format: Annotated[str, Query(pattern="^(html|md|csv|json)$")] = "html",
                         download: bool = False) -> Response:
    chosen, problem = _chosen(doc)
    if problem:
        return page("missing.html", 422, what=problem, nav="")
    try:
        text = await run(request, _render_report, chosen, format)
    except UnknownDocument as exc:
        return page("missing.html", 404, what=f"No document has the id {exc.doc_id!r}.", nav="")
    media = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8",
             "csv": "text/csv; charset=utf-8", "json": "application/json"}[format]
    if download:
        return _download(text, media, f"accords-comparison.{format}")
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": _report_policy()}
    return Response(text, media_type=media, headers=headers)


def _render_report(kb: KnowledgeBase, doc_ids: list[str], fmt: str) -> str:
    from kb.report.render import render

    return render(kb.compare(doc_ids), fmt)


def _report_policy() -> str:
    """The report's own inline print script is allowed by its hash; nothing else runs in the frame."""
    from kb.report.html import PRINT_SCRIPT

    digest = base64.b64encode(hashlib.sha256(PRINT_SCRIPT.encode()).digest()).decode()
    return (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
            "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")


@router.get("/timeline", response_class=HTMLResponse)
async def timeline(request: Request, party: Annotated[str | None, Query(max_length=100)] = None,
                   signed: bool = False, as_of: str = "") -> HTMLResponse:
    shown = await run(request, views.timeline, party or None, signed, _date(as_of))
    return page("timeline.html", timeline=shown, nav="timeline")


@router.get("/login", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return page("login.html", next=_safe_next(next), failed=False, nav="")


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    """The API key from a form, kept as an HttpOnly, same-site cookie that stands in for the bearer header on
    the workspace's GET requests (kb/serve/guards.py)."""
    form = parse_qs((await request.body()).decode("utf-8", "replace"))
    key, target = form.get("key", [""])[0], _safe_next(form.get("next", ["/"])[0])
    expected = getattr(request.app.state, "api_key", None) or ""
    if not expected or not hmac.compare_digest(key.encode(), expected.encode()):
        return page("login.html", 401, next=target, failed=bool(expected), nav="")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(KEY_COOKIE, session_token(key.encode("utf-8")), httponly=True, samesite="strict", path="/")
    return response


def _safe_next(target: str) -> str:
    """Only a path on this server: '//evil.example' and 'https://...' are not."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def mount(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
