"""Commitment types: rule cues from the taxonomy combined with the meaning of the clause.

Keyword lists alone miss clauses worded in ways the list never saw, so each type also gets a
logistic regression over sentence embeddings, trained on the taxonomy's own examples and
descriptions (the `background` sentences are the negatives every type shares). A strong cue
is enough on its own; a weak hint needs the classifier to agree; the classifier alone must be
confident. The learned weights are kept as plain numpy arrays, so prediction is a matrix product.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extract.learn import (
    RECITAL_KINDS,
    AnnotatedClause,
    Memory,
    Stacker,
    features,
    fit_stacker,
    stored_vectors,
)
from extract.taxonomy import Taxonomy

if TYPE_CHECKING:
    import numpy as np

    from extract.encoder import Encoder


@dataclass(frozen=True)
class Weights:
    cue: float = 0.6
    hint: float = 0.25
    semantic: float = 0.6
    threshold: float = 0.5  # for the hand-weighted rule and for the stacker's probability alike
    C: float = 8.0  # inverse regularisation of the per-type logistic regressions


@dataclass
class TypeScore:
    score: float
    passed: bool = False  # over the threshold that applies to how the score was made
    cue: tuple[int, int] | None = None  # character span of the cue or hint that fired
    strong: bool = False
    semantic: float = 0.0


class CueSet:
    """Each type's cues (and hints) as one alternation, searched in lower-cased text: a dozen
    searches per clause instead of a hundred, and no case-folding inside the regex engine."""

    def __init__(self, cues: dict[str, list[str]], hints: dict[str, list[str]]) -> None:
        self.cues = {name: _combined(patterns) for name, patterns in cues.items()}
        self.hints = {name: _combined(patterns) for name, patterns in hints.items()}
        # Most clauses match nothing of most types: one search over cues and hints together
        # settles that, and only a hit pays for telling cue from hint.
        self.screens = {name: _combined(patterns + hints.get(name, [])) for name, patterns in cues.items()}

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy) -> CueSet:
        return cls({n: s.cues for n, s in taxonomy.types.items()}, {n: s.hints for n, s in taxonomy.types.items()})

    def match(self, text: str) -> dict[str, tuple[bool, tuple[int, int] | None]]:
        """type -> (strong?, span of the first cue, else of the first hint, else None)."""
        lowered = text.lower()
        folded = len(lowered) == len(text)  # lower() can change lengths in rare scripts; spans must not move
        out: dict[str, tuple[bool, tuple[int, int] | None]] = {}
        for name, patterns in self.cues.items():
            if _first(self.screens[name], lowered if folded else text, folded) is None:
                out[name] = (False, None)
                continue
            found = _first(patterns, lowered if folded else text, folded)
            if found is not None:
                out[name] = (True, found)
                continue
            out[name] = (False, _first(self.hints.get(name, []), lowered if folded else text, folded))
        return out


_Compiled = list[tuple[re.Pattern[str], re.Pattern[str]]]  # (lower-case pattern, case-insensitive pattern)


def _combined(patterns: list[str]) -> _Compiled:
    if not patterns:
        return []
    try:  # one alternation finds the leftmost match of any pattern, as the loop below would
        return [(re.compile("|".join(f"(?:{_lower(p)})" for p in patterns)),
                 re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE))]
    except re.error:  # e.g. a user pattern with inline flags: keep them apart
        return [(re.compile(_lower(p)), re.compile(p, re.IGNORECASE)) for p in patterns]


def _lower(pattern: str) -> str:
    # Lower-case literal letters only: "\S" and "\W" must keep their meaning.
    return re.sub(r"(?<!\\)[A-Z]", lambda m: m.group(0).lower(), pattern)


def _first(patterns: _Compiled, text: str, folded: bool) -> tuple[int, int] | None:
    spans = [m.span() for lower, insensitive in patterns if (m := (lower if folded else insensitive).search(text))]
    return min(spans) if spans else None


def example_set(taxonomy: Taxonomy) -> tuple[list[str], list[set[str]]]:
    """The taxonomy's examples and descriptions with their type, and the background with none."""
    texts: list[str] = []
    targets: list[set[str]] = []
    for name, spec in taxonomy.types.items():
        for text in [*spec.examples, *([spec.description] if spec.description else [])]:
            texts.append(text)
            targets.append({name})
    for text in taxonomy.background:
        texts.append(text)
        targets.append(set())
    return texts, targets


