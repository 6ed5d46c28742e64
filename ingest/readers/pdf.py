"""PDF -> paragraph Blocks with pages, through pdfplumber (its layout detail is what structure needs).

Failures name their cause: a PDF without a text layer, one that needs a password, and one that
is corrupt or cut short each raise IngestError with a one-line reason.
"""
from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ingest.blocks import Block, Blocks, Hints
from ingest.errors import IngestError
from ingest.limits import check_pages, check_pdf_streams
from ingest.metadata import leading_date
from ingest.readers.pdf_lines import Line, page_lines
from ingest.readers.pdf_paragraphs import paragraphs, remove_furniture

_STAMP = re.compile(r"(?:D:)?(\d{4})(\d{2})(\d{2})")  # a PDF date: D:YYYYMMDDHHmmSS...


def read_pdf(data: bytes, path: Path) -> list[Block]:
    _check_envelope(data, path)
    check_pdf_streams(data, path)
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    lines: list[Line] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            n_pages = len(pdf.pages)
            check_pages(n_pages, path)
            for number, page in enumerate(pdf.pages, start=1):
                lines.extend(page_lines(page, number))
                page.close()  # frees the page's parsed objects; long PDFs otherwise hold them all
            hints = _hints(pdf.metadata)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect) or "password" in str(cause).lower():
            raise IngestError(path, "encrypted PDF (password required)") from None
        raise IngestError(path, f"corrupt or truncated PDF ({_short(cause)})") from None
    except PDFPasswordIncorrect:
        raise IngestError(path, "encrypted PDF (password required)") from None
    # pdfminer raises its own errors, and plain ones, from deep inside a damaged page.
    except (PSException, ValueError, KeyError, TypeError, AssertionError, RecursionError) as exc:
        raise IngestError(path, f"corrupt or truncated PDF ({_short(exc)})") from None
    body = remove_furniture(lines, n_pages)
    # A scan may still carry a stamped header or page number as text; a few characters a page
    # are not a text layer.
    if sum(len(line.text) for line in body) < 20 * n_pages:
        raise IngestError(path, "no text layer (scanned PDF?)")
    return Blocks(paragraphs(body), hints)


def _check_envelope(data: bytes, path: Path) -> None:
    """Cheap checks before parsing: pdfminer repairs a cut-off file silently and reads half of it."""
    if b"%PDF-" not in data[:1024]:
        raise IngestError(path, "corrupt or truncated PDF (no %PDF header: not a PDF file)")
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(path, "corrupt or truncated PDF (no end-of-file marker: the file is cut short)")


def _short(exc: object) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def _hints(meta: dict[str, Any]) -> Hints:
    title = _text(meta.get("Title"))
    # Word and printers leave file names or tool names here; such titles are noise.
    if title and (re.search(r"\.(docx?|pdf|rtf|indd)$|^microsoft word|^untitled", title, re.I) or len(title) < 4):
        title = None
    return Hints(title=title, date=leading_date(_text(meta.get("CreationDate")), _STAMP))


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "ignore")
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None
