"""The accords spaCy components, registered as factories and declared as spacy_factories
entry points, so `nlp.add_pipe("accords_modality")` works on any English pipeline.

Each component keeps `predict` (pure: docs in, findings out) apart from `set_annotations`
(writes spans, cats and extension attributes), and runs under the pipeline's error handler.
Clause context (kind, parties, document date, doc type) comes from `doc._.accords_context`
when the Extractor sets it; without it every component still works on plain text.
"""
from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from typing import Any, cast

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc
from spacy.util import minibatch

from extract import attrs
from extract.amounts import find_amounts
from extract.classify import TypeModel, TypeScore, Weights
from extract.deadlines import find_deadlines
from extract.gazetteer import find_institutions, find_minerals
from extract.grammar import (
    announced_force,
    is_recital_text,
    resolve_actors,
    sentence_forces,
    strongest,
)
from extract.learn import read_annotated
from extract.models import ANNOUNCING_TYPES
from extract.resources import modality_lexicon
from extract.taxonomy import Taxonomy, load_taxonomy

attrs.register()


class _Component(Pipe):
    """Shared anatomy: __call__ and pipe both run predict, then set_annotations."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.vocab = nlp.vocab
        self.name = name

    def predict(self, docs: list[Doc]) -> list[Any]:
        raise NotImplementedError

    def set_annotations(self, docs: list[Doc], found: list[Any]) -> None:
        raise NotImplementedError

    def __call__(self, doc: Doc) -> Doc:
        try:
            self.set_annotations([doc], self.predict([doc]))
        except Exception as exc:  # noqa: BLE001  (the pipeline's handler decides: raise, or skip the doc)
            self.get_error_handler()(self.name, self, [doc], exc)
        return doc

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(stream, size=batch_size):
            docs = list(batch)
            try:
                self.set_annotations(docs, self.predict(docs))
            except Exception as exc:  # noqa: BLE001
                self.get_error_handler()(self.name, self, docs, exc)
            yield from docs


class SpanFinder(_Component):
    """Minerals, institutions, amounts or deadlines as spans in doc.spans[key]."""

    def __init__(self, nlp: Language, name: str, what: str) -> None:
        super().__init__(nlp, name)
        self.what = what
        self.key = attrs.SPAN_KEYS[what]

    def predict(self, docs: list[Doc]) -> list[list[tuple[int, int, str, dict[str, Any] | None]]]:
        out: list[list[tuple[int, int, str, dict[str, Any] | None]]] = []
        for doc in docs:
            if self.what == "minerals":
                out.append([(h.start, h.end, h.name, None) for h in find_minerals(attrs.text(doc))])
            elif self.what == "institutions":
                out.append([(h.start, h.end, h.name, None) for h in find_institutions(attrs.text(doc))])
            elif self.what == "amounts":
                out.append([(h.start, h.end, "MONEY", h.as_dict()) for h in find_amounts(attrs.text(doc))])
            else:
                date = attrs.context(doc).get("date")
                doc_date = dt.date.fromisoformat(str(date)) if date else None
                out.append([(h.start, h.end, "DEADLINE", h.as_dict()) for h in find_deadlines(attrs.text(doc), doc_date)])
        return out

    def set_annotations(self, docs: list[Doc], found: list[list[tuple[int, int, str, dict[str, Any] | None]]]) -> None:
        label = {"minerals": "MINERAL", "institutions": "INSTITUTION"}.get(self.what)
        for doc, hits in zip(docs, found, strict=True):
            spans = []
            for start, end, name, value in hits:
                span = doc.char_span(start, end, label=label or name, kb_id=name if label else "",
                                     alignment_mode="expand")
                if span is None:
                    continue
                if self.what == "amounts":
                    span._.accords_amount = value
                elif self.what == "deadlines":
                    span._.accords_deadline = value
                spans.append(span)
            doc.spans[self.key] = spans


@Language.factory("accords_minerals", assigns=["doc.spans"], default_config={})
def make_minerals(nlp: Language, name: str) -> SpanFinder:
    return SpanFinder(nlp, name, "minerals")


@Language.factory("accords_institutions", assigns=["doc.spans"], default_config={})
def make_institutions(nlp: Language, name: str) -> SpanFinder:
    return SpanFinder(nlp, name, "institutions")


@Language.factory("accords_amounts", assigns=["doc.spans", "span._.accords_amount"], default_config={})
def make_amounts(nlp: Language, name: str) -> SpanFinder:
    return SpanFinder(nlp, name, "amounts")


@Language.factory("accords_deadlines", assigns=["doc.spans", "span._.accords_deadline"], default_config={})
def make_deadlines(nlp: Language, name: str) -> SpanFinder:
    return SpanFinder(nlp, name, "deadlines")


class ModalityTagger(_Component):
    """Legal force per sentence and for the clause; recitals, narrative and reported speech -> recital."""

    def predict(self, docs: list[Doc]) -> list[tuple[str | None, list[list[Any]]]]:
        lex = modality_lexicon()
        out: list[tuple[str | None, list[list[Any]]]] = []
        for doc in docs:
            ctx = attrs.context(doc)
            forces: list[list[Any]] = [[f.start, f.end, f.force, f.subject, list(f.cue) if f.cue else None, f.actor]
                                       for f in sentence_forces(doc)]
            kind = ctx.get("kind")
            # An announcement's body is its news: what its authors will do is announced, not narrated.
            if kind == "narrative" and ctx.get("doc_type") in ANNOUNCING_TYPES:
                kind = "provision"
            if kind in lex["recital_kinds"] or is_recital_text(attrs.text(doc)):
                clause: str | None = "recital"
            elif ctx.get("doc_type") == "commentary":
                clause = "recital"  # a commentary reports others' commitments; it makes none
            else:
                clause = strongest([f[2] for f in forces])
                if ctx.get("doc_type") in ANNOUNCING_TYPES:
                    clause = announced_force(clause)
            out.append((clause, forces))
        return out

    def set_annotations(self, docs: list[Doc], found: list[tuple[str | None, list[list[Any]]]]) -> None:
        for doc, (clause, forces) in zip(docs, found, strict=True):
            doc._.accords_modality = clause
            doc._.accords_forces = forces
            spans = []
            for _, _, force, _, cue, _ in forces:
                if force and cue:
                    span = doc.char_span(cue[0], cue[1], label=force, alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
            doc.spans[attrs.SPAN_KEYS["modality"]] = spans


@Language.factory("accords_modality", assigns=["doc._.accords_modality", "doc._.accords_forces"],
                  default_config={})
def make_modality(nlp: Language, name: str) -> ModalityTagger:
    return ModalityTagger(nlp, name)


class ActorResolver(_Component):
    """Who commits: the subject of the strongest sentence, resolved to the document's parties."""

    def predict(self, docs: list[Doc]) -> list[list[str]]:
        out = []
        for doc in docs:
            # the extractor sets context["parties"] to list(doc.parties)
            parties = [str(p) for p in cast("list[str]", attrs.context(doc).get("parties") or [])]
            forces = doc._.accords_forces or [[f.start, f.end, f.force, f.subject, None, f.actor] for f in sentence_forces(doc)]
            best = strongest([f[2] for f in forces])
            subject = next((f[3] for f in forces if f[2] == best and f[2]), "")
            out.append(resolve_actors(subject, parties))
        return out

    def set_annotations(self, docs: list[Doc], found: list[list[str]]) -> None:
        for doc, actors in zip(docs, found, strict=True):
            doc._.accords_actors = actors


