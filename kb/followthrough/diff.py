"""What changed between two versions of an instrument: clauses aligned, then compared word by word.

Alignment runs in three passes, each over the clauses the earlier ones left:
1. structure: the same clause path ("s2.5" in both) pairs when the texts are still recognisably
   the same clause (word overlap >= STRUCTURE_MIN), so a renumbered list does not pair strangers;
2. text: identical texts pair wherever they sit (a clause moved or renumbered, unchanged);
3. meaning: the stored clause vectors pair the most similar remaining clauses, best first, down
   to MEANING_MIN cosine. Stored vectors embed the document title and section heading with the
   clause (that is what search wants), so any two clauses of one instrument sit at 0.95 or more;
   a pair must therefore also share OVERLAP_MIN of its words, which keeps a new clause from
   pairing with an unrelated removed one. Word overlap alone (TEXT_MIN) decides when a vector
   is missing.
What is left is removed (old only) or added (new only). Paired clauses whose words differ are
changed, with a word-level diff (difflib) and any change in the commitments the extractor found
there: a type gained or lost, its legal force, its amounts, its deadline.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, computed_field

from extract.models import Commitment, force_rank
from kb.models import UNTRUSTED

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy as np

    from ingest.models import Clause, Document
    from kb.library import Library

STRUCTURE_MIN = 0.5  # difflib ratio over words
MEANING_MIN = 0.9  # cosine of the stored clause vectors
OVERLAP_MIN = 0.35  # difflib ratio over words that a meaning pair must also reach
TEXT_MIN = 0.6  # difflib ratio, when a clause has no stored vector
Alignment = Literal["structure", "text", "meaning"]


class WordOp(BaseModel):
    op: Literal["equal", "insert", "delete", "replace"]
    old: str = ""
    new: str = ""


class CommitmentChange(BaseModel):
    type: str
    change: Literal["type_added", "type_removed", "force", "amount", "deadline"]
    old: str | None = None
    new: str | None = None


class ClauseChange(BaseModel):
    status: Literal["added", "removed", "changed"]
    old_clause_id: str | None = None
    new_clause_id: str | None = None
    old_citation: str = ""
    new_citation: str = ""
    aligned_by: Alignment | None = None
    similarity: float | None = Field(default=None, description="Cosine (meaning) or word overlap (other passes).")
    old_text: str = ""
    new_text: str = ""
    words: list[WordOp] = Field(default_factory=list)
    commitments: list[CommitmentChange] = Field(default_factory=list)


class Moved(BaseModel):
    old_clause_id: str
    new_clause_id: str


class DiffReport(BaseModel):
    old_id: str
    new_id: str
    old_title: str
    new_title: str
    old_date: dt.date | None = None
    new_date: dt.date | None = None
    changes: list[ClauseChange] = Field(default_factory=list, description="In reading order of the new version.")
    moved: list[Moved] = Field(default_factory=list, description="Unchanged clauses whose path changed.")
    n_unchanged: int = 0
    text_is: str = UNTRUSTED

    def of(self, status: str) -> list[ClauseChange]:
        return [c for c in self.changes if c.status == status]

    @computed_field  # type: ignore[prop-decorator]  # mypy rejects decorators over @property; pydantic documents this ignore
    @property
    def summary(self) -> dict[str, int]:
        return {"added": len(self.of("added")), "removed": len(self.of("removed")),
                "changed": len(self.of("changed")), "unchanged": self.n_unchanged, "moved": len(self.moved)}


def diff_documents(kb: Library, old_id: str, new_id: str) -> DiffReport:
    from kb.errors import UsageProblem

    old, new = kb.document(old_id), kb.document(new_id)
    if old_id == new_id:
        raise UsageProblem(f"both versions are {old_id!r}; name two different documents")
    pairs = align(old, new, _vectors(kb, old, new))
    old_commitments = _by_clause(kb.commitments(old_id))
    new_commitments = _by_clause(kb.commitments(new_id))
    report = DiffReport(old_id=old_id, new_id=new_id, old_title=old.title, new_title=new.title,
                        old_date=old.date, new_date=new.date)
    position = {c.clause_id: i for i, c in enumerate(new.clauses)}
    entries: list[tuple[float, ClauseChange]] = []
    for pair in pairs:
        if _norm(pair.old.text) == _norm(pair.new.text):
            report.n_unchanged += 1
            if _path(pair.old) != _path(pair.new):
                report.moved.append(Moved(old_clause_id=pair.old.clause_id, new_clause_id=pair.new.clause_id))
            continue
        change = ClauseChange(
            status="changed", old_clause_id=pair.old.clause_id, new_clause_id=pair.new.clause_id,
            old_citation=pair.old.citation, new_citation=pair.new.citation, aligned_by=pair.by,
            similarity=round(pair.score, 4), old_text=pair.old.text, new_text=pair.new.text,
            words=word_diff(pair.old.text, pair.new.text),
            commitments=commitment_changes(old_commitments.get(pair.old.clause_id, []),
                                           new_commitments.get(pair.new.clause_id, [])),
        )
        entries.append((position[pair.new.clause_id], change))
    for clause in new.clauses:
        if clause.clause_id not in {p.new.clause_id for p in pairs}:
            entries.append((position[clause.clause_id], ClauseChange(
                status="added", new_clause_id=clause.clause_id, new_citation=clause.citation, new_text=clause.text,
                commitments=commitment_changes([], new_commitments.get(clause.clause_id, [])))))
    anchor = -0.5  # a removed clause sits just after the new position of the clause before it
    for clause in old.clauses:
        match = next((p for p in pairs if p.old.clause_id == clause.clause_id), None)
        if match is not None:
            anchor = position[match.new.clause_id] + 0.5
        else:
            entries.append((anchor, ClauseChange(
                status="removed", old_clause_id=clause.clause_id, old_citation=clause.citation, old_text=clause.text,
                commitments=commitment_changes(old_commitments.get(clause.clause_id, []), []))))
    report.changes = [change for _, change in sorted(entries, key=lambda e: e[0])]
    return report


# -- alignment -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pair:
    old: Clause
    new: Clause
    by: Alignment
    score: float


def align(old: Document, new: Document, vectors: Mapping[str, np.ndarray] | None = None) -> list[Pair]:
    """Pair the clauses of two versions: structure, then identical text, then meaning."""
    vectors = vectors or {}
    pairs: list[Pair] = []
    left = {c.clause_id: c for c in old.clauses}
    right = {c.clause_id: c for c in new.clauses}
    new_by_path = {_path(c): c for c in new.clauses}
    for clause in old.clauses:
        twin = new_by_path.get(_path(clause))
        if twin is not None and twin.clause_id in right:
            ratio = word_ratio(clause.text, twin.text)
            if ratio >= STRUCTURE_MIN:
                pairs.append(Pair(old=clause, new=twin, by="structure", score=ratio))
                del left[clause.clause_id], right[twin.clause_id]
    by_text: dict[str, list[Clause]] = {}
    for clause in right.values():
        by_text.setdefault(_norm(clause.text), []).append(clause)
    for clause in list(left.values()):
        same = by_text.get(_norm(clause.text))
        if same:
            twin = same.pop(0)
            pairs.append(Pair(old=clause, new=twin, by="text", score=1.0))
            del left[clause.clause_id], right[twin.clause_id]
    candidates: list[tuple[float, str, str]] = []
    for a in left.values():
        for b in right.values():
            score = _similarity(a, b, vectors)
            if score is not None:
                candidates.append((score, a.clause_id, b.clause_id))
    for score, a_id, b_id in sorted(candidates, reverse=True):
        if a_id in left and b_id in right:
            pairs.append(Pair(old=left.pop(a_id), new=right.pop(b_id), by="meaning", score=score))
    return pairs


def _similarity(a: Clause, b: Clause, vectors: Mapping[str, np.ndarray]) -> float | None:
    import numpy as np

    va, vb = vectors.get(a.clause_id), vectors.get(b.clause_id)
    if va is not None and vb is not None:
        cosine = float(np.dot(va, vb) / ((np.linalg.norm(va) * np.linalg.norm(vb)) or 1.0))
        return cosine if cosine >= MEANING_MIN and word_ratio(a.text, b.text) >= OVERLAP_MIN else None
    ratio = word_ratio(a.text, b.text)
    return ratio if ratio >= TEXT_MIN else None


def _vectors(kb: Library, old: Document, new: Document) -> dict[str, np.ndarray]:
    """Stored vectors by clause_id; a clause without one is aligned by word overlap instead."""
    return dict(kb.clause_vectors([c.clause_id for c in (*old.clauses, *new.clauses)], embed_missing=False))


# -- comparing paired clauses -----------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


def word_ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def word_diff(old: str, new: str) -> list[WordOp]:
    a, b = _words(old), _words(new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return [WordOp(op=tag, old=" ".join(a[i1:i2]), new=" ".join(b[j1:j2]))
            for tag, i1, i2, j1, j2 in ops]


def commitment_changes(old: list[Commitment], new: list[Commitment]) -> list[CommitmentChange]:
    """Per commitment type: gained, lost, or a change of force, amounts or deadline."""
    before = {c.type: c for c in old}
    after = {c.type: c for c in new}
    out: list[CommitmentChange] = []
    for type_ in [*before, *(t for t in after if t not in before)]:
        a, b = before.get(type_), after.get(type_)
        if a is None and b is not None:
            out.append(CommitmentChange(type=type_, change="type_added", new=_describe(b)))
        elif b is None and a is not None:
            out.append(CommitmentChange(type=type_, change="type_removed", old=_describe(a)))
        elif a is not None and b is not None:
            if a.modality != b.modality:
                direction = "stronger" if force_rank(b.modality) > force_rank(a.modality) else "weaker"
                out.append(CommitmentChange(type=type_, change="force", old=a.modality,
                                            new=f"{b.modality} ({direction})"))
            if _amounts(a) != _amounts(b):
                out.append(CommitmentChange(type=type_, change="amount", old=_amount_text(a), new=_amount_text(b)))
            if _deadline(a) != _deadline(b):
                out.append(CommitmentChange(type=type_, change="deadline", old=_deadline_text(a),
                                            new=_deadline_text(b)))
    return out


def _describe(c: Commitment) -> str:
    """'intent; at least $1 billion; within six months (2026-04-20)': force, then what makes it precise."""
    return "; ".join(p for p in (c.modality, _amount_text(c), _deadline_text(c)) if p)


def _amounts(c: Commitment) -> list[tuple[float, str | None, str]]:
    return sorted((a.value, a.currency, a.bound) for a in c.amounts)


def _amount_text(c: Commitment) -> str | None:
    return "; ".join(a.text for a in c.amounts) or None


def _deadline(c: Commitment) -> tuple[int | None, dt.date | None] | None:
    return (c.deadline.days, c.deadline.date) if c.deadline else None


def _deadline_text(c: Commitment) -> str | None:
    if c.deadline is None:
        return None
    return c.deadline.text + (f" ({c.deadline.date})" if c.deadline.date else "")


def _by_clause(commitments: list[Commitment]) -> dict[str, list[Commitment]]:
    out: dict[str, list[Commitment]] = {}
    for c in commitments:
        out.setdefault(c.clause_id, []).append(c)
    return out


def _path(clause: Clause) -> str:
    return clause.clause_id.split("/", 1)[-1]


def _norm(text: str) -> str:
    return " ".join(text.split())
