"""Compare agreements: which commitments each makes (the matrix), how firmly and how precisely
(the legalisation profile), and how their provisions line up (aligned clauses and their differences).

Pure logic over the knowledge base: renderers (report_html, report_md) and the CLI only format
the ComparisonReport built here. Clause vectors come from the index; nothing is embedded again.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from extract.models import MODALITIES, Amount, Commitment, Deadline, Modality, force_rank
from ingest.models import Document
from kb.errors import UsageProblem

if TYPE_CHECKING:
    import numpy as np

    from kb.api import KnowledgeBase

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
Aspect = Literal["force", "amount", "deadline", "minerals", "institutions"]


class Cell(BaseModel):
    """One matrix cell (design.md): exactly these four keys; citations live in `evidence`."""

    present: bool = False
    modality: Modality | None = Field(default=None, description="Strongest legal force among the commitments.")
    count: int = 0
    clause_ids: list[str] = Field(default_factory=list)


class DocInfo(BaseModel):
    doc_id: str
    name: str = Field(description="Short name used in sentences: the partner party, or a short title.")
    title: str
    date: dt.date | None = None
    doc_type: str = "other"
    parties: list[str] = Field(default_factory=list)
    n_commitments: int = 0


class Evidence(BaseModel):
    clause_id: str
    doc_id: str
    citation: str
    page: int | None = None
    start: int = Field(default=0, description="Offset of the clause in the document's normalised text.")
    text: str = Field(description="The whole clause.")
    commitments: list[Commitment] = Field(default_factory=list, description="One per commitment type.")


class Body(BaseModel):
    name: str
    created: bool = Field(description="True when the document sets the body up (establish, create, convene...).")
    clause_ids: list[str] = Field(default_factory=list)


class Profile(BaseModel):
    """Legalisation (design.md): obligation, precision and delegation of one document."""

    doc_id: str
    n_commitments: int
    obligation: dict[str, int] = Field(description="Commitments per legal force, strongest first.")
    strongest: Modality | None = None
    precision: float = Field(description="Share of commitments naming an amount, a deadline, a mineral or a project.")
    precise: dict[str, int] = Field(description="Commitments naming an amount / deadline / mineral / project.")
    delegation: list[Body] = Field(default_factory=list, description="Bodies the document creates or names.")


class Provision(BaseModel):
    doc_id: str
    clause_id: str
    citation: str
    text: str
    modality: Modality
    amounts: list[Amount] = Field(default_factory=list)
    deadline: Deadline | None = None
    minerals: list[str] = Field(default_factory=list)
    institutions: list[str] = Field(default_factory=list)


class Difference(BaseModel):
    aspect: Aspect
    sentence: str


class Alignment(BaseModel):
    type: str
    similarity: float = Field(description="Lowest cosine between any two of its clauses.")
    provisions: dict[str, Provision] = Field(description="doc_id -> its clause; documents without one are absent.")
    differences: list[Difference] = Field(default_factory=list)


class TypeComparison(BaseModel):
    type: str
    label: str
    present_in: list[str]
    summary: str
    aligned: list[Alignment] = Field(default_factory=list)
    unmatched: list[Provision] = Field(default_factory=list, description="Clauses no other document matches.")


class ComparisonReport(BaseModel):
    doc_ids: list[str]
    documents: list[DocInfo]
    types: list[str]
    matrix: dict[str, dict[str, Cell]]
    evidence: dict[str, Evidence] = Field(description="clause_id -> the clause, its citation and commitments.")
    profiles: dict[str, Profile]
    alignments: list[TypeComparison]
    threshold: float

    def doc(self, doc_id: str) -> DocInfo:
        return next(d for d in self.documents if d.doc_id == doc_id)


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


def report_documents(kb: KnowledgeBase, doc_type: str | None = None,
                     threshold: float = ALIGN_THRESHOLD) -> ComparisonReport:
    """Compare every document of a type (agreements, frameworks and memoranda by default)."""
    wanted = (doc_type,) if doc_type else REPORT_DOC_TYPES
    ids = [d.doc_id for d in kb.documents() if d.doc_type in wanted]
    if len(ids) < 2:
        raise UsageProblem(f"a report needs at least two documents of type {' or '.join(wanted)}; found {len(ids)}")
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
    infos = [DocInfo(doc_id=d.doc_id, name=names[d.doc_id], title=d.title, date=d.date, doc_type=d.doc_type,
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


_LABELS = {"price_mechanism": "Price mechanisms", "research_innovation": "Research and innovation",
           "standards_transparency": "Standards and transparency"}


def type_label(commitment_type: str) -> str:
    return _LABELS.get(commitment_type, commitment_type.replace("_", " ").capitalize())


def strongest(modalities: Iterable[str]) -> Modality | None:
    ranked = sorted(modalities, key=force_rank, reverse=True)
    return ranked[0] if ranked else None  # type: ignore[return-value]


def _cell(commitments: list[Commitment], commitment_type: str) -> Cell:
    mine = [c for c in commitments if c.type == commitment_type]
    return Cell(present=bool(mine), modality=strongest(c.modality for c in mine), count=len(mine),
                clause_ids=list(dict.fromkeys(c.clause_id for c in mine)))


_CREATES = re.compile(r"\b(?:establish|creat|set(?:ting)? up|form|convene|launch|constitut)\w*\b", re.IGNORECASE)
# A named project: proper-noun words, at most three lower-case words, then one project noun (singular:
# "projects" in general name none). "the Alcoa-Sojitz gallium recovery project", "Nolans rare earths project".
_NAMED_PROJECT = re.compile(r"((?:[A-Z][\w'’.&/]*(?:[–-][A-Z][\w'’.&/]*)*\s+){1,6})((?:[a-z]+\s+){0,3})"
                            r"(?:project|mine|refinery|smelter|plant|facility|venture|deposit)\b(?!s)")
_GENERIC_CAPS = {
    "the", "this", "these", "those", "each", "both", "any", "all", "such", "every", "one", "two", "three", "if",
    "where", "when", "for", "in", "under", "through", "with", "participants", "participant", "parties", "party",
    "sides", "side", "government", "governments", "united", "states", "u.s.", "us", "framework", "agreement", "mou",
    "memorandum", "section", "article", "annex", "new", "joint", "priority", "critical", "minerals", "mineral",
    "rare", "earths", "earth", "investment", "fund", "a", "an",
}
_GAP_STOP = {"shall", "will", "may", "should", "to", "in", "of", "the", "a", "an", "and", "or", "for", "each", "any",
             "such", "its", "their", "that", "which", "is", "are", "be", "new", "every", "invest", "grant", "cover",
             "identify", "support", "fund", "finance", "build", "develop"}


def names_project(text: str, parties: Iterable[str] = ()) -> bool:
    """Does the text name a specific project ("the Alcoa-Sojitz gallium project"), not projects in general?"""
    generic = _GENERIC_CAPS | {w.lower() for p in parties for w in p.split()}
    for match in _NAMED_PROJECT.finditer(text):
        caps = [w.lower().strip(".,") for w in re.split(r"[\s–-]+", match.group(1)) if w]
        if any(w not in generic for w in caps) and not set(match.group(2).split()) & _GAP_STOP:
            return True
    return False


def profile(doc: Document, commitments: list[Commitment]) -> Profile:
    obligation = {m: sum(1 for c in commitments if c.modality == m) for m in MODALITIES}
    precise = {"amount": 0, "deadline": 0, "mineral": 0, "project": 0}
    clause_text = {c.clause_id: c.text for c in doc.clauses}
    naming = 0
    for c in commitments:
        flags = {"amount": bool(c.amounts), "deadline": c.deadline is not None, "mineral": bool(c.minerals),
                 "project": names_project(clause_text.get(c.clause_id, c.text), doc.parties)}
        for key, flag in flags.items():
            precise[key] += flag
        naming += any(flags.values())
    bodies: dict[str, Body] = {}
    for c in commitments:
        text = clause_text.get(c.clause_id, c.text)
        for name in c.institutions:
            body = bodies.setdefault(name, Body(name=name, created=False))
            body.created = body.created or _created_in(name, text)
            if c.clause_id not in body.clause_ids:
                body.clause_ids.append(c.clause_id)
    n = len(commitments)
    return Profile(doc_id=doc.doc_id, n_commitments=n, obligation=obligation,
                   strongest=strongest(c.modality for c in commitments),
                   precision=round(naming / n, 3) if n else 0.0, precise=precise,
                   delegation=sorted(bodies.values(), key=lambda b: (not b.created, b.name.lower())))


def _created_in(name: str, text: str) -> bool:
    at = text.lower().find(name.lower())
    return at >= 0 and bool(_CREATES.search(text[max(0, at - 90) : at]))


# -- names of documents in sentences ---------------------------------------------------------
_DOC_TYPE_WORDS = {"memorandum": "MOU", "joint_statement": "joint statement", "fact_sheet": "fact sheet",
                   "press_release": "press release", "action_plan": "action plan"}


def short_names(docs: Sequence[Document]) -> dict[str, str]:
    """The partner of each deal ("Japan"), the lead party of a group, or a short title; made unique."""
    common = set.intersection(*(set(d.parties) for d in docs)) if docs else set()
    names: dict[str, str] = {}
    for d in docs:
        others = [p for p in d.parties if p not in common] or d.parties[1:]  # all US-Malaysia: "Malaysia"
        if len(others) in (1, 2):
            names[d.doc_id] = " & ".join(others)
        elif others:
            names[d.doc_id] = others[0]
        else:
            names[d.doc_id] = _short_title(d.title)
    for name in set(names.values()):
        clashing = [d for d in docs if names[d.doc_id] == name]
        if len(clashing) > 1:
            for d in clashing:
                names[d.doc_id] = f"{name} {_DOC_TYPE_WORDS.get(d.doc_type, d.doc_type.replace('_', ' '))}"
    if len(set(names.values())) < len(names):
        return {d.doc_id: d.doc_id for d in docs}
    return names


def _short_title(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


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
                          summary=_coverage_sentence(commitment_type, present, doc_ids, names),
                          aligned=aligned, unmatched=unmatched)


def clause_details(evidence: Evidence) -> dict[str, object]:
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


_NUMBERS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def _coverage_sentence(commitment_type: str, present: list[str], doc_ids: list[str], names: dict[str, str]) -> str:
    what = type_label(commitment_type).lower()
    if len(present) == len(doc_ids):
        if len(doc_ids) == 2:
            return f"Both address {what}."
        return f"All {_NUMBERS.get(len(doc_ids), str(len(doc_ids)))} documents address {what}."
    absent = [d for d in doc_ids if d not in present]
    if len(present) == 1:
        return f"Only {names[present[0]]} addresses {what}; {join_names([names[d] for d in absent])} do not."
    return f"{join_names([names[d] for d in present])} address {what}; {join_names([names[d] for d in absent])} " \
           f"{'does' if len(absent) == 1 else 'do'} not."


# -- differences in plain sentences ----------------------------------------------------------
_BOUNDS = {"exact": "", "at_least": "at least ", "up_to": "up to ", "about": "about ", "more_than": "more than "}
_SIGNS = {"USD": "US$", "AUD": "A$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "C$"}


def money(amount: Amount) -> str:
    """'at least US$1 billion' from an Amount; amounts without a currency keep their own words."""
    if not amount.currency:
        return amount.text
    sign = _SIGNS.get(amount.currency, amount.currency + " ")
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if amount.value >= scale:
            number = f"{amount.value / scale:.2f}".rstrip("0").rstrip(".")
            return f"{_BOUNDS[amount.bound]}{sign}{number}{word}"
    return f"{_BOUNDS[amount.bound]}{sign}{amount.value:,.0f}"


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _by_value(row: dict[str, Provision], names: dict[str, str], value) -> str:  # type: ignore[no-untyped-def]
    """'Australia: X; Japan and Malaysia: Y.' — documents sharing a value are named together."""
    grouped: dict[str, list[str]] = {}
    for doc_id, p in row.items():
        grouped.setdefault(value(p), []).append(names[doc_id])
    return "; ".join(f"{join_names(who)}: {text}" for text, who in grouped.items()) + "."


_DEADLINE_ANCHOR = re.compile(r"\s+(?:of|after|from)\s+(?:the\s+)?(?:date|signature|signing|entry)\b.*$", re.IGNORECASE)


def deadline_words(d: Deadline | None) -> str:
    """'within six months' from 'Within six months of the date of this Framework'."""
    if d is None:
        return ""
    text = _DEADLINE_ANCHOR.sub("", " ".join(d.text.split())) or d.text
    return text[:1].lower() + text[1:] if text[:1].isupper() and not text[1:2].isupper() else text


def _deadline_key(d: Deadline | None) -> str:
    if d is None:
        return ""
    return str(d.days) if d.days is not None else (d.date.isoformat() if d.date else d.text.lower().strip())


def differences(row: dict[str, Provision], names: dict[str, str]) -> list[Difference]:
    """One plain sentence for each aspect on which the aligned clauses differ."""
    out: list[Difference] = []
    ranks = {doc_id: force_rank(p.modality) for doc_id, p in row.items()}
    if len(set(ranks.values())) > 1:
        top, low = max(ranks.values()), min(ranks.values())
        many = len(set(ranks.values())) > 2

        def force(p: Provision) -> str:
            r = force_rank(p.modality)
            tag = ("strongest" if many else "stronger") if r == top else (("weakest" if many else "weaker")
                                                                          if r == low else "")
            return f"{p.modality} ({tag})" if tag else p.modality

        out.append(Difference(aspect="force", sentence=_by_value(row, names, force)))
    amounts = {doc_id: frozenset((round(a.value, 2), a.currency, a.bound) for a in p.amounts) for doc_id, p in row.items()}
    deadlines = {doc_id: _deadline_key(p.deadline) for doc_id, p in row.items()}
    with_deadline = any(deadlines.values())
    if len(set(amounts.values())) > 1:
        def amount(p: Provision) -> str:
            due = deadline_words(p.deadline) if with_deadline else ""
            if p.amounts:
                return " and ".join(money(a) for a in p.amounts) + (f" {due}" if due else "")
            return "no amount" + (f", {due}" if due else "")

        out.append(Difference(aspect="amount", sentence=_by_value(row, names, amount)))
    elif len(set(deadlines.values())) > 1:
        out.append(Difference(aspect="deadline", sentence=_by_value(
            row, names, lambda p: deadline_words(p.deadline) or "no deadline")))
    for aspect, field, none in (("minerals", "minerals", "no mineral named"),
                                ("institutions", "institutions", "no institution named")):
        sentence = _set_difference(row, names, field, none)
        if sentence:
            out.append(Difference(aspect=aspect, sentence=sentence))  # type: ignore[arg-type]
    return out


def _set_difference(row: dict[str, Provision], names: dict[str, str], field: str, none: str) -> str:
    """'Australia: gallium; Japan: no mineral named; both name rare earths.' or '' when all agree."""
    values = {doc_id: {v.lower(): v for v in getattr(p, field)} for doc_id, p in row.items()}
    if len({frozenset(v) for v in values.values()}) == 1:
        return ""
    shared = set.intersection(*(set(v) for v in values.values()))

    def own(p: Provision) -> str:
        mine = [v for k, v in values[p.doc_id].items() if k not in shared]
        return ", ".join(sorted(mine, key=str.lower)) or ("nothing else" if shared else none)

    sentence = _by_value(row, names, own)
    if shared:
        common = sorted((next(iter(values.values()))[k] for k in shared), key=str.lower)
        sentence = f"{sentence[:-1]}; {'both' if len(row) == 2 else 'all'} name {join_names(common)}."
    return sentence
