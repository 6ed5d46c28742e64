"""Query expansion from a domain thesaurus: the analyst's words and the drafter's words for one thing.

"What happens if one side wants out" shares no word with "Either Participant may discontinue its
participation by written notification"; neither does the query's vector come close enough. The thesaurus
(kb/search/data/thesaurus.yaml; ACCORDS_THESAURUS names another) groups the ways people write one idea; a query
holding any entry of a group gets the group's other entries as a separate keyword list (see
Searcher._expanded), so the query's own words keep their full weight. Entries match on Porter stems, as
FTS5's tokenizer does.
"""
from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path

import yaml

from kb.errors import AccordsError

DEFAULT_THESAURUS = Path(__file__).parent / "data" / "thesaurus.yaml"
OFF = "none"  # ACCORDS_THESAURUS=none searches without a thesaurus
_WORD = re.compile(r"[a-z0-9]+")
_LOCAL = threading.local()  # a snowball stemmer keeps state between calls: one per thread


class ThesaurusError(AccordsError):
    """The thesaurus file cannot be read, or is not a list of lists of words."""


def stems(text: str) -> tuple[str, ...]:
    stemmer = getattr(_LOCAL, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _LOCAL.stemmer = snowballstemmer.stemmer("porter")
    return tuple(stemmer.stemWords(_WORD.findall(text.lower())))


class Thesaurus:
    """Groups of entries, with every entry's stems indexed by its first stem, so a query costs a few lookups."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self.groups = tuple(tuple(g) for g in groups)
        self._stems = {entry: stems(entry) for group in self.groups for entry in group}
        self._by_first: dict[str, list[tuple[tuple[str, ...], int, str]]] = defaultdict(list)
        for index, group in enumerate(self.groups):
            for entry in group:
                if self._stems[entry]:
                    self._by_first[self._stems[entry][0]].append((self._stems[entry], index, entry))

    def expand(self, query: str, ignore: Collection[str] = ()) -> tuple[str, ...]:
        """Entries of every group the query touches, one per stem (FTS5 would score "amend" and "amended"
        twice), leaving out what the query already says, in file order.

        Words in ignore (the search's stopwords) neither match an entry by themselves ("does" stems to
        "doe", the Department of Energy) nor are added as an entry of their own ("shall" would call up
        nearly every clause).
        """
        words = _WORD.findall(query.lower())
        held = stems(query)
        ignored = _stem_set(frozenset(ignore))
        stopword = [word in ignore for word in words]
        matched: set[int] = set()
        for i, first in enumerate(held):
            for entry_stems, index, _ in self._by_first.get(first, ()):
                span = slice(i, i + len(entry_stems))
                if held[span] == entry_stems and not all(stopword[span]):
                    matched.add(index)
        said = set(held)
        found: dict[tuple[str, ...], str] = {}
        for index in sorted(matched):
            for entry in self.groups[index]:
                entry_stems = self._stems[entry]
                if entry_stems and not set(entry_stems) <= said | ignored:
                    found.setdefault(entry_stems, entry)
        return tuple(found.values())


@lru_cache(maxsize=8)
def _stem_set(words: frozenset[str]) -> frozenset[str]:
    """The stems of a word list, once: the search passes the same stopwords with every query."""
    return frozenset(stem for word in words for stem in stems(word))


def is_off(setting: Path | str | None) -> bool:
    """ACCORDS_THESAURUS=none (or empty) searches without a thesaurus."""
    return setting is not None and str(setting).strip().lower() in ("", OFF)


def parse_thesaurus(data: object, source: str = "thesaurus") -> Thesaurus:
    if data is None:
        return Thesaurus(())
    if not isinstance(data, list) or not all(isinstance(g, list) for g in data):
        raise ThesaurusError(f"{source}: expected a list of groups, each a list of words or phrases")
    groups = []
    for i, group in enumerate(data, start=1):
        if not all(isinstance(e, str) for e in group):
            raise ThesaurusError(f"{source}: group {i} holds something other than text (quote words such as "
                                 "'on' or 'null', which YAML reads otherwise)")
        entries = list(dict.fromkeys(e.strip().lower() for e in group if _WORD.search(e.lower())))
        if len(entries) < 2:
            raise ThesaurusError(f"{source}: group {i} needs at least two entries")
        groups.append(tuple(entries))
    return Thesaurus(groups)


def load_thesaurus(setting: Path | str | None = None) -> Thesaurus:
    """The thesaurus a setting names: None the one shipped, "none" (or "") none at all, else a file.
    Read again when the file changes."""
    if is_off(setting):
        return Thesaurus(())
    file = Path(setting).expanduser().resolve() if setting else DEFAULT_THESAURUS
    try:
        stat = file.stat()
    except OSError as exc:
        raise ThesaurusError(f"{file}: cannot read the thesaurus ({exc.strerror or exc})") from exc
    # Any of these moves when the file is edited or replaced, even by a copy that keeps the old mtime.
    return _load(file, (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino))


@lru_cache(maxsize=4)
def _load(file: Path, version: tuple[int, int, int, int]) -> Thesaurus:
    try:
        with file.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ThesaurusError(f"{file}: cannot read the thesaurus ({type(exc).__name__}: {exc})") from exc
    return parse_thesaurus(data, str(file))
