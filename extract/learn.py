"""What the type classifier learns from annotated clauses, beyond the taxonomy's examples.

Annotated clauses (extract/data/annotated_clauses.jsonl, exported from the corpus gold) act as a
memory. Four kinds of evidence come from it, per clause and type: the nearest annotated neighbour
with and without the type; a ridge classifier over embeddings, fitted in closed form on the
taxonomy's examples together with the annotated clauses; and the similarity to the type's centroid
(mean of its clauses minus mean of the rest), which is smoother than one nearest neighbour and so
carries better to drafting styles the memory never saw. A small logistic "stacker", shared by all
types, weighs that evidence against the rule cues (a feature, not a vote) and the example-trained
classifier. The stacker is fitted on out-of-document features (each annotated document scored
against a memory, ridge and centroids built without it), so it learns how far evidence from
*other* documents can be trusted; `without(doc_id)` gives the model one document never saw, which
is how the evaluation reports leave-one-document-out figures.
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
# Kinds whose text sets the scene rather than commits: the stacker learns they rarely carry a type.
# Narrative (a press release's or commentary's report) is not among them: a reported commitment
# is still a commitment of some type, only its force is a recital's.
RECITAL_KINDS = frozenset({"recital", "preamble", "title", "heading", "signature"})


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


RIDGE = 1.0  # L2 penalty of the closed-form ridge classifier over embeddings


@dataclass
class Evidence:
    """What the memory says about some clauses, each (clauses, types)."""
    near_pos: np.ndarray
    near_neg: np.ndarray
    ridge: np.ndarray
    centroid: np.ndarray


def features(strong: np.ndarray, hint: np.ndarray, semantic: np.ndarray, evidence: Evidence,
             recital: np.ndarray) -> np.ndarray:
    """(clauses, types, k) evidence for the stacker; every input is (clauses, types) but recital (clauses,)."""
    import numpy as np

    rec = np.repeat(recital[:, None].astype(np.float32), strong.shape[1], axis=1)
    e = evidence
    return np.stack([strong, hint, semantic, strong * rec, rec, e.near_pos, e.near_neg, e.near_pos - e.near_neg,
                     e.ridge, e.centroid], axis=-1)


class Memory:
    """Annotated clause vectors and their types (plus the taxonomy examples, for the ridge)."""

    def __init__(self, clauses: list[AnnotatedClause], X: np.ndarray, labels: list[str],
                 examples: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """examples: (vectors, (examples, types) bool targets) of the taxonomy's examples and background."""
        import numpy as np

        self.clauses = clauses
        self.X = X
        self.labels = labels
        self.Y = np.array([[name in c.types for name in labels] for c in clauses], dtype=bool).reshape(len(clauses),
                                                                                                        len(labels))
        self.docs = np.array([c.doc_id for c in clauses])
        self.examples = examples
        # Ridge normal equations as sums, per document: leaving a document out is a subtraction.
        dim = X.shape[1] + 1
        self._gram: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for doc in sorted(set(self.docs.tolist())):
            rows = self.docs == doc
            self._gram[doc] = _normal(X[rows], self.Y[rows])
        self._fitted: dict[str | None, tuple[np.ndarray, np.ndarray]] = {}  # left-out doc -> (ridge, centroids)
        self._base = _normal(*examples) if examples is not None and len(examples[0]) else (
            np.zeros((dim, dim)), np.zeros((dim, len(labels))))

    def known(self) -> list[str]:
        """Types with at least one annotated clause: only these get learned evidence."""
        return [name for j, name in enumerate(self.labels) if self.Y[:, j].any()]

    def without(self, doc_id: str) -> Memory:
        keep = [i for i, c in enumerate(self.clauses) if c.doc_id != doc_id]
        return Memory([self.clauses[i] for i in keep], self.X[keep], self.labels, self.examples)

    def evidence(self, X: np.ndarray, docs: np.ndarray | None = None) -> Evidence:
        """Memory evidence for clauses X; docs (clauses,) names each clause's own document, whose
        annotations must not count (the out-of-document features the stacker is fitted on)."""
        import numpy as np

        exclude = docs[:, None] == self.docs[None, :] if docs is not None else None
        pos, neg = self.near(X, exclude)
        ridge = np.zeros_like(pos)
        centroid = np.zeros_like(pos)
        groups = sorted(set(docs.tolist())) if docs is not None else [None]
        for doc in groups:
            rows = docs == doc if docs is not None else np.ones(len(X), dtype=bool)
            keep = self.docs != doc if doc is not None else np.ones(len(self.docs), dtype=bool)
            if doc not in self._fitted:  # one solve per left-out document, not one per batch
                self._fitted[doc] = (self._ridge(doc), _centroids(self.X[keep], self.Y[keep]).T)
            W, C = self._fitted[doc]
            ridge[rows] = np.hstack([X[rows], np.ones((int(rows.sum()), 1), dtype=X.dtype)]) @ W
            centroid[rows] = X[rows] @ C
        return Evidence(pos, neg, ridge, centroid)

    def _ridge(self, leave_out: str | None) -> np.ndarray:
        """(dim + 1, types) weights of the ridge fitted on the examples and every document but one."""
        import numpy as np

        A, B = self._base[0].copy(), self._base[1].copy()
        for doc, (g, b) in self._gram.items():
            if doc != leave_out:
                A += g
                B += b
        return np.linalg.solve(A + RIDGE * np.eye(len(A)), B).astype(np.float32)

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


