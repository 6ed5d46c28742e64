"""The legalisation profile (design.md) of one document: obligation (legal force of its commitments),
precision (share naming an amount, a deadline, a mineral or a project) and delegation (bodies it
creates or names)."""
from __future__ import annotations

import re
from collections.abc import Iterable

from extract.models import MODALITIES, Commitment, Modality, force_rank
from ingest.models import Document
from kb.report.models import Body, Profile


def strongest(modalities: Iterable[Modality]) -> Modality | None:
    ranked = sorted(modalities, key=force_rank, reverse=True)
    return ranked[0] if ranked else None


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
