"""What each workspace page shows, built from KnowledgeBase calls only: plain dataclasses the templates
(kb/serve/web/templates) lay out. No HTML here; all document text is escaped by the templates."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from extract.models import MODALITIES, Commitment, force_rank
from kb.models import DocSummary, SearchFilters, SearchHit, SearchMode
from kb.serve.schemas import clause_link

if TYPE_CHECKING:
    from ingest.models import Clause, Document
    from kb.api import KnowledgeBase
    from kb.followthrough.deadlines import DeadlineRow

POOL = 100  # clauses a search page ranks and counts facets over (the search API's largest k)
SHOWN = 20  # results on the page, before "show more"
NO_COMMITMENT = "none"  # the legal-force facet's value for a clause that commits to nothing


def strongest(commitments: Iterable[Commitment]) -> str | None:
    forces = [c.modality for c in commitments]
    return max(forces, key=force_rank) if forces else None


def anchor(clause_id: str) -> str:
    """A clause's id within its document's page: the structural path ('s1.14' of 'us-japan-framework/s1.14')."""
    return clause_id.split("/", 1)[1] if "/" in clause_id else clause_id




# -- search --------------------------------------------------------------------------------------
@dataclass
class SearchForm:
    """The search page's query string: the CLI's modes and one list per facet."""

    q: str = ""
    mode: SearchMode = "hybrid"
    party: list[str] = field(default_factory=list)
    doc_type: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    force: list[str] = field(default_factory=list)
    mineral: list[str] = field(default_factory=list)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    shown: int = SHOWN

    def filters(self) -> SearchFilters:
        return SearchFilters(parties=self.party, types=self.type, doc_types=self.doc_type,
                             date_from=self.date_from, date_to=self.date_to)


@dataclass
class ResultRow:
    hit: SearchHit
    doc: DocSummary
    force: str | None
    minerals: list[str]
    announced: bool

    @property
    def link(self) -> str:
        return clause_link(self.hit.clause_id)

    def facet_values(self, facet: str) -> list[str]:
        return {
            "party": self.doc.parties, "doc_type": [self.doc.doc_type], "type": self.hit.types,
            "force": [self.force or NO_COMMITMENT], "mineral": self.minerals,
            "year": [str(self.doc.date.year)] if self.doc.date else [],
        }[facet]


@dataclass
class Facet:
    name: str
    label: str
    values: list[tuple[str, int]]  # (value, clauses among the results), most first
    selected: list[str]


@dataclass
class SearchPage:
    form: SearchForm
    rows: list[ResultRow] = field(default_factory=list)
    total: int = 0  # results after every facet, before cutting to form.shown
    facets: list[Facet] = field(default_factory=list)
    weak: bool = False
    expanded: list[str] = field(default_factory=list)
    scope: list[str] = field(default_factory=list)


FACET_LABELS = {"party": "Party", "doc_type": "Document type", "type": "Commitment type", "force": "Legal force",
                "mineral": "Mineral", "year": "Year"}


def search_page(kb: KnowledgeBase, form: SearchForm) -> SearchPage:
    """Rank up to POOL clauses with the filters search itself takes (party, document and commitment type,
    dates), then keep those of the legal forces and minerals asked for; facet counts are over what is kept."""
    page = SearchPage(form=form)
    if not form.q.strip():
        return page
    found = kb.search(form.q, k=POOL, filters=form.filters(), mode=form.mode)
    docs = {d.doc_id: d for d in kb.documents(doc_ids={h.doc_id for h in found.results})}
    commitments = kb.clause_commitments([h.clause_id for h in found.results])
    rows = []
    for hit in found.results:
        own = commitments.get(hit.clause_id, [])
        minerals = sorted({m.lower() for c in own for m in c.minerals})
        rows.append(ResultRow(hit, docs.get(hit.doc_id) or DocSummary(doc_id=hit.doc_id, title=hit.doc_title),
                              strongest(own), minerals, bool(own) and all(c.announced for c in own)))
    rows = [r for r in rows if _passes(r, "force", form.force) and _passes(r, "mineral", form.mineral)]
    page.total, page.rows = len(rows), rows[: form.shown]
    page.weak, page.expanded, page.scope = found.weak, found.expanded, found.scope
    selected = {"party": form.party, "doc_type": form.doc_type, "type": form.type, "force": form.force,
                "mineral": form.mineral, "year": []}
    for name, label in FACET_LABELS.items():
        counts = Counter(v for r in rows for v in set(r.facet_values(name)))
        ordered = sorted(counts.items(), key=(lambda kv: -force_rank(kv[0]) if kv[0] in MODALITIES else 1)
                         if name == "force" else (lambda kv: kv[0]) if name == "year" else (lambda kv: (-kv[1], kv[0])))
        for value in selected[name]:  # a chosen value stays on show, to be unticked, even at zero
            if value not in counts:
                ordered.append((value, 0))
        page.facets.append(Facet(name, label, ordered, selected[name]))
    return page


def _passes(row: ResultRow, facet: str, wanted: list[str]) -> bool:
    return not wanted or bool(set(wanted).intersection(row.facet_values(facet)))


# -- one document ---------------------------------------------------------------------------------
@dataclass
class Piece:
    text: str
    types: list[str]  # the commitment types whose evidence covers this piece; empty: plain text


@dataclass
class ClauseView:
    clause: Clause
    anchor: str
    pieces: list[Piece]
    commitments: list[Commitment]
    depth: int

    @property
    def force(self) -> str | None:
        return strongest(self.commitments)


@dataclass
class DocPage:
    doc: Document
    summary: DocSummary | None
    clauses: list[ClauseView]
    source_url: str | None
    type_counts: list[tuple[str, int]]


def doc_page(kb: KnowledgeBase, doc_id: str) -> DocPage:
    doc = kb.document(doc_id)
    commitments = kb.commitments(doc_id)
    by_clause: dict[str, list[Commitment]] = {}
    for c in commitments:
        by_clause.setdefault(c.clause_id, []).append(c)
    depth = {s.section_id: s.level for s in doc.sections}
    views = []
    for clause in doc.clauses:
        own = by_clause.get(clause.clause_id, [])
        section = anchor(clause.clause_id).rsplit(".", 1)[0]
        views.append(ClauseView(clause, anchor(clause.clause_id), pieces(clause, own), own,
                                max(0, depth.get(section, 1) - 1)))
    summary = next(iter(kb.documents(doc_ids=[doc_id])), None)
    url = doc.meta.get("url") or doc.meta.get("source_url") or doc.source
    counts = Counter(c.type for c in commitments)
    return DocPage(doc, summary, views, url if _is_web_address(url) else None, counts.most_common())


def _is_web_address(url: str | None) -> bool:
    """Only http(s) links are shown: a 'javascript:' or file path in metadata must never become a link."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def pieces(clause: Clause, commitments: list[Commitment]) -> list[Piece]:
    """The clause's text cut where a commitment's evidence starts or ends; each piece knows its types.
    Evidence offsets point into the document's text; a clause starts at clause.start."""
    text = clause.text
    spans = [(max(0, c.start - clause.start), min(len(text), c.end - clause.start), c.type) for c in commitments]
    spans = [(a, b, t) for a, b, t in spans if a < b]
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        types = sorted({t for s, e, t in spans if s <= a and b <= e})
        out.append(Piece(text[a:b], types))
    return out


