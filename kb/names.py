"""Party and mineral names as the filters compare them, so every way in (CLI, HTTP, MCP, Python) agrees."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ingest.parties import normalise_country, resolve_country


@lru_cache(maxsize=4096)
def canonical_party(name: str) -> str:
    """A party name as ingest stores it ("japan" -> "Japan", "U.S." -> "United States")."""
    # Dotted abbreviations lose their last dot to the name cleaning ("U.S." -> "U.S"), which then
    # misses the alias table; without dots they are found ("US", "UK").
    return resolve_country(name) or resolve_country(name.replace(".", "")) or normalise_country(name)


def party_key(name: str) -> str:
    """The form two party names are compared in: the canonical name, case folded."""
    return canonical_party(name).casefold()


def names_mineral(minerals: Iterable[str], wanted: str) -> bool:
    """Whether wanted occurs as a whole word (case-insensitive) in one of the minerals; a plural
    ending is allowed so that "rare earth" finds "rare earths" while "tin" does not find "titanium"."""
    pattern = re.compile(rf"(?<!\w){re.escape(' '.join(wanted.split()))}(?:s|es)?(?!\w)", re.IGNORECASE)
    return any(pattern.search(m) for m in minerals)
