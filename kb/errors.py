"""Errors the knowledge base raises; the CLI maps them to one line and an exit code, the API to 4xx."""
from __future__ import annotations


class AccordsError(Exception):
    """Base for errors shown to the user as one line."""


class UnknownDocument(AccordsError):
    def __init__(self, doc_id: str, known: list[str]) -> None:
        self.doc_id = doc_id
        self.known = known
        listing = ", ".join(known[:30]) + (" ..." if len(known) > 30 else "") if known else "none (ingest some first)"
        super().__init__(f"unknown document {doc_id!r}; known: {listing}")


class UsageProblem(AccordsError):
    """The call itself is wrong (exit 2)."""


class StaleVectors(AccordsError):
    """Stored vectors came from another embedding model than the configured one."""


class VectorStoreUnavailable(AccordsError):
    """The Chroma server named by ACCORDS_CHROMA_URL cannot be reached."""


def unreachable_server(exc: BaseException) -> VectorStoreUnavailable | None:
    """The one-line error for a Chroma server lost mid-operation, if that is what exc (or its cause) is."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, VectorStoreUnavailable):
            return seen
        if isinstance(seen, ConnectionError) or type(seen).__module__.startswith(("httpx", "httpcore")):
            return VectorStoreUnavailable(f"lost the connection to the Chroma server ({type(seen).__name__}: {seen})")
        seen = seen.__cause__ or seen.__context__
    return None
