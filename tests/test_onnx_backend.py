"""The embedding model under ONNX Runtime: a search process that never loads torch, vectors that agree with
torch's, and a tag that says which runtime made them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT

HEAVY = ("torch", "transformers", "sentence_transformers", "spacy")


def test_a_search_process_never_imports_torch(kb, folder: Path, accords_home: Path) -> None:
    assert kb.ingest([folder]).failed == []
    code = (
        "import json, sys\n"
        "from kb.api import KnowledgeBase\n"
        "from kb.settings import Settings\n"
        f"kb = KnowledgeBase(Settings.resolve({str(accords_home)!r}))\n"
        "found = kb.search('a joint stockpile of gallium', k=3)\n"
        "pack = kb.context('who stockpiles gallium?', max_tokens=300)\n"
        f"print(json.dumps({{'top': found.results[0].clause_id, 'passages': len(pack.passages),"
        f" 'heavy': [m for m in {HEAVY!r} if m in sys.modules]}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}).stdout
    seen = json.loads(out.strip().splitlines()[-1])
    assert seen == {"top": "alpha-framework/s1.1", "passages": seen["passages"], "heavy": []}
    assert seen["passages"] >= 1


def test_vectors_record_the_runtime_that_made_them(kb, folder: Path) -> None:
    kb.ingest([folder])
    assert kb.store.embed_models() == {f"all-MiniLM-L6-v2:{kb.settings.embed_backend}:text-first"}
    assert kb.settings.embed_backend == "onnx"  # the default, chosen by the figures in the README


@pytest.mark.slow  # a real export: torch traces the model, onnxruntime quantises it
def test_an_export_is_made_once_and_reused(tmp_path: Path) -> None:
    from extract.encoder import resolve_model_path
    from extract.onnx_model import FLOAT_FILE, INT8_FILE, ensure_export

    path = resolve_model_path("all-MiniLM-L6-v2")
    first = ensure_export(path, "all-MiniLM-L6-v2", tmp_path)
    made = (first / INT8_FILE).stat().st_mtime_ns
    assert ensure_export(path, "all-MiniLM-L6-v2", tmp_path) == first
    assert (first / INT8_FILE).stat().st_mtime_ns == made
    assert {p.name for p in tmp_path.iterdir()} == {first.name}  # no half-made folder left beside it
    assert (first / FLOAT_FILE).stat().st_size > 3 * (first / INT8_FILE).stat().st_size


@pytest.mark.quality  # every clause of the corpus, through three runtimes
def test_onnx_vectors_agree_with_torch_on_the_corpus() -> None:
    import numpy as np

    import ingest
    from extract.encoder import OnnxEncoder, TorchEncoder
    from kb.store.sqlite import embedding_text

    texts = []
    for path in ingest.discover([CORPUS]):
        doc = ingest.load(path)
        texts += [embedding_text(doc.title, c.heading, c.text) for c in doc.clauses]
    reference = TorchEncoder().encode(texts)
    for backend, floor in (("onnx", 0.9999), ("int8", 0.97)):
        agree = (OnnxEncoder(backend=backend).encode(texts) * reference).sum(axis=1)
        assert float(agree.mean()) >= 0.99, (backend, float(agree.mean()))
        assert float(np.min(agree)) >= floor, (backend, float(np.min(agree)))
