"""accords eval ingest: metadata, citation and markup scores of ingest on a labelled folder of real files."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli.common import emit_json, fail

if TYPE_CHECKING:
    from rich.console import Console

    from kb.eval.ingest import IngestEvalReport

GOLD_LAYOUT = "a folder with docs/, meta.jsonl and citations.jsonl"


def eval_ingest(
    gold: Annotated[Path | None, typer.Option(
        "--gold", metavar="DIR", help=f"Labelled folder ({GOLD_LAYOUT}); default ../shared/wild beside the "
                                      "checkout.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Score how ingest reads real documents: title, date, parties, type, citations, leftover markup."""
    from kb.api import KnowledgeBase
    from kb.cli.render import console
    from kb.eval.ingest import default_gold

    folder = gold if gold is not None else default_gold()
    if folder is None:
        fail(f"no gold folder found: pass --gold DIR ({GOLD_LAYOUT})", 2)
    if not (folder / "meta.jsonl").is_file():
        fail(f"{folder} is not a gold folder: expected {GOLD_LAYOUT}", 2)
    try:
        report = KnowledgeBase.evaluate_ingest(folder)
    except ValueError as exc:  # a malformed label line
        fail(str(exc), 2)
    # A measurement, not a gate: the exit code stays 0 whatever the figures are.
    if as_json:
        emit_json(report.model_dump(mode="json"))
    else:
        print_report(report, console())


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def print_report(report: IngestEvalReport, out: Console) -> None:
    from rich.table import Table

    from kb.cli.render import literal

    table = Table(title=f"Ingest on {literal(report.gold)} ({report.loaded}/{report.documents} documents loaded)")
    for name, justify in (("measure", "left"), ("right", "right"), ("total", "right"), ("accuracy", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]  # rich JustifyMethod names, widened to str
    for f in report.fields:
        table.add_row(f.field, str(f.right), str(f.total), _pct(f.accuracy))
    table.add_section()
    table.add_row("metadata", str(report.metadata_right), str(report.metadata_total), _pct(report.metadata_accuracy))
    table.add_row("citations", str(report.citations_right), str(report.citations_total),
                  _pct(report.citation_accuracy))
    out.print(table)
    out.print(f"markup left: {report.markup.total} ({report.markup.clauses} clauses, "
              f"{report.markup.sections} section labels)")
    _print_misses(report, out)


def _print_misses(report: IngestEvalReport, out: Console) -> None:
    from kb.cli.render import literal

    for row in report.rows:
        if row.error:
            out.print(f"[red]not loaded[/] {literal(row.doc)}: {literal(row.error)}")
            continue
        for m in row.wrong:
            out.print(f"[yellow]{m.field}[/] {literal(row.doc)}: expected {literal(repr(m.expected))}, "
                      f"got {literal(repr(m.got))}")
    for c in report.citation_misses:
        out.print(f"[yellow]citation[/] {literal(c.doc)}: {literal(repr(c.snippet[:60]))} expected "
                  f"{literal(' '.join(c.expected))}{' + ' + literal(', '.join(c.words)) if c.words else ''}, "
                  f"got {literal(repr(c.got))}")
    for h in report.markup.examples:
        out.print(f"[yellow]markup[/] {literal(h.clause_id)} {h.field}: {literal(repr(h.fragment))}")
