"""Word's automatic numbering, rendered as text ("1.", "(a)", "ii)") so the segmenter sees it.

Word stores list numbers as rules in numbering.xml, not in the paragraph text; a reader that
ignores them loses "Article 3" / "(b)" markers the structure relies on.
"""
from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn

_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


class Numbering:
    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], tuple[int, str, str]] = {}  # (numId, ilvl) -> start, fmt, text
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[int, str, str]]] = {}
        for node in root.iterchildren(qn("w:abstractNum")):
            abstract[node.get(qn("w:abstractNumId"))] = {
                int(lvl.get(qn("w:ilvl"), "0")): _level(lvl) for lvl in node.iterchildren(qn("w:lvl"))
            }
        for num in root.iterchildren(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else "", {}))
            for override in num.iterchildren(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                start = override.find(qn("w:startOverride"))
                if start is not None and ilvl in levels:
                    _, fmt, text = levels[ilvl]
                    levels[ilvl] = (int(start.get(qn("w:val"), "1")), fmt, text)
            for ilvl, spec in levels.items():
                self.levels[(num.get(qn("w:numId")), ilvl)] = spec

    def label(self, paragraph: Any) -> str | None:
        """The marker Word would draw before this paragraph, advancing the list's counters."""
        num_id, ilvl = _num_pr(paragraph)
        if num_id is None or num_id == "0" or (num_id, ilvl) not in self.levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        start = self.levels[(num_id, ilvl)][0]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        _, fmt, text = self.levels[(num_id, ilvl)]
        if fmt == "bullet":
            return "•"
        for level in range(ilvl + 1):
            value = counters.get(level, self.levels.get((num_id, level), (1, "decimal", ""))[0])
            level_fmt = self.levels.get((num_id, level), (1, "decimal", ""))[1]
            text = text.replace(f"%{level + 1}", _format(value, level_fmt))
        return text.strip() or None


def _level(lvl: Any) -> tuple[int, str, str]:
    def val(tag: str, default: str) -> str:
        node = lvl.find(qn(tag))
        return node.get(qn("w:val"), default) if node is not None else default

    return int(val("w:start", "1")), val("w:numFmt", "decimal"), val("w:lvlText", "")


def _num_pr(paragraph: Any) -> tuple[str | None, int]:
    """numId and level from the paragraph, else from its style chain ("List Number" carries one)."""
    candidates = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None:
        candidates.append(style.element.pPr)
        style = style.base_style
    num_id: str | None = None
    ilvl: int | None = None
    for ppr in candidates:
        num_pr = ppr.numPr if ppr is not None else None
        if num_pr is None:
            continue
        if num_id is None and num_pr.numId is not None:
            num_id = str(num_pr.numId.val)
        if ilvl is None and num_pr.ilvl is not None:
            ilvl = int(num_pr.ilvl.val)
    return num_id, ilvl or 0


def _format(value: int, fmt: str) -> str:
    if fmt in {"lowerLetter", "upperLetter"}:
        letters = ""
        n = value
        while n > 0:
            n, rem = divmod(n - 1, 26)
            letters = chr(ord("a") + rem) + letters
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in {"lowerRoman", "upperRoman"}:
        out, n = "", value
        for number, numeral in _ROMAN:
            while n >= number:
                out, n = out + numeral, n - number
        return out.upper() if fmt == "upperRoman" else out
    if fmt == "none":
        return ""
    return str(value)
