"""accords doctor: check and repair the knowledge base."""
from __future__ import annotations

from typing import Annotated

import typer

from kb.cli.common import emit_json, knowledge_base


def register(app: typer.Typer) -> None:
    app.command()(doctor)


def doctor(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option("--repair", help="Fix what the check finds.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Check SQLite against Chroma (missing or orphan vectors, full-text drift, model, schema); --repair fixes."""
    kb = knowledge_base(ctx)
    report = kb.repair() if repair else kb.doctor()
    if as_json:
        emit_json({**report.model_dump(mode="json"), "ok": report.ok, "problems": report.problems()})
    else:
        print(f"{report.documents} documents, {report.clauses} clauses, {report.vectors} vectors; "
              f"schema: {len(report.schema_migrations)} migrations applied; model: {report.configured_model}")
        for line in report.repairs:
            print(f"repaired: {line}")
        for line in report.problems():
            print(f"problem: {line}")
        print("clean" if report.ok else "run 'accords doctor --repair' to fix")
    if not report.ok:
        raise typer.Exit(1)
