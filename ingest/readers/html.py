"""Saved web pages -> the article's paragraphs, headings and list items, without the site around it.

trafilatura finds the main content (dropping navigation, menus, cookie banners, scripts, footers
and sidebars) and returns it as XML that keeps headings, lists and tables. When it finds nothing
(very short pages), a selectolax pass over the body's block elements, minus the usual site
chrome, stands in. The page title and publication date travel back as Hints.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ingest.blocks import Block, Blocks, Hints, heading_like, join_broken_lines
from ingest.errors import IngestError
from ingest.metadata import leading_date
from ingest.readers.html_lists import number_ordered_lists
from ingest.readers.text import decode

MAX_DEPTH = 500
_CHROME = ("script, style, noscript, template, nav, header, footer, aside, form, iframe, svg, button, "
           "[role=navigation], [role=banner], [role=contentinfo], [aria-hidden=true], "
           "[class*=cookie], [id*=cookie], [class*=consent], [class*=sidebar], [class*=breadcrumb]")
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")
_STAMP = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")  # ISO 8601, as meta tags give it


def read_html(data: bytes, path: Path) -> list[Block]:
    html = decode(data, path)
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    depth = _depth(tree.root)
    if depth > MAX_DEPTH:
        raise IngestError(path, f"HTML nested {depth} levels deep (limit {MAX_DEPTH}): refusing a malformed page")
    hints = _hints(tree)
    number_ordered_lists(tree)
    blocks = _trafilatura_blocks(tree.html or html)
    if len(blocks) <= 1:
        # On pages too short to score, trafilatura falls back to one run of all the page's text,
        # menus included; reading the body's block elements keeps the structure instead.
        fallback = _fallback_blocks(tree)
        blocks = fallback if len(fallback) > len(blocks) else blocks
    h1 = next((i for i, b in enumerate(blocks[:4]) if b.heading_level == 1), None)
    if h1 is not None:
        # Short lines above the headline are kickers and breadcrumbs ("Fact Sheets"), not text.
        blocks = [b for i, b in enumerate(blocks) if i >= h1 or len(b.text.split()) > 8]
    elif hints.title:
        blocks.insert(0, Block(hints.title, heading_level=1))
    return Blocks(blocks, hints)


def _depth(root: Any) -> int:
    # Iterative: a recursive walk is what deeply nested pages are built to break.
    deepest, stack = 0, [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            return deepest
        child = node.child if node is not None else None
        while child is not None:
            stack.append((child, depth + 1))
            child = child.next
    return deepest


def _trafilatura_blocks(html: str) -> list[Block]:
    import trafilatura
    from lxml import etree

    # Formatting is kept for what it says about structure: a paragraph wholly in bold is a heading.
    xml = trafilatura.extract(html, output_format="xml", include_tables=True, include_comments=False,
                              include_formatting=True, include_links=False, include_images=False)
    if not xml:
        return []
    main = etree.fromstring(xml.encode("utf-8")).find("main")
    blocks: list[Block] = []
    for element in main if main is not None else []:
        _walk(element, blocks)
    return blocks


def _walk(element: Any, blocks: list[Block], depth: int = 0) -> None:
    tag = element.tag
    if tag == "head":
        level = re.fullmatch(r"h([1-6])", element.get("rend", "")) if element.get("rend") else None
        _add(blocks, _text(element), heading_level=int(level.group(1)) if level else 3)
    elif tag == "list":
        for item in element.iterfind("item"):
            for n, line in enumerate(_lines(item, skip={"list"})):
                blocks.append(Block(line, list_item=n == 0, list_depth=depth if n == 0 else 0))
            for nested in item.iterfind("list"):
                _walk(nested, blocks, depth + 1)
    elif tag == "table":
        for row in element.iter("row"):
            cells = [_text(cell) for cell in row.iterfind("cell")]
            _add(blocks, " | ".join(c for c in cells if c), table_row=True)
    elif tag in {"p", "quote", "code"}:
        _paragraph(element, blocks)
    elif tag == "div":
        for child in element:
            _walk(child, blocks, depth)


def _paragraph(element: Any, blocks: list[Block]) -> None:
    """A paragraph's lines (a <br> ends one), with a bold lead ("SUPPLY: ...") or a paragraph wholly
    in bold read as a heading, as the Markdown reader reads them."""
    children = list(element)
    first = children[0] if children and not (element.text or "").strip() else None
    if first is not None and first.tag == "hi" and len(children) == 1 and not (first.tail or "").strip():
        text = _text(element)
        if heading_like(text):
            blocks.append(Block(text.rstrip(": "), emphasised=True))
            return
    if first is not None and first.tag == "hi":
        lead, rest = _text(first), " ".join((first.tail or "").split())
        if (lead.endswith(":") or rest.startswith(":")) and len(lead.split()) <= 12 and len(children) > 0:
            after = rest.lstrip(": ") or any(c is not first for c in children)
            if after:
                blocks.append(Block(lead.rstrip(": "), emphasised=True))
                first.text, first.tail = "", (first.tail or "").lstrip().removeprefix(":")
                for child in list(first):
                    first.remove(child)
    for line in _lines(element):
        blocks.append(Block(line))


def _lines(element: Any, skip: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The element's text split where it has a line break (<lb/>), rejoined where a line only ends a sentence."""
    lines: list[list[str]] = [[element.text or ""]]
    for child in element:
        if child.tag == "lb":
            lines.append([])
        elif child.tag not in skip:
            lines[-1].append(_text(child, skip))
        lines[-1].append(child.tail or "")
    return join_broken_lines("".join(parts) for parts in lines)


