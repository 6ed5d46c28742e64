"""accords eval search: recall@k and MRR of each search mode on the gold queries, side by side."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli.common import emit_json, fail, knowledge_base

if TYPE_CHECKING:
    from rich.console import Console

    from kb.eval.search import SearchEvalReport


def eval_search(
    ctx: typer.Context,
    gold: Annotated[list[str] | None, typer.Option(
        "--gold", help="Gold query file, folder or glob (repeatable); default corpus/gold/queries*.jsonl.")] = None,
    k: Annotated[list[int] | None, typer.Option("-k", min=1, max=100, help="Cut-offs for recall (repeatable); "
                                                "default 5 and 10.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Score hybrid, dense and lexical search on gold queries (ingest the corpus first)."""
    from kb.cli.render import console
    from kb.eval.search import gold_files

    files = gold_files(gold)
    missing = [str(f) for f in files if not Path(f).is_file()]
    if not files or missing:
        fail(f"no gold query file at {', '.join(missing) or ', '.join(gold or ['corpus/gold/queries*.jsonl'])}", 2)
    kb = knowledge_base(ctx)
    if not kb.doc_ids():
        fail("the knowledge base is empty: ingest the corpus first (accords ingest corpus/)", 1)
    try:
        report = kb.evaluate_search(files, k_values=k or (5, 10))
    except ValueError as exc:
        fail(str(exc), 2)
    if as_json:
        emit_json(report.model_dump(mode="json"))
    else:
        print_report(report, console())


def print_report(report: SearchEvalReport, out: Console) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=f"Search on {report.n_queries} gold queries")
    table.add_column("mode")
    for k in report.k_values:
        table.add_column(f"recall@{k}", justify="right")
    table.add_column("MRR", justify="right")
    table.add_column("nDCG@10", justify="right")
    best = max(m.mrr for m in report.modes)
    for m in report.modes:
        mrr = f"[bold]{m.mrr:.3f}[/]" if m.mrr == best else f"{m.mrr:.3f}"
        table.add_row(m.mode, *(f"{m.recall[k]:.3f}" for k in report.k_values), mrr, f"{m.ndcg:.3f}")
    out.print(table)
    kinds = Table(title="MRR by query kind")
    kinds.add_column("kind")
    for m in report.modes:
        kinds.add_column(m.mode, justify="right")
    for kind, per in report.by_kind.items():
        kinds.add_row(kind, *(f"{per.get(m.mode, 0):.3f}" for m in report.modes))
    out.print(kinds)
    last = report.k_values[-1]
    hybrid_misses = [q for q in report.misses if any(r is None for r in q.ranks.get("hybrid", []))]
    if hybrid_misses:
        out.print(f"\n[bold]Hybrid left a relevant clause out of the top {last}[/] ({len(hybrid_misses)} queries):")
        for q in hybrid_misses:
            ranks = ", ".join(f"{c}: {r or '-'}" for c, r in zip(q.relevant, q.ranks["hybrid"], strict=True))
            out.print(f"  {escape('[' + q.kind + ']')} {escape(q.query)}\n    [dim]{ranks}; top: {', '.join(q.top['hybrid'])}[/]")
    for u in report.unresolved:
        out.print(f"[yellow]gold snippet not resolved[/] ({u.doc_id}: {u.reason}): {u.snippet[:80]!r}")
    verdict = "[green]meets the bar[/]" if report.passed else "[red]misses the bar[/]"
    out.print(f"\n{verdict}: hybrid beats dense and lexical on MRR: {'yes' if report.hybrid_beats_others_on_mrr else 'no'}"
              f"; hybrid recall@5 {report.hybrid_recall_at_5:.3f} (bar 0.9)")