# -- the commitments grid -------------------------------------------------------------------------
@dataclass
class GridCell:
    force: str
    clauses: list[str]
    announced: bool

    @property
    def link(self) -> str:
        return clause_link(self.clauses[0])


@dataclass
class GridRow:
    doc: DocSummary
    cells: dict[str, GridCell]


@dataclass
class Grid:
    types: list[str]
    rows: list[GridRow]
    party: str | None = None
    doc_types: list[str] = field(default_factory=list)
    chosen_types: list[str] = field(default_factory=list)

    def as_records(self) -> list[dict[str, object]]:
        return [{"doc_id": r.doc.doc_id, "title": r.doc.title, "date": r.doc.date.isoformat() if r.doc.date else None,
                 "doc_type": r.doc.doc_type, "parties": r.doc.parties,
                 "cells": {t: {"force": c.force, "announced": c.announced, "clauses": c.clauses,
                               "link": c.link} for t, c in r.cells.items()}} for r in self.rows]


GRID_PAGE = 200  # documents per page of the grid; the downloads hold every row


@cache
def taxonomy_types() -> list[str]:
    """The commitment types in the taxonomy's order, read once (the file takes 130 ms to parse)."""
    from extract.taxonomy import load_taxonomy

    return list(load_taxonomy().types)


def grid(kb: KnowledgeBase, party: str | None = None, types: list[str] | None = None,
         doc_types: list[str] | None = None) -> Grid:
    """Documents x commitment types; each cell the strongest legal force and the clauses that carry it, those
    of that force first. Newest documents first."""
    docs = [d for d in kb.documents(party=party) if not doc_types or d.doc_type in doc_types]
    wanted = {d.doc_id for d in docs}
    cells: dict[tuple[str, str], list[tuple[str, str, bool]]] = {}
    for doc_id, commitment_type, force, clause_id, announced in kb.commitment_cells(types or ()):
        if doc_id in wanted:
            cells.setdefault((doc_id, commitment_type), []).append((force, clause_id, announced))
    order = taxonomy_types()
    present = {t for _, t in cells}
    columns = [t for t in order if t in present] + sorted(present - set(order))
    rows = []
    for doc in sorted(docs, key=lambda d: (d.date or dt.date.min, d.doc_id), reverse=True):
        own = {}
        for t in columns:
            group = cells.get((doc.doc_id, t))
            if group:
                force = max((f for f, _, _ in group), key=force_rank)
                ranked = [c for f, c, _ in group if f == force] + [c for f, c, _ in group if f != force]
                own[t] = GridCell(force, list(dict.fromkeys(ranked)), all(a for _, _, a in group))
        rows.append(GridRow(doc, own))
    return Grid(columns, rows, party, doc_types or [], types or [])


def grid_csv(table: Grid) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["doc_id", "title", "date", "doc_type", "parties", *table.types])
    for row in table.rows:
        writer.writerow([row.doc.doc_id, row.doc.title, row.doc.date or "", row.doc.doc_type, "; ".join(row.doc.parties),
                         *((row.cells[t].force + (" (announced)" if row.cells[t].announced else ""))
                           if t in row.cells else "" for t in table.types)])
    return out.getvalue()


# -- deadlines ------------------------------------------------------------------------------------
@dataclass
class Timeline:
    as_of: dt.date
    signed: bool
    party: str | None
    dated: list[tuple[str, list[DeadlineRow]]]  # ("2026-03", rows), by month
    undated: list[DeadlineRow]
    counts: dict[str, int]


def timeline(kb: KnowledgeBase, party: str | None, signed: bool, as_of: dt.date | None = None) -> Timeline:
    as_of = as_of or dt.date.today()
    rows = kb.deadlines(party=party, as_of=as_of, signed=signed)
    months: dict[str, list[DeadlineRow]] = {}
    for row in rows:
        if row.date is not None:
            months.setdefault(row.date.strftime("%Y-%m"), []).append(row)
    counts: Counter[str] = Counter(r.status for r in rows)
    return Timeline(as_of, signed, party, sorted(months.items()), [r for r in rows if r.date is None], dict(counts))
