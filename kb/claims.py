"""Announced versus signed: which figures, projects, minerals and institutions a fact sheet or press
release claims, and whether the signed text it describes contains each one.

The signed text is the one the announcement's sidecar names (`describes:`), else the one named with
`against`, else the instrument whose parties, date and title match it best. Both sides are read with
the extractor's own finders over every clause (not only the clauses that carry a commitment):
amounts are compared as numbers in a currency (US$1 billion == $1bn == 1,000 million dollars),
minerals and institutions by their canonical names, projects by their proper names (or, for an
unnamed facility such as "a gallium refinery", by its minerals and the kind of facility).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, computed_field

from kb.deadlines import INSTRUMENT_TYPES, sentence_with
from kb.errors import UsageProblem
from kb.models import UNTRUSTED

if TYPE_CHECKING:
    from ingest.models import Clause, Document
    from kb.api import KnowledgeBase
    from kb.models import DocSummary

ClaimKind = Literal["amount", "project", "mineral", "institution"]
KINDS: tuple[str, ...] = ("amount", "project", "mineral", "institution")
MAX_MATCHES = 3
_HEAD = re.compile(r"(?i:smelting\s+and\s+refining\s+facility|refining\s+facility|processing\s+facility|"
                   r"projects?|refinery|refineries|smelter|plant|mine|facility)\b")
_DESCRIPTORS = {"battery", "magnet", "magnets", "processing", "separation", "recycling", "recovery", "refining",
                "smelting", "heavy", "light", "sands", "metals", "oxide", "cathode", "anode", "fertilizer"}
_COMMON_CAPS = {"the", "a", "an", "this", "that", "these", "two", "first", "new", "under", "located", "together",
                "both", "each", "australian", "american", "japanese", "malaysian", "thai", "critical", "minerals",
                "mineral", "project", "projects", "u.s.", "us", "united", "states", "its", "their", "our"}


class DocRef(BaseModel):
    doc_id: str
    title: str
    date: dt.date | None = None
    doc_type: str = ""


class Source(BaseModel):
    """Where the announcement makes the claim."""

    clause_id: str
    citation: str = ""
    text: str = Field(description="The announcement's sentence (document content).")


class Match(BaseModel):
    """Where the signed text contains it."""

    doc_id: str
    clause_id: str
    citation: str = ""
    matched: str = Field(description="The signed text's own words for it, e.g. 'at least $1 billion'.")
    text: str = Field(description="The signed text's sentence (document content).")


class Claim(BaseModel):
    kind: ClaimKind
    claim: str = Field(description="As announced: 'US$8.5 billion', 'gallium', 'EXIM', 'Nolans project'.")
    value: float | None = Field(default=None, description="Amounts: a plain number in units of the currency.")
    currency: str | None = None
    bound: str | None = None
    in_signed: bool
    sources: list[Source] = Field(default_factory=list)
    matches: list[Match] = Field(default_factory=list)
    note: str = ""


class ClaimsReport(BaseModel):
    doc: DocRef
    against: list[DocRef]
    matched_by: Literal["against", "describes", "metadata"]
    claims: list[Claim] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    text_is: str = UNTRUSTED

    @computed_field  # type: ignore[prop-decorator]
    @property
    def n_in_signed(self) -> int:
        return sum(c.in_signed for c in self.claims)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def n_not_in_signed(self) -> int:
        return sum(not c.in_signed for c in self.claims)


def check_claims(kb: KnowledgeBase, doc_id: str, against: str | Iterable[str] | None = None) -> ClaimsReport:
    """Every claim of doc_id, each marked as in the signed text (with its clauses) or not."""
    doc = kb.document(doc_id)
    targets, matched_by, notes = _targets(kb, doc, against)
    signed = [kb.document(t) for t in targets]
    claims = [*_amount_claims(doc, signed), *_named_claims(doc, signed, "mineral"),
              *_project_claims(doc, signed), *_named_claims(doc, signed, "institution")]
    claims.sort(key=lambda c: KINDS.index(c.kind))
    return ClaimsReport(doc=_ref(doc), against=[_ref(d) for d in signed], matched_by=matched_by, claims=claims,
                        notes=notes)


# -- which signed text -------------------------------------------------------------------------
def _targets(kb: KnowledgeBase, doc: Document, against: str | Iterable[str] | None
             ) -> tuple[list[str], Literal["against", "describes", "metadata"], list[str]]:
    if against:
        named = [against] if isinstance(against, str) else list(against)
        for target in named:
            kb.require(target)
        return named, "against", []
    described = [d.strip() for d in doc.meta.get("describes", "").split(",") if d.strip()]
    if described:
        known = set(kb.store.doc_ids())
        present = [d for d in described if d in known and d != doc.doc_id]
        missing = [d for d in described if d not in known]
        if not present:
            raise UsageProblem(f"{doc.doc_id} describes {', '.join(described)}, but none of them is in the knowledge "
                               "base; ingest it or name the signed text with --against")
        notes = [f"described but not ingested: {', '.join(missing)}"] if missing else []
        return present, "describes", notes
    summaries = kb.documents()
    own = next(s for s in summaries if s.doc_id == doc.doc_id)
    best = match_signed(own, summaries)
    if best is None:
        raise UsageProblem(f"no signed text matches {doc.doc_id} by parties and date; name it with --against")
    return [best.doc_id], "metadata", [f"matched {best.doc_id} by parties, date and title"]


def match_signed(doc: DocSummary, candidates: Iterable[DocSummary], max_days: int = 14) -> DocSummary | None:
    """The instrument an announcement most likely describes: shared parties, a date within max_days,
    then title words. None when no instrument shares at least half the parties within that window."""
    from ingest.parties import normalise_country

    mine = {normalise_country(p).casefold() for p in doc.parties}
    words = _title_words(doc.title)
    scored: list[tuple[float, str, DocSummary]] = []
    for cand in candidates:
        if cand.doc_id == doc.doc_id or cand.doc_type not in INSTRUMENT_TYPES:
            continue
        theirs = {normalise_country(p).casefold() for p in cand.parties}
        overlap = len(mine & theirs) / len(mine | theirs) if mine | theirs else 0.0
        gap = abs((cand.date - doc.date).days) if cand.date and doc.date else None
        if overlap < 0.5 or (gap is not None and gap > max_days):
            continue
        closeness = 1 - gap / (max_days + 1) if gap is not None else 0.0
        shared = words & _title_words(cand.title)
        title = len(shared) / len(words | _title_words(cand.title)) if words else 0.0
        scored.append((overlap + closeness + title, cand.doc_id, cand))
    return max(scored, key=lambda s: (s[0], s[1]))[2] if scored else None


def _title_words(title: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", title.lower())
            if w not in {"with", "from", "that", "this", "fact", "sheet", "president", "donald", "trump"}}


# -- claims ------------------------------------------------------------------------------------
def _clauses(doc: Document) -> list[Clause]:
    return [c for c in doc.clauses if c.kind != "signature"]


def _amount_claims(doc: Document, signed: list[Document]) -> list[Claim]:
    from extract.amounts import find_amounts

    found = [(d, c, hit) for d in signed for c in _clauses(d) for hit in find_amounts(c.text)]
    claims: dict[tuple[str | None, float], Claim] = {}
    for clause in _clauses(doc):
        for hit in find_amounts(clause.text):
            source = Source(clause_id=clause.clause_id, citation=clause.citation,
                            text=sentence_with(clause.text, hit.text))
            key = (hit.currency, hit.value)
            if key in claims:
                if all(s.clause_id != clause.clause_id for s in claims[key].sources):
                    claims[key].sources.append(source)
                continue
            matches = [(d, c, h) for d, c, h in found if same_amount(hit.value, hit.currency, h.value, h.currency)]
            claim = Claim(kind="amount", claim=hit.text, value=hit.value, currency=hit.currency, bound=hit.bound,
                          in_signed=bool(matches), sources=[source],
                          matches=[_match(d, c, h.text) for d, c, h in matches[:MAX_MATCHES]])
            bounds = sorted({h.bound.replace("_", " ") for _, _, h in matches})
            if matches and hit.bound.replace("_", " ") not in bounds:
                claim.note = f"announced as {hit.bound.replace('_', ' ')}, signed as {' / '.join(bounds)}"
            claims[key] = claim
    return list(claims.values())


def same_amount(value: float, currency: str | None, other: float, other_currency: str | None) -> bool:
    """Numeric equality in one currency; a figure with no currency matches any."""
    if currency and other_currency and currency != other_currency:
        return False
    return math.isclose(value, other, rel_tol=1e-9)


def _named_claims(doc: Document, signed: list[Document], kind: Literal["mineral", "institution"]) -> list[Claim]:
    from extract.gazetteer import find_institutions, find_minerals

    finder = find_minerals if kind == "mineral" else find_institutions
    where: dict[str, list[tuple[Document, Clause, str]]] = {}
    for d in signed:
        for c in _clauses(d):
            for hit in finder(c.text):
                where.setdefault(hit.name.casefold(), []).append((d, c, c.text[hit.start:hit.end]))
    claims: dict[str, Claim] = {}
    for clause in _clauses(doc):
        for hit in finder(clause.text):
            if kind == "institution" and re.search(r"\.\s+[A-Z]", hit.name):
                continue  # a name that runs across a sentence break is no name
            source = Source(clause_id=clause.clause_id, citation=clause.citation,
                            text=sentence_with(clause.text, clause.text[hit.start:hit.end]))
            key = hit.name.casefold()
            if key in claims:
                if all(s.clause_id != clause.clause_id for s in claims[key].sources):
                    claims[key].sources.append(source)
                continue
            matches = _unique_clauses(where.get(key, []))
            claims[key] = Claim(kind=kind, claim=hit.name, in_signed=bool(matches), sources=[source],
                                matches=[_match(d, c, words) for d, c, words in matches[:MAX_MATCHES]])
    return list(claims.values())


def _project_claims(doc: Document, signed: list[Document]) -> list[Claim]:
    claims: dict[tuple[str, ...], Claim] = {}
    for clause in _clauses(doc):
        for cell in clause.text.split(" | "):  # table rows keep their cells apart
            for name, key, head in find_projects(cell):
                if key in claims:
                    continue
                matches = [(d, c) for d in signed for c in _clauses(d) if _names_project(c.text, key, head)]
                claims[key] = Claim(kind="project", claim=name, in_signed=bool(matches),
                                    sources=[Source(clause_id=clause.clause_id, citation=clause.citation,
                                                    text=sentence_with(clause.text, name))],
                                    matches=[_match(d, c, name) for d, c in matches[:MAX_MATCHES]])
    return list(claims.values())


def find_projects(text: str) -> list[tuple[str, tuple[str, ...], str]]:
    """Named projects and facilities: (as written, key words, kind of facility).

    A project is a facility word (project, refinery, smelter, plant, mine...) led by a proper name
    ("Arafura Rare Earths' Nolans project") or by a mineral ("a gallium refinery"); generic ones
    ("critical minerals projects") are left out. Key words are the proper names, else the minerals.
    """
    from extract.gazetteer import find_minerals

    minerals = find_minerals(text)
    out: list[tuple[str, tuple[str, ...], str]] = []
    for head in _HEAD.finditer(text):
        tokens = list(re.finditer(r"\S+", text[: head.start()]))
        kept: list[re.Match[str]] = []
        for tok in reversed(tokens):
            word = tok.group(0)
            if kept and re.search(r"[,.;:)]$", word) or len(kept) >= 6:
                break
            in_mineral = any(m.start <= tok.start() < m.end for m in minerals)
            proper = bool(re.match(r"[A-Z0-9]", word)) and word.lower().strip("’'") not in _COMMON_CAPS
            if not (in_mineral or proper or word.lower() in _DESCRIPTORS):
                break
            kept.append(tok)
        kept.reverse()
        names = [re.sub(r"(['’]s?)$", "", t.group(0)).lower() for t in kept
                 if not any(m.start <= t.start() < m.end for m in minerals) and re.match(r"[A-Z0-9]", t.group(0))]
        mins = sorted({m.name for m in minerals if kept and kept[0].start() <= m.start < head.start()})
        if not names and not mins:
            continue
        written = text[kept[0].start(): head.end()]
        key = tuple(p for n in names for p in re.split(r"[–-]", n) if p) or tuple(mins)
        out.append((written, key, head.group(0).split()[0].lower()))
    return out


def _names_project(text: str, key: tuple[str, ...], head: str) -> bool:
    from extract.gazetteer import find_minerals

    lowered = text.lower()
    if all(re.search(rf"(?<!\w){re.escape(k)}(?!\w)", lowered) for k in key):
        return True
    present = {m.name for m in find_minerals(text)}
    return set(key) <= present and re.search(rf"\b{re.escape(head[:5])}", lowered) is not None


# -- helpers -------------------------------------------------------------------------------------
def _match(doc: Document, clause: Clause, words: str) -> Match:
    return Match(doc_id=doc.doc_id, clause_id=clause.clause_id, citation=clause.citation, matched=words,
                 text=sentence_with(clause.text, words))


def _unique_clauses(found: list[tuple[Document, Clause, str]]) -> list[tuple[Document, Clause, str]]:
    seen: set[str] = set()
    out = []
    for d, c, words in found:
        if c.clause_id not in seen:
            seen.add(c.clause_id)
            out.append((d, c, words))
    return out


def _ref(doc: Document) -> DocRef:
    return DocRef(doc_id=doc.doc_id, title=doc.title, date=doc.date, doc_type=doc.doc_type)


def render_markdown(report: ClaimsReport) -> str:
    """The report as Markdown: one table per kind of claim."""
    against = ", ".join(f"`{d.doc_id}`" for d in report.against)
    lines = [f"# Announced vs signed: {report.doc.title}", "",
             (f"`{report.doc.doc_id}` ({report.doc.doc_type}, {report.doc.date or 'undated'}) checked against "
              f"{against} (matched by {report.matched_by})."), "",
             (f"{report.n_in_signed} of {len(report.claims)} claims appear in the signed text; "
              f"{report.n_not_in_signed} do not."), ""]
    lines += [f"> {note}" for note in report.notes] + ([""] if report.notes else [])
    for kind in KINDS:
        rows = [c for c in report.claims if c.kind == kind]
        if not rows:
            continue
        lines += [f"## {kind.capitalize()}s", "", "| claim | in signed text | where (signed) | announced in |",
                  "|---|---|---|---|"]
        for c in rows:
            where = "; ".join(f"{m.clause_id} ({m.citation}): “{_cell(m.matched)}”" for m in c.matches) or "—"
            said = ", ".join(s.clause_id for s in c.sources)
            verdict = "yes" if c.in_signed else "**no**"
            if c.note:
                verdict += f" ({c.note})"
            lines.append(f"| {_cell(c.claim)} | {verdict} | {_cell(where)} | {said} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
