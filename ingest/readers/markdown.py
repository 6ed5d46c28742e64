"""Markdown as static sites, web archives, Obsidian and pandoc store it.

Front matter (YAML between `---` lines, TOML between `+++`) is metadata, not text. The body goes
through markdown-it-py, a CommonMark parser, and only the words of its inline tokens reach a
Block: emphasis, links, inline HTML (`<u>`, `<span>`), HTML comments, backslash escapes and
footnote markers never become clause text. An ordered list item is cited by the number a reader
sees, so a list restarted after a separator is cited as printed, except where a converter split
one list into lone "1." items (see _continued_lists).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.blocks import Block, Blocks, Hints, broken_line_groups, heading_like
from ingest.errors import IngestError
from ingest.models import DOC_TYPES
from ingest.readers.text import decode

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

# Spaces that look like spaces but are not to a parser (CommonMark blank lines are ASCII only).
_SPACES = str.maketrans({"\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": None, "\u200c": None,
                         "\u200d": None, "\ufeff": None})
_FENCES = {"---": "yaml", "+++": "toml"}
# Emphasis marks the parser left as text because they never closed ("**1. The Parties ...").
_STRAY_EMPHASIS = re.compile(r"\*{2,}|(?<!\w)\*(?=\s|$)|(?<=\s)\*(?!\w)|^\*(?=\S)|(?<!\w)_{2,}|_{2,}(?!\w)")
# An escaped mark is the author's character: it hides from that clean-up in a private-use code point.
_PROTECT = str.maketrans({"*": "\ue000", "_": "\ue001"})
_RESTORE = str.maketrans({"\ue000": "*", "\ue001": "_"})
_WORDLESS = re.compile(r"^[\W_]*$")  # "###", "* * *": end marks and rules, not text


def read_markdown(data: bytes, path: Path) -> Blocks:
    text = decode(data, path).replace("\r\n", "\n").replace("\r", "\n").translate(_SPACES)
    front, body = split_front_matter(text, path)
    hints = hints_from(front)
    blocks = list(_blocks(_parser().parse(body)))
    if hints.title and not (blocks and blocks[0].heading_level == 1):
        # The body of an archived posting rarely repeats its title; the front matter's title opens it.
        blocks.insert(0, Block(hints.title, heading_level=1))
    return Blocks(blocks, hints)


def split_front_matter(text: str, path: Path) -> tuple[dict[str, Any], str]:
    """(the front matter as a mapping, the body); a file without front matter gives ({}, text)."""
    text = text.lstrip("\ufeff")
    fence = text[:3]
    if fence not in _FENCES or text[3:4] not in {"\n", "\r"}:
        return {}, text
    closing = re.search(rf"^{re.escape(fence)}[ \t]*$", text[4:], re.MULTILINE)
    if closing is None:
        return {}, text  # a thematic break that opens the file, not front matter
    raw, body = text[4 : 4 + closing.start()], text[4 + closing.end() :]
    try:
        data = _load(raw, _FENCES[fence])
    except ValueError as exc:
        raise IngestError(path, f"invalid front matter ({exc})") from None
    return data, body


def _load(raw: str, kind: str) -> dict[str, Any]:
    if kind == "toml":
        import tomllib

        try:
            data: Any = tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(str(exc)) from None
    else:
        import yaml

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise ValueError(str(exc).splitlines()[0]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("it must be a mapping of field: value")
    return data


def hints_from(front: dict[str, Any]) -> Hints:
    """The fields front matter conventionally carries, under the names static-site tools give them."""
    title = _first(front, "title")
    source = _first(front, "source_url", "source", "url", "canonical_url", "link")
    published = next((d for key in ("date", "published", "published_time", "pubdate", "created")
                      if (d := as_date(front.get(key))) is not None), None)
    tags = front.get("tags", front.get("categories"))
    if isinstance(tags, str):
        tags = [tags]
    declared = {key: front[key] for key in ("doc_id", "parties") if front.get(key)}
    doc_type = str(front.get("doc_type") or "").strip().lower().replace(" ", "_").replace("-", "_")
    if doc_type in DOC_TYPES:  # other sites' "doc_type" may mean something else; a sidecar's is checked
        declared["doc_type"] = doc_type
    if title:
        declared["title"] = " ".join(str(title).translate(_SPACES).split())
    if isinstance(tags, list):
        declared["tags"] = [str(t) for t in tags]
    return Hints(title=declared.get("title"), date=published, source=str(source) if source else None, declared=declared)


def _first(front: dict[str, Any], *keys: str) -> Any:
    return next((front[k] for k in keys if front.get(k)), None)


def as_date(value: Any) -> dt.date | None:
    """A front-matter date: YAML gives date or datetime objects, TOML too; strings are ISO 8601."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
        if match:
            try:
                return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                return None
    return None


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    # Agreements hold no code: an indented paragraph (a pasted page's first-line indent) is text.
    # Escapes stay apart from the text around them (no text_join), so an escaped "\\*" survives the
    # clean-up of emphasis marks that never closed.
    return MarkdownIt("commonmark").use(footnote_plugin).enable("table").disable(["code", "text_join"])


def _blocks(tokens: list[Token]) -> Iterator[Block]:
    """Walk the block tokens; each paragraph, heading, list item's paragraph or table row is one Block."""
    continued = _continued_lists(tokens)
    lazy = _lazily_numbered(tokens)
    offsets: list[int] = []  # for each open list, what its printed numbers continue from
    counted: list[bool] = []  # for each open list, whether its items are counted rather than read
    numbers: list[str | None] = []  # the number of each open list item, None for a bullet
    fresh_item = False  # the next paragraph is the first of its list item and takes its marker
    in_footnotes = False
    row: list[str] | None = None
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "footnote_block_open":
            in_footnotes = True
        elif kind == "footnote_block_close":
            in_footnotes = False
        elif in_footnotes:
            continue  # footnote texts are the page's apparatus, not the instrument's clauses
        elif kind in {"ordered_list_open", "bullet_list_open"}:
            counted.append(i in lazy)
            offsets.append(continued.get(i, 0) + (int(token.attrGet("start") or 1) - 1 if i in lazy else 0))
        elif kind in {"ordered_list_close", "bullet_list_close"}:
            offsets.pop()
            counted.pop()
        elif kind == "list_item_open":
            # An item is cited by the number it prints; only a list that prints one number for every
            # item ("1." "1." "1.") is counted, as a browser counts it.
            if counted[-1]:
                offsets[-1] += 1
            number = offsets[-1] if counted[-1] else int(token.info or 0) + offsets[-1]
            numbers.append(f"{number}{token.markup}" if token.info.isdigit() else None)
            fresh_item = True
        elif kind == "list_item_close":
            numbers.pop()
            fresh_item = False
        elif kind == "heading_open":
            text = _inline_text(tokens[i + 1])
            if text:
                yield Block(text, heading_level=int(token.tag[1]))
        elif kind == "tr_open":
            row = []
        elif kind in {"th_open", "td_open"} and row is not None:
            row.append(_inline_text(tokens[i + 1]))
        elif kind == "tr_close" and row is not None:
            if any(row):
                yield Block(" | ".join(cell for cell in row if cell), table_row=True)
            row = None
        elif kind == "paragraph_open" and row is None:
            marker = numbers[-1] if numbers and fresh_item else None
            depth = len(numbers) - 1 if numbers and fresh_item else 0
            yield from _paragraph(tokens[i + 1], marker, depth if numbers and fresh_item else None, bool(numbers))
            fresh_item = False


def _lazily_numbered(tokens: list[Token]) -> set[int]:
    """Ordered lists of two or more items that print one number for all of them (by their open token)."""
    printed: dict[int, list[str]] = {}
    stack: list[tuple[int, int]] = []  # (open index, level)
    for i, token in enumerate(tokens):
        if token.type == "ordered_list_open":
            stack.append((i, token.level))
            printed[i] = []
        elif token.type == "ordered_list_close" and stack:
            stack.pop()
        elif token.type == "list_item_open" and stack and token.level == stack[-1][1] + 1 and token.info:
            printed[stack[-1][0]].append(token.info)
    return {i for i, numbers in printed.items() if len(numbers) > 1 and len(set(numbers)) == 1}


def _continued_lists(tokens: list[Token]) -> dict[int, int]:
    """Ordered lists that go on counting from the list before them: {index of its open token: offset}.

    Converters split one list into single-item lists, each printed "1.", with a separator (an HTML
    comment, bullets) between them. A lone item "1." that is text, not a heading, followed by a list
    that starts again at 1 with nothing but separators between, is that case; a list that restarts
    under a heading, or after a one-item list holding a heading, keeps its printed numbers.
    """
    continued: dict[int, int] = {}
    previous: dict[int, tuple[int, bool]] = {}  # list level -> (last number counted, a lone text "1.")
    opened: list[tuple[int, int, list[int], str]] = []  # (open index, level, printed numbers, first text)
    for i, token in enumerate(tokens):
        if token.type == "ordered_list_open":
            before = previous.get(token.level)
            first = tokens[i + 1].info if i + 1 < len(tokens) else ""
            if before and before[1] and first == "1":
                continued[i] = before[0]
            opened.append((i, token.level, [], ""))
        elif token.type == "list_item_open" and opened and token.level == opened[-1][1] + 1 and token.info.isdigit():
            opened[-1][2].append(int(token.info))
        elif token.type == "inline" and opened and token.level == opened[-1][1] + 3 and not opened[-1][3]:
            index, level, printed, _ = opened[-1]
            opened[-1] = (index, level, printed, _inline_text(token) or " ")
        elif token.type == "ordered_list_close" and opened:
            index, level, printed, first_text = opened.pop()
            lone = printed == [1] and not heading_like(first_text.strip())
            last = (printed[0] + len(printed) - 1 if len(set(printed)) == 1 else printed[-1]) if printed else 0
            previous[level] = (last + continued.get(index, 0), lone)
        elif token.type not in {"html_block", "bullet_list_open", "bullet_list_close"}:
            previous.pop(token.level, None)
    return continued


