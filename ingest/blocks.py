"""What every reader hands the segmenter: paragraphs in reading order, with their page."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Block:
    text: str
    page: int | None = None
    page_end: int | None = None
    # Set by readers that know the structure (Markdown '#', DOCX Heading styles, HTML <h2>).
    heading_level: int | None = None
    # Set by readers that know a paragraph is a list item (HTML <li>, Markdown '-').
    list_item: bool = False
    # How deep inside other lists the item sits: 0 for a top-level item, 1 for an item of a nested list.
    list_depth: int = 0
    # A table row, cells joined with " | "; never a heading, never merged with its neighbours.
    table_row: bool = False
    # Set by readers that saw the whole paragraph in bold or italics: how many pages mark a heading.
    emphasised: bool = False


@dataclass(frozen=True)
class Hints:
    """What a file says about itself outside its text: HTML <title>/<meta>, PDF and DOCX properties.

    Weaker than a sidecar; the loader uses them where the text itself gives nothing better.
    """

    title: str | None = None
    date: dt.date | None = None  # when the file was posted or published, not when it was signed
    source: str | None = None
    # Fields the file declares about itself (Markdown front matter): doc_id, doc_type, parties, tags.
    # They rank below a sidecar and above anything guessed from the text.
    declared: dict[str, Any] = field(default_factory=dict)


class Blocks(list[Block]):
    """A reader's blocks plus its Hints; still a list, so a reader may return a plain list instead."""

    def __init__(self, blocks: Iterable[Block] = (), hints: Hints | None = None) -> None:
        super().__init__(blocks)
        self.hints = hints or Hints()


def hints_of(blocks: list[Block]) -> Hints:
    return blocks.hints if isinstance(blocks, Blocks) else Hints()


_UNFINISHED = re.compile(r"[.;!?,]\s*$")
_NUMBERED_START = re.compile(r"^(?:\d{1,2}|[IVX]{1,5})\.\s+[A-Z]")


def heading_like(text: str) -> bool:
    """Short, capitalised and without a sentence's end: a line set apart as a heading. A numbered one
    ("2. Advancing Cooperation on ... and Supply Chains") may run longer."""
    numbered = _NUMBERED_START.match(text)
    limit = 20 if numbered else 16
    return (len(text.split()) <= limit and not _UNFINISHED.search(text.rstrip(":"))
            and (text[:1].isupper() or bool(numbered)))


def join_broken_lines(lines: Iterable[str]) -> list[str]:
    """Lines a page broke on purpose (pandoc's and pasted pages' line breaks between items), each its
    own piece, except that a line opening in lower case finishes the sentence of the line before."""
    texts = [" ".join(raw.split()) for raw in lines]
    return [" ".join(texts[i] for i in group) for group in broken_line_groups(texts)]


def broken_line_groups(texts: list[str]) -> list[list[int]]:
    """The indices of the lines that join_broken_lines puts together, one list per piece; empty lines drop."""
    groups: list[list[int]] = []
    for i, line in enumerate(texts):
        if not line:
            continue
        if groups and not _UNFINISHED.search(texts[groups[-1][-1]]) and line[:1].islower():
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups
