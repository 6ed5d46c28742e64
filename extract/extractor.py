"""Extractor: Documents in, Commitments out, through one spaCy pipeline run over all clauses.

    from extract import Extractor
    commitments = Extractor().extract_many(docs)     # one list per document

Every clause of every document goes through `nlp.pipe` in batches (never one call per clause);
the pipeline keeps only the pipes extraction reads (no NER). One Commitment per (clause, type);
its `start`/`end` point into `Document.text` and the evidence lies inside its clause.
"""
from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pydantic import BaseModel, Field

from extract.grammar import announced_force
from extract.learn import RECITAL_KINDS
from extract.models import ANNOUNCING_TYPES, Amount, Commitment, Deadline, Modality
from extract.nlp import DEFAULT_SPACY_MODEL, load_nlp
from extract.taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

    from extract.encoder import Encoder
    from ingest.models import Clause, Document

PIPES = ("accords_minerals", "accords_institutions", "accords_amounts", "accords_deadlines",
         "accords_modality", "accords_actors", "accords_types")
# The parser gives the governing verb and its subject; the tagger and lemmatizer give lemmas.
# Entities are found by our own gazetteers, so NER is never run.
UNUSED_PIPES = ("ner",)


class ClauseAnalysis(BaseModel):
    """Everything the pipeline found in one clause, commitments included."""

    clause_id: str
    kind: str
    modality: str
    actors: list[str] = Field(default_factory=list)
    minerals: list[str] = Field(default_factory=list)
    institutions: list[str] = Field(default_factory=list)
    amounts: list[Amount] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict, description="Type -> score, present or not.")
    commitments: list[Commitment] = Field(default_factory=list)
    acted: bool = Field(default=True, description="Some sentence's subject is someone who acts (a party, a "
                                                  "government, an office holder, an institution), not a thing.")

    @property
    def types(self) -> list[str]:
        return [c.type for c in self.commitments]


class Extractor:
    def __init__(self, spacy_model: str | Language | None = None, encoder: Encoder | bool | None = None,
                 taxonomy: str | Path | Taxonomy | None = None, *, annotated: bool = True,
                 batch_size: int = 64) -> None:
        """spacy_model: a pipeline name or a loaded Language (ACCORDS_SPACY_MODEL, else the default);
        encoder: an Encoder, None for the default one (loaded on first use), False for rules only;
        taxonomy: a file that extends the default taxonomy (or replaces it with `mode: replace`);
        annotated: learn from the shipped annotated clauses as well as the taxonomy's examples."""
        self.taxonomy = load_taxonomy(taxonomy)
        self.batch_size = batch_size
        self.nlp = _pipeline(spacy_model, self.taxonomy, semantic=encoder is not False, annotated=annotated)
        component = self.types_component
        if encoder not in (None, False, True) and component.encoder is not encoder:
            component.encoder, component.model = encoder, None  # the type model rebuilds with this encoder

    @contextmanager
    def holding_out(self, doc_id: str) -> Iterator[None]:
        """Within the block, the type model forgets one document's annotations (for honest evaluation)."""
        component = self.types_component
        previous, component.held_out = component.held_out, doc_id
        try:
            yield
        finally:
            component.held_out = previous

    @property
    def types_component(self) -> Any:
        return self.nlp.get_pipe("accords_types")

    def extract(self, doc: Document) -> list[Commitment]:
        return self.extract_many([doc])[0]

    def extract_many(self, docs: list[Document]) -> list[list[Commitment]]:
        return [[c for a in analyses for c in a.commitments] for analyses in self.analyse_many(docs)]

    def analyse_many(self, docs: list[Document]) -> list[list[ClauseAnalysis]]:
        """Per document, one ClauseAnalysis per clause, in clause order."""
        jobs = [(i, clause) for i, doc in enumerate(docs) for clause in doc.clauses]
        out: list[list[ClauseAnalysis]] = [[] for _ in docs]
        piped = self.nlp.pipe(self._clause_docs(docs, jobs), batch_size=self.batch_size)
        for (i, clause), sdoc in zip(jobs, piped, strict=True):
            out[i].append(_analyse(docs[i], clause, sdoc))
        for doc, analyses in zip(docs, out, strict=True):
            _inherit_lead_ins(analyses, [c.text for c in doc.clauses], doc.doc_type in ANNOUNCING_TYPES,
                              doc.doc_type not in REPORTING_TYPES)
        return out

    def _clause_docs(self, docs: list[Document], jobs: list[tuple[int, Clause]]) -> Iterator[Doc]:
        for i, clause in jobs:
            doc = docs[i]
            sdoc = self.nlp.make_doc(clause.text)
            sdoc.user_data["accords_text"] = clause.text  # what attrs.text would build: the tokens' text is the clause's
            sdoc._.accords_context = {"clause_id": clause.clause_id, "kind": clause.kind, "parties": list(doc.parties),
                                      "date": doc.date.isoformat() if doc.date else None, "doc_type": doc.doc_type}
            yield sdoc


