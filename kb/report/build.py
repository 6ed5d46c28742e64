"""Compare agreements: which commitments each makes (the matrix), how firmly and how precisely
(the legalisation profile), and how their provisions line up (aligned clauses and their differences).

Pure logic over a Library: the renderers (kb.report.render) and the shells only format the
ComparisonReport built here. Clause vectors are the stored ones; nothing is embedded again.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from extract.models import Commitment
from ingest.models import Document
from kb.errors import UsageProblem
from kb.report.models import (
    Alignment,
    Cell,
    ComparisonReport,
    DocInfo,
    Evidence,
    Provision,
    TypeComparison,
)
from kb.report.profile import profile, strongest
from kb.report.text import (
    clause_details,
    coverage_sentence,
    differences,
    doc_labels,
    short_names,
    type_label,
)

if TYPE_CHECKING:
    import numpy as np

    from kb.library import Library

REPORT_DOC_TYPES: tuple[str, ...] = ("agreement", "framework", "memorandum")
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
def compare_documents(kb: Library, doc_ids: Sequence[str], threshold: float = ALIGN_THRESHOLD) -> ComparisonReport:
    """Compare two or more stored documents; UsageProblem for fewer, UnknownDocument for unknown ids."""
    ids = list(dict.fromkeys(doc_ids))
    if len(ids) < 2:
        raise UsageProblem(f"compare needs at least two different documents (got {len(ids)}: {', '.join(ids)})")
    for doc_id in ids:
        kb.require(doc_id)
    docs = [kb.document(doc_id) for doc_id in ids]
    found = {doc_id: kb.commitments(doc_id) for doc_id in ids}
    vectors = kb.clause_vectors(sorted({c.clause_id for cs in found.values() for c in cs}))
    return build_report(docs, found, vectors, threshold)


def report_documents(kb: Library, doc_type: str | None = None, threshold: float = ALIGN_THRESHOLD,
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
                clause_ids=list(dict.fromkeys(c.clause_id for c in mine)),
                announced=bool(mine) and all(c.announced for c in mine))


# -- aligned provisions ----------------------------------------------------------------------
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
