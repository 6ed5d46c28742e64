"""How many clauses each FTS5 term matches: the document frequencies that let search skip common words."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

CACHED_TERMS = 50_000


class Freshness:
    """Tells a cache of database contents when to start again: whenever the database changes, in any process
    (data_version moves when another connection commits, total_changes when this one writes)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._version: tuple[int, int] | None = None

    def changed(self) -> bool:
        """True on the first call and whenever the database changed since the last one."""
        version = self.db.execute("PRAGMA data_version").fetchone()[0], self.db.conn.total_changes
        if version == self._version:
            return False
        self._version = version
        return True


class TermCounts:
    """Clause counts per FTS5 term expression, kept until the database changes (in any process)."""

    def __init__(self, db: Database, columns: str) -> None:
        self.db = db
        self.columns = columns  # the FTS5 column filter search matches in, e.g. "{text heading}"
        self.total = 0
        self._counts: dict[str, int] = {}
        self._fresh = Freshness(db)

    def __call__(self, matches: list[str]) -> dict[str, int]:
        if self._fresh.changed() or len(self._counts) > CACHED_TERMS:
            self._counts.clear()
            self.total = self.db.execute("SELECT count(*) FROM clauses").fetchone()[0]
        for match in matches:
            if match not in self._counts:
                self._counts[match] = self.db.execute(
                    "SELECT count(*) FROM clause_fts WHERE clause_fts MATCH ?", [f"{self.columns} : ({match})"]
                ).fetchone()[0]
        return {m: self._counts[m] for m in matches}
