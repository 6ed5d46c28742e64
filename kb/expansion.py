"""Query expansion from a domain thesaurus: the analyst's words and the drafter's words for one thing.

"What happens if one side wants out" shares no word with "Either Participant may discontinue its
participation by written notification"; neither does the query's vector come close enough. The thesaurus
(kb/data/thesaurus.yaml; ACCORDS_THESAURUS names another) groups the ways people write one idea; a query holding any
entry of a group gets the group's other entries as a separate keyword list (see Searcher._expanded), so the
query's own words keep their full weight. Entries match on Porter stems, as FTS5's tokenizer does.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable
from functools import cache
from pathlib import Path

import yaml

from kb.errors import AccordsError

DEFAULT_THESAURUS = Path(__file__).parent / "data" / "thesaurus.yaml"
_WORD = re.compile(r"[a-z0-9]+")


class ThesaurusError(AccordsError):
    """The thesaurus file is not a list of lists of words."""


@cache
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


def stems(text: str) -> tuple[str, ...]:
    return tuple(_stemmer().stemWords(_WORD.findall(text.lower())))


class Thesaurus:
    """Groups of entries, with every entry's stems indexed by its first stem, so a query costs a few lookups."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self.groups = tuple(tuple(g) for g in groups)
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, str]]] = defaultdict(list)
        for index, group in enumerate(self.groups):
            for entry in group:
                entry_stems = stems(entry)
                if entry_stems:
                    self._by_first[entry_stems[0]].append((entry_stems, index, entry))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Thesaurus) and other.groups == self.groups

    def __hash__(self) -> int:
        return hash(self.groups)

    def expand(self, query: str, ignore: Collection[str] = ()) -> tuple[str, ...]:
        """Entries of every group the query touches that the query does not already hold, in file order.

        An entry made only of ignored words (the search's stopwords: "shall", "must") neither matches nor
        is added: it would call up nearly every clause.
        """
        ignored = set(ignore)

        def counts(entry: str) -> bool:
            return not set(_WORD.findall(entry)) <= ignored

        held = stems(query)
        matched: dict[int, set[str]] = defaultdict(set)
        for i, first in enumerate(held):
            for entry_stems, index, entry in self._by_first.get(first, ()):
                if held[i : i + len(entry_stems)] == entry_stems and counts(entry):
                    matched[index].add(entry)
        found: dict[str, None] = {}
        for index in sorted(matched):
            found.update((e, None) for e in self.groups[index] if e not in matched[index] and counts(e))
        return tuple(found)


def parse_thesaurus(data: object, source: str = "thesaurus") -> Thesaurus:
    if data is None:
        return Thesaurus(())
    if not isinstance(data, list) or not all(isinstance(g, list) for g in data):
        raise ThesaurusError(f"{source}: expected a list of groups, each a list of words or phrases")
    groups = []
    for i, group in enumerate(data, start=1):
        entries = [str(e).strip().lower() for e in group if str(e).strip()]
        if len(entries) < 2:
            raise ThesaurusError(f"{source}: group {i} needs at least two entries")
        groups.append(tuple(dict.fromkeys(entries)))
    return Thesaurus(tuple(groups))


@cache
def load_thesaurus(path: Path | str | None = None) -> Thesaurus:
    """The thesaurus at path (None: the one shipped; an empty string: none, which turns expansion off)."""
    if path == "":
        return Thesaurus(())
    file = Path(path) if path else DEFAULT_THESAURUS
    try:
        with file.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise ThesaurusError(f"{file}: cannot read the thesaurus ({exc.__class__.__name__}: {exc})") from exc
    return parse_thesaurus(data, str(file))
