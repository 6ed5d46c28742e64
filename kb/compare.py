"""Compare agreements: which commitments each makes (the matrix), how firmly and how precisely
(the legalisation profile), and how their provisions line up (aligned clauses and their differences).

Pure logic over the knowledge base: renderers (report_html, report_md) and the CLI only format
the ComparisonReport built here. Clause vectors come from the index; nothing is embedded again.
The report's models sit in kb/compare_models.py, the legalisation profile in kb/compare_profile.py
and the report's sentences in kb/compare_text.py; their public names stay importable from here.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, TypedDict

from extract.models import Amount, Commitment, Deadline
from ingest.models import Document
from kb.compare_models import (
    Alignment,
    Aspect,
    Body,
    Cell,
    ComparisonReport,
    Difference,
    DocInfo,
    Evidence,
    Profile,
    Provision,
    TypeComparison,
)
from kb.compare_profile import names_project, profile, strongest
from kb.compare_text import (
    coverage_sentence,
    deadline_words,
    differences,
    doc_labels,
    join_names,
    money,
    short_names,
    type_label,
)
from kb.errors import UsageProblem

if TYPE_CHECKING:
    import numpy as np

    from kb.api import KnowledgeBase

__all__ = [
    "ALIGN_THRESHOLD", "DEFAULT_TYPES", "FORMATS", "REPORT_DOC_TYPES", "Alignment", "Aspect", "Body", "Cell",
    "ComparisonReport", "Difference", "DocInfo", "Evidence", "Profile", "Provision", "TypeComparison",
    "align_clauses", "build_report", "clause_details", "compare_documents", "compare_type", "deadline_words",
    "differences", "doc_labels", "join_names", "money", "names_project", "profile", "render", "report_documents", "short_names",
    "strongest", "taxonomy_types", "type_label",
]

REPORT_DOC_TYPES: tuple[str, ...] = ("agreement", "framework", "memorandum")
FORMATS: tuple[str, ...] = ("md", "html", "json", "csv")
# Lowest cosine (stored clause vectors) at which two clauses of one type count as saying the same
# thing. Measured with align_clauses on hand-labelled parallel clauses of the four core documents
# (US-Australia/US-Japan frameworks, US-Malaysia/US-Thailand MOUs, plus the cross-family pairs on
# asset sales, price floors and permits) against every other same-type pair. Raw cosines overlap
# (parallel min 0.52, others max 0.88); the one-to-one grouping separates them: at 0.66, precision
# 0.95 / recall 0.91 with extracted types (0.97 / 0.90 with gold types), flat over 0.65-0.675;
# at 0.70 recall falls to 0.72. The misses are the MOUs' one-line "streamlining permitting" topics.
ALIGN_THRESHOLD = 0.66
DEFAULT_TYPES: tuple[str, ...] = (
    "stockpiling", "investment_screening", "price_mechanism", "public_finance", "offtake", "investment_promotion",
    "permitting", "recycling", "research_innovation", "geological_mapping", "export_restrictions", "trade_measures",
    "standards_transparency", "supply_coordination",
)


# -- entry points ----------------------------------------------------------------------------
def compare_documents(kb: KnowledgeBase, doc_ids: Sequence[str], threshold: float = ALIGN_THRESHOLD) -> ComparisonReport:
    """Compare two or more stored documents; UsageProblem for fewer, UnknownDocument for unknown ids."""
    ids = list(dict.fromkeys(doc_ids))
    if len(ids) < 2:
        raise UsageProblem(f"compare needs at least two different documents (got {len(ids)}: {', '.join(ids)})")
    for doc_id in ids:
        kb.require(doc_id)
    docs = [kb.document(doc_id) for doc_id in ids]
    found = {doc_id: kb.commitments(doc_id) for doc_id in ids}
    vectors = _clause_vectors(kb, sorted({c.clause_id for cs in found.values() for c in cs}))
    return build_report(docs, found, vectors, threshold)


def report_documents(kb: KnowledgeBase, doc_type: str | None = None, threshold: float = ALIGN_THRESHOLD,
                     party: str | None = None) -> ComparisonReport:
    """Compare every document of a type (agreements, frameworks and memoranda by default), optionally
    only those a party is party to."""
    wanted = (doc_type,) if doc_type else REPORT_DOC_TYPES
    ids = [d.doc_id for d in kb.documents(party=party) if d.doc_type in wanted]
    if len(ids) < 2:
        of_party = f" with party {party}" if party else ""
        raise UsageProblem(f"a report needs at least two documents of type {' or '.join(wanted)}{of_party}; "
                           f"found {len(ids)}")
    return compare_documents(kb, ids, threshold)


def render(report: ComparisonReport, fmt: str) -> str:
    """The report as md, html, json (model_dump) or csv (the matrix)."""
    if fmt == "html":
        from kb.report_html import to_html

        return to_html(report)
    if fmt == "md":
        from kb.report_md import to_markdown

        return to_markdown(report)
    if fmt == "csv":
        from kb.report_md import to_csv

        return to_csv(report)
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    raise UsageProblem(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def build_report(docs: list[Document], found: dict[str, list[Commitment]], vectors: dict[str, np.ndarray],
                 threshold: float = ALIGN_THRESHOLD) -> ComparisonReport:
    names = short_names(docs)
    labels = doc_labels(docs)
    clauses = {c.clause_id: c for d in docs for c in d.clauses}
    order = {c.clause_id: i for d in docs for i, c in enumerate(d.clauses)}
    types = taxonomy_types([c.type for cs in found.values() for c in cs])
    matrix = {t: {d.doc_id: _cell(found[d.doc_id], t) for d in docs} for t in types}
    evidence: dict[str, Evidence] = {}
    for d in docs:
        for c in sorted(found[d.doc_id], key=lambda c: order.get(c.clause_id, 0)):
            clause = clauses.get(c.clause_id)
            item = evidence.setdefault(c.clause_id, Evidence(
                clause_id=c.clause_id, doc_id=d.doc_id, citation=clause.citation if clause else c.clause_id,
                page=clause.page if clause else None, start=clause.start if clause else c.start,
                text=clause.text if clause else c.text))
            item.commitments.append(c)
    infos = [DocInfo(doc_id=d.doc_id, name=names[d.doc_id], label=labels[d.doc_id], title=d.title, date=d.date, doc_type=d.doc_type,
                     parties=d.parties, n_commitments=len(found[d.doc_id])) for d in docs]
    profiles = {d.doc_id: profile(d, found[d.doc_id]) for d in docs}
    alignments = [
        compare_type(t, docs, found, evidence, vectors, names, order, threshold)
        for t in types if any(matrix[t][d.doc_id].present for d in docs)
    ]
    return ComparisonReport(doc_ids=[d.doc_id for d in docs], documents=infos, types=types, matrix=matrix,
                            evidence=evidence, profiles=profiles, alignments=alignments, threshold=threshold)


# -- matrix and profile ----------------------------------------------------------------------
def taxonomy_types(seen: Iterable[str]) -> list[str]:
    """Every type of the taxonomy in its own order, then any other type the commitments carry."""
    try:
        from extract.taxonomy import load_taxonomy

        base = load_taxonomy().labels
    except (ImportError, ValueError):
        base = list(DEFAULT_TYPES)
    return list(dict.fromkeys([*base, *sorted(set(seen))]))


def _cell(commitments: list[Commitment], commitment_type: str) -> Cell:
    mine = [c for c in commitments if c.type == commitment_type]
    return Cell(present=bool(mine), modality=strongest(c.modality for c in mine), count=len(mine),
                clause_ids=list(dict.fromkeys(c.clause_id for c in mine)))


# -- aligned provisions ----------------------------------------------------------------------
def _clause_vectors(kb: KnowledgeBase, clause_ids: list[str]) -> dict[str, np.ndarray]:
    """The stored clause vectors; a clause Chroma lacks is embedded from its stored embedding text."""
    vectors = kb.index.vectors(clause_ids)
    missing = [cid for cid in clause_ids if cid not in vectors]
    if missing:
        doc_ids = sorted({cid.split("/", 1)[0] for cid in missing})
        rows = [r for r in kb.store.embedding_inputs(doc_ids) if r[0] in set(missing)]
        if rows:
            encoded = kb.encoder.encode([text for _, _, text in rows])
            vectors.update({cid: encoded[i] for i, (cid, _, _) in enumerate(rows)})
    return vectors


def align_clauses(units: dict[str, list[str]], vectors: dict[str, np.ndarray],
                  threshold: float = ALIGN_THRESHOLD) -> list[tuple[dict[str, str], float]]:
    """Group clauses of different documents that say the same thing.

    Greedy complete linkage over cosine similarity: the most similar pairs join first, a group holds
    at most one clause per document (a one-to-one assignment between any two documents), and every
    two clauses in a group are at least `threshold` alike. Returns (doc_id -> clause_id, lowest cosine)
    for the groups of two or more.
    """
    import numpy as np

    owner = {cid: doc for doc, cids in units.items() for cid in cids if cid in vectors}
    ids = sorted(owner)
    if not ids:
        return []
    matrix = np.stack([vectors[cid] for cid in ids]).astype(np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True).clip(min=1e-12)
    sims = matrix @ matrix.T
    pos = {cid: i for i, cid in enumerate(ids)}
    pairs = sorted(
        ((float(sims[i, j]), a, b) for (i, a), (j, b) in combinations(enumerate(ids), 2)
         if owner[a] != owner[b] and sims[i, j] >= threshold),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    group_of = {cid: frozenset([cid]) for cid in ids}
    for _, a, b in pairs:
        ga, gb = group_of[a], group_of[b]
        if ga is gb or {owner[x] for x in ga} & {owner[x] for x in gb}:
            continue
        if min(sims[pos[x], pos[y]] for x in ga for y in gb) < threshold:
            continue
        merged = ga | gb
        for cid in merged:
            group_of[cid] = merged
    out = []
    for group in {id(g): g for g in group_of.values()}.values():
        if len(group) > 1:
            low = min(float(sims[pos[x], pos[y]]) for x, y in combinations(sorted(group), 2))
            out.append(({owner[cid]: cid for cid in group}, round(low, 4)))
    return out


def compare_type(commitment_type: str, docs: list[Document], found: dict[str, list[Commitment]],
                 evidence: dict[str, Evidence], vectors: dict[str, np.ndarray], names: dict[str, str],
                 order: dict[str, int], threshold: float) -> TypeComparison:
    doc_ids = [d.doc_id for d in docs]
    provisions: dict[str, Provision] = {}
    units: dict[str, list[str]] = {}
    for doc_id in doc_ids:
        for c in found[doc_id]:
            if c.type == commitment_type and c.clause_id not in provisions:
                ev = evidence[c.clause_id]
                provisions[c.clause_id] = Provision(doc_id=doc_id, clause_id=c.clause_id, citation=ev.citation,
                                                    text=ev.text, modality=c.modality, **clause_details(ev))
                units.setdefault(doc_id, []).append(c.clause_id)
    groups = align_clauses(units, vectors, threshold)
    grouped = {cid for group, _ in groups for cid in group.values()}

    def position(members: Iterable[str]) -> tuple[int, int]:
        return min((doc_ids.index(provisions[cid].doc_id), order.get(cid, 0)) for cid in members)

    aligned = []
    for group, low in sorted(groups, key=lambda g: position(g[0].values())):
        row = {doc_id: provisions[group[doc_id]] for doc_id in doc_ids if doc_id in group}
        aligned.append(Alignment(type=commitment_type, similarity=low, provisions=row,
                                 differences=differences(row, names)))
    unmatched = sorted((p for cid, p in provisions.items() if cid not in grouped),
                       key=lambda p: position([p.clause_id]))
    present = [doc_id for doc_id in doc_ids if doc_id in units]
    return TypeComparison(type=commitment_type, label=type_label(commitment_type), present_in=present,
                          summary=coverage_sentence(commitment_type, present, doc_ids, names),
                          aligned=aligned, unmatched=unmatched)


class ClauseDetails(TypedDict):
    """What clause_details returns: the fields of a Provision it fills."""

    amounts: list[Amount]
    deadline: Deadline | None
    minerals: list[str]
    institutions: list[str]


def clause_details(evidence: Evidence) -> ClauseDetails:
    """Amounts, deadline, minerals and institutions of a clause: the union over its commitments
    (the extractor may attach an amount to one type's record of the clause and not another's)."""
    amounts: dict[tuple[float, str | None, str], Amount] = {}
    minerals: dict[str, str] = {}
    institutions: dict[str, str] = {}
    deadline = None
    for c in evidence.commitments:
        for a in c.amounts:
            amounts.setdefault((a.value, a.currency, a.bound), a)
        minerals.update({m.lower(): m for m in c.minerals if m.lower() not in minerals})
        institutions.update({i: i for i in c.institutions})
        deadline = deadline or c.deadline
    return {"amounts": list(amounts.values()), "deadline": deadline, "minerals": list(minerals.values()),
            "institutions": list(institutions)}
