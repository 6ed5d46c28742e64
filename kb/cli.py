"""The accords command line: parse options, call KnowledgeBase, render. Nothing else lives here."""
from __future__ import annotations

import importlib
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from kb.settings import Settings

app = typer.Typer(
    name="accords",
    help="A local-first knowledge base of international agreements: ingest, extract commitments, search, compare.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
# Command groups that live in their own modules: each exposes register(app).
COMMAND_MODULES: tuple[str, ...] = (
    "kb.commands.maintenance",
    "kb.commands.commitments",
    "kb.commands.followthrough",
    "kb.commands.extraction",
    "kb.commands.compare",
    "kb.commands.serve",
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class Mode(StrEnum):
    hybrid = "hybrid"
    dense = "dense"
    lexical = "lexical"


@app.callback()
def main_options(
    ctx: typer.Context,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Knowledge base folder (else ACCORDS_HOME, "
                                                   "else a per-user data folder).")] = None,
) -> None:
    ctx.obj = {"data_dir": data_dir}


def settings_of(ctx: typer.Context, **overrides: Any) -> Settings:
    from pydantic import ValidationError

    root = ctx.find_root()
    data_dir = (root.obj or {}).get("data_dir")
    try:
        return Settings.resolve(data_dir, **overrides)
    except ValidationError as exc:
        fail(f"invalid settings: {exc.errors()[0]['msg']}", code=2)


def knowledge_base(ctx: typer.Context, **overrides: Any):
    from kb.api import KnowledgeBase

    return KnowledgeBase(settings_of(ctx, **overrides))


def fail(message: str, code: int = 1) -> NoReturn:
    sys.stderr.write(f"accords: {message}\n")
    raise typer.Exit(code)


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to ingest (folders are walked).")],
    keep_duplicates: Annotated[bool, typer.Option(
        "--keep-duplicates", help="Store a document even when its text is already stored under another id.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Read agreement files (text, Markdown, PDF, HTML, DOCX) into the knowledge base."""
    import ingest as ingest_stage
    from kb.progress import file_progress
    from kb.render import console, print_ingest

    kb = knowledge_base(ctx)
    files = ingest_stage.discover(paths)
    with file_progress(len(files), "Ingesting", silent=as_json) as advance:
        report = kb.ingest(files, on_file=advance, keep_duplicates=keep_duplicates)
    for failure in report.failed:
        sys.stderr.write(f"{failure.path}: {failure.error}\n")
    if as_json:
        data = report.model_dump(mode="json")
        for item in data["ingested"]:
            _drop_unset(item, "same_as")
        emit_json(data)
    else:
        print_ingest(report, console())
    if report.failed:
        raise typer.Exit(1)


@app.command()
def docs(
    ctx: typer.Context,
    doc_type: Annotated[str | None, typer.Option("--doc-type", help="Only documents of this type.")] = None,
    party: Annotated[str | None, typer.Option("--party", help="Only documents this party is party to "
                                              "(e.g. Japan, U.S.).")] = None,
    as_json: JsonOption = False,
) -> None:
    """List the documents in the knowledge base."""
    from kb.render import console, print_docs

    summaries = knowledge_base(ctx).documents(doc_type, party)
    if as_json:
        emit_json([_drop_unset(s.model_dump(mode="json"), "published") for s in summaries])
    else:
        print_docs(summaries, console())


@app.command()
def show(
    ctx: typer.Context,
    doc_id: Annotated[str, typer.Argument(help="The document's id (see 'accords docs').")],
    full: Annotated[bool, typer.Option("--full", help="Print whole clauses, not the first line.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show one document: metadata, sections and clauses with their ids."""
    from kb.render import console, print_document

    doc = knowledge_base(ctx).document(doc_id)
    if as_json:
        emit_json(doc.model_dump(mode="json", exclude={"text"}))
    else:
        print_document(doc, console(), full)


@app.command()
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help='What to look for; "quoted phrases" must match exactly.')],
    k: Annotated[int, typer.Option("-k", min=1, max=200, help="How many clauses to return.")] = 10,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only this document (repeatable).")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="Only clauses with this commitment type.")] = None,
    party: Annotated[list[str] | None, typer.Option("--party", help="Only documents with this party.")] = None,
    doc_type: Annotated[list[str] | None, typer.Option("--doc-type", help="Only documents of this type.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="Only documents dated on/after YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Only documents dated on/before YYYY-MM-DD.")] = None,
    mode: Annotated[Mode, typer.Option("--mode", help="hybrid (default), dense or lexical.")] = Mode.hybrid,
    as_json: JsonOption = False,
) -> None:
    """Search clauses by meaning and keywords, with citations."""
    from pydantic import ValidationError

    from kb.models import SearchFilters
    from kb.render import console, print_search
    from kb.search import parse_query

    try:
        filters = SearchFilters(doc_ids=doc or [], types=type_ or [], parties=party or [], doc_types=doc_type or [],
                                date_from=date_from, date_to=date_to)  # type: ignore[arg-type]  # pydantic parses the YYYY-MM-DD strings
    except ValidationError as exc:
        fail(f"bad filter: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}", code=2)
    results = knowledge_base(ctx).search(query, k=k, filters=filters, mode=mode.value)
    if as_json:
        emit_json(results.model_dump(mode="json", exclude={"mode"}))
    else:
        parsed = parse_query(query)
        print_search(results, [*parsed.terms, *parsed.phrases, *results.expanded], console())


@app.command()
def rm(
    ctx: typer.Context,
    doc_ids: Annotated[list[str], typer.Argument(help="Ids of the documents to remove.")],
    as_json: JsonOption = False,
) -> None:
    """Remove documents (their clauses, commitments and vectors)."""
    kb = knowledge_base(ctx)
    for doc_id in doc_ids:
        kb.require(doc_id)
    for doc_id in doc_ids:
        kb.remove(doc_id)
    if as_json:
        emit_json({"removed": doc_ids})
    else:
        print(f"removed {', '.join(doc_ids)}")


@app.command()
def reindex(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Rebuild every clause vector from SQLite (after changing the embedding model)."""
    n = knowledge_base(ctx).reindex()
    if as_json:
        emit_json({"reindexed": n})
    else:
        print(f"rebuilt vectors for {n} documents")


def _drop_unset(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Leave out keys added after design.md's shapes where they carry nothing, so the documented key set stays."""
    for key in keys:
        if record.get(key) is None:
            record.pop(key, None)
    return record


def _register_command_modules() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue
        module.register(app)


def main() -> None:
    """Entry point: map our errors to one line on stderr and an exit code, never a traceback."""
    from extract.errors import ModelNotFound
    from ingest.errors import IngestError
    from kb.errors import AccordsError, UnknownDocument, UsageProblem

    _register_command_modules()
    try:
        app()  # standalone: usage errors print their usage line and exit 2
    except (UnknownDocument, UsageProblem) as exc:
        sys.stderr.write(f"accords: {exc}\n")
        sys.exit(2)
    except (AccordsError, IngestError, ModelNotFound) as exc:
        sys.stderr.write(f"accords: {exc}\n")
        sys.exit(1)
    except Exception as exc:  # anything unexpected is still one line, unless debugging
        from kb.vectors import unreachable_server

        if os.environ.get("ACCORDS_DEBUG"):
            raise
        if lost := unreachable_server(exc):
            sys.stderr.write(f"accords: {lost}\n")
            sys.exit(1)
        sys.stderr.write(f"accords: internal error: {type(exc).__name__}: {exc} (ACCORDS_DEBUG=1 shows details)\n")
        sys.exit(1)
