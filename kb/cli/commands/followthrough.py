"""accords deadlines / claims / diff: are the promises kept, were the announced figures signed,
and what changed between two versions of a text."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from kb.cli.common import emit_json, knowledge_base
from kb.cli.render import literal

if TYPE_CHECKING:
    from rich.console import Console

    from kb.followthrough.deadlines import DeadlineRow
    from kb.followthrough.diff import DiffReport

_STATUS_STYLE = {"due": "bold yellow", "past": "dim", "unresolved": "magenta"}


class StatusName(StrEnum):
    due = "due"
    past = "past"
    unresolved = "unresolved"


class ClaimsFormat(StrEnum):
    md = "md"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command()(deadlines)
    app.command()(claims)
    app.command()(diff)


def deadlines(
    ctx: typer.Context,
    before: Annotated[dt.datetime | None, typer.Option(
        "--before", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Only deadlines falling before this date.")] = None,
    after: Annotated[dt.datetime | None, typer.Option(
        "--after", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Only deadlines on or after this date.")] = None,
    party: Annotated[str | None, typer.Option("--party", help="Only commitments of documents this party is party "
                                              "to, or whose actors name it (e.g. Japan, U.S.).")] = None,
    as_of: Annotated[dt.datetime | None, typer.Option(
        "--as-of", formats=["%Y-%m-%d"], metavar="YYYY-MM-DD", help="Due or past as of this date (default today).")
    ] = None,
    status: Annotated[list[StatusName] | None, typer.Option(
        "--status", help="Only due, past or unresolved deadlines (repeatable).")] = None,
    doc_type: Annotated[list[str] | None, typer.Option("--doc-type", help="Only documents of this type.")] = None,
    signed: Annotated[bool, typer.Option(
        "--signed", help="Only signed instruments: leave out fact sheets, press releases and commentaries, whose "
                         "deadlines retell another document's.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """Every commitment with a deadline, dated from its document and marked due, past or unresolved."""
    from kb.cli.render import console

    today = as_of.date() if as_of else dt.date.today()
    rows = knowledge_base(ctx).deadlines(before=before.date() if before else None,
                                         after=after.date() if after else None, party=party, as_of=today,
                                         doc_types=doc_type or [], statuses=[s.value for s in status or []],
                                         signed=signed)
    if as_json:
        emit_json([r.model_dump(mode="json") for r in rows])
    else:
        print_deadlines(rows, today, console())


def claims(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(help="A fact sheet or press release (see 'accords docs').")],
    against: Annotated[list[str] | None, typer.Option(
        "--against", help="The signed text to check against (repeatable); default: the documents its metadata "
                          "says it describes, else the instrument of the same parties dated up to a year before "
                          "it (or a month after).")] = None,
    fmt: Annotated[ClaimsFormat, typer.Option("--format", "-f", help="md (default) or json.")] = ClaimsFormat.md,
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON (as --format json).")] = False,
) -> None:
    """Announced vs signed: each figure, project, mineral and institution an announcement claims, and
    whether the signed text contains it (with the clause) or not."""
    import sys

    from kb.followthrough.claims import render_markdown

    report = knowledge_base(ctx).claims(doc_id, against or None)
    if as_json or fmt is ClaimsFormat.json:
        emit_json(report.model_dump(mode="json"))
    else:
        sys.stdout.write(render_markdown(report) + "\n")


def diff(
    ctx: typer.Context,
    old_id: Annotated[str, typer.Argument(help="The earlier version's document id.")],
    new_id: Annotated[str, typer.Argument(help="The later version's document id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")] = False,
) -> None:
    """What changed between two versions of an instrument: clauses added, removed and changed, word by
    word, with any change in commitment type, legal force, amount or deadline."""
    from kb.cli.render import console

    report = knowledge_base(ctx).diff(old_id, new_id)
    if as_json:
        emit_json(report.model_dump(mode="json"))
    else:
        print_diff(report, console())


# -- terminal rendering ----------------------------------------------------------------------------
def print_deadlines(rows: list[DeadlineRow], as_of: dt.date, out: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        out.print("No deadlines match.")
        return
    grouped: dict[tuple[str, str], list[DeadlineRow]] = {}
    for row in rows:  # one line per clause and deadline; its commitment types side by side
        grouped.setdefault((row.clause_id, row.deadline_text), []).append(row)
    table = Table(show_lines=True, title=f"Deadlines as of {as_of}")
    table.add_column("date", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("where", ratio=2, overflow="fold")
    table.add_column("who", ratio=2)
    table.add_column("commitment", ratio=5)
    for group in grouped.values():
        row = group[0]
        when = str(row.date) if row.date else "—"
        status: str = row.status  # the cell's text: the status, then a line of detail
        if row.date and row.status == "due":
            status += f"\nin {(row.date - as_of).days} days"
        elif row.status == "unresolved":
            status += f"\n{row.basis.replace('_', ' ')}"
        what = Text(_short(row.text, 160))
        what.highlight_words([row.deadline_text], "bold")
        what.append(f"\n{', '.join(r.type for r in group)} · {row.modality}", style="cyan")
        table.add_row(when, Text(status, style=_STATUS_STYLE[row.status]),
                      f"{literal(row.doc_id)}\n[dim]{literal(row.citation)}[/]", literal(_who(row.parties)), what)
    out.print(table)
    counts = {s: sum(1 for g in grouped.values() if g[0].status == s) for s in _STATUS_STYLE}
    out.print(", ".join(f"{n} {s}" for s, n in counts.items() if n))


def print_diff(report: DiffReport, out: Console) -> None:
    from rich.text import Text

    out.print(f"[bold]{literal(report.old_id)}[/] ({report.old_date or 'undated'}) → [bold]{literal(report.new_id)}[/] "
              f"({report.new_date or 'undated'})")
    s = report.summary
    out.print(f"{s['changed']} changed, {s['added']} added, {s['removed']} removed, {s['unchanged']} unchanged"
              + (f" ({s['moved']} renumbered)" if s["moved"] else ""))
    for change in report.changes:
        out.print()
        if change.status == "changed":
            path = _path(change.old_clause_id) if _path(change.old_clause_id) == _path(change.new_clause_id) else \
                f"{_path(change.old_clause_id)} → {_path(change.new_clause_id)}"
            out.print(f"[bold yellow]~ changed[/] {literal(path)} "
                      f"[dim]({literal(change.new_citation)}; aligned by {change.aligned_by})[/]")
            text = Text("  ")
            for op in change.words:
                if op.op == "equal":
                    text.append(op.old + " ")
                if op.op in ("delete", "replace"):
                    text.append(op.old, style="red strike")
                    text.append(" ")
                if op.op in ("insert", "replace"):
                    text.append(op.new, style="green underline")
                    text.append(" ")
            out.print(text)
        elif change.status == "added":
            out.print(f"[bold green]+ added[/] {literal(_path(change.new_clause_id))} "
                      f"[dim]({literal(change.new_citation)})[/]")
            out.print(Text("  " + change.new_text, style="green"))
        else:
            out.print(f"[bold red]- removed[/] {literal(_path(change.old_clause_id))} "
                      f"[dim]({literal(change.old_citation)})[/]")
            out.print(Text("  " + change.old_text, style="red strike"))
        for c in change.commitments:
            label = {"type_added": "now commits to", "type_removed": "no longer commits to", "force": "force of",
                     "amount": "amount of", "deadline": "deadline of"}[c.change]
            old = f"[red]{literal(c.old)}[/]" if c.old else ""
            new = f"[green]{literal(c.new)}[/]" if c.new else ""
            arrow = " → " if old and new else ""
            out.print(f"  [cyan]{label} {c.type}[/]: {old}{arrow}{new}")


def _who(parties: list[str]) -> str:
    return ", ".join(parties) if len(parties) <= 3 else f"{', '.join(parties[:3])} +{len(parties) - 3}"


def _path(clause_id: str | None) -> str:
    return (clause_id or "").split("/", 1)[-1]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
