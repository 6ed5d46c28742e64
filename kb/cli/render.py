"""Terminal rendering of results: Rich tables and highlighted clause text."""
from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ingest.models import Document
    from kb.context import ContextPack
    from kb.models import DocSummary, IngestReport, SearchResults

SHOWN_EXPANSIONS = 8  # thesaurus entries named above search results; the JSON carries all of them


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def highlight_spans(text: str, spans: list[tuple[int, int]]):
    """Clause text with the spans search matched (SearchHit.highlights) in bold."""
    from rich.text import Text

    rich_text = Text(text)
    for start, end in spans:
        rich_text.stylize("bold yellow", start, end)
    return rich_text


def print_ingest(report: IngestReport, out: Console) -> None:
    width = max((len(i.doc_id) for i in report.ingested), default=0)
    for item in report.ingested:
        if item.status == "duplicate":
            out.print(f"[yellow]duplicate[/] {literal(item.doc_id)}: same text as {literal(item.same_as or '?')} "
                      "(not stored; --keep-duplicates stores both)")
            continue
        style = {"added": "green", "updated": "cyan", "unchanged": "dim"}[item.status]
        counts = f"{item.n_clauses:>4} clauses {item.n_commitments:>4} commitments"
        out.print(f"[{style}]{item.status:<9}[/] {literal(f'{item.doc_id:<{width}}')}  {counts}  "
                  f"[dim]{literal(_short(item.title, 50))}[/]",
                  overflow="ellipsis", no_wrap=True)
    statuses = ("added", "updated", "unchanged", "duplicate")
    by_status = {s: sum(1 for i in report.ingested if i.status == s) for s in statuses}
    parts = [f"{n} {s}" if s != "duplicate" or n == 1 else f"{n} duplicates" for s, n in by_status.items() if n]
    summary = ", ".join(parts) or "nothing ingested"
    if report.failed:
        summary += f", {len(report.failed)} failed"
    if report.skipped:
        kinds = list(dict.fromkeys(PurePath(s.path).suffix.lower() or "(none)" for s in report.skipped))
        files = "1 file" if len(report.skipped) == 1 else f"{len(report.skipped)} files"
        types = "type" if len(kinds) == 1 else "types"
        summary += f"; skipped {files} of unsupported {types} ({', '.join(kinds)})"
    out.print(literal(summary))


def print_docs(docs: list[DocSummary], out: Console) -> None:
    from rich.table import Table

    if not docs:
        out.print("No documents yet. Add some with: accords ingest PATH")
        return
    table = Table()
    for col in ("doc_id", "date", "type", "parties", "clauses", "commit.", "title"):
        table.add_column(col, justify="right" if col in {"clauses", "commit."} else "left")
    for d in docs:
        # A 30-party declaration would fill the table; the first names and a count say enough here.
        parties = ", ".join(d.parties[:3]) + (f" +{len(d.parties) - 3}" if len(d.parties) > 4 else
                                              "".join(f", {p}" for p in d.parties[3:]))
        table.add_row(literal(d.doc_id), str(d.date or "—"), d.doc_type, literal(parties), str(d.n_clauses),
                      str(d.n_commitments), literal(_short(d.title, 40)))
    out.print(table)


def print_document(doc: Document, out: Console, full: bool) -> None:
    from rich.text import Text

    out.print(f"[bold]{literal(doc.title)}[/]")
    parties = literal(", ".join(doc.parties)) or "no parties found"
    posted = f" (posted {doc.published})" if doc.published and doc.published != doc.date else ""
    out.print(f"{literal(doc.doc_id)} · {doc.doc_type} · {doc.date or 'undated'}{posted} · {parties}")
    out.print(f"[dim]{literal(str(doc.source))}[/]")
    for key, value in doc.meta.items():
        out.print(f"[dim]{literal(str(key))}:[/] {literal(str(value))}")
    out.print()
    current = None
    for clause in doc.clauses:
        if clause.section != current and clause.section:
            current = clause.section
            heading = next((s.heading for s in doc.sections if s.label == clause.section), "")
            out.print(f"\n[bold cyan]{literal(clause.section)}[/] {literal(heading) if heading != clause.section else ''}")
        text = clause.text if full or len(clause.text) <= 160 else clause.text[:157] + "..."
        out.print(Text.assemble((f"{clause.clause_id.split('/', 1)[1]:>12}", "dim"), "  ", text))


def print_search(results: SearchResults, out: Console) -> None:
    from rich.padding import Padding

    if not results.results:
        out.print(f"No clauses match {literal(repr(results.query))}.")
        return
    notes = []  # why these results: one block above them
    if results.scope:
        notes.append(f"Ranked first because the query names them: {', '.join(results.scope)}")
    if results.expanded:
        more = ", ..." if len(results.expanded) > SHOWN_EXPANSIONS else ""
        notes.append(f"Also searched for (thesaurus): {', '.join(results.expanded[:SHOWN_EXPANSIONS])}{more}")
    if results.provisions:
        notes.append(f"Also ranked provisions on: {', '.join(k.replace('_', ' ') for k in results.provisions)}")
    if notes:
        block = literal("\n".join(notes))
        out.print(f"[dim]{block}[/]\n")
    if results.weak:
        out.print("[yellow]No clause matches this well: these are the nearest there are, not answers.[/]\n")
    for hit in results.results:
        types = f" [magenta]{', '.join(hit.types)}[/]" if hit.types else ""
        where = hit.citation or hit.section
        title = hit.doc_title if len(hit.doc_title) <= 70 else hit.doc_title[:67].rstrip() + "..."
        out.print(f"[bold]{hit.rank}. {literal(title)}[/]\n   {literal(where)}{types} [dim]· {literal(hit.clause_id)} · score {hit.score:.3f}[/]")
        if hit.why is not None:
            out.print(f"   [dim]why: {literal(hit.why.summary)}[/]")
        out.print(Padding(highlight_spans(hit.text, hit.highlights), (0, 0, 1, 4)))


def print_context(pack: ContextPack, out: Console) -> None:
    if not pack.passages:
        out.print(f"No clauses for {literal(repr(pack.question))}.")
        return
    for p in pack.passages:
        types = ", ".join(dict.fromkeys(c.type for c in p.commitments))
        out.print(f"[bold]{p.ref}[/] {literal(p.citation)}" + (f" [magenta]{types}[/]" if types else ""))
        out.print(f"    {p.text}", markup=False)
    left_out = f", {pack.omitted} left out to fit" if pack.omitted else ""
    out.print(f"[dim]{pack.tokens.used} of {pack.tokens.budget} tokens (estimated){left_out}[/]")


def literal(text: str) -> str:
    """Data as literal text: Rich reads "[see note]" in a clause as a style (and drops it) and "[/x]" as an error."""
    from rich.markup import escape

    return escape(text)


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def print_commitments(found, out: Console) -> None:
    from rich.table import Table

    if not found:
        out.print("No commitments match.")
        return
    table = Table(show_lines=True)
    for col in ("clause", "type", "force", "actors", "amounts · deadline", "evidence"):
        table.add_column(col)
    for c in found:
        details = [a.text for a in c.amounts] + ([c.deadline.text] if c.deadline else [])
        table.add_row(literal(c.clause_id), c.type, c.modality, literal(", ".join(c.actors)), literal("; ".join(details)) or "—",
                      literal(_short(c.text, 140)))
    out.print(table)
    out.print(f"{len(found)} commitments")
