"""PDF lines -> paragraph Blocks: drop running headers and footers, re-flow lines, find headings.

A line starts a new paragraph when the vertical gap before it is wider than the text's own line
spacing, when it opens a list item or heading, when its font changes, when it is indented as a
first line, or when its first word would have fitted on the line before (so that break was
deliberate). A paragraph cut by a page or column break continues when the text before the break
does not end a sentence and the text after it does not open anything new.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from ingest.blocks import Block
from ingest.readers.pdf_lines import Line

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?[-–—(]?\s*(?:\d{1,4}|[ivxlc]{1,6})\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,4})?$"
    r"|^\d{1,4}\s*\|\s*page$|^page\s*\|\s*\d{1,4}$",
    re.IGNORECASE,
)
_MARKER = re.compile(
    r"^(?:\(?[0-9]{1,3}(?:\.[0-9]{1,3})*[.)]|[0-9]{1,3}\.[0-9]{1,3}|\((?:[a-z]{1,2}|[ivxl]{1,6})\)|[a-z][.)]|"
    r"[•▪◦●\-–*])\s|^(?:section|article|annex|appendix|schedule|part|chapter)\s+[0-9ivxlc]",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;:!?]['\"”’)]*$")
_BAND = 0.12  # share of the page height at the top and bottom where running lines live


def remove_furniture(lines: list[Line], n_pages: int) -> list[Line]:
    """Drop page numbers and lines repeating near the top or bottom of many pages."""
    def in_band(line: Line) -> bool:
        return line.top < _BAND * line.page_height or line.bottom > (1 - _BAND) * line.page_height

    def key(line: Line) -> str:
        return re.sub(r"\d+", "#", " ".join(line.text.lower().split()))

    pages_with: dict[str, set[int]] = {}
    for line in lines:
        if in_band(line) and not line.table:
            pages_with.setdefault(key(line), set()).add(line.page)
    repeat = max(2, math.ceil(0.3 * n_pages))
    running = {k for k, pages in pages_with.items() if len(pages) >= repeat}
    return [
        ln for ln in lines
        if ln.table or not in_band(ln) or (key(ln) not in running and not _PAGE_NUMBER.match(ln.text.strip()))
    ]


def paragraphs(lines: list[Line]) -> list[Block]:
    if not lines:
        return []
    body_size = _body_size(lines)
    gap_limit = _gap_limit(lines, body_size)
    right_edge = _edges(lines, lambda ln: ln.x1, 0.9)
    left_edge = _edges(lines, lambda ln: ln.x0, 0.1)
    vocab = _vocabulary(lines)
    groups: list[list[Line]] = []
    for line in lines:
        prev = groups[-1][-1] if groups else None
        if prev is None or _breaks(prev, line, groups[-1], gap_limit, (left_edge, right_edge)):
            groups.append([line])
        else:
            groups[-1].append(line)
    heading_sizes = _heading_levels(groups, body_size)
    blocks: list[Block] = []
    for group in groups:
        text = _join(group, vocab)
        first, last = group[0], group[-1]
        level = None if first.table else heading_sizes.get(_font_key(group, body_size))
        if level is not None and not _heading_shaped(text, group):
            level = None
        blocks.append(Block(text, page=first.page, page_end=last.page if last.page != first.page else None,
                            heading_level=level, table_row=first.table))
    return blocks


def _breaks(prev: Line, line: Line, group: list[Line], gap_limit: dict[float, float],
            edges: tuple[dict[str, float], dict[str, float]]) -> bool:
    left_edge, right_edge = edges
    if line.table or prev.table:
        return True
    if abs(line.size - prev.size) > 0.6 or line.bold != prev.bold:
        return True
    marker = bool(_MARKER.match(line.text))
    centred = _centred(prev, left_edge, right_edge) and _centred(line, left_edge, right_edge)
    fits = not centred and _first_word_fits(prev, line, right_edge)
    if line.page != prev.page or line.band != prev.band or line.region != prev.region:
        # A page or column break: carry on only mid-sentence, into text that opens nothing new.
        starts_lower = line.text[:1].islower()
        return marker or fits or (bool(_SENTENCE_END.search(prev.text)) and not starts_lower)
    gap = line.top - prev.bottom
    if gap > gap_limit.get(line.size, 1.2 * line.size):
        return True
    # A word broken at the line end, or a line opening in lower case after an unfinished
    # sentence, continues the paragraph however short the line before it is.
    if line.text[:1].islower() and not marker and not _SENTENCE_END.search(prev.text):
        return False
    if marker and (fits or _SENTENCE_END.search(prev.text) or line.x0 < prev.x0 - 2 or len(group) == 1):
        return True
    if fits:
        return True
    # First-line indent: the line before sits on the column's left edge and this one starts a
    # little right of it, without lining up with the text after a list marker (a hanging indent).
    # Centred lines (title blocks) sit off the left edge, so they never trigger this.
    left = left_edge.get(line.region, line.x0)
    first = group[0]
    hanging = first.second_x is not None and abs(line.x0 - first.second_x) < 2
    indented = left + 0.8 * line.size < line.x0 < left + 6 * line.size
    centred_line = _centred(line, left_edge, right_edge)
    return abs(prev.x0 - left) < 2 and indented and not hanging and not centred_line and len(group) > 1


def _centred(line: Line, left_edge: dict[str, float], right_edge: dict[str, float]) -> bool:
    """A line set centred (title blocks): off the left edge, its middle on the column's middle."""
    left, right = left_edge.get(line.region, line.x0), right_edge.get(line.region, line.x1)
    middle = (line.x0 + line.x1) / 2
    return line.x0 > left + 2 * line.size and abs(middle - (left + right) / 2) < 0.6 * line.size


