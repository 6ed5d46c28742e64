"""Synthetic agreements for benchmarks: clauses that read like the real thing, from a fixed seed.

Each clause combines a subject, a modal wording, a commitment topic (minerals, amounts,
deadlines, bodies) and sometimes a qualifier, so lengths, vocabulary and repetition resemble
the demo corpus without copying it. The same seed gives the same corpus on every machine.
"""
from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

from ingest.models import Clause, Document, Section

PARTIES = [
    "United States", "Australia", "Japan", "Malaysia", "Thailand", "Canada", "India", "Kazakhstan", "Saudi Arabia",
    "Ukraine", "Chile", "Indonesia", "Brazil", "Korea", "Viet Nam", "Namibia", "Argentina", "Peru", "Zambia",
    "Mongolia", "the Philippines", "Uzbekistan", "Morocco", "Norway",
]
MINERALS = [
    "lithium", "cobalt", "nickel", "graphite", "gallium", "germanium", "tungsten", "antimony", "rare earth elements",
    "neodymium and praseodymium oxide", "dysprosium", "terbium", "copper", "manganese", "vanadium", "titanium",
    "uranium", "platinum group metals", "tantalum", "niobium", "scandium", "high-purity alumina", "silicon metal",
]
INSTITUTIONS = [
    "the Export-Import Bank of the United States", "the U.S. International Development Finance Corporation",
    "Export Finance Australia", "the Japan Bank for International Cooperation", "the Minerals Security Partnership",
    "a joint steering committee", "the national geological survey", "the ministry responsible for mining",
    "a bilateral working group on supply security", "the sovereign investment fund",
]
MODALS = [
    "shall", "will", "intend to", "commit to", "undertake to", "seek to", "endeavour to", "plan to", "aim to",
    "are expected to", "may", "agree to", "decide to", "will work towards measures to",
]
QUALIFIERS = [
    "consistent with their respective domestic laws and regulations",
    "subject to the availability of appropriated funds",
    "on a voluntary and non-binding basis",
    "where appropriate and in consultation with industry",
    "in accordance with their international obligations",
    "taking into account environmental, social and governance standards",
    "with due regard to the interests of local communities",
]
DEADLINES = [
    "within {n} days of the date of signature", "within six months", "by 31 December {year}",
    "before the end of {year}", "no later than {n} months after this instrument takes effect", "every two years",
    "at least once a year",
]
TOPICS: list[tuple[str, str]] = [
    ("Stockpiles", "coordinate the building and release of strategic reserves of {mineral} during a supply shock"),
    ("Financing", ("provide at least {amount} in loans, guarantees and equity to projects that mine or process "
                   "{mineral} {deadline}")),
    ("Finance", "mobilise {amount} through {institution} for the processing of {mineral} in {place}"),
    ("Asset Sales", "review and deter sales of {mineral} assets to buyers that raise national security concerns"),
    ("Investment Screening", "strengthen the screening of inbound investment in {mineral} mines and refineries"),
    ("Permitting", ("expedite and streamline permits for the mining, separation and processing of {mineral} "
                    "{deadline}")),
    ("Recycling", "support the recovery of {mineral} from electronic scrap, tailings and other waste streams"),
    ("Research", "fund joint research into processing and substitution technologies for {mineral}"),
    ("Geological Mapping", "share geological survey data and map the {mineral} resources of {place}"),
    ("Export Restrictions", "refrain from imposing export bans, quotas or licensing requirements on {mineral}"),
    ("Trade Measures", "counter non-market policies and unfair trade practices that distort the price of {mineral}"),
    ("Price Mechanisms", "develop a price floor or reference price for {mineral} in standards-based markets"),
    ("Offtake", "facilitate offtake arrangements under which buyers in {place} may purchase {mineral} output"),
    ("Investment Promotion", "identify priority projects in {mineral} and convene an investment forum {deadline}"),
    ("Standards", ("promote traceability and high environmental and labour standards across the {mineral} "
                   "supply chain")),
    ("Supply Coordination", "establish {institution} to exchange information on disruptions in {mineral} supply"),
    ("Implementation", "meet within {n} days after either side requests consultations on the supply of {mineral}"),
]
SECOND_SENTENCES = [
    "Each side is to report on progress to the other {deadline}.",
    "{Institution} is to coordinate this work and publish an annual summary.",
    "Nothing in this paragraph creates legally binding obligations under international law.",
    "The costs of these activities are to be borne by the side that incurs them unless otherwise agreed.",
    "Priority is to be given to projects with a credible path to commercial production {deadline}.",
    "This cooperation is to extend to {mineral} and to other minerals the sides may later identify.",
]
DOC_TYPES = ["agreement", "framework", "memorandum", "joint_statement", "action_plan", "fact_sheet", "press_release",
             "commentary"]
