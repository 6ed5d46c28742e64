"""Announced versus signed: which figures, projects, minerals and institutions a fact sheet or press
release claims, and whether the signed text it describes contains each one.

The signed text is the one named with `against`, else the ones the announcement's sidecar names
(`describes:`), else the instrument of the same parties, dated within a year before it (or a month
after), that matches it best (pairs_with, rank_instruments); never another country's. Both sides are read with
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

from kb.errors import UsageProblem
from kb.followthrough.deadlines import INSTRUMENT_TYPES, sentence_with
from kb.models import UNTRUSTED
from kb.names import party_key

if TYPE_CHECKING:
    from ingest.models import Clause, Document
    from kb.library import Library
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
    announced: bool = Field(default=False, description="The clause carries a commitment the announcement makes "
                                                       "(extraction's `announced`), not background or narrative.")


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

    @computed_field(  # type: ignore[prop-decorator]  # pydantic's documented way to put a property in the JSON
        description="Made in at least one announced commitment: a figure or name missing from the signed text "
                    "matters most here.")
    @property
    def announced(self) -> bool:
        return any(s.announced for s in self.sources)


class ClaimsReport(BaseModel):
    doc: DocRef
    against: list[DocRef]
    matched_by: Literal["against", "describes", "metadata"]
    claims: list[Claim] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    text_is: str = UNTRUSTED

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorators over @property; pydantic documents this ignore
    @property
    def n_in_signed(self) -> int:
        return sum(c.in_signed for c in self.claims)

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorators over @property; pydantic documents this ignore
    @property
    def n_not_in_signed(self) -> int:
        return sum(not c.in_signed for c in self.claims)


def check_claims(kb: Library, doc_id: str, against: str | Iterable[str] | None = None) -> ClaimsReport:
    """Every claim of doc_id, each marked as in the signed text (with its clauses) or not."""
    doc = kb.document(doc_id)
    targets, matched_by, notes = _targets(kb, doc, against)
    signed = [kb.document(t) for t in targets]
    claims = [*_amount_claims(doc, signed), *_named_claims(doc, signed, "mineral"),
              *_project_claims(doc, signed), *_named_claims(doc, signed, "institution")]
    committed = {c.clause_id for c in kb.commitments(doc_id) if c.announced}
    for claim in claims:
        for source in claim.sources:
            source.announced = source.clause_id in committed
    claims.sort(key=lambda c: KINDS.index(c.kind))
    return ClaimsReport(doc=_ref(doc), against=[_ref(d) for d in signed], matched_by=matched_by, claims=claims,
                        notes=notes)


# -- which signed text -------------------------------------------------------------------------
def _targets(kb: Library, doc: Document, against: str | Iterable[str] | None
             ) -> tuple[list[str], Literal["against", "describes", "metadata"], list[str]]:
    if against:
        named = [against] if isinstance(against, str) else list(against)
        for target in named:
            kb.require(target)
        return named, "against", []
    described = [d.strip() for d in doc.meta.get("describes", "").split(",") if d.strip()]
    if described:
        known = set(kb.doc_ids())
        present = [d for d in described if d in known and d != doc.doc_id]
        missing = [d for d in described if d not in known]
        if not present:
            raise UsageProblem(f"{doc.doc_id} describes {', '.join(described)}, but none of them is in the knowledge "
                               "base; ingest it or name the signed text with --against")
        notes = [f"described but not ingested: {', '.join(missing)}"] if missing else []
        return present, "describes", notes
    summaries = kb.documents()
    own = next(s for s in summaries if s.doc_id == doc.doc_id)
    chosen = pick_instruments(own, summaries)
    if not chosen:
        raise UsageProblem(f"{doc.doc_id}: {no_instrument_reason(own)}; name the signed text with --against")
    return [c.doc_id for c, _ in chosen], "metadata", [f"matched {c.doc_id}: {why}" for c, why in chosen]


# An announcement retells instruments signed up to a year before it, or a few weeks after (a fact
# sheet posted ahead of the signing ceremony); anything further apart is another deal.
DAYS_BEFORE = 365
DAYS_AFTER = 30
# An instrument may name one party the announcement leaves out (a trilateral deal announced by two of
# its parties); one naming more is another, multilateral deal, e.g. a 32-party declaration that
# happens to include both sides of a bilateral trade deal.
MAX_EXTRA_PARTIES = 1


def _party_set(parties: Iterable[str]) -> set[str]:
    return {party_key(p) for p in parties}


def pairs_with(announcement: DocSummary, instrument: DocSummary) -> bool:
    """Whether an instrument may be the one an announcement retells: a signed type; the
    announcement's parties all among its own (or, when the announcement names more than two,
    at least two of them: one fact sheet announcing deals with several partners), with at most
    MAX_EXTRA_PARTIES others; dated within DAYS_BEFORE..DAYS_AFTER of it. An undated side
    cannot be ruled out by date."""
    if instrument.doc_id == announcement.doc_id or instrument.doc_type not in INSTRUMENT_TYPES:
        return False
    mine, theirs = _party_set(announcement.parties), _party_set(instrument.parties)
    if not mine or len(theirs - mine) > MAX_EXTRA_PARTIES:
        return False
    if not (mine <= theirs or (len(mine) > 2 and len(mine & theirs) >= 2)):
        return False
    if announcement.date and instrument.date:
        days = (instrument.date - announcement.date).days
        return -DAYS_BEFORE <= days <= DAYS_AFTER
    return True


def rank_instruments(announcement: DocSummary, candidates: Iterable[DocSummary]) -> list[DocSummary]:
    """The instruments an announcement may retell, most likely first: dated ones before undated,
    then the closest party set (fewest other parties, most shared), the nearest date, the most
    title words in common."""
    mine, words = _party_set(announcement.parties), _title_words(announcement.title)

    def key(cand: DocSummary) -> tuple[bool, int, int, int, int, str]:
        theirs = _party_set(cand.parties)
        gap = abs((cand.date - announcement.date).days) if cand.date and announcement.date else 0
        undated = cand.date is None or announcement.date is None
        return (undated, len(theirs - mine), -len(theirs & mine), gap, -len(words & _title_words(cand.title)),
                cand.doc_id)

    return sorted((c for c in candidates if pairs_with(announcement, c)), key=key)


def pick_instruments(announcement: DocSummary, candidates: Iterable[DocSummary]) -> list[tuple[DocSummary, str]]:
    """The best-ranked instrument, then, for an announcement of deals with several partners, the
    best-ranked one of each partner not yet covered; each with the reason it was chosen."""
    mine = _party_set(announcement.parties)
    covered: set[str] = set()
    chosen: list[tuple[DocSummary, str]] = []
    for cand in rank_instruments(announcement, candidates):
        shared = mine & _party_set(cand.parties)
        if shared <= covered:
            continue
        covered |= shared
        chosen.append((cand, _reason(announcement, cand)))
        if covered >= mine:
            break
    return chosen


def match_signed(doc: DocSummary, candidates: Iterable[DocSummary]) -> DocSummary | None:
    """The instrument an announcement most likely describes, or None when none pairs with it."""
    ranked = rank_instruments(doc, candidates)
    return ranked[0] if ranked else None


def _reason(announcement: DocSummary, instrument: DocSummary) -> str:
    mine, theirs = _party_set(announcement.parties), _party_set(instrument.parties)
    names = ", ".join(p for p in instrument.parties if _party_set([p]) & mine)
    parties = f"same parties ({names})" if mine == theirs else (
        f"party to it: {names}" if mine <= theirs else f"shares {names}")
    if not (announcement.date and instrument.date):
        return f"{parties}; undated, so the date could not be checked"
    days = (instrument.date - announcement.date).days
    when = "dated the same day" if days == 0 else (
        f"dated {-days} days before the announcement" if days < 0 else f"dated {days} days after the announcement")
    return f"{parties}; {when}"


def no_instrument_reason(announcement: DocSummary) -> str:
    """Why no instrument pairs with an announcement, in one plain sentence."""
    if not announcement.parties:
        return "it names no parties, so no signed instrument can be paired with it"
    window = ""
    if announcement.date:
        first = announcement.date - dt.timedelta(days=DAYS_BEFORE)
        last = announcement.date + dt.timedelta(days=DAYS_AFTER)
        window = f" dated {first} to {last}"
    parties = announcement.parties
    who = parties[0] if len(parties) == 1 else ", ".join(parties[:-1]) + " and " + parties[-1]
    return (f"no signed instrument of {who}{window} is in the knowledge base, so its claims are not checked "
            "against another country's text")


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
             (f"{report.n_in_signed} of {len(report.claims)} claim{'s' if len(report.claims) != 1 else ''} "
              f"appear{'s' if len(report.claims) == 1 else ''} in the signed text; {report.n_not_in_signed} "
              f"do{'es' if report.n_not_in_signed == 1 else ''} not."), ""]
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
            verdict = "yes" if c.in_signed else ("**no** (announced as a commitment)" if c.announced else "**no**")
            if c.note:
                verdict += f" ({c.note})"
            lines.append(f"| {_cell(c.claim)} | {verdict} | {_cell(where)} | {said} |")
        lines.append("")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
