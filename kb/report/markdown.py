"""A comparison report as Markdown (for memos) and the matrix as CSV (for spreadsheets)."""
from __future__ import annotations

import csv
import io
import re

from kb.report.models import ComparisonReport, Provision
from kb.report.text import join_names, money, type_label

_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def md(text: str) -> str:
    """Document text made inert in Markdown: one line, no markup, no raw HTML."""
    flat = " ".join(text.split())
    return _SPECIAL.sub(r"\\\1", flat).replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(report: ComparisonReport) -> str:
    docs = report.documents
    out = [f"# Comparison: {md(join_names([d.label for d in docs]))}", ""]
    out += ["| Document | Title | Date | Type | Commitments |", "|---|---|---|---|---:|"]
    out += [f"| {md(d.label)} | {md(d.title)} | {d.date or '—'} | {d.doc_type.replace('_', ' ')} | {d.n_commitments} |"
            for d in docs]
    out += ["", "## Coverage matrix", "",
            "Strongest legal force of each document's commitments of a type, with their number "
            "(binding > commitment > intent > aspiration > recital). Evidence clauses are listed at the end.", "",
            "| Commitment type | " + " | ".join(md(d.label) for d in docs) + " |",
            "|---|" + "---|" * len(docs)]
    for t in report.types:
        cells = [report.matrix[t][d.doc_id] for d in docs]
        out.append(f"| {type_label(t)} | " + " | ".join(
            f"**{c.modality}**{', announced' if c.announced else ''} ({c.count})" if c.present else "—"
            for c in cells) + " |")
    out += ["", "## Legalisation profile", "",
            "Obligation: legal force of the commitments. Precision: share naming an amount, a deadline, a mineral "
            "or a project. Delegation: bodies the document creates or names.", "",
            "| Document | Commitments | Obligation | Precision | Delegation |", "|---|---:|---|---|---|"]
    for d in docs:
        p = report.profiles[d.doc_id]
        obligation = ", ".join(f"{m} {n}" for m, n in p.obligation.items() if n) or "—"
        precise = ", ".join(f"{k} {n}" for k, n in p.precise.items())
        created = [md(b.name) for b in p.delegation if b.created]
        named = [md(b.name) for b in p.delegation if not b.created]
        bodies = "; ".join(x for x in (f"creates {', '.join(created)}" if created else "",
                                       f"names {', '.join(named)}" if named else "") if x) or "—"
        out.append(f"| {md(d.label)} | {p.n_commitments} | {obligation} | {p.precision:.0%} ({precise}) | {bodies} |")
    out += ["", "## Aligned provisions", ""]
    for tc in report.alignments:
        out += [f"### {tc.label}", "", tc.summary, ""]
        for a in tc.aligned:
            row = [d for d in docs if d.doc_id in a.provisions]
            out += [f"**{md(join_names([d.label for d in row]))}** (similarity {a.similarity:.2f})", "",
                    "| " + " | ".join(md(d.label) for d in row) + " |", "|" + "---|" * len(row),
                    "| " + " | ".join(_cell(a.provisions[d.doc_id]) for d in row) + " |", ""]
            out += [f"- {md(x.sentence)}" for x in a.differences] or ["- No difference in force, amounts, deadlines, "
                                                                        "minerals or institutions."]
            out.append("")
        for unmatched in tc.unmatched:
            out += [f"**Only {md(report.doc(unmatched.doc_id).label)}**: {_cell(unmatched)}", ""]
    out += ["## Evidence", ""]
    for d in docs:
        out += [f"### {md(d.label)} — {md(d.title)}", ""]
        for ev in (e for e in report.evidence.values() if e.doc_id == d.doc_id):
            kinds = ", ".join(f"{type_label(c.type).lower()} ({c.modality})" for c in ev.commitments)
            out += [f"- **{md(ev.citation or ev.clause_id)}** (`{ev.clause_id}`): {kinds}", f"  > {md(ev.text)}"]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _cell(p: Provision) -> str:
    extra = [", ".join(money(a) for a in p.amounts), p.deadline.text if p.deadline else ""]
    details = "; ".join(md(x) for x in extra if x)
    return f"*{md(p.citation or p.clause_id)}*, {p.modality}{(' — ' + details) if details else ''}: {md(p.text)}"


def to_csv(report: ComparisonReport) -> str:
    """One row per (commitment type, document): the matrix cell and its citations."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["type", "doc_id", "document", "present", "modality", "count", "clause_ids", "citations"])
    for t in report.types:
        for d in report.documents:
            cell = report.matrix[t][d.doc_id]
            writer.writerow([t, d.doc_id, d.label, str(cell.present).lower(), cell.modality or "", cell.count,
                             " ".join(cell.clause_ids),
                             "; ".join(report.evidence[cid].citation for cid in cell.clause_ids)])
    return buffer.getvalue()
