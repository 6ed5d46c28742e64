"""Ingest evaluation: how well `ingest.load` reads a labelled folder of real documents.

A gold folder holds `docs/` (the files), `meta.jsonl` (one line per document: title words, date,
parties, doc_type) and `citations.jsonl` (a snippet of one clause and the tokens its citation must
carry). The score has three parts: metadata accuracy per field, citation accuracy, and how many
clauses and section labels still carry source markup (asterisks, tags, entities, escapes, links).
The functions here only measure; the command in kb.commands.eval_ingest prints.
"""
from __future__ import annotations

import glob
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, computed_field

if TYPE_CHECKING:
    from ingest import Document

M = TypeVar("M", bound=BaseModel)
MetaField = Literal["title", "date", "parties", "doc_type"]
META_FIELDS: tuple[MetaField, ...] = ("title", "date", "parties", "doc_type")
MAX_MARKUP_EXAMPLES = 10
NOT_FOUND = "snippet not found"
NOT_LOADED = "document did not load"

_SPACE = re.compile(r"\s+")  # in str patterns \s already covers the non-breaking space
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Numbers keep their dots so that "2" is a different token from "2.1".
_CITE_TOKEN = re.compile(r"\d+(?:\.\d+)*|[a-z]+")
_MARKUP = re.compile(
    r"\*\*"                                   # bold / strong
    r"|__"                                    # underscore emphasis
    r"|<[A-Za-z/!]"                           # HTML tags and comments
    r"|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);"  # character entities
    r"|\\[!-/:-@\[-`{-~]"                     # a backslash escaping ASCII punctuation
    r"|\]\("                                  # inline link
    r"|\[\^"                                  # footnote reference
)


class MetaLabel(BaseModel):
    doc: str = Field(min_length=1)
    title: str = ""
    title_has: list[str] = Field(default_factory=list)
    date: str | None = None
    date_kind: str = ""
    parties: list[str] = Field(default_factory=list)
    doc_type: str = ""

    def required_title_words(self) -> list[str]:
        # A line without title_has still checks something: the whole labelled title.
        return self.title_has or ([self.title] if self.title else [])


class CitationLabel(BaseModel):
    doc: str = Field(min_length=1)
    snippet: str = Field(min_length=1)
    cite: list[str] = Field(default_factory=list)
    words: list[str] = Field(default_factory=list)


class FieldMiss(BaseModel):
    field: MetaField
    expected: str | list[str] | None
    got: str | list[str] | None


class DocumentRow(BaseModel):
    doc: str
    path: str | None = Field(default=None, description="The file that was read (None: no file found).")
    error: str | None = Field(default=None, description="Why the file did not load; all its fields count wrong.")
    wrong: list[FieldMiss] = Field(default_factory=list)


class FieldScore(BaseModel):
    field: MetaField
    right: int
    total: int

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorators over @property; pydantic documents this ignore
    @property
    def accuracy(self) -> float | None:
        return _ratio(self.right, self.total)


class CitationMiss(BaseModel):
    doc: str
    snippet: str
    expected: list[str]
    words: list[str] = Field(default_factory=list)
    clause_id: str | None = None
    got: str = Field(description="The clause's citation, or why there is none.")


class MarkupHit(BaseModel):
    doc: str
    kind: Literal["clause", "section"]
    clause_id: str = Field(description="The clause id, or the section id for a section label.")
    field: str = Field(description="Which attribute holds the markup: text, heading, section, citation or label.")
    fragment: str


class MarkupReport(BaseModel):
    clauses: int = Field(description="Clauses whose text, heading, section or citation holds markup.")
    sections: int = Field(description="Sections whose label or heading holds markup.")
    examples: list[MarkupHit] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorators over @property; pydantic documents this ignore
    @property
    def total(self) -> int:
        return self.clauses + self.sections


class IngestEvalReport(BaseModel):
    gold: str
    documents: int
    loaded: int
    fields: list[FieldScore]
    metadata_right: int
    metadata_total: int
    citations_right: int
    citations_total: int
    markup: MarkupReport
    rows: list[DocumentRow] = Field(description="Documents with a wrong field or a load error.")
    citation_misses: list[CitationMiss]

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorators over @property; pydantic documents this ignore
    @property
    def metadata_accuracy(self) -> float | None:
        return _ratio(self.metadata_right, self.metadata_total)

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorators over @property; pydantic documents this ignore
    @property
    def citation_accuracy(self) -> float | None:
        return _ratio(self.citations_right, self.citations_total)

    def field(self, name: MetaField) -> FieldScore:
        return next(f for f in self.fields if f.field == name)


