"""What stands in front of the routes: the Guard middleware (Host header, API key, body size), the
error handlers that answer `{"error": {"code", "message"}}` and never leak internals, and the bearer
key's place in /openapi.json."""
from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import StaleVectors, UnknownDocument, UsageProblem, unreachable_server
from kb.search.expansion import ThesaurusError
from kb.serve.schemas import ErrorResponse

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("accords.http")

DEFAULT_MAX_BODY = 64 * 1024
OPEN_PATHS = frozenset({"/health", "/login"})
OPEN_PREFIXES = ("/static/",)  # the workspace's own stylesheet and script: nothing of the knowledge base
KEY_COOKIE = "accords_key"  # set by the workspace's /login (kb/serve/web/pages.py)
READ_METHODS = frozenset({"GET", "HEAD"})
STATUS_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
                413: "body_too_large", 422: "invalid_request"}


def error_json(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


class Guard:
    """ASGI middleware: the Host header when hosts are listed (400), the API key (401), then the body
    size (413), declared or streamed."""

    def __init__(self, app: ASGIApp, api_key: str | None, max_body_bytes: int,
                 allowed_hosts: frozenset[str] | None) -> None:
        self.app = app
        self.key = api_key.encode("utf-8") if api_key else None
        self.max_body_bytes = max_body_bytes
        self.hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope["headers"]}
        host = _host_name(headers.get("host", b"").decode("latin-1"))
        if self.hosts is not None and host not in self.hosts:  # e.g. a web page that rebound its DNS name
            await error_json(400, "bad_host", f"this server does not answer to host {host!r}")(scope, receive, send)
            return
        if self.key and not _open(scope["path"]) and not self._authorised(headers, scope["method"]):
            if scope["method"] in READ_METHODS and b"text/html" in headers.get("accept", b""):  # a browser: sign in
                await _to_login(scope)(scope, receive, send)
                return
            response = error_json(401, "unauthorized", "missing or wrong API key: send 'Authorization: Bearer KEY'",
                                  {"WWW-Authenticate": "Bearer"})
            await response(scope, receive, send)
            return
        declared = headers.get("content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await error_json(413, "body_too_large", self._too_large)(scope, receive, send)
            return
        await self.app(scope, self._limited(receive), send)

    def _authorised(self, headers: dict[str, bytes], method: str) -> bool:
        """The bearer header; or, for reading only, the workspace's same-site cookie (a browser cannot send a
        header when following a link, and a cross-site form never carries a SameSite=Strict cookie)."""
        scheme, _, token = headers.get("authorization", b"").partition(b" ")
        given = token.strip() if scheme.lower() == b"bearer" else b""
        if given or method not in READ_METHODS:
            return hmac.compare_digest(given, self.key or b"")
        cookie = _cookie(headers.get("cookie", b""), KEY_COOKIE).encode("latin-1", "replace")
        return hmac.compare_digest(cookie, session_token(self.key or b"").encode("ascii"))

    @property
    def _too_large(self) -> str:
        return f"request body is over the limit of {self.max_body_bytes} bytes"

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:  # FastAPI passes HTTPException through body parsing
                    raise HTTPException(413, self._too_large)
            return message

        return limited


def _open(path: str) -> bool:
    return path in OPEN_PATHS or path.startswith(OPEN_PREFIXES)


def _cookie(header: bytes, name: str) -> str:
    """One cookie's value; another site's malformed cookie on the same host must not hide ours."""
    from starlette.requests import cookie_parser

    return cookie_parser(header.decode("latin-1")).get(name, "")


def session_token(key: bytes) -> str:
    """What the workspace's cookie holds: derived from the API key, never the key itself, so a cookie that
    leaks to another port of the host is no bearer token; ASCII whatever the key's characters."""
    return hmac.new(key, b"accords workspace session", "sha256").hexdigest()


def _to_login(scope: Scope) -> Any:
    from urllib.parse import quote

    from starlette.responses import RedirectResponse

    target = scope["path"] + ("?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
    return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=303)


def _host_name(header: str) -> str:
    """The Host header without its port: '127.0.0.1:8000' -> '127.0.0.1', '[::1]:8000' -> '::1'."""
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "no such route; /openapi.json lists them"
        return error_json(exc.status_code, STATUS_CODES.get(exc.status_code, "http_error"), message,
                          dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in exc.errors()]
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        return error_json(422, "invalid_request", "; ".join(problems[:3]) + more)

    @app.exception_handler(UnknownDocument)
    async def unknown(request: Request, exc: UnknownDocument) -> JSONResponse:
        return error_json(404, "unknown_document", f"no document with id {exc.doc_id!r}; GET /documents lists them")

    @app.exception_handler(UsageProblem)
    async def usage(request: Request, exc: UsageProblem) -> JSONResponse:
        return error_json(422, "invalid_request", str(exc))

    @app.exception_handler(ThesaurusError)
    async def thesaurus(request: Request, exc: ThesaurusError) -> JSONResponse:
        return error_json(503, "bad_thesaurus", str(exc))

    @app.exception_handler(StaleVectors)
    async def stale(request: Request, exc: StaleVectors) -> JSONResponse:
        return error_json(503, "stale_vectors", str(exc))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        if lost := unreachable_server(exc):
            return error_json(503, "vector_store_unavailable", str(lost))
        log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
        return error_json(500, "internal_error", "internal error; the server log has the details")


def declare_bearer_auth(app: FastAPI) -> None:
    """Put the bearer key in /openapi.json, so clients (and schema fuzzers) know to send it."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
        for path, operations in schema.get("paths", {}).items():
            for operation in operations.values() if not _open(path) else ():
                operation["security"] = [{"bearer": []}]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error responses a route declares in OpenAPI: the ones every route can give, and statuses."""
    described = {400: "A body that is not UTF-8, or a Host the server does not answer to.", 401: "Missing or wrong API key (only when the server has one).",
                 404: "Unknown document id.",
                 413: "Request body too large.", 422: "Invalid request.", 503: "Stored vectors need a reindex, or the search thesaurus cannot be read."}
    return {s: {"model": ErrorResponse, "description": described[s]} for s in (400, 401, 422, *statuses)}
