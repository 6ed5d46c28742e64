"""How many clauses each FTS5 term matches: the document frequencies that let search skip common words."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

CACHED_TERMS = 50_000


def database_version(db: Database) -> tuple[int, int]:
    """Changes whenever the database does: data_version moves when another connection commits,
    total_changes when this one writes. What caches of database contents key on."""
    return db.execute("PRAGMA data_version").fetchone()[0], db.conn.total_changes


class TermCounts:
    """Clause counts per FTS5 term expression, kept until the database changes (in any process)."""

    def __init__(self, db: Database, columns: str) -> None:
        self.db = db
        self.columns = columns  # the FTS5 column filter search matches in, e.g. "{text heading}"
        self.total = 0
        self._counts: dict[str, int] = {}
        self._version: tuple[int, int] | None = None

    def __call__(self, matches: list[str]) -> dict[str, int]:
        version = database_version(self.db)
        if version != self._version or len(self._counts) > CACHED_TERMS:
            self._counts.clear()
            self._version = version
            self.total = self.db.execute("SELECT count(*) FROM clauses").fetchone()[0]
        for match in matches:
            if match not in self._counts:
                self._counts[match] = self.db.execute(
                    "SELECT count(*) FROM clause_fts WHERE clause_fts MATCH ?", [f"{self.columns} : ({match})"]
                ).fetchone()[0]
        return {m: self._counts[m] for m in matches}