def _first_word_fits(prev: Line, line: Line, right_edge: dict[str, float]) -> bool:
    """Would the line's first word have fitted at the end of the previous line?"""
    word = line.text.split(" ", 1)[0]
    width_per_char = (line.x1 - line.x0) / max(len(line.text), 1)
    needed = (len(word) + 1) * width_per_char
    return prev.x1 + needed < right_edge.get(prev.region, prev.x1) - 0.5 * line.size


def _body_size(lines: list[Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        if not line.table:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 10.0


def _gap_limit(lines: list[Line], body_size: float) -> dict[float, float]:
    """Per font size, the vertical gap above which a new paragraph starts."""
    gaps: dict[float, list[float]] = {}
    for prev, line in pairwise(lines):
        if prev.page == line.page and prev.band == line.band and prev.size == line.size and not line.table:
            gap = line.top - prev.bottom
            if 0 <= gap < 3 * line.size:
                gaps.setdefault(line.size, []).append(round(gap, 1))
    usual = _line_gap(gaps.get(body_size, [])) or 0.3 * body_size
    limits: dict[float, float] = {}
    for size in {ln.size for ln in lines}:
        base = min(usual, _line_gap(gaps.get(size, [])) or usual)
        limits[size] = base + max(2.0, 0.35 * size)
    return limits


def _line_gap(gaps: list[float]) -> float | None:
    """The gap between lines of one paragraph: the smallest gap that recurs. Not the commonest,
    since in a text of one-line paragraphs the commonest gap is the one between paragraphs."""
    counts = Counter(round(g) for g in gaps)
    recurring = [g for g, n in counts.items() if n >= 2]
    return float(min(recurring)) if recurring else None


def _edges(lines: list[Line], side: Callable[[Line], float], share: float) -> dict[str, float]:
    """Where full lines start or end, per column kind: a percentile, so short lines don't count."""
    edges: dict[str, float] = {}
    for region in {ln.region for ln in lines}:
        values = sorted(side(ln) for ln in lines if ln.region == region and not ln.table)
        if values:
            edges[region] = values[int(share * (len(values) - 1))]
    return edges


def _font_key(group: list[Line], body_size: float) -> tuple[float, bool]:
    first = group[0]
    return (round(first.size * 2) / 2, first.bold)


def _heading_levels(groups: list[list[Line]], body_size: float) -> dict[tuple[float, bool], int]:
    """Rank the fonts that are larger than the body, or bold at body size, as heading levels."""
    candidates = {
        _font_key(g, body_size) for g in groups
        if not g[0].table and (g[0].size >= body_size + 0.9 or (g[0].bold and g[0].size >= body_size - 0.6))
    }
    ranked = sorted(candidates, key=lambda k: (-k[0], not k[1]))
    return {key: level for level, key in enumerate(ranked, start=1)}


def _heading_shaped(text: str, group: list[Line]) -> bool:
    return len(group) <= 3 and len(text) <= 200 and not re.search(r"[.;,]$", text)


def _vocabulary(lines: list[Line]) -> set[str]:
    words: set[str] = set()
    for line in lines:
        words.update(w.lower() for w in re.findall(r"[A-Za-z][A-Za-z-]*[A-Za-z]", line.text))
    return words


def _join(group: list[Line], vocab: set[str]) -> str:
    text = group[0].text
    for line in group[1:]:
        head = re.match(r"[A-Za-z]+", line.text)
        tail = re.search(r"([A-Za-z]+)[-\u00ad]$", text)
        if tail and head and line.text[0].islower():
            # A word broken at the line end: keep the hyphen only where the document itself
            # spells the word with one elsewhere ("long-term") and never without it.
            hyphenated = f"{tail.group(1)}-{head.group(0)}".lower()
            solid = f"{tail.group(1)}{head.group(0)}".lower()
            keep = hyphenated in vocab and solid not in vocab and not text.endswith("\u00ad")
            text = text[:-1] + ("-" if keep else "") + line.text
        else:
            text = f"{text} {line.text}"
    return " ".join(text.split())

