"""accords commitments: the stored commitment records, filtered."""
from __future__ import annotations

from typing import Annotated

import typer

from kb.cli.common import emit_json, knowledge_base


def register(app: typer.Typer) -> None:
    app.command()(commitments)


def commitments(
    ctx: typer.Context,
    doc: Annotated[str | None, typer.Option("--doc", help="Only this document.")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="Only this commitment type (repeatable).")] = None,
    min_force: Annotated[str | None, typer.Option("--min-force", help="binding, commitment, intent, aspiration "
                                                  "or recital: keep this force and stronger.")] = None,
    party: Annotated[str | None, typer.Option("--party", help="Only commitments of documents this party is party "
                                              "to, or whose actors name it (e.g. Japan, U.S.).")] = None,
    mineral: Annotated[str | None, typer.Option("--mineral", help="Only commitments naming this mineral (whole "
                                                "words, any case).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """List the commitments clauses make: type, legal force, actors, amounts, deadline, evidence."""
    from kb.cli.render import console, print_commitments

    found = knowledge_base(ctx).commitments(doc, type_ or [], min_force=min_force, party=party, mineral=mineral)
    if as_json:
        emit_json([c.model_dump(mode="json") for c in found])
    else:
        print_commitments(found, console())
