"""Word .docx -> Blocks with python-docx: heading styles, list and numbered paragraphs, tables.

Headers and footers live in their own parts and never reach the body. Pages are known only when
Word saved its layout (lastRenderedPageBreak marks); files written by other tools have none, and
their clauses carry no page.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from ingest.blocks import Block, Blocks, Hints
from ingest.errors import IngestError
from ingest.limits import check_zip_members

_HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.IGNORECASE)


def read_docx(data: bytes, path: Path) -> list[Block]:
    document = _open(data, path)
    from docx.table import Table

    from ingest.readers.docx_numbering import Numbering

    numbering = Numbering(document)
    body = document.element.body
    paged = bool(body.xpath(".//w:lastRenderedPageBreak"))
    has_title = any(p.style is not None and p.style.name == "Title" for p in document.paragraphs)
    blocks: list[Block] = []
    page = 1
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table_rows(item, page if paged else None))
            continue
        breaks = len(item._p.xpath(".//w:lastRenderedPageBreak | .//w:br[@w:type='page']")) if paged else 0
        text = " ".join(item.text.split())
        start = page
        # A break before any text moves the whole paragraph to the next page.
        if breaks and _break_first(item):
            start += 1
        page += breaks
        if not text:
            continue
        block = _paragraph(item, text, numbering, has_title)
        if paged:
            block = replace(block, page=start, page_end=page if page != start else None)
        blocks.append(block)
    props = document.core_properties
    title = " ".join((props.title or "").split()) or None
    return Blocks(blocks, Hints(title=title))


def _open(data: bytes, path: Path) -> Any:
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError(path, "not a DOCX: a legacy Word .doc file (save it as .docx)")
    if not data.startswith(b"PK"):
        raise IngestError(path, "corrupt DOCX (not a zip archive)")
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            check_zip_members([(i.filename, i.compress_size, i.file_size) for i in archive.infolist()], path)
    except (zipfile.BadZipFile, EOFError):
        raise IngestError(path, "corrupt DOCX (damaged zip archive)") from None

    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, EOFError):
        raise IngestError(path, "corrupt DOCX (damaged zip archive)") from None
    except KeyError as exc:
        raise IngestError(path, f"corrupt DOCX (missing part {exc.args[0] if exc.args else ''})") from None
    except XMLSyntaxError as exc:
        raise IngestError(path, f"corrupt DOCX (malformed XML: {str(exc).splitlines()[0][:60]})") from None
    except ValueError as exc:
        raise IngestError(path, f"corrupt DOCX ({str(exc).splitlines()[0][:80]})") from None


def _paragraph(paragraph: Any, text: str, numbering: Any, has_title: bool) -> Block:
    style = paragraph.style.name if paragraph.style is not None else ""
    level = _heading_level(paragraph, style)
    if level is not None:
        # With a Title paragraph above them, Heading 1 sections sit one level below the title.
        return Block(text, heading_level=level + (1 if has_title and style != "Title" else 0))
    label = numbering.label(paragraph)
    if label == "•":
        return Block(text, list_item=True)
    if label:
        return Block(f"{label} {text}", list_item=True)
    return Block(text, list_item=style.lower().startswith("list"))


def _heading_level(paragraph: Any, style: str) -> int | None:
    if style == "Title":
        return 1
    match = _HEADING_STYLE.match(style)
    if match:
        return int(match.group(1))
    outline = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    if outline and outline[0].isdigit() and int(outline[0]) < 9:
        return int(outline[0]) + 1
    return None


def _break_first(paragraph: Any) -> bool:
    for node in paragraph._p.iter():
        tag = node.tag.rsplit("}", 1)[-1]
        if tag == "t" and (node.text or "").strip():
            return False
        if tag == "lastRenderedPageBreak" or (tag == "br" and node.get(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}type") == "page"):
            return True
    return False


def _table_rows(table: Any, page: int | None) -> list[Block]:
    blocks: list[Block] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            # A merged cell repeats across the columns it spans; keep it once.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            blocks.append(Block(" | ".join(cells), page=page, table_row=True))
    return blocks
