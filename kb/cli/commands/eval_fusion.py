"""accords eval fusion: the learned ranker against the hand-set fusion, and refitting it."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli.common import emit_json, fail, knowledge_base

if TYPE_CHECKING:
    from rich.console import Console

    from kb.eval.fusion import FusionReport


def eval_fusion(
    ctx: typer.Context,
    write: Annotated[bool, typer.Option("--write", help="Save the ranker fitted here as kb/search/data/fusion.json, "
                                                        "which hybrid search then uses.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Fit hybrid search's ranker on corpus/gold/queries.jsonl (cross-validated) and compare it with the
    hand-set weights on the held-out query sets (ingest the corpus first)."""
    from kb.cli.render import console
    from kb.search.ranker import FUSION_FILE

    kb = knowledge_base(ctx)
    if not kb.doc_ids():
        fail("the knowledge base is empty: ingest the corpus first (accords ingest corpus/)", 1)
    report = kb.evaluate_fusion(write=FUSION_FILE if write else None)
    if as_json:
        emit_json(report.model_dump(mode="json"))
    else:
        print_report(report, console())
        if write:
            print(f"wrote {Path(FUSION_FILE)}")


def print_report(report: FusionReport, out: Console) -> None:
    from rich.table import Table

    table = Table(title=f"Hybrid search, hand-set weights vs learned ranker (C={report.chosen_c}, "
                        f"{report.cv_folds}-fold CV on the gold)")
    table.add_column("query set")
    for name in ("R@5", "R@10", "MRR", "nDCG@10"):
        table.add_column(name, justify="right")
    for row in [report.cross_validated, *report.held_out]:
        for label, f in (("hand", row.hand), ("learned", row.learned)):
            table.add_row(f"{row.query_set} ({label})", f"{f.recall_at_5:.3f}", f"{f.recall_at_10:.3f}",
                          f"{f.mrr:.3f}", f"{f.ndcg_at_10:.3f}")
    out.print(table)