def _paragraph(inline: Token, marker: str | None, depth: int | None, in_list: bool) -> Iterator[Block]:
    """A paragraph's lines as Blocks: a hard line break ends one (pandoc and pasted pages break
    between items that way), unless the next line only finishes the sentence. depth is the list
    nesting of the item the paragraph opens, None outside a list item's first paragraph; in_list
    says the paragraph sits in a list item, where a bold lead titles the item, not a part."""
    if not in_list and (lead := _bold_lead(inline)) is not None:
        # "**RESTORING SUPPLY:** The two sides ...": fact sheets head each part with a bold run-in lead.
        yield Block(lead, emphasised=True)
    pieces = [(text, bold) for text, bold in _split_at_breaks(inline) if not _WORDLESS.match(text)]
    for n, (piece, bold) in enumerate(pieces):
        first = n == 0
        text = f"{marker} {piece}" if first and marker else piece
        if bold and not (first and marker) and heading_like(piece):
            yield Block(text.rstrip(": "), emphasised=True)
        elif first and depth is not None:
            yield Block(text, list_item=True, list_depth=depth)
        else:
            yield Block(text)


def _bold_lead(inline: Token) -> str | None:
    """The words of a bold lead ending in a colon that opens a paragraph and is followed by more text;
    the lead's tokens are then taken out of the paragraph. None when the paragraph has no such lead."""
    children = [c for c in inline.children or [] if c.type != "text" or c.content]
    if not children or children[0].type != "strong_open":
        return None
    close = next((i for i, c in enumerate(children) if c.type == "strong_close"), None)
    if close is None:
        return None
    lead = _tidy("".join(_child_text(c) for c in children[1:close]))
    after = children[close + 1 :]
    rest = "".join(_child_text(c) for c in after).strip()
    colon = lead.endswith(":") or rest.startswith(":")
    if not colon or not rest.strip(": ") or len(lead.split()) > 12:
        return None
    if after and after[0].type == "text":
        after[0].content = after[0].content.lstrip().removeprefix(":")
    inline.children = after
    return lead.rstrip(":").strip()


def _split_at_breaks(inline: Token) -> list[tuple[str, bool]]:
    """The paragraph's lines (a hard break ends one, see join_broken_lines), each with whether all
    of its words are bold or italic, or it opens with emphasis that never closed."""
    lines: list[list[str]] = [[]]
    marked: list[list[bool]] = [[False, False]]  # per line: words outside emphasis, words inside it
    depth = 0
    for child in inline.children or []:
        if child.type == "hardbreak":
            lines.append([])
            marked.append([False, False])
        elif child.type in {"strong_open", "em_open"}:
            depth += 1
        elif child.type in {"strong_close", "em_close"}:
            depth -= 1
        else:
            text = _child_text(child)
            lines[-1].append(text)
            if text.strip(" *_"):
                marked[-1][depth > 0] = True
    raw = ["".join(parts) for parts in lines]
    texts = [_tidy(line) for line in raw]
    emphasised = [(inside and not outside) or line.lstrip().startswith(("**", "__"))
                  for line, (outside, inside) in zip(raw, marked, strict=True)]
    return [(" ".join(texts[i] for i in group), all(emphasised[i] for i in group))
            for group in broken_line_groups(texts)]


def _child_text(child: Token) -> str:
    if child.type == "text_special":
        return child.content.translate(_PROTECT)
    if child.type in {"text", "code_inline"}:
        return child.content
    if child.type == "softbreak":
        return " "
    if child.type == "image":
        return "".join(_child_text(c) for c in child.children or [])
    return ""  # emphasis and link marks, inline HTML tags, footnote references


def _inline_text(inline: Token) -> str:
    return " ".join(text for text, _ in _split_at_breaks(inline))


def _tidy(text: str) -> str:
    return " ".join(_STRAY_EMPHASIS.sub(" ", text).split()).translate(_RESTORE)
