"""A comparison report as one self-contained HTML file: inline CSS, no network, readable printed.

The matrix is colour-scaled by legal force; each cell opens (a <details> element) onto links to
its evidence clauses, which sit with their citations in the Evidence section under id anchors.
Every piece of document text goes through html.escape.
"""
from __future__ import annotations

import datetime as dt
import re
from html import escape

from extract.models import MODALITIES
from kb.report.models import ComparisonReport, Evidence, Provision
from kb.report.text import clause_details, join_names, money, type_label

_CSS = """
:root { --ink:#1b1f24; --muted:#5b6570; --rule:#d5dbe1; --bg:#fff;
  --binding:#08519c; --commitment:#3182bd; --intent:#6baed6; --aspiration:#bdd7e7; --recital:#eff3ff; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink);
  background: var(--bg); margin: 0 auto; max-width: 1240px; padding: 24px 28px 48px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 2px solid var(--ink);
  padding-bottom: 3px; } h3 { font-size: 15px; margin: 22px 0 6px; }
p.sub, .muted { color: var(--muted); } a { color: #0b5cad; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--rule); padding: 5px 7px; vertical-align: top; text-align: left; }
thead th { background: #f4f6f8; font-weight: 600; }
table.docs { font-size: 12.5px; } table.docs td:nth-child(2) { width: 62%; }
nav { margin: 10px 0 0; } nav a { margin-right: 14px; }
table.matrix td { text-align: center; width: auto; min-width: 92px; }
table.matrix th[scope=row] { white-space: nowrap; } table.matrix td, table.matrix th { vertical-align: middle; }
table.docs td:nth-child(3), table.docs code { white-space: nowrap; }
table.matrix summary { cursor: pointer; list-style: none; font-weight: 600; }
table.matrix summary::-webkit-details-marker { display: none; }
table.matrix summary::after { content: " \\25BE"; font-weight: 400; opacity: .75; }
table.matrix details[open] summary::after { content: " \\25B4"; }
table.matrix details ul { list-style: none; margin: 4px 0 0; padding: 0; font-weight: 400; font-size: 12px; }
table.matrix details li { margin: 2px 0; }
.f-binding { background: var(--binding); color: #fff; } .f-commitment { background: var(--commitment); color: #fff; }
.f-intent { background: var(--intent); } .f-aspiration { background: var(--aspiration); }
.f-recital { background: var(--recital); } .f-none { color: #9aa4ae; }
.f-binding a, .f-commitment a { color: #fff; }
.legend span { display: inline-block; padding: 1px 8px; margin: 6px 4px 0 0; border: 1px solid var(--rule); font-size: 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 11.5px; border: 1px solid var(--rule); }
.bar { display: flex; height: 14px; min-width: 160px; border: 1px solid var(--rule); }
.bar span { display: block; height: 100%; }
table.aligned { table-layout: fixed; } table.aligned td { font-size: 13px; } table.aligned td p { margin: 4px 0 0; }
table.aligned tr.diff td { background: #fafbfc; font-size: 13px; } table.aligned tr.diff ul { margin: 2px 0; padding-left: 18px; }
td.gap { color: #9aa4ae; font-style: italic; }
p.summary { margin: 2px 0 8px; }
article.evidence { border-left: 3px solid var(--rule); padding: 4px 10px; margin: 10px 0; }
article.evidence:target { border-left-color: var(--commitment); background: #f3f8fd; }
article.evidence p { margin: 4px 0; } .kinds { font-size: 12.5px; }
mark { background: #fff1c2; padding: 0 1px; }
.cite { font-weight: 600; } code { font-size: 12px; color: var(--muted); }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav { display: none; } a { color: inherit; text-decoration: none; }
  tr, article.evidence, .legend { break-inside: avoid; } h2, h3 { break-after: avoid; }
  table.matrix summary::after, table.matrix details[open] summary::after { content: ""; }
}
"""
# Closed <details> do not print: open them all before printing.
PRINT_SCRIPT = "addEventListener('beforeprint',()=>document.querySelectorAll('details').forEach(d=>d.open=true));"


def anchor(clause_id: str) -> str:
    """The id of a clause's evidence item: 'ev-us-japan-framework--s1.4'."""
    return "ev-" + re.sub(r"[^A-Za-z0-9_.-]", "-", clause_id.replace("/", "--"))


