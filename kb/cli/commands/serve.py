"""`accords serve` (the HTTP API) and `accords mcp` (the MCP server over stdio)."""
from __future__ import annotations

import ipaddress
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli.common import knowledge_base

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

LOOPBACK = "127.0.0.1"
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")  # Host headers a loopback server answers to


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to bind; 127.0.0.1 keeps the API on this machine.")]
    = LOOPBACK,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
    max_body_kb: Annotated[int, typer.Option("--max-body-kb", min=1, max=10240,
                                             help="Largest request body accepted, in KiB.")] = 64,
) -> None:
    """Serve the HTTP API (docs at /docs) and the browser workspace at /. Set ACCORDS_API_KEY to require a key."""
    import uvicorn

    from kb.serve.http import create_app

    api_key = os.environ.get("ACCORDS_API_KEY") or None
    local = _is_loopback(host)
    if not api_key and not local:
        sys.stderr.write(f"accords: warning: serving on {host} with no ACCORDS_API_KEY; anyone who can reach "
                         "this address can read the knowledge base\n")
    kb = _checked(knowledge_base(ctx))
    app = create_app(kb, api_key=api_key, max_body_bytes=max_body_kb * 1024,
                     allowed_hosts=LOCAL_NAMES if local else None)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False)


def mcp(ctx: typer.Context) -> None:
    """Run the MCP server on stdin/stdout, for a chat assistant such as Claude Desktop."""
    from kb.serve.mcp import serve_stdio

    serve_stdio(_checked(knowledge_base(ctx)))


def _checked(kb: KnowledgeBase) -> KnowledgeBase:
    """A server reads its thesaurus before it starts: a bad file is one line now, not an error per search."""
    kb.load_thesaurus()
    return kb


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(mcp)
