"""The accords command line: parse options, call KnowledgeBase, render. Nothing else lives here."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from kb.cli.commands import commitments, compare, extraction, followthrough, maintenance, serve
from kb.cli.common import JsonOption, Mode, drop_unset, emit_json, fail, knowledge_base

app = typer.Typer(
    name="accords",
    help="A local-first knowledge base of international agreements: ingest, extract commitments, search, compare.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
@app.callback()
def main_options(
    ctx: typer.Context,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="Knowledge base folder (else ACCORDS_HOME, "
                                                   "else a per-user data folder).")] = None,
) -> None:
    ctx.obj = {"data_dir": data_dir}


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
    from kb.cli.progress import file_progress
    from kb.cli.render import console, print_ingest

    kb = knowledge_base(ctx)
    files = ingest_stage.discover(paths)
    with file_progress(len(files), "Ingesting", silent=as_json) as advance:
        report = kb.ingest(files, on_file=advance, keep_duplicates=keep_duplicates)
    for failure in report.failed:
        sys.stderr.write(f"{failure.path}: {failure.error}\n")
    if as_json:
        data = report.model_dump(mode="json")
        for item in data["ingested"]:
            drop_unset(item, "same_as")
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
    from kb.cli.render import console, print_docs

    summaries = knowledge_base(ctx).documents(doc_type, party)
    if as_json:
        emit_json([drop_unset(s.model_dump(mode="json"), "published") for s in summaries])
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
    from kb.cli.render import console, print_document

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

    from kb.cli.render import console, print_search
    from kb.models import SearchFilters

    try:
        filters = SearchFilters(doc_ids=doc or [], types=type_ or [], parties=party or [], doc_types=doc_type or [],
                                date_from=date_from, date_to=date_to)  # type: ignore[arg-type]  # pydantic parses the YYYY-MM-DD strings
    except ValidationError as exc:
        fail(f"bad filter: {exc.errors()[0]['loc'][0]}: {exc.errors()[0]['msg']}", code=2)
    results = knowledge_base(ctx).search(query, k=k, filters=filters, mode=mode.value)
    if as_json:
        emit_json(results.model_dump(mode="json", exclude={"mode"}))
    else:
        print_search(results, console())


@app.command()
def context(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question a language model is to answer from the documents.")],
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="Candidate clauses to consider.")] = 20,
    max_tokens: Annotated[int, typer.Option("--max-tokens", min=100, max=32000,
                                            help="Token budget for the pack (estimated).")] = 2000,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only this document (repeatable).")] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="Only clauses with this commitment type.")] = None,
    party: Annotated[list[str] | None, typer.Option("--party", help="Only documents with this party.")] = None,
    mode: Annotated[Mode, typer.Option("--mode", help="hybrid (default), dense or lexical.")] = Mode.hybrid,
    as_json: JsonOption = False,
) -> None:
    """A context pack for a language model: passages numbered [1], [2]... with citations and commitments."""
    from kb.cli.render import console, print_context
    from kb.models import SearchFilters

    filters = SearchFilters(doc_ids=doc or [], types=type_ or [], parties=party or [])
    pack = knowledge_base(ctx).context(question, k=k, filters=filters, mode=mode.value, max_tokens=max_tokens)
    if as_json:
        emit_json(pack.model_dump(mode="json"))
    else:
        print_context(pack, console())


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


for _group in (maintenance, commitments, followthrough, extraction, compare, serve):
    _group.register(app)


def main() -> None:
    """Entry point: map our errors to one line on stderr and an exit code, never a traceback."""
    from extract.errors import ModelNotFound
    from ingest.errors import IngestError
    from kb.errors import AccordsError, UnknownDocument, UsageProblem

    try:
        app()  # standalone: usage errors print their usage line and exit 2
    except (UnknownDocument, UsageProblem) as exc:
        sys.stderr.write(f"accords: {exc}\n")
        sys.exit(2)
    except (AccordsError, IngestError, ModelNotFound) as exc:
        sys.stderr.write(f"accords: {exc}\n")
        sys.exit(1)
    except Exception as exc:  # anything unexpected is still one line, unless debugging
        from kb.errors import unreachable_server

        if os.environ.get("ACCORDS_DEBUG"):
            raise
        if lost := unreachable_server(exc):
            sys.stderr.write(f"accords: {lost}\n")
            sys.exit(1)
        sys.stderr.write(f"accords: internal error: {type(exc).__name__}: {exc} (ACCORDS_DEBUG=1 shows details)\n")
        sys.exit(1)
