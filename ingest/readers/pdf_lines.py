"""One PDF page -> text lines in reading order, with the layout facts paragraphs are built from.

Words come from pdfplumber. Tables (ruled cells) become one line per row. A two-column page is
found from its words' x-positions: a vertical strip near the middle that many rows leave empty
is the gutter; rows that cross it are full-width (a title, a signature block) and split the page
into bands read top to bottom, each two-column band left column first.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

Word = dict[str, Any]

# Rows whose words sit within this many points of each other vertically share a line.
_ROW_TOLERANCE = 2.5
# A gutter is at least this wide (points) and splits at least this share of the page's rows.
_MIN_GUTTER = 9.0
_MIN_SPLIT_SHARE = 0.3


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    page: int
    region: str  # "full", "left" or "right": which kind of column the line sits in
    band: int  # index of the band on its page; a new band or column is a soft break
    page_height: float
    second_x: float | None = None  # where the text after a list marker starts (hanging indents)
    table: bool = False


def page_lines(page: Any, number: int) -> list[Line]:
    words = [w for w in page.extract_words(extra_attrs=["fontname", "size"], use_text_flow=False)
             if w.get("upright", True)]
    table_rows, table_boxes = _tables(page)
    if table_boxes:
        words = [w for w in words if not any(_inside(w, box) for box in table_boxes)]
    # A table row travels as one pseudo-word spanning the table, so it lands in a full-width band.
    rows = _rows(words + table_rows)
    lines: list[Line] = []
    for band, (region, band_rows) in enumerate(_bands(rows, float(page.width))):
        for row in band_rows:
            lines.append(_line(row, number, region, band, float(page.height)))
    return lines


def _rows(words: list[Word]) -> list[list[Word]]:
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        joinable = rows and not word.get("table") and not rows[-1][0].get("table")
        if joinable and abs(rows[-1][0]["top"] - word["top"]) <= _ROW_TOLERANCE:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [sorted(row, key=lambda w: w["x0"]) for row in rows]


def _gutter(rows: list[list[Word]], width: float) -> float | None:
    """The x of a column gutter, if enough rows leave the same wide strip near the middle empty."""
    if len(rows) < 6:
        return None
    votes: Counter[int] = Counter()
    for row in rows:
        for left, right in pairwise(row):
            gap_from, gap_to = left["x1"], right["x0"]
            if gap_to - gap_from >= _MIN_GUTTER:
                for x in range(int(gap_from) + 1, int(gap_to)):
                    if 0.3 * width <= x <= 0.7 * width:
                        votes[x] += 1
    if not votes:
        return None
    best_votes = max(votes.values())
    if best_votes < max(3, _MIN_SPLIT_SHARE * len(rows)):
        return None
    xs = [x for x, v in votes.items() if v == best_votes]
    centre = (min(xs) + max(xs)) / 2
    # A row that crosses the gutter with words on both halves but no gap there is full-width;
    # too many of them means this is a one-column page with a coincidental gap (a table, a form).
    crossing = sum(1 for row in rows if any(w["x0"] < centre < w["x1"] for w in row))
    return centre if crossing <= best_votes else None


def _bands(rows: list[list[Word]], width: float) -> list[tuple[str, list[list[Word]]]]:
    gutter = _gutter(rows, width)
    if gutter is None:
        return [("full", rows)]
    bands: list[tuple[str, list[list[Word]]]] = []
    for row in rows:
        crosses = any(w["x0"] < gutter < w["x1"] for w in row) or _spans(row, gutter)
        kind = "full" if crosses else "cols"
        if bands and bands[-1][0] == kind:
            bands[-1][1].append(row)
        else:
            bands.append((kind, [row]))
    out: list[tuple[str, list[list[Word]]]] = []
    for kind, band_rows in bands:
        if kind == "full":
            out.append(("full", band_rows))
            continue
        left = [[w for w in r if w["x1"] <= gutter] for r in band_rows]
        right = [[w for w in r if w["x0"] >= gutter] for r in band_rows]
        out.append(("left", [r for r in left if r]))
        out.append(("right", [r for r in right if r]))
    return out


def _spans(row: list[Word], gutter: float) -> bool:
    """True when words sit on both sides of the gutter with only a word space between them."""
    for left, right in pairwise(row):
        if left["x1"] <= gutter <= right["x0"]:
            return right["x0"] - left["x1"] < _MIN_GUTTER
    return False


def _line(row: list[Word], page: int, region: str, band: int, height: float) -> Line:
    sizes: Counter[float] = Counter()
    bold = 0
    for word in row:
        sizes[round(float(word["size"]), 1)] += len(word["text"])
        if _is_bold(str(word.get("fontname", ""))):
            bold += len(word["text"])
    total = sum(len(w["text"]) for w in row)
    return Line(
        text=" ".join(w["text"] for w in row),
        x0=float(row[0]["x0"]),
        x1=float(row[-1]["x1"]),
        top=min(float(w["top"]) for w in row),
        bottom=max(float(w["bottom"]) for w in row),
        size=sizes.most_common(1)[0][0],
        bold=bold * 2 > total,
        page=page,
        region=region,
        band=band,
        page_height=height,
        second_x=float(row[1]["x0"]) if len(row) > 1 else None,
        table=bool(row[0].get("table")),
    )


def _is_bold(fontname: str) -> bool:
    name = fontname.split("+", 1)[-1].lower()
    return any(mark in name for mark in ("bold", "black", "heavy", "semibold", ",b")) or name.endswith("-bd")


def _tables(page: Any) -> tuple[list[Word], list[tuple[float, float, float, float]]]:
    # Ruled tables need both vertical and horizontal rules; skip the search (it is slow) otherwise.
    edges = page.edges
    if sum(1 for e in edges if e["orientation"] == "v") < 2 or sum(1 for e in edges if e["orientation"] == "h") < 2:
        return [], []
    rows_out: list[Word] = []
    boxes: list[tuple[float, float, float, float]] = []
    for table in page.find_tables():
        rows = table.extract()
        if len(rows) < 2 and all(len(r) < 2 for r in rows):
            continue  # a ruled box around a paragraph is not a table
        boxes.append(table.bbox)
        for row, cells in zip(table.rows, rows, strict=False):
            texts = [" ".join((c or "").split()) for c in cells]
            texts = [t for t in texts if t]
            if texts:
                x0, top, x1, bottom = row.bbox
                rows_out.append({"text": " | ".join(texts), "x0": x0, "x1": x1, "top": top, "bottom": bottom,
                                 "size": 0.0, "fontname": "", "table": True})
    return rows_out, boxes


def _inside(word: Word, box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom
