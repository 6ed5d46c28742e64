"""What the type classifier learns from annotated clauses, beyond the taxonomy's examples.

Annotated clauses (extract/data/annotated_clauses.jsonl, exported from the corpus gold) act as a
memory: a clause's nearest annotated neighbours with and without a type are evidence for the
type. A small logistic "stacker", shared by all types, weighs that evidence against the rule
cues and the example-trained classifier. The stacker is fitted on out-of-document features
(each annotated document scored against the others' memory), so it learns how far neighbours
from *other* documents can be trusted; `without(doc_id)` gives the model one document never saw,
which is how the evaluation reports leave-one-document-out figures.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from extract.resources import DATA_DIR

if TYPE_CHECKING:
    import numpy as np

ANNOTATED = DATA_DIR / "annotated_clauses.jsonl"
VECTORS = DATA_DIR / "vectors.npz"
RECITAL_KINDS = frozenset({"recital", "preamble", "narrative", "title", "heading", "signature"})


def text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AnnotatedClause:
    doc_id: str
    kind: str
    text: str
    types: tuple[str, ...]


def read_annotated(path: Path | str | None = None) -> list[AnnotatedClause]:
    path = Path(path) if path else ANNOTATED
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out.append(AnnotatedClause(row["doc_id"], row.get("kind", "provision"), row["text"], tuple(row["types"])))
    return out


def stored_vectors(model_name: str) -> dict[str, np.ndarray]:
    """Shipped embeddings of the examples and annotated clauses, so start-up embeds nothing."""
    import numpy as np

    if not VECTORS.exists():
        return {}
    data = np.load(VECTORS, allow_pickle=False)
    if str(data["model"]) != model_name.split(":")[0]:
        return {}  # another model's vectors mean nothing to this one
    return dict(zip(data["keys"].tolist(), data["vectors"].astype(np.float32), strict=True))


def features(strong: np.ndarray, hint: np.ndarray, semantic: np.ndarray, near_pos: np.ndarray,
             near_neg: np.ndarray, recital: np.ndarray) -> np.ndarray:
    """(clauses, types, k) evidence for the stacker; every input is (clauses, types) but recital (clauses,)."""
    import numpy as np

    rec = np.repeat(recital[:, None].astype(np.float32), strong.shape[1], axis=1)
    return np.stack([strong, hint, semantic, strong * rec, rec, near_pos, near_neg, near_pos - near_neg], axis=-1)


class Memory:
    """Annotated clause vectors and their types, for nearest-neighbour evidence."""

    def __init__(self, clauses: list[AnnotatedClause], X: np.ndarray, labels: list[str]) -> None:
        import numpy as np

        self.clauses = clauses
        self.X = X
        self.labels = labels
        self.Y = np.array([[name in c.types for name in labels] for c in clauses], dtype=bool).reshape(len(clauses),
                                                                                                        len(labels))
        self.docs = np.array([c.doc_id for c in clauses])

    def known(self) -> list[str]:
        """Types with at least one annotated clause: only these get learned evidence."""
        return [name for j, name in enumerate(self.labels) if self.Y[:, j].any()]

    def without(self, doc_id: str) -> Memory:
        keep = [i for i, c in enumerate(self.clauses) if c.doc_id != doc_id]
        return Memory([self.clauses[i] for i in keep], self.X[keep], self.labels)

    def near(self, X: np.ndarray, exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Per clause and type: the highest similarity to an annotated clause with the type, and without it.
        exclude (clauses, memory) masks pairs that must not count (same document)."""
        import numpy as np

        sims = X @ self.X.T if len(self.clauses) else np.zeros((len(X), 0), dtype=np.float32)
        if exclude is not None:
            sims = np.where(exclude, -1.0, sims)
        pos = np.zeros((len(X), len(self.labels)), dtype=np.float32)
        neg = np.zeros_like(pos)
        if not len(self.clauses) or not len(X):
            return pos, neg
        for j in range(len(self.labels)):  # positives are few: index them directly
            members = np.flatnonzero(self.Y[:, j])
            if len(members):
                pos[:, j] = sims[:, members].max(axis=1)
            if len(members) < len(self.clauses):  # negatives: everything else, positives masked out
                masked = sims.copy()
                masked[:, members] = -1.0
                neg[:, j] = masked.max(axis=1)
        return np.clip(pos, 0, 1), np.clip(neg, 0, 1)


@dataclass
class Stacker:
    weights: np.ndarray  # (k,)
    bias: float
    threshold: float = 0.5  # chosen on the fitting data for the best macro F1 over types

    def predict(self, F: np.ndarray) -> np.ndarray:
        import numpy as np

        return 1.0 / (1.0 + np.exp(-(F @ self.weights + self.bias)))


def fit_stacker(memory: Memory, strong: np.ndarray, hint: np.ndarray, semantic: np.ndarray,
                C: float = 1.0) -> Stacker | None:
    """Fit on the annotated clauses themselves, each scored only against other documents' memory.
    strong, hint, semantic: (memory clauses, types) rule and example-classifier evidence."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    active = np.array([c.kind not in {"title", "heading", "signature"} for c in memory.clauses])
    if active.sum() < 10 or len(set(memory.docs.tolist())) < 2:
        return None
    same_doc = memory.docs[:, None] == memory.docs[None, :]
    pos, neg = memory.near(memory.X, exclude=same_doc)
    recital = np.array([c.kind in RECITAL_KINDS for c in memory.clauses])
    known = np.array([memory.Y[:, j].any() for j in range(len(memory.labels))])
    F = features(strong, hint, semantic, pos, neg, recital)[active][:, known]
    y = memory.Y[active][:, known]
    model = LogisticRegression(C=C, max_iter=3000).fit(F.reshape(-1, F.shape[-1]), y.reshape(-1))
    stacker = Stacker(model.coef_[0].astype(np.float32), float(model.intercept_[0]))
    # Rare positives pull probabilities down, so 0.5 favours precision; pick the cut that balances
    # precision and recall on the (out-of-document) fitting features instead.
    probs = stacker.predict(F)
    stacker.threshold = max(np.arange(0.2, 0.61, 0.05), key=lambda t: (_macro_f1(probs >= t, y), -abs(t - 0.5)))
    return stacker


def _macro_f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    scores = [2 * (predicted[:, j] & gold[:, j]).sum() / (predicted[:, j].sum() + gold[:, j].sum())
              for j in range(gold.shape[1]) if gold[:, j].any()]
    return float(sum(scores) / len(scores)) if scores else 0.0