def _ratio(right: int, total: int) -> float | None:
    # None rather than 0 or 1: an empty label set measures nothing either way.
    return right / total if total else None


def default_gold() -> Path | None:
    """The development folder `shared/wild` beside the project checkout, when it is there."""
    folder = Path(__file__).resolve().parents[3] / "shared" / "wild"
    return folder if folder.is_dir() else None


# --- text rules --------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lowercase with whitespace runs as one space; zero-width characters vanish."""
    return _SPACE.sub(" ", _ZERO_WIDTH.sub("", text)).strip().lower()


def citation_tokens(citation: str) -> list[str]:
    return _CITE_TOKEN.findall(citation.lower())


def citation_matches(citation: str, cite: list[str]) -> bool:
    """Every expected token is a whole token of the citation: "2" is not found in "Article 2.1"."""
    tokens = set(citation_tokens(citation))
    return all(token.lower() in tokens for token in cite)


def title_matches(title: str, required: list[str]) -> bool:
    have = normalise(title)
    return all(normalise(words) in have for words in required)


def markup_fragments(text: str, width: int = 20) -> list[str]:
    """Each markup occurrence with a little context on either side, for a reader to judge."""
    return [text[max(0, m.start() - width): m.end() + width] for m in _MARKUP.finditer(text)]


# --- reading the gold ------------------------------------------------------------------------------