_PIPELINES: dict[tuple[str, str, bool, bool], Language] = {}


def _pipeline(spacy_model: str | Language | None, taxonomy: Taxonomy, semantic: bool, annotated: bool) -> Language:
    """A pipeline with our components; built once per (model, taxonomy, options) in a process."""
    import extract.components  # noqa: F401  (registers the factories when entry points are absent)

    if spacy_model is not None and not isinstance(spacy_model, str):
        _add_components(spacy_model, taxonomy, semantic, annotated)
        return spacy_model
    name = spacy_model or os.environ.get("ACCORDS_SPACY_MODEL") or DEFAULT_SPACY_MODEL
    key = (name, taxonomy.key, semantic, annotated)
    if key not in _PIPELINES:
        # A private copy: load_nlp's cached pipeline is shared with ingest, which must not see our pipes.
        nlp = load_nlp.__wrapped__(name, UNUSED_PIPES)
        _add_components(nlp, taxonomy, semantic, annotated)
        _PIPELINES[key] = nlp
    return _PIPELINES[key]


def _add_components(nlp: Language, taxonomy: Taxonomy, semantic: bool, annotated: bool) -> None:
    for name in PIPES:
        if name not in nlp.pipe_names:
            config = {"semantic": semantic, "annotated": annotated} if name == "accords_types" else {}
            nlp.add_pipe(name, config=config)
    nlp.get_pipe("accords_types").use_taxonomy(taxonomy)  # type: ignore[attr-defined]  # get_pipe returns a generic pipe; this one is our TypeClassifier


def _analyse(document: Document, clause: Clause, sdoc: Doc) -> ClauseAnalysis:
    from extract.attrs import SPAN_KEYS

    spans = sdoc.spans
    minerals = _unique([s.kb_id_ for s in spans.get(SPAN_KEYS["minerals"], [])])
    # A signature line's titles and the document's own parties (G7, Quad) are not bodies that act.
    institutions = [] if clause.kind == "signature" else _unique(
        [s.kb_id_ for s in spans.get(SPAN_KEYS["institutions"], []) if s.kb_id_ not in document.parties])
    amounts = [(s.start_char, Amount(**s._.accords_amount)) for s in spans.get(SPAN_KEYS["amounts"], [])]
    deadlines = [(s.start_char, Deadline(**s._.accords_deadline)) for s in spans.get(SPAN_KEYS["deadlines"], [])]
    actors = list(sdoc._.accords_actors or document.parties)
    clause_force = sdoc._.accords_modality
    forces = sdoc._.accords_forces or []
    announcing = document.doc_type in ANNOUNCING_TYPES
    commitments = []
    for span in spans.get(SPAN_KEYS["types"], []):
        start, end = _locate(document, clause, span.start_char, _evidence_end(sdoc, span))
        inside = [a for pos, a in amounts if start - clause.start <= pos < end - clause.start]
        near = [d for pos, d in deadlines if start - clause.start <= pos < end - clause.start]
        sentence = next((f for f in forces if f[0] <= span.start_char < f[1]), None)
        sentence_force = sentence[2] if sentence else None
        if announcing:
            sentence_force = announced_force(sentence_force)
        # the modality tagger sets sentence and clause forces to Modality names (grammar's weakest/strongest)
        modality = cast("Modality", clause_force if clause_force == "recital"
                        else (sentence_force or clause_force or "recital"))
        commitments.append(Commitment(
            type=span.label_, modality=modality, actors=actors, announced=announcing and modality != "recital",
            minerals=_unique([s.kb_id_ for s in spans.get(SPAN_KEYS["minerals"], []) if start - clause.start <=
                              s.start_char < end - clause.start]) or minerals,
            amounts=inside, deadline=next(iter(near or [d for _, d in deadlines]), None), institutions=institutions,
            clause_id=clause.clause_id, text=document.text[start:end], start=start, end=end,
            confidence=round(float(sdoc.cats.get(span.label_, 0.0)), 4),
        ))
    return ClauseAnalysis(clause_id=clause.clause_id, kind=clause.kind, modality=clause_force or "",
                          acted=any(f[5] for f in forces),
                          actors=actors, minerals=minerals, institutions=institutions,
                          amounts=[a for _, a in amounts], deadlines=[d for _, d in deadlines],
                          scores={k: float(v) for k, v in sdoc.cats.items()}, commitments=commitments)


def _evidence_end(sdoc: Doc, span) -> int:
    """A lead-in such as "Financing:" says nothing alone: the evidence runs on through the next sentence."""
    if not (span.text.rstrip().endswith(":") or len(span) <= 3):
        return int(span.end_char)
    following = next((s for s in sdoc.sents if s.start_char >= span.end_char), None) if sdoc.has_annotation(
        "SENT_START") else None
    return int(following.end_char) if following is not None else len(sdoc.text)


def _locate(document: Document, clause: Clause, start: int, end: int) -> tuple[int, int]:
    """Offsets of the evidence in the document; the clause text is a verbatim slice of it."""
    if document.text[clause.start:clause.end] == clause.text:
        return clause.start + start, clause.start + end
    piece = clause.text[start:end]  # clause text was rewritten by a reader: find the piece inside its bounds
    found = document.text.find(piece, clause.start, clause.end)
    return (found, found + len(piece)) if found >= 0 else (clause.start, clause.end)


# Commentaries discuss what others committed to: their clauses keep the types they are about.
REPORTING_TYPES = frozenset({"commentary"})
# A list item that is a fragment of its lead-in's sentence: lower-case start ("opening markets for ...;"),
# or ending as items do (";", "; and", ", or").
_FRAGMENT_END = re.compile(r"(?:[;,]|[;,]\s*(?:and|or))\s*$")


def _inherit_lead_ins(analyses: list[ClauseAnalysis], texts: list[str], announcing: bool = False,
                      stating: bool = False) -> None:
    """A list item with no verb of its own ("(a) workshops and seminars;") takes the force and actors of its
    lead-in clause ("Mechanisms of cooperation may include:"): its parent in the clause tree, else the nearest
    clause before it that ends with a colon, when the item reads as a fragment of that sentence."""
    by_id = {a.clause_id: a for a in analyses}
    lead_in: ClauseAnalysis | None = None
    for analysis, text in zip(analyses, texts, strict=True):
        stripped = text.strip()
        fragment = bool(stripped) and (stripped[0].islower() or bool(_FRAGMENT_END.search(stripped)))
        if lead_in is not None and _siblings(lead_in.clause_id) != _siblings(analysis.clause_id):
            lead_in = None  # a list never runs on into another section
        if analysis.modality:
            lead_in = analysis if stripped.endswith(":") else (lead_in if fragment else None)
            continue
        parent = by_id.get(analysis.clause_id.rsplit(".", 1)[0]) if "." in analysis.clause_id else None
        if (parent is None or not parent.modality) and lead_in is not None and fragment:
            parent = lead_in
        if not fragment or stripped.endswith("."):
            lead_in = None  # a full sentence, or the list's last item
        if (parent is None or not parent.modality) and stating and not analysis.acted \
                and analysis.kind not in RECITAL_KINDS:
            # No verb gives it force, no lead-in lends one, and no one acts in it ("copper prices have fallen",
            # "capacity remains concentrated"): a statement of fact or of market conditions has no type.
            analysis.commitments = []
        analysis.modality = parent.modality if parent is not None and parent.modality else "recital"
        if parent is not None:
            analysis.actors = parent.actors
        for commitment in analysis.commitments:
            commitment.modality = analysis.modality  # type: ignore[assignment]  # a parent clause's Modality or "recital"
            commitment.actors = analysis.actors
            commitment.announced = announcing and analysis.modality != "recital"


def _siblings(clause_id: str) -> str:
    """What a clause shares with the other items of its list: its path less the last step."""
    return clause_id.rsplit(".", 1)[0] if "." in clause_id else clause_id.split("/", 1)[0]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def extraction_record(doc: Document, commitments: list[Commitment]) -> dict[str, Any]:
    """The `accords extract FILE --json` shape of design.md: document, clauses, commitments."""
    return {
        "document": {"doc_id": doc.doc_id, "title": doc.title, "date": doc.date.isoformat() if doc.date else None,
                     "parties": doc.parties, "doc_type": doc.doc_type, "source": doc.source},
        "clauses": [{"clause_id": c.clause_id, "section": c.section, "page": c.page, "start": c.start, "end": c.end,
                     "text": c.text} for c in doc.clauses],
        "commitments": [c.model_dump(mode="json") for c in commitments],
    }
