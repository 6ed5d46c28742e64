"""Chroma holds one vector per clause, keyed by clause_id; SQLite holds the text.

Embedded (a folder) by default, or a Chroma server when ACCORDS_CHROMA_URL is set. Metadata
mirrors the filters search needs, so filtered queries run inside Chroma before ranking.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import VectorStoreUnavailable
from kb.models import SearchFilters

if TYPE_CHECKING:
    import numpy as np

COLLECTION = "clauses"
EF_SEARCH = 400
_ADD_BATCH = 4000
_GET_BATCH = 10_000


def date_number(value: dt.date | str | None) -> int:
    if value is None:
        return 0
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return value.year * 10000 + value.month * 100 + value.day


def clause_metadata(doc_id: str, doc_type: str, date: dt.date | str | None, parties: Sequence[str],
                    types: Sequence[str]) -> dict[str, Any]:
    meta: dict[str, Any] = {"doc_id": doc_id, "doc_type": doc_type, "date": date_number(date)}
    meta.update({f"party:{p.lower()}": True for p in parties})
    meta.update({f"type:{t}": True for t in types})
    return meta


def chroma_where(filters: SearchFilters) -> dict[str, Any] | None:
    conditions: list[dict[str, Any]] = []
    if filters.doc_ids:
        conditions.append({"doc_id": {"$in": list(filters.doc_ids)}})
    if filters.doc_types:
        conditions.append({"doc_type": {"$in": list(filters.doc_types)}})
    if filters.parties:
        options = [{f"party:{p.lower()}": True} for p in filters.parties]
        conditions.append(options[0] if len(options) == 1 else {"$or": options})
    if filters.types:
        options = [{f"type:{t}": True} for t in filters.types]
        conditions.append(options[0] if len(options) == 1 else {"$or": options})
    if filters.date_from:
        conditions.append({"date": {"$gte": date_number(filters.date_from)}})
    if filters.date_to:
        conditions.append({"date": {"$lte": date_number(filters.date_to)}})
    if not conditions:
        return None
    return conditions[0] if len(conditions) == 1 else {"$and": conditions}


class VectorIndex:
    def __init__(self, client: Any) -> None:
        self.client = client
        # ef_search 400 (Chroma's default is 100): the dense top 50 then no longer changes from one process
        # to the next on the corpus (19 of 96 gold queries did at 100), for about a millisecond at 100k.
        self.collection = client.get_or_create_collection(
            COLLECTION, configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}})

    @classmethod
    def open(cls, path: Path | None = None, url: str | None = None) -> VectorIndex:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = ChromaSettings(anonymized_telemetry=False)
        if url:
            from urllib.parse import urlparse

            parsed = urlparse(url)
            try:
                client = chromadb.HttpClient(host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                                             ssl=parsed.scheme == "https", settings=settings)
            except Exception as exc:  # chromadb reports a refused connection as a bare ValueError
                raise VectorStoreUnavailable(f"cannot reach the Chroma server at {url}: is `chroma run` up?") from exc
        else:
            assert path is not None
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=settings)
        return cls(client)

    def upsert(self, ids: list[str], vectors: np.ndarray, metadatas: list[dict[str, Any]]) -> None:
        if not ids:
            return
        for i in range(0, len(ids), _ADD_BATCH):
            self.collection.upsert(ids=ids[i : i + _ADD_BATCH], embeddings=vectors[i : i + _ADD_BATCH],
                                   metadatas=metadatas[i : i + _ADD_BATCH])

    def delete_docs(self, doc_ids: list[str]) -> None:
        for i in range(0, len(doc_ids), 500):
            self.collection.delete(where={"doc_id": {"$in": doc_ids[i : i + 500]}})

    def delete_ids(self, ids: list[str]) -> None:
        for i in range(0, len(ids), _ADD_BATCH):
            self.collection.delete(ids=ids[i : i + _ADD_BATCH])

    def count(self) -> int:
        return int(self.collection.count())

    def ids_for_doc(self, doc_id: str) -> set[str]:
        return set(self.collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def all_ids(self) -> set[str]:
        out: set[str] = set()
        total, offset = self.count(), 0
        while offset < total:
            out.update(self.collection.get(include=[], limit=10_000, offset=offset)["ids"])
            offset += 10_000
        return out

    def vectors(self, ids: list[str]) -> dict[str, np.ndarray]:
        import numpy as np

        ids = list(dict.fromkeys(ids))
        if not ids:
            return {}
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), _GET_BATCH):  # one get of over 32766 ids is too many SQL variables
            got = self.collection.get(ids=ids[start : start + _GET_BATCH], include=["embeddings"])
            out.update((i, np.asarray(v, dtype=np.float32)) for i, v in zip(got["ids"], got["embeddings"], strict=True))
        return out

    def query(self, vector: np.ndarray, k: int, filters: SearchFilters,
              among: list[str] | None = None) -> list[tuple[str, float]]:
        """Nearest clauses as (clause_id, cosine similarity), best first; `among` limits them to those ids."""
        if k <= 0 or among == []:
            return []
        if among is not None and filters.is_empty():
            # HNSW searching for a few hundred allowed ids wanders far (85-100 ms at 100k); reading their
            # vectors and ranking them exactly takes about 10 ms.
            import numpy as np

            found = self.vectors(among)
            ids = list(found)
            if not ids:
                return []
            sims = np.stack([found[i] for i in ids]) @ np.asarray(vector, dtype=np.float32)
            order = np.argsort(-sims, kind="stable")[:k]
            return [(ids[i], float(sims[i])) for i in order]
        result = self.collection.query(query_embeddings=[vector], n_results=k, where=chroma_where(filters),
                                       ids=among, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]
