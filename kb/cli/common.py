"""What every command shares: settings from the root options, the KnowledgeBase, JSON out, failing in one line."""
from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import typer

from kb.settings import Settings

JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


class Mode(StrEnum):
    hybrid = "hybrid"
    dense = "dense"
    lexical = "lexical"


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


def drop_unset(record: dict[str, Any], *keys: str) -> dict[str, Any]:
    """Leave out keys added after design.md's shapes where they carry nothing, so the documented key set stays."""
    for key in keys:
        if record.get(key) is None:
            record.pop(key, None)
    return record