@Language.factory("accords_actors", assigns=["doc._.accords_actors"], default_config={})
def make_actors(nlp: Language, name: str) -> ActorResolver:
    return ActorResolver(nlp, name)


COMMITTING = {"binding", "commitment", "intent"}
# The share of the threshold the best type of a committing clause needs when none passes. Leave-one-document-out
# macro-F1 is flat from 0.5 to 0.7 (0.859-0.860; 0.853 without the rule); held-out styles 0.86 at 0.5, 0.83 above.
AT_LEAST_ONE = 0.5


class TypeClassifier(_Component):
    """Commitment types into doc.cats (score per type) and doc.spans['accords_types'] (evidence)."""

    def __init__(self, nlp: Language, name: str, taxonomy: Taxonomy, weights: Weights, semantic: bool,
                 encoder_model: str, skip_kinds: list[str], annotated: bool,
                 at_least_one: float = AT_LEAST_ONE) -> None:
        super().__init__(nlp, name)
        self.at_least_one = at_least_one
        self.taxonomy = taxonomy
        self.weights = weights
        self.semantic = semantic
        self.encoder_model = encoder_model
        self.skip_kinds = set(skip_kinds)
        self.annotated = annotated
        self.encoder: Any = None  # an extract.encoder.Encoder; the Extractor may hand its own
        self.model: TypeModel | None = None  # built on first use, so add_pipe stays cheap
        self.held_out: str | None = None  # a doc_id whose annotations the model must not use

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(self.taxonomy.labels)

    def use_taxonomy(self, taxonomy: Taxonomy) -> None:
        """Swap the taxonomy (e.g. one extended from a user's file); the model rebuilds on next use."""
        if taxonomy.key != self.taxonomy.key:
            self.taxonomy = taxonomy
            self.model = None

    def ready(self) -> TypeModel:
        if self.model is None:
            if self.semantic and self.encoder is None:
                from extract.encoder import get_encoder

                self.encoder = get_encoder(self.encoder_model)
            annotated = read_annotated() if self.annotated else []
            self.model = TypeModel(self.taxonomy, self.encoder if self.semantic else None, self.weights, annotated)
            self._folds: dict[str, TypeModel] = {}
            # torch, transformers and spaCy leave ~500k long-lived objects that every full GC pass
            # would walk again, batch after batch; they live as long as the process, so freeze them.
            gc.freeze()
        if self.held_out is None:
            return self.model
        if self.held_out not in self._folds:
            self._folds[self.held_out] = self.model.without(self.held_out)
        return self._folds[self.held_out]

    def predict(self, docs: list[Doc]) -> list[dict[str, TypeScore]]:
        kinds = [str(attrs.context(d).get("kind") or "provision") for d in docs]
        active = [i for i, kind in enumerate(kinds) if kind not in self.skip_kinds]
        model = self.ready()
        scored = model.predict([attrs.text(docs[i]) for i in active], [kinds[i] for i in active]) if active else []
        by_index = dict(zip(active, scored, strict=True))
        found = [by_index.get(i, {}) for i in range(len(docs))]
        threshold = model.stacker.threshold if model.stacker is not None else self.weights.threshold
        for doc, scores in zip(docs, found, strict=True):
            # A clause that commits commits to something: when no type clears the threshold, its best one
            # may, if it comes close. Drafting unlike the examples scores lower on every type at once.
            if (scores and doc._.accords_modality in COMMITTING and not any(s.passed for s in scores.values())
                    and not model.is_inert(attrs.text(doc))):
                best = max(scores.values(), key=lambda s: s.score)
                best.passed = best.score >= self.at_least_one * threshold
        return found

    def set_annotations(self, docs: list[Doc], found: list[dict[str, TypeScore]]) -> None:
        for doc, scores in zip(docs, found, strict=True):
            doc.cats = {name: round(s.score, 4) for name, s in scores.items()}
            spans = []
            for name, s in scores.items():
                if not s.passed:
                    continue
                start, end = _evidence(doc, s.cue)
                span = doc.char_span(start, end, label=name, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
            doc.spans[attrs.SPAN_KEYS["types"]] = spans


def _evidence(doc: Doc, cue: tuple[int, int] | None) -> tuple[int, int]:
    """The sentence holding the cue; else the sentence with the strongest force; else the clause."""
    sentences = [(f[0], f[1], f[2]) for f in doc._.accords_forces or []] or [(0, len(attrs.text(doc)), None)]
    if cue is not None:
        index = next((i for i, (s, e, _) in enumerate(sentences) if s <= cue[0] < e), 0)
    else:
        best = strongest([f for _, _, f in sentences])
        index = next((i for i, (_, _, f) in enumerate(sentences) if f == best), 0)
    start, end = sentences[index][0], sentences[index][1]
    # A lead-in label ("Financing:") parses as a sentence of its own: carry on to the sentence it heads.
    while sentences[index][2] is None and index + 1 < len(sentences):
        index += 1
        end = sentences[index][1]
        if sentences[index][2] is not None:
            break
    text = attrs.text(doc)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@Language.factory(
    "accords_types", assigns=["doc.cats", "doc.spans"],
    default_config={"taxonomy": None, "semantic": True, "encoder_model": "all-MiniLM-L6-v2",
                    "threshold": Weights.threshold, "cue_weight": Weights.cue, "hint_weight": Weights.hint,
                    "semantic_weight": Weights.semantic, "skip_kinds": ["title", "heading", "signature"],
                    "annotated": True, "at_least_one": AT_LEAST_ONE},
)
def make_types(nlp: Language, name: str, taxonomy: str | None, semantic: bool, encoder_model: str,
               threshold: float, cue_weight: float, hint_weight: float, semantic_weight: float,
               skip_kinds: list[str], annotated: bool, at_least_one: float) -> TypeClassifier:
    weights = Weights(cue=cue_weight, hint=hint_weight, semantic=semantic_weight, threshold=threshold)
    return TypeClassifier(nlp, name, load_taxonomy(taxonomy), weights, semantic, encoder_model, skip_kinds,
                          annotated, at_least_one)