INSTRUMENTS = {"agreement": "Agreement", "framework": "Framework", "memorandum": "Memorandum of Understanding",
               "joint_statement": "Joint Statement", "action_plan": "Action Plan", "fact_sheet": "Fact Sheet",
               "press_release": "Media Release", "commentary": "Commentary"}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _amount(rng: random.Random) -> str:
    scale = rng.choice(["million", "billion"])
    value = rng.choice([50, 100, 200, 250, 500, 750, 900]) if scale == "million" else rng.choice([1, 2, 2.2, 5, 8.5])
    return f"{rng.choice(['$', 'US$', 'USD '])}{value} {scale}"


def _fill(template: str, rng: random.Random, parties: list[str]) -> str:
    deadline = rng.choice(DEADLINES).format(n=rng.choice([10, 30, 60, 90, 180]), year=rng.choice([2026, 2027, 2028]))
    institution = rng.choice(INSTITUTIONS)
    return template.format(
        mineral=rng.choice(MINERALS), amount=_amount(rng), deadline=deadline, institution=institution,
        Institution=institution[0].upper() + institution[1:], place=rng.choice(parties + ["third countries"]),
        n=rng.choice([10, 30, 60, 90]),
    )


def clause_text(rng: random.Random, parties: list[str]) -> tuple[str, str]:
    """(heading, clause text) for one synthetic provision."""
    heading, topic = rng.choice(TOPICS)
    subject = rng.choice(["The Participants", "The Parties", "Each Participant", f"The Government of {parties[0]}",
                          f"{parties[0]} and {parties[1]}"])
    modal = rng.choice(MODALS)
    modal = {"shall": "shall", "will": "will", "may": "may"}.get(modal, modal)
    sentence = f"{subject} {modal} {_fill(topic, rng, parties)}"
    if rng.random() < 0.5:
        sentence += ", " + rng.choice(QUALIFIERS)
    text = sentence + "."
    if rng.random() < 0.45:
        text += " " + _fill(rng.choice(SECOND_SENTENCES), rng, parties)
    return heading, text


def synthetic_documents(n_clauses: int, folder: Path, seed: int = 7, per_doc: int = 50) -> Iterator[Document]:
    """Yield Documents totalling n_clauses, each also written to folder/<doc_id>.txt so that a later
    `kb.ingest(folder)` sees the same files (and finds them unchanged)."""
    from ingest import fingerprint

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made, number = 0, 0
    while made < n_clauses:
        number += 1
        size = min(per_doc, n_clauses - made)
        parties = rng.sample(PARTIES, 2)
        doc_type = rng.choice(DOC_TYPES)
        doc_id = f"synthetic-{number:06d}"
        title = f"{parties[0]}–{parties[1]} {INSTRUMENTS[doc_type]} on Critical Minerals No. {number}"
        date = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(365 * 3))
        parts: list[str] = [title, ""]
        offset = len(title) + 2
        clauses: list[Clause] = []
        sections: list[Section] = []
        for i in range(size):
            s, p = divmod(i, 10)
            if p == 0:
                label = f"Section {ROMAN[s % len(ROMAN)]}"
                sections.append(Section(section_id=f"s{s + 1}", label=label, heading="", start=offset))
            heading, text = clause_text(rng, parties)
            clauses.append(Clause(
                clause_id=f"{doc_id}/s{s + 1}.{p + 1}", section=sections[-1].label, heading=heading,
                citation=f"{sections[-1].label}, para {p + 1}", kind="provision", page=1 + i // 25,
                start=offset, end=offset + len(text), text=text,
            ))
            parts.append(text)
            offset += len(text) + 1
            sections[-1].end = offset
        body = "\n".join(parts) + "\n"
        path = folder / f"{doc_id}.txt"
        path.write_text(body, encoding="utf-8")
        yield Document(doc_id=doc_id, title=title, date=date, parties=parties, doc_type=doc_type,  # type: ignore[arg-type]
                       source=str(path.resolve()), sha256=fingerprint(path), text=body, sections=sections,
                       clauses=clauses)
        made += size


def synthetic_queries(n: int, seed: int = 11) -> list[str]:
    """Analyst-style queries over the synthetic vocabulary, all different (so no query embedding is cached)."""
    rng = random.Random(seed)
    shapes = [
        "price floor for {mineral}", "who finances {mineral} processing", "export bans on {mineral}",
        "faster permits for {mineral} mines", "recycling {mineral} from electronic waste",
        "stockpile of {mineral} in a supply shock", "{amount} in loans for mining projects",
        "{institution} support for {mineral}", "screening foreign purchases of {mineral} assets",
        "geological data on {mineral} in {place}", "offtake of {mineral} by buyers in {place}",
        "consultations within {n} days", '"strategic reserves" of {mineral}',
    ]
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        query = _fill(rng.choice(shapes), rng, rng.sample(PARTIES, 2))
        if rng.random() < 0.5:
            query += " " + rng.choice(["under the framework", "in 2026", "for allies", "and partners", "by treaty",
                                       "with Japan", "and Australia", "deadline", "commitment", "agreement"])
        if query not in seen:
            seen.add(query)
            out.append(query)
    return out
