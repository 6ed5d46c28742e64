"""One progress helper: a Rich bar on a terminal, nothing under --json or when stderr is not a TTY."""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def file_progress(total: int, label: str, silent: bool = False) -> Iterator[Callable[[str], None]]:
    """Yields advance(name); a no-op when silent, not a terminal, or too little work to show."""
    if silent or total < 2 or not sys.stderr.isatty():
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
               TextColumn("[dim]{task.fields[name]}"))
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=total, name="")

        def advance(name: str) -> None:
            progress.update(task, advance=1, name=name[-50:])

        yield advance