def _text(element: Any, skip: frozenset[str] | set[str] = frozenset()) -> str:
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append(" ")  # a <br>: "For Immediate Release<br>October 20" keeps its space
        elif child.tag not in skip:
            parts.append(_text(child, skip))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _add(blocks: list[Block], text: str, heading_level: int | None = None, list_item: bool = False,
         table_row: bool = False) -> None:
    if text:
        blocks.append(Block(text, heading_level=heading_level, list_item=list_item, table_row=table_row))


def _fallback_blocks(tree: Any) -> list[Block]:
    body = tree.css_first("main") or tree.css_first("article") or tree.body
    if body is None:
        return []
    for node in body.css(_CHROME):
        node.decompose()
    blocks: list[Block] = []
    for node in body.css("h1, h2, h3, h4, h5, h6, p, li, tr"):
        text = " ".join(node.text(separator=" ").split())
        if node.tag == "tr":
            text = " | ".join(" ".join(c.text().split()) for c in node.css("th, td"))
        if node.tag in {"p", "li"} and len(node.css("p, li")) > 1:  # lexbor counts the node itself
            continue  # its inner block elements are read on their own
        heading = int(node.tag[1]) if re.fullmatch(r"h[1-6]", node.tag) else None
        _add(blocks, text, heading_level=heading, list_item=node.tag == "li", table_row=node.tag == "tr")
    return blocks


def _hints(tree: Any) -> Hints:
    def meta(*names: str) -> str | None:
        for name in names:
            node = tree.css_first(f'meta[property="{name}"]') or tree.css_first(f'meta[name="{name}"]')
            content = node.attributes.get("content") if node is not None else None
            if content and content.strip():
                return " ".join(content.split())
        return None

    title = meta("og:title", "twitter:title", "dc.title", "DC.title")
    if title is None:
        h1 = tree.css_first("h1")
        title = " ".join(h1.text().split()) if h1 is not None and h1.text().strip() else None
    if title is None:
        node = tree.css_first("title")
        raw = " ".join(node.text().split()) if node is not None else ""
        title = _SITE_SUFFIX.sub("", raw) or None
    stamp = meta("article:published_time", "datePublished", "dc.date", "DC.date", "date", "citation_date")
    if stamp is None:
        time = tree.css_first("time[datetime]")
        stamp = time.attributes.get("datetime") if time is not None else None
    canonical = tree.css_first('link[rel="canonical"]')
    source = (canonical.attributes.get("href") if canonical is not None else None) or meta("og:url")
    return Hints(title=title, date=leading_date(stamp, _STAMP), source=source)
