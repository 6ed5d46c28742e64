"""Turn files into Documents: ingest.load(path) -> Document."""
from ingest.errors import IngestError, UnsupportedFile
from ingest.loader import SUPPORTED_SUFFIXES, default_doc_id, discover, fingerprint, load
from ingest.models import Clause, Document, Section

__all__ = [
    "Clause", "Document", "IngestError", "SUPPORTED_SUFFIXES", "Section", "UnsupportedFile", "default_doc_id", "discover", "fingerprint", "load",
]