def _read_jsonl(path: Path, model: type[M]) -> list[M]:
    if not path.is_file():
        return []
    rows: list[M] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(model.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            # ValueError reaches the command as a usage error that names the line to fix.
            raise ValueError(f"{path}:{number}: not a valid {model.__name__} line ({exc})") from None
    return rows


def find_document(docs: Path, doc: str) -> Path | None:
    """The file whose stem is `doc`, preferring the suffixes in the order ingest lists them."""
    import ingest

    for suffix in ingest.SUPPORTED_SUFFIXES:
        exact = docs / f"{doc}{suffix}"
        if exact.is_file():
            return exact
    # Upper-case or mixed-case suffixes ("Treaty.PDF") are still files ingest reads.
    matches = sorted(p for p in docs.glob(f"{glob.escape(doc)}.*")
                     if p.is_file() and p.stem == doc and p.suffix.lower() in ingest.SUPPORTED_SUFFIXES)
    return matches[0] if matches else None


@dataclass
class _Loaded:
    """One gold document after loading: the Document, or the reason there is none."""

    doc: str
    path: Path | None
    document: Document | None = None
    error: str | None = None


def _load(docs: Path, doc: str) -> _Loaded:
    import ingest

    path = find_document(docs, doc)
    if path is None:
        return _Loaded(doc=doc, path=None, error=f"no file named {doc} with a supported suffix in {docs}")
    try:
        return _Loaded(doc=doc, path=path, document=ingest.load(path))
    except Exception as exc:  # a reader crash is a measured failure, not the end of the run
        return _Loaded(doc=doc, path=path, error=f"{type(exc).__name__}: {exc}")


# --- scoring -----------------------------------------------------------------------------------


def _field_misses(label: MetaLabel, document: Document) -> list[FieldMiss]:
    misses: list[FieldMiss] = []
    required = label.required_title_words()
    if not title_matches(document.title, required):
        misses.append(FieldMiss(field="title", expected=required, got=document.title))
    got_date = document.date.isoformat() if document.date else None
    if got_date != label.date:
        misses.append(FieldMiss(field="date", expected=label.date, got=got_date))
    if sorted(document.parties) != sorted(label.parties):
        misses.append(FieldMiss(field="parties", expected=sorted(label.parties), got=sorted(document.parties)))
    if document.doc_type != label.doc_type:
        misses.append(FieldMiss(field="doc_type", expected=label.doc_type, got=document.doc_type))
    return misses


def _all_wrong(label: MetaLabel) -> list[FieldMiss]:
    expected: dict[MetaField, str | list[str] | None] = {
        "title": label.required_title_words(), "date": label.date, "parties": sorted(label.parties),
        "doc_type": label.doc_type,
    }
    return [FieldMiss(field=name, expected=expected[name], got=None) for name in META_FIELDS]


def _citation_miss(label: CitationLabel, loaded: _Loaded) -> CitationMiss | None:
    """None when the citation is right, else what went wrong."""
    def miss(got: str, clause_id: str | None = None) -> CitationMiss:
        return CitationMiss(doc=label.doc, snippet=label.snippet, expected=label.cite, words=label.words,
                            clause_id=clause_id, got=got)

    if loaded.document is None:
        return miss(NOT_LOADED)
    snippet = normalise(label.snippet)
    clause = next((c for c in loaded.document.clauses if snippet in normalise(c.text)), None)
    if clause is None:
        return miss(NOT_FOUND)
    context = normalise(f"{clause.section} {clause.heading} {clause.citation}")
    words_ok = all(normalise(word) in context for word in label.words)
    if citation_matches(clause.citation, label.cite) and words_ok:
        return None
    return miss(clause.citation, clause.clause_id)


def _markup_hits(doc: str, document: Document) -> tuple[int, int, list[MarkupHit]]:
    """Clauses with markup, sections with markup, and one example from each of them."""
    hits: list[MarkupHit] = []
    clauses = 0
    for clause in document.clauses:
        found = _hits_in(doc, "clause", clause.clause_id, {
            "text": clause.text, "heading": clause.heading, "section": clause.section, "citation": clause.citation})
        clauses += bool(found)
        hits.extend(found)
    sections = 0
    for section in document.sections:
        found = _hits_in(doc, "section", section.section_id,
                         {"label": section.label, "heading": section.heading})
        sections += bool(found)
        hits.extend(found)
    return clauses, sections, hits


def _hits_in(doc: str, kind: Literal["clause", "section"], ident: str, fields: dict[str, str]) -> list[MarkupHit]:
    """The first markup in the first field that has any: one example per clause or section is enough."""
    for name, value in fields.items():
        fragments = markup_fragments(value)
        if fragments:
            return [MarkupHit(doc=doc, kind=kind, clause_id=ident, field=name, fragment=fragments[0])]
    return []


def _spread(per_doc: list[list[MarkupHit]], limit: int) -> list[MarkupHit]:
    """Take examples from each document in turn, so one noisy file does not fill the whole list."""
    picked: list[MarkupHit] = []
    for rank in range(max((len(hits) for hits in per_doc), default=0)):
        picked.extend(hits[rank] for hits in per_doc if rank < len(hits))
        if len(picked) >= limit:
            break
    return picked[:limit]


def evaluate_ingest(gold: Path) -> IngestEvalReport:
    """Load every labelled document of `gold` and score metadata, citations and leftover markup."""
    gold = Path(gold)
    meta_path = gold / "meta.jsonl"
    if not meta_path.is_file():
        raise ValueError(f"no meta.jsonl in {gold}")
    labels = _read_jsonl(meta_path, MetaLabel)
    citations = _read_jsonl(gold / "citations.jsonl", CitationLabel)
    docs = gold / "docs"
    loaded: dict[str, _Loaded] = {}

    def get(doc: str) -> _Loaded:
        if doc not in loaded:
            loaded[doc] = _load(docs, doc)
        return loaded[doc]

    right = dict.fromkeys(META_FIELDS, 0)
    rows: list[DocumentRow] = []
    for label in labels:
        item = get(label.doc)
        wrong = _all_wrong(label) if item.document is None else _field_misses(label, item.document)
        for name in META_FIELDS:
            right[name] += not any(m.field == name for m in wrong)
        if wrong or item.error:
            rows.append(DocumentRow(doc=label.doc, path=str(item.path) if item.path else None, error=item.error,
                                    wrong=wrong))

    misses = [m for m in (_citation_miss(c, get(c.doc)) for c in citations) if m is not None]

    # Every document read (labelled in either file) counts once towards leftover markup.
    n_clauses = n_sections = 0
    per_doc: list[list[MarkupHit]] = []
    for item in loaded.values():
        if item.document is None:
            continue
        c, s, hits = _markup_hits(item.doc, item.document)
        n_clauses, n_sections = n_clauses + c, n_sections + s
        per_doc.append(hits)
    examples = _spread(per_doc, MAX_MARKUP_EXAMPLES)

    fields = [FieldScore(field=name, right=right[name], total=len(labels)) for name in META_FIELDS]
    return IngestEvalReport(
        gold=str(gold), documents=len(loaded), loaded=sum(i.document is not None for i in loaded.values()),
        fields=fields, metadata_right=sum(right.values()), metadata_total=len(labels) * len(META_FIELDS),
        citations_right=len(citations) - len(misses), citations_total=len(citations),
        markup=MarkupReport(clauses=n_clauses, sections=n_sections, examples=examples),
        rows=rows, citation_misses=misses,
    )
