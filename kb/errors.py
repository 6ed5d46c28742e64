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