def _normal(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """X'X and X'Y of the ridge, with a constant column for the intercept."""
    import numpy as np

    Xb = np.hstack([X, np.ones((len(X), 1), dtype=X.dtype)]).astype(np.float64)
    return Xb.T @ Xb, Xb.T @ Y.astype(np.float64)


def _centroids(X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """(types, dim): mean vector of each type's clauses minus the mean of the others."""
    import numpy as np

    Yf = Y.astype(np.float32)
    pos = (Yf.T @ X) / np.maximum(Yf.sum(0), 1)[:, None]
    neg = ((1 - Yf).T @ X) / np.maximum((1 - Yf).sum(0), 1)[:, None]
    return pos - neg


@dataclass
class Stacker:
    weights: np.ndarray  # (k,)
    bias: float
    threshold: float = 0.5  # half the F1 the stacker reaches on its fitting data (see fit_stacker)

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
    evidence = memory.evidence(memory.X, docs=memory.docs)
    recital = np.array([c.kind in RECITAL_KINDS for c in memory.clauses])
    known = np.array([memory.Y[:, j].any() for j in range(len(memory.labels))])
    F = features(strong, hint, semantic, evidence, recital)[active][:, known]
    y = memory.Y[active][:, known]
    model = LogisticRegression(C=C, max_iter=3000).fit(F.reshape(-1, F.shape[-1]), y.reshape(-1))
    stacker = Stacker(model.coef_[0].astype(np.float32), float(model.intercept_[0]))
    # Rare positives pull probabilities down, so 0.5 favours precision. For calibrated probabilities
    # the cut that maximises F1 is half the F1 it reaches (Lipton, Elkan & Naryanaswamy 2014): a fixed
    # point found in a few steps. Unlike the arg-max of F1 over a grid, which wanders over a flat
    # curve from one fold to the next, it moves little when the fitting data changes a little.
    probs = stacker.predict(F)
    cut = 0.4
    for _ in range(20):
        new = min(0.6, max(0.2, _micro_f1(probs >= cut, y) / 2))
        if abs(new - cut) < 1e-4:
            break
        cut = new
    stacker.threshold = float(cut)
    return stacker


def _micro_f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    total = predicted.sum() + gold.sum()
    return float(2 * (predicted & gold).sum() / total) if total else 0.0
