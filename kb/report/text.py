"""The comparison report's words: labels of commitment types, short names of documents, the
coverage sentence of a type, and the differences between aligned clauses in plain sentences."""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypedDict

from extract.models import Amount, Deadline, force_rank
from ingest.models import Document
from kb.report.models import Difference, Evidence, Provision

_LABELS = {"price_mechanism": "Price mechanisms", "research_innovation": "Research and innovation",
           "standards_transparency": "Standards and transparency"}


def type_label(commitment_type: str) -> str:
    return _LABELS.get(commitment_type, commitment_type.replace("_", " ").capitalize())


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


# Column heads: who and what kind ("US–Japan framework"), never the title or the date alone.
_SHORT_PARTIES = {"United States": "US", "European Union": "EU", "United Kingdom": "UK"}
_LABEL_TYPE_WORDS = {"other": "document"}
MAX_NAMED_PARTIES = 3


def doc_labels(docs: Sequence[Document]) -> dict[str, str]:
    """A short, unique column head for each document, made from its parties and type.

    "US–Japan framework", "US fact sheet", "12-party joint statement"; a document without parties
    gets its shortened title. Parties named by more of the compared documents come first, so the
    common party leads every head and the heads line up; among equals they go in the order the title
    names them ("United States–Thailand Framework": "US–Thailand"), then in the stored order. Heads
    that would be equal get the year, else the date, else the doc_id, whichever first tells them apart.
    """
    shared = {p: sum(p in d.parties for d in docs) for d in docs for p in d.parties}
    labels: dict[str, str] = {}
    for d in docs:
        parties = sorted(dict.fromkeys(d.parties), key=lambda p: (-shared[p], _title_position(d.title, p)))
        kind = _LABEL_TYPE_WORDS.get(d.doc_type, d.doc_type.replace("_", " "))
        if not parties:
            labels[d.doc_id] = _short_title(d.title)
        elif len(parties) > MAX_NAMED_PARTIES:
            labels[d.doc_id] = f"{len(parties)}-party {kind}"
        else:
            labels[d.doc_id] = "–".join(_SHORT_PARTIES.get(p, p) for p in parties) + f" {kind}"
    for label in set(labels.values()):
        clashing = [d for d in docs if labels[d.doc_id] == label]
        if len(clashing) < 2:
            continue
        for d in clashing:
            labels[d.doc_id] = f"{label} ({_telling_apart(d, clashing)})"
    if len(set(labels.values())) < len(labels):  # a qualified head met another's plain one: ids always differ
        return {d.doc_id: f"{labels[d.doc_id]} ({d.doc_id})" for d in docs}
    return labels


def _title_position(title: str, party: str) -> int:
    """Where the title first names the party, by its name or its short form; past the end when it does not."""
    from ingest.parties import countries_in

    named = countries_in(title)
    if party in named:
        return named.index(party)
    short = _SHORT_PARTIES.get(party)
    found = re.search(rf"\b{re.escape(short)}\b", title) if short else None
    return len(named) + (0 if found else 1)


def _telling_apart(doc: Document, clashing: Sequence[Document]) -> str:
    """The year, else the date, else the doc_id: the first that no other clashing document shares."""
    for key in (lambda d: d.date.year if d.date else None, lambda d: d.date):
        mine = key(doc)
        if mine is not None and sum(key(d) == mine for d in clashing) == 1:
            return str(mine)
    return doc.doc_id


def _short_title(title: str, limit: int = 40) -> str:
    return title if len(title) <= limit else title[: limit - 1].rsplit(" ", 1)[0] + "…"


_NUMBERS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine", 10: "ten"}


def coverage_sentence(commitment_type: str, present: list[str], doc_ids: list[str], names: dict[str, str]) -> str:
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


def _by_value(row: dict[str, Provision], names: dict[str, str], value) -> str:
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
            out.append(Difference(aspect=aspect, sentence=sentence))  # type: ignore[arg-type]  # both are Aspect names
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