def to_html(report: ComparisonReport, generated: dt.date | None = None) -> str:
    labels = [d.label for d in report.documents]
    title = f"Comparison: {join_names(labels)}"
    parts = [
        "<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        _header(report, title, generated or dt.date.today()),
        _matrix(report), _profiles(report), _aligned(report), _evidence(report),
        "<footer>Made with accords. Legal force, strongest first: binding (shall, must, agree to), commitment "
        "(will, commit to), intent (intend to, plan to), aspiration (seek to, explore), recital (whereas, "
        "recognizing). Clauses are aligned by the meaning of their stored embeddings, one clause per document "
        f"per row, every pair at cosine &ge; {report.threshold:.2f}.</footer>",
        f"<script>{PRINT_SCRIPT}</script></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _header(report: ComparisonReport, title: str, generated: dt.date) -> str:
    rows = "".join(
        f"<tr><th scope=row>{escape(d.label)}</th><td>{escape(d.title)}</td><td>{d.date or '—'}</td>"
        f"<td>{escape(d.doc_type.replace('_', ' '))}</td><td>{d.n_commitments}</td><td><code>{escape(d.doc_id)}</code></td></tr>"
        for d in report.documents
    )
    return (
        f"<header><h1>{escape(title)}</h1>"
        f"<p class=sub>accords comparison report · {len(report.documents)} documents · generated {generated}</p>"
        "<table class=docs><thead><tr><th>Document</th><th>Title</th><th>Date</th><th>Type</th><th>Commitments</th>"
        f"<th>Id</th></tr></thead><tbody>{rows}</tbody></table>"
        '<nav><a href="#matrix">Coverage matrix</a><a href="#profile">Legalisation profile</a>'
        '<a href="#aligned">Aligned provisions</a><a href="#evidence">Evidence</a></nav></header>'
    )


def _force_class(modality: str | None) -> str:
    return f"f-{modality}" if modality else "f-none"


def _matrix(report: ComparisonReport) -> str:
    head = "".join(f'<th scope=col title="{escape(d.title)}">{escape(d.label)}</th>' for d in report.documents)
    body = []
    for t in report.types:
        cells = []
        for d in report.documents:
            cell = report.matrix[t][d.doc_id]
            if not cell.present:
                cells.append('<td class="f-none">—</td>')
                continue
            links = "".join(
                f'<li><a href="#{anchor(cid)}">{escape(report.evidence[cid].citation or cid)}</a></li>'
                for cid in cell.clause_ids
            )
            said = " · announced" if cell.announced else ""
            cells.append(f'<td class="{_force_class(cell.modality)}"><details><summary>{cell.modality}{said} · '
                         f'{cell.count}</summary><ul>{links}</ul></details></td>')
        body.append(f"<tr><th scope=row>{escape(type_label(t))}</th>{''.join(cells)}</tr>")
    legend = "".join(f'<span class="{_force_class(m)}">{m}</span>' for m in MODALITIES)
    return (
        '<section id="matrix"><h2>Coverage matrix</h2>'
        "<p class=muted>Each cell shows the strongest legal force among a document's commitments of that type and "
        "how many there are; open a cell for its evidence clauses.</p>"
        f'<table class="matrix"><thead><tr><th>Commitment type</th>{head}</tr></thead><tbody>{"".join(body)}</tbody>'
        f'</table><div class="legend">Legal force: {legend}<span class="f-none">— none</span></div></section>'
    )


def _profiles(report: ComparisonReport) -> str:
    rows = []
    for d in report.documents:
        p = report.profiles[d.doc_id]
        total = p.n_commitments or 1
        bar = "".join(f'<span class="{_force_class(m)}" style="width:{100 * n / total:.1f}%" title="{m}: {n}"></span>'
                      for m, n in p.obligation.items() if n)
        counts = " · ".join(f"{m} {n}" for m, n in p.obligation.items() if n) or "no commitments"
        precise = ", ".join(f"{k} {n}" for k, n in p.precise.items())
        created = [b.name for b in p.delegation if b.created]
        named = [b.name for b in p.delegation if not b.created]
        delegation = "".join([
            f"<div><b>creates:</b> {escape('; '.join(created))}</div>" if created else "",
            f"<div><b>names:</b> {escape('; '.join(named))}</div>" if named else "",
        ]) or '<span class="muted">no body created or named</span>'
        rows.append(f"<tr><th scope=row>{escape(d.label)}</th><td>{p.n_commitments}</td>"
                    f'<td><div class="bar">{bar}</div><div class=muted>{counts}</div></td>'
                    f"<td><b>{p.precision:.0%}</b><div class=muted>{precise}</div></td><td>{delegation}</td></tr>")
    return (
        '<section id="profile"><h2>Legalisation profile</h2>'
        "<p class=muted>Obligation: legal force of the commitments. Precision: share of commitments naming an amount, "
        "a deadline, a mineral or a project. Delegation: bodies the document creates or names.</p>"
        "<table><thead><tr><th>Document</th><th>Commitments</th><th>Obligation</th><th>Precision</th>"
        f"<th>Delegation</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
    )


def _provision_cell(p: Provision | None) -> str:
    if p is None:
        return '<td class="gap">no matching clause</td>'
    return (f'<td><a class="cite" href="#{anchor(p.clause_id)}">{escape(p.citation or p.clause_id)}</a> '
            f'<span class="badge {_force_class(p.modality)}">{p.modality}</span><p>{escape(p.text)}</p></td>')


def _aligned(report: ComparisonReport) -> str:
    out = ['<section id="aligned"><h2>Aligned provisions</h2>'
           "<p class=muted>For each commitment type, the clauses that say the same thing side by side, with their "
           "differences; then the clauses only one document has. Columns: the documents that address the type.</p>"]
    for tc in report.alignments:
        docs = [report.doc(doc_id) for doc_id in tc.present_in]
        head = "".join(f"<th>{escape(d.label)}</th>" for d in docs)
        rows = []
        for a in tc.aligned:
            cells = "".join(_provision_cell(a.provisions.get(d.doc_id)) for d in docs)
            items = "".join(f"<li>{escape(x.sentence)}</li>" for x in a.differences)
            diff = f":<ul>{items}</ul>" if items else ": none in force, amounts, deadlines, minerals or institutions."
            rows.append(f"<tr>{cells}</tr><tr class=diff><td colspan={len(docs)}><b>Differences</b> "
                        f"<span class=muted>(similarity {a.similarity:.2f})</span>{diff}</td></tr>")
        for p in tc.unmatched:
            cells = "".join(_provision_cell(p) if d.doc_id == p.doc_id else '<td class="gap">—</td>' for d in docs)
            who = escape(report.doc(p.doc_id).label)
            rows.append(f"<tr>{cells}</tr><tr class=diff><td colspan={len(docs)}>Only {who} has this clause."
                        "</td></tr>")
        out.append(f'<h3 id="type-{tc.type}">{escape(tc.label)}</h3><p class=summary>{escape(tc.summary)}</p>'
                   f'<table class="aligned"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>')
    if not report.alignments:
        out.append("<p>No commitments were found in these documents.</p>")
    out.append("</section>")
    return "".join(out)


def marked(ev: Evidence) -> str:
    """The clause, escaped, with its commitments' evidence spans in <mark>."""
    spans = sorted((c.start - ev.start, c.end - ev.start) for c in ev.commitments
                   if 0 <= c.start - ev.start < c.end - ev.start <= len(ev.text)
                   and ev.text[c.start - ev.start : c.end - ev.start] == c.text)
    covered = sum(end - begin for begin, end in spans)  # overlaps only make this larger
    if covered >= 0.9 * len(ev.text.strip()):
        return escape(ev.text)  # the whole clause is the evidence: nothing to single out
    out, at = [], 0
    for begin, end in spans:
        if end <= at:
            continue
        begin = max(begin, at)
        out += [escape(ev.text[at:begin]), f"<mark>{escape(ev.text[begin:end])}</mark>"]
        at = end
    return "".join([*out, escape(ev.text[at:])])


def _evidence_item(ev: Evidence) -> str:
    by_force: dict[str, list[str]] = {}
    for c in sorted(ev.commitments, key=lambda c: MODALITIES.index(c.modality)):
        by_force.setdefault(c.modality, []).append(type_label(c.type).lower())
    kinds = " ".join(f'<span class="badge {_force_class(m)}">{m}</span> {escape(", ".join(ts))}'
                     for m, ts in by_force.items())
    d = clause_details(ev)
    extra = [", ".join(money(a) for a in d["amounts"]), d["deadline"].text if d["deadline"] else "",
             ", ".join(d["minerals"]), ", ".join(d["institutions"])]
    details = "; ".join(x for x in extra if x)
    return (f'<article class="evidence" id="{anchor(ev.clause_id)}"><div><span class="cite">'
            f"{escape(ev.citation or ev.clause_id)}</span> <code>{escape(ev.clause_id)}</code></div>"
            f"<p>{marked(ev)}</p><div class=kinds>{kinds}"
            f"{(' · <span class=muted>' + escape(details) + '</span>') if details else ''}</div></article>")


def _evidence(report: ComparisonReport) -> str:
    out = ['<section id="evidence"><h2>Evidence</h2>']
    for d in report.documents:
        items = [_evidence_item(ev) for ev in report.evidence.values() if ev.doc_id == d.doc_id]
        body = "".join(items) or "<p class=muted>No commitments found.</p>"
        out.append(f"<h3>{escape(d.label)} — {escape(d.title)}</h3>{body}")
    out.append("</section>")
    return "".join(out)


__all__ = ["anchor", "to_html"]
