"""The embedding model under ONNX Runtime: exported once from the sentence-transformers folder, then run
with onnxruntime and the `tokenizers` library alone, so embedding a query never imports torch.

An export is a folder holding `model.onnx` (float32), `model-int8.onnx` (weights quantised to int8 per
channel, activations dynamically) and the model's `tokenizer.json`, with `export.json` recording the
pooling, the sequence limit and where it came from. It is written under a temporary name and renamed,
so two processes exporting at once never leave half a folder. Exporting needs torch, transformers and
onnx; running needs none of them.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extract.errors import ModelNotFound

if TYPE_CHECKING:
    import numpy as np

FLOAT_FILE, INT8_FILE, META_FILE = "model.onnx", "model-int8.onnx", "export.json"
EXPORT_VERSION = 1  # bump when what an export holds changes, so old exports are made again
OPSET = 17


def cache_root() -> Path:
    """Where exports live: ACCORDS_MODEL_CACHE, else beside the installed models (the environment's
    share/accords/models, which `make install` fills), else the user's cache folder."""
    chosen = os.environ.get("ACCORDS_MODEL_CACHE")
    if chosen:
        return Path(chosen).expanduser()
    beside = Path(sys.prefix) / "share" / "accords" / "models"
    if os.access(beside if beside.exists() else Path(sys.prefix), os.W_OK):
        return beside
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("accords", appauthor=False)) / "models"


def export_dir(model_path: str, name: str, root: Path | None = None) -> Path:
    """The export folder of one model folder: named after the model, keyed by its path and files."""
    source = Path(model_path)
    stamp = [str(source.resolve()), str(EXPORT_VERSION)]
    for part in ("config.json", "tokenizer.json", "model.safetensors", "pytorch_model.bin"):
        if (source / part).exists():
            stat = (source / part).stat()
            stamp.append(f"{part}:{stat.st_size}:{int(stat.st_mtime)}")
    key = hashlib.sha1("|".join(stamp).encode("utf-8")).hexdigest()[:10]
    return (root or cache_root()) / f"{name}-{key}"


def pooling_of(model_path: str) -> tuple[str, bool, int]:
    """(pooling, normalise, max_seq_length) from a sentence-transformers folder; ModelNotFound when the
    model pools in a way this runtime does not reproduce (then use ACCORDS_EMBED_BACKEND=torch)."""
    folder = Path(model_path)
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8")) if (folder / "modules.json").exists() else []
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    pooling = "mean"
    pool_dir = next((folder / m["path"] for m in modules if m.get("type", "").endswith("Pooling")), None)
    if pool_dir is not None and (pool_dir / "config.json").exists():
        config = json.loads((pool_dir / "config.json").read_text(encoding="utf-8"))
        modes = [k.removeprefix("pooling_mode_").removesuffix("_token").removesuffix("_tokens")
                 for k, v in config.items() if k.startswith("pooling_mode_") and v]
        if modes not in (["mean"], ["cls"]):
            raise ModelNotFound(f"embedding model {folder.name!r} pools by {', '.join(modes) or 'nothing'}; the "
                                "onnx backends do mean or CLS pooling only: set ACCORDS_EMBED_BACKEND=torch")
        pooling = modes[0]
    unknown = [k for k in kinds if k not in ("Transformer", "Pooling", "Normalize")]
    if unknown:
        raise ModelNotFound(f"embedding model {folder.name!r} has modules the onnx backends do not run "
                            f"({', '.join(unknown)}): set ACCORDS_EMBED_BACKEND=torch")
    max_len = 512
    if (folder / "sentence_bert_config.json").exists():
        max_len = int(json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
                      .get("max_seq_length", max_len))
    return pooling, "Normalize" in kinds, max_len


def ensure_export(model_path: str, name: str, root: Path | None = None) -> Path:
    """The export folder of model_path (name: the model's name, for the folder), made now if there is
    none yet; making it needs torch, transformers and onnx."""
    target = export_dir(model_path, name, root)
    if (target / META_FILE).exists():
        return target
    pooling, normalise, max_len = pooling_of(model_path)
    if not (Path(model_path) / "tokenizer.json").exists():
        raise ModelNotFound(f"embedding model folder {model_path} has no tokenizer.json: set ACCORDS_EMBED_BACKEND=torch")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        _export_float(model_path, partial / FLOAT_FILE)
        _quantise(partial / FLOAT_FILE, partial / INT8_FILE)
        shutil.copy(Path(model_path) / "tokenizer.json", partial / "tokenizer.json")
        (partial / META_FILE).write_text(json.dumps({
            "source": str(Path(model_path).resolve()), "pooling": pooling, "normalise": normalise,
            "max_seq_length": max_len, "opset": OPSET, "version": EXPORT_VERSION}, indent=2), encoding="utf-8")
        try:
            partial.rename(target)
        except OSError:  # another process finished first: theirs is as good
            shutil.rmtree(partial, ignore_errors=True)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def _export_float(model_path: str, out: Path) -> None:
    try:
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise ModelNotFound(f"exporting the embedding model to ONNX needs torch and transformers ({exc}): "
                            "run 'make install'") from None
    import warnings

    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(model_path).eval()

    class LastHiddenState(torch.nn.Module):
        """The transformer's token vectors; pooling happens outside the graph."""

        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.model(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    sample = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    # The tracer warns about shape checks that hold for every input here (the mask always spans the tokens).
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHiddenState(), sample, str(out), input_names=names,
                          output_names=["last_hidden_state"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]})


def _quantise(source: Path, out: Path) -> None:
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    logging.getLogger().setLevel(max(logging.getLogger().level, logging.ERROR))  # it advises pre-processing
    quantize_dynamic(str(source), str(out), weight_type=QuantType.QInt8, per_channel=True)


class OnnxRunner:
    """Token vectors from an exported model, pooled and normalised as the sentence-transformers model does."""

    def __init__(self, folder: Path, quantised: bool) -> None:
        from tokenizers import Tokenizer

        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8"))
        self.pooling, self.normalise = meta["pooling"], meta["normalise"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(int(meta["max_seq_length"]))
        self.tokenizer.enable_padding()
        self._path = str(folder / (INT8_FILE if quantised else FLOAT_FILE))
        self.session = self._open(max(1, os.cpu_count() or 1))
        self._single: Any = None  # a one-thread session for queries, opened on first use
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def _open(self, threads: int) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        # A spinning worker holds a core while it waits; on a shared 2-core machine that starves the other.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.log_severity_level = 3
        return ort.InferenceSession(self._path, options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list[str], one_thread: bool = False) -> np.ndarray:
        import numpy as np

        session = self.session
        if one_thread and self.session.get_session_options().intra_op_num_threads > 1:
            if self._single is None:
                self._single = self._open(1)
            session = self._single

        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        tokens = session.run(None, {k: v for k, v in feeds.items() if k in self.inputs})[0]
        if self.pooling == "cls":
            pooled = tokens[:, 0]
        else:
            weights = mask[..., None].astype(np.float32)
            pooled = (tokens * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        if self.normalise:
            pooled = pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return pooled.astype(np.float32)


if __name__ == "__main__":  # `python -m extract.onnx_model export [MODEL]`: what `make install` runs
    if sys.argv[1:2] != ["export"]:
        sys.exit("usage: python -m extract.onnx_model export [MODEL]")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from extract.encoder import DEFAULT_EMBED_MODEL, model_name, resolve_model_path

    chosen = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_EMBED_MODEL
    print(ensure_export(resolve_model_path(chosen), model_name(chosen)))
