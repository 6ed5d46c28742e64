"""accords extract FILE and accords eval extraction: commitments from one file, and their quality on the gold."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli.commands.eval_fusion import eval_fusion
from kb.cli.commands.eval_ingest import eval_ingest
from kb.cli.commands.eval_search import eval_search
from kb.cli.common import emit_json, fail, knowledge_base
from kb.cli.render import literal

if TYPE_CHECKING:
    from rich.console import Console

    from kb.eval.extraction import ExtractionReport

eval_app = typer.Typer(name="eval", help="Measure accords against the gold annotations.", no_args_is_help=True,
                       add_completion=False)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)

    if not any(c.name == "extraction" for c in eval_app.registered_commands):
        eval_app.command("extraction")(eval_extraction)
        eval_app.command("search")(eval_search)
        eval_app.command("ingest")(eval_ingest)
        eval_app.command("fusion")(eval_fusion)
    if not any(g.name == "eval" for g in app.registered_groups):  # mount once, whoever registers first
        app.add_typer(eval_app, name="eval")


def extract(
    path: Annotated[Path, typer.Argument(help="A PDF, HTML, DOCX, text or Markdown file.")],
    taxonomy: Annotated[Path | None, typer.Option("--taxonomy", help="A taxonomy file that adds types "
                                                   "(or replaces the default with 'mode: replace').")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Parse one file and print the commitments of each clause, storing nothing."""
    import ingest
    from extract import Extractor, extraction_record
    from kb.cli.render import console

    if taxonomy is not None and not taxonomy.is_file():
        fail(f"taxonomy file {taxonomy} does not exist", 2)
    doc = ingest.load(path)
    try:
        commitments = Extractor(taxonomy=taxonomy).extract(doc)
    except ValueError as exc:  # a taxonomy file that does not parse
        fail(str(exc), 2)
    record = extraction_record(doc, commitments)
    if as_json:
        emit_json(record)
        return
    out = console()
    parties = literal(", ".join(doc.parties)) or "no parties"
    out.print(f"[bold]{literal(doc.title)}[/] ({literal(doc.doc_id)}, {doc.date or 'undated'}; {parties})")
    out.print(f"{len(doc.clauses)} clauses, {len(commitments)} commitments")
    for c in commitments:
        extras = [f"{a.text}" for a in c.amounts] + ([c.deadline.text] if c.deadline else [])
        out.print(f"- [cyan]{literal(c.clause_id)}[/] {c.type} [bold]{c.modality}[/] ({c.confidence:.2f}) "
                  f"{literal(', '.join(c.actors))}{' | ' + literal('; '.join(extras)) if extras else ''}")
        out.print(f"    {c.text[:160]}{'...' if len(c.text) > 160 else ''}", markup=False)


def eval_extraction(
    ctx: typer.Context,
    gold: Annotated[list[str] | None, typer.Option(
        "--gold", help="Gold file or glob (repeatable); default corpus/gold/commitments*.jsonl.")] = None,
    corpus: Annotated[Path, typer.Option("--corpus", help="Folder holding the gold's documents.")] = Path("corpus"),
    clauses: Annotated[Path | None, typer.Option(
        "--clauses", help="Score loose clauses instead (JSON lines with text and gold fields), "
                          "e.g. tests/data/heldout_clauses.jsonl.")] = None,
    fitted: Annotated[bool, typer.Option(
        "--fitted", help="Score the shipped model, which learned from these annotations (optimistic); "
                         "the default forgets each document's annotations while scoring it.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Per-type precision, recall and F1, modality confusion, amount and deadline recall on the gold."""
    from kb.cli.render import console
    from kb.eval.extraction import gold_files

    try:
        if clauses is not None:
            if not clauses.is_file():
                fail(f"no clause file at {clauses}", 2)
            report = knowledge_base(ctx).evaluate_clauses(clauses)
        else:
            if not corpus.is_dir():
                fail(f"corpus folder {corpus} does not exist", 2)
            report = knowledge_base(ctx).evaluate_extraction(gold_files(gold), corpus, lodo=not fitted)
    except (FileNotFoundError, ValueError) as exc:
        fail(str(exc), 2)
    if as_json:
        emit_json({**report.model_dump(mode="json"), "meets_bar": report.meets_bar})
    else:
        print_report(report, console())


def print_report(report: ExtractionReport, out: Console) -> None:
    from rich.table import Table

    out.print(f"Extraction on {report.matched}/{report.gold_clauses} gold clauses of {len(report.documents)} "
              f"documents ({report.protocol})")
    for line in report.unmatched:
        out.print(f"  [yellow]unmatched[/] {line}", markup=True)
    table = Table()
    for name, justify in (("type", "left"), ("precision", "right"), ("recall", "right"), ("F1", "right"),
                          ("gold", "right"), ("predicted", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]  # rich JustifyMethod names, widened to str
    for row in report.per_type:
        table.add_row(row.type, f"{row.precision:.2f}", f"{row.recall:.2f}", f"{row.f1:.2f}", str(row.support),
                      str(row.predicted))
    table.add_section()
    table.add_row("macro F1", "", "", f"{report.macro_f1:.3f}", "", "")
    table.add_row("micro F1", "", "", f"{report.micro_f1:.3f}", "", "")
    out.print(table)
    confusion = Table(title=f"Modality (accuracy {report.modality_accuracy:.3f}); rows gold, columns predicted")
    confusion.add_column("gold")
    order = list(next(iter(report.modality_confusion.values()), {}))
    for name in order:
        confusion.add_column(name[:10], justify="right")
    for gold_name, predicted in report.modality_confusion.items():
        confusion.add_row(gold_name, *(str(predicted.get(p, 0)) for p in order))
    out.print(confusion)
    out.print(f"amount recall {report.amount_recall:.3f} of {report.amounts_gold} (bound right "
              f"{report.amount_bound_accuracy:.3f}); deadline recall {report.deadline_recall:.3f} of "
              f"{report.deadlines_gold}")
    out.print(f"evidence spans outside their clause: {report.evidence_outside_clause} of {report.evidence_spans}")
    out.print("set F1: " + ", ".join(f"{k} {v:.3f}" for k, v in report.set_f1.items()))
    if report.background_clauses:
        out.print(f"background (body clauses the gold gives no type): {report.background_precision:.3f} of "
                  f"{report.background_clauses} left untyped")
    verdict = ", ".join(f"{k} {'ok' if ok else 'MISSED'}" for k, ok in report.meets_bar.items())
    out.print(f"bar: {verdict}")
