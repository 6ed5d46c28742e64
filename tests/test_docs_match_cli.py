"""The README and the CLI say the same thing: every command and option it names exists, every command
exists in it, and its JSON example is a record the code can produce."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest
import typer.main

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def cli_commands() -> dict[str, Any]:
    """Every command of `accords`, by its full name ("search", "eval ingest")."""
    from kb.cli.app import app

    root: Any = typer.main.get_command(app)  # Typer's own click types: a group has .commands
    found: dict[str, Any] = {}
    for name, command in root.commands.items():
        if hasattr(command, "commands"):
            found.update({f"{name} {sub}": cmd for sub, cmd in command.commands.items()})
        else:
            found[name] = command
    return found


def command_rows() -> dict[str, str]:
    """The Commands table: each row's command names (a row may name two) and the row's text."""
    table = README.split("## Commands", 1)[1].lstrip("\n").split("\n\n", 1)[0]
    rows: dict[str, str] = {}
    for line in table.splitlines():
        if not line.startswith("| `accords "):
            continue
        cell = line.split("|")[1]
        for named in re.findall(r"`accords ([a-z][a-z -]*?)(?: [A-Z_.]+)*(?: \[[^\]]*\])?`", cell):
            rows[named.strip()] = line
    return rows


def options_of(command: Any) -> set[str]:
    return {opt for param in command.params for opt in getattr(param, "opts", [])}


def test_every_command_in_the_readme_exists_and_every_command_is_in_the_readme() -> None:
    commands, rows = cli_commands(), command_rows()
    assert set(rows) - set(commands) == set(), "README names commands the CLI lacks"
    assert set(commands) - set(rows) == set(), "commands the README's table does not name"


@pytest.mark.parametrize("name", sorted(command_rows()))
def test_options_named_in_a_row_exist_on_its_command(name: str) -> None:
    commands, rows = cli_commands(), command_rows()
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])(?![\w-])", rows[name].split("|")[2]))
    # A row naming two commands ("eval extraction, eval search") lists options of either.
    siblings = [commands[n] for n, row in rows.items() if row == rows[name]]
    known = set().union(*(options_of(c) for c in siblings)) | {"--json"}
    # "--from/--to" and "--before/--after" are written as pairs in the table.
    assert named - known == set(), f"{name}: options the README names but the command lacks"


def test_every_command_that_prints_results_takes_json() -> None:
    # The README promises --json on every command that prints results; serving and maintenance
    # commands that print a line of status are the exceptions it names.
    quiet = {"serve", "mcp"}
    missing = [name for name, command in cli_commands().items()
               if name not in quiet and "--json" not in options_of(command)]
    assert missing == []


def test_the_readme_commitment_example_is_a_valid_record() -> None:
    from extract.models import Commitment

    block = README.split("## What extraction finds", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    record = Commitment.model_validate(json.loads(block))
    assert record.clause_id == "us-australia-framework/s1.2.b"
    assert record.amounts[0].currency == "USD"