class SemanticModel:
    """Per-type logistic regressions over clause embeddings, trained on the taxonomy examples."""

    def __init__(self, labels: list[str], coef: np.ndarray, intercept: np.ndarray) -> None:
        self.labels = labels
        self.coef = coef  # (types, dim)
        self.intercept = intercept  # (types,)

    @classmethod
    def train(cls, taxonomy: Taxonomy, embed: Callable[[list[str]], np.ndarray], C: float = Weights.C) -> SemanticModel:
        """Learn each type from its examples and description against every other text in the taxonomy."""
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        texts, targets = example_set(taxonomy)
        X = embed(texts)
        labels = taxonomy.labels
        coef = np.zeros((len(labels), X.shape[1]), dtype=np.float32)
        intercept = np.zeros(len(labels), dtype=np.float32)
        for i, name in enumerate(labels):
            y = np.array([name in t for t in targets])
            if y.all() or not y.any():
                intercept[i] = 10.0 if y.all() else -10.0
                continue
            model = LogisticRegression(C=C, class_weight="balanced", max_iter=2000)
            model.fit(X, y)
            coef[i] = model.coef_[0]
            intercept[i] = model.intercept_[0]
        return cls(labels, coef, intercept)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(clauses, types) probabilities; pure."""
        import numpy as np

        return 1.0 / (1.0 + np.exp(-(X @ self.coef.T + self.intercept)))


def combine(cues: dict[str, tuple[bool, tuple[int, int] | None]], semantic: dict[str, float],
            weights: Weights) -> dict[str, TypeScore]:
    """Score every type of one clause; pure, so the rule is testable without a model."""
    out: dict[str, TypeScore] = {}
    for name, (strong, span) in cues.items():
        p = semantic.get(name, 0.0)
        rule = weights.cue if strong else (weights.hint if span is not None else 0.0)
        score = min(1.0, rule + weights.semantic * p)
        out[name] = TypeScore(score=score, passed=score >= weights.threshold, cue=span, strong=strong, semantic=p)
    return out


class TypeModel:
    """Everything that scores types: cues, the example classifier, and (when annotated clauses
    exist) the neighbour memory and the stacker that weighs all of it."""

    def __init__(self, taxonomy: Taxonomy, encoder: Encoder | None, weights: Weights,
                 annotated: list[AnnotatedClause] | None = None) -> None:
        self.taxonomy = taxonomy
        self.labels = taxonomy.labels
        self.weights = weights
        self.cues = CueSet.from_taxonomy(taxonomy)
        self.inert = [re.compile(p, re.IGNORECASE) for p in taxonomy.inert]
        self.encoder = encoder
        self._stored = stored_vectors(encoder.model_id) if encoder is not None else {}
        self.semantic = SemanticModel.train(taxonomy, self.embed, C=weights.C) if encoder is not None else None
        self.memory: Memory | None = None
        self.stacker: Stacker | None = None
        if encoder is not None and annotated:
            import numpy as np

            texts, targets = example_set(taxonomy)
            examples = (self.embed(texts), np.array([[n in t for n in self.labels] for t in targets], dtype=bool))
            self._learn(Memory(annotated, self.embed([a.text for a in annotated]), self.labels, examples))

    def embed(self, texts: list[str]) -> np.ndarray:
        """Shipped vectors for texts we have seen, the encoder for the rest."""
        import numpy as np

        from extract.learn import text_key

        assert self.encoder is not None
        keys = [text_key(t) for t in texts]
        missing = [t for t, k in zip(texts, keys, strict=True) if k not in self._stored]
        fresh = dict(zip([text_key(t) for t in missing], self.encoder.encode(missing) if missing else [],
                         strict=True))
        if not texts:
            return np.zeros((0, self.encoder.dim), dtype=np.float32)
        # every key is stored or was just embedded: `missing` is the texts whose key is not stored
        return np.stack([self._stored[k] if k in self._stored else fresh[k] for k in keys]).astype(np.float32)

    def _learn(self, memory: Memory) -> None:
        import numpy as np

        strong, hint = self._cue_arrays([c.text for c in memory.clauses])[:2]
        semantic = self.semantic.predict(memory.X) if self.semantic else np.zeros_like(strong)
        self.memory = memory
        self.stacker = fit_stacker(memory, strong, hint, semantic)

    def without(self, doc_id: str) -> TypeModel:
        """The same model with one document's annotations forgotten (leave-one-document-out)."""
        clone = object.__new__(TypeModel)
        clone.__dict__.update(self.__dict__)
        if self.memory is not None:
            clone._learn(self.memory.without(doc_id))
        return clone

    def _cue_arrays(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, list[dict[str, tuple[bool, tuple[int, int] | None]]]]:
        import numpy as np

        matches = [self.cues.match(t) for t in texts]
        strong = np.array([[float(m[n][0]) for n in self.labels] for m in matches], dtype=np.float32)
        hint = np.array([[float(not m[n][0] and m[n][1] is not None) for n in self.labels] for m in matches],
                        dtype=np.float32)
        return strong.reshape(len(texts), len(self.labels)), hint.reshape(len(texts), len(self.labels)), matches

    def is_inert(self, text: str) -> bool:
        """A definition (or another pattern of the taxonomy's `inert:` list) commits to nothing."""
        return any(p.search(text) for p in self.inert)

    def predict(self, texts: list[str], kinds: list[str]) -> list[dict[str, TypeScore]]:
        """Scores per type for each clause text; pure given the fitted state. Scores of inert
        clauses are kept (they show what the clause is about) but none of them passes."""
        out = self._predict(texts, kinds)
        for text, scores in zip(texts, out, strict=True):
            if self.inert and self.is_inert(text):
                for s in scores.values():
                    s.passed = False
        return out

    def _predict(self, texts: list[str], kinds: list[str]) -> list[dict[str, TypeScore]]:
        import numpy as np

        strong, hint, matches = self._cue_arrays(texts)
        if self.semantic is None or not texts:
            return [combine(m, {}, self.weights) for m in matches]
        X = self.embed(texts)
        semantic = self.semantic.predict(X)
        stacked = None
        if self.memory is not None and self.stacker is not None:
            recital = np.array([k in RECITAL_KINDS for k in kinds])
            stacked = self.stacker.predict(features(strong, hint, semantic, self.memory.evidence(X), recital))
        learned = set(self.memory.known()) if stacked is not None and self.memory is not None else set()
        out = []
        for i, m in enumerate(matches):
            scores = combine(m, dict(zip(self.labels, map(float, semantic[i]), strict=True)), self.weights)
            for j, name in enumerate(self.labels):
                if name in learned and stacked is not None and self.stacker is not None:
                    scores[name].score = float(stacked[i, j])
                    scores[name].passed = scores[name].score >= self.stacker.threshold
            out.append(scores)
        return out
