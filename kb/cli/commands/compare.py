"""accords compare / accords report: comparison reports between agreements (md, html, json, csv)."""
from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kb.cli.common import fail, knowledge_base

_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json", ".csv": "csv"}


class Format(StrEnum):
    md = "md"
    html = "html"
    json = "json"
    csv = "csv"


FormatOption = Annotated[Format | None, typer.Option(
    "--format", "-f", help="md (default), html, json or csv; else taken from the -o file's suffix.")]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print the report as JSON (the same as --format json).")]
OutputOption = Annotated[Path | None, typer.Option(
    "--output", "-o", help="Write the report to this file instead of stdout.", dir_okay=False)]


def register(app: typer.Typer) -> None:
    app.command()(compare)
    app.command()(report)


def compare(
    ctx: typer.Context,
    doc_ids: Annotated[list[str], typer.Argument(help="Two or more document ids (see 'accords docs').")],
    fmt: FormatOption = None,
    output: OutputOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Compare agreements: coverage matrix, legalisation profile, aligned provisions and their differences."""
    _write(knowledge_base(ctx).compare(doc_ids), _format(fmt, as_json), output)


def report(
    ctx: typer.Context,
    doc_type: Annotated[str | None, typer.Option(
        "--doc-type", help="Compare every document of this type (default: agreements, frameworks, memoranda).")] = None,
    party: Annotated[str | None, typer.Option(
        "--party", help="Only documents this party is party to (e.g. Japan, U.S.).")] = None,
    fmt: FormatOption = None,
    output: OutputOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Compare every document of a type in one report."""
    _write(knowledge_base(ctx).report(doc_type, party=party), _format(fmt, as_json), output)


def _format(fmt: Format | None, as_json: bool) -> Format | None:

    if as_json and fmt not in (None, Format.json):
        fail(f"--json and --format {fmt.value if fmt else ''} ask for two formats; give one", code=2)
    return Format.json if as_json else fmt


def _write(result, fmt: Format | None, output: Path | None) -> None:
    import sys

    from kb.report.render import render

    name = fmt.value if fmt else _SUFFIXES.get(output.suffix.lower(), "md") if output else "md"
    text = render(result, name)
    if output is None:
        sys.stdout.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {name} report to {output}\n")
