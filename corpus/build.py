"""Render the corpus sources (corpus/sources/*.md) to the PDF and DOCX documents beside them.

    python corpus/build.py            # write corpus/NAME.pdf or corpus/NAME.docx for every source
    python corpus/build.py --check    # exit 1 if any committed output differs from a fresh render

A source is Markdown with a front-matter block (format, header, columns, optional paper) and the
line layout the accords segmenter reads: one paragraph, numbered clause or sub-item per line.
Renders are byte-for-byte deterministic: fixed dates, fixed producer, fixed zip timestamps.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from docx import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph
from fpdf import FPDF
from fpdf.text_region import TextColumns

CORPUS = Path(__file__).resolve().parent
SOURCES = CORPUS / "sources"
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]
FALLBACK_DATE = dt.date(2025, 1, 1)

Kind = Literal["title", "subtitle", "heading", "para", "numbered", "sub", "bullet", "sig_party", "sig_line"]

HEADING_RE = re.compile(r"^(section|article|part|chapter|annex|appendix|schedule)\b.{0,90}$", re.IGNORECASE)
NUMBERED_RE = re.compile(r"^(\d{1,2}\.)\s+(.*)$")
SUB_RE = re.compile(r"^(\((?:[a-z]|[ivx]+)\))\s+(.*)$")
BULLET_RE = re.compile(r"^[-*•]\s+(.*)$")
ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"}
# Characters outside Latin-1, for the core-font fallback only.
LATIN1_FOLD = str.maketrans(
    {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-"}
)


@dataclass(frozen=True)
class Block:
    kind: Kind
    text: str
    marker: str = ""
    level: int = 0  # indent level: 0 body, 1 for (a), 2 for (i) under (a)


@dataclass(frozen=True)
class Source:
    name: str
    fmt: Literal["pdf", "docx"]
    header: str
    columns: int
    paper: str
    date: dt.date
    blocks: list[Block]

    @property
    def title(self) -> str:
        return next((b.text for b in self.blocks if b.kind == "title"), self.name)

    @property
    def output(self) -> Path:
        return CORPUS / f"{self.name}.{self.fmt}"


def _is_heading(line: str) -> bool:
    if HEADING_RE.match(line) and not line.endswith((".", ";", ",")):
        return True
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and len(line) <= 80 and line.upper() == line and not line.endswith(".")


def _sub_level(marker: str, previous: Block | None) -> int:
    """(i) after a lettered item is a roman sub-sub-item, unless it is the next letter ((i) after (h))."""
    inner = marker.strip("()")
    if inner in ROMAN and previous is not None and previous.kind == "sub":
        prev_inner = previous.marker.strip("()")
        next_letter = len(inner) == len(prev_inner) == 1 and ord(inner) == ord(prev_inner) + 1
        if previous.level == 2 or (prev_inner not in ROMAN and not next_letter):
            return 2
    return 1


def _classify(raw: str, previous: Block | None) -> Block:
    line = raw.strip().rstrip("\\").strip().replace("**", "").replace("__", "")
    if raw.lstrip().startswith("#"):
        return Block("heading", line.lstrip("#").strip(), level=len(line) - len(line.lstrip("#")))
    if line.startswith("For ") and line.endswith(":"):
        return Block("sig_party", line)
    if previous is not None and previous.kind in ("sig_party", "sig_line") and not _is_heading(line):
        return Block("sig_line", line)
    if m := NUMBERED_RE.match(line):
        return Block("numbered", m.group(2), marker=m.group(1))
    if m := SUB_RE.match(line):
        return Block("sub", m.group(2), marker=m.group(1), level=_sub_level(m.group(1), previous))
    if m := BULLET_RE.match(line):
        return Block("bullet", m.group(1), marker="•", level=1)
    return Block("heading" if _is_heading(line) else "para", line)


def _is_subtitle(line: str) -> bool:
    if line.lstrip().startswith("##"):
        return False
    plain = line.strip().lstrip("#").strip()
    return len(plain) <= 110 and not plain.endswith((".", ",", ";", ":")) and not _is_heading(plain)


def parse_blocks(body: str) -> list[Block]:
    """The first line is the title; up to two short lines after it (blank lines allowed) are subtitles."""
    lines = [line for line in body.splitlines() if line.strip()]
    if not lines:
        return []
    n_title = 1
    while n_title < min(3, len(lines)) and _is_subtitle(lines[n_title]):
        n_title += 1
    blocks = [Block("title" if i == 0 else "subtitle", line.strip().lstrip("#").strip())
              for i, line in enumerate(lines[:n_title])]
    for raw in lines[n_title:]:
        blocks.append(_classify(raw, blocks[-1]))
    return blocks


def load_source(path: Path) -> Source:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.DOTALL)
    if not match:
        raise SystemExit(f"{path}: no front-matter block (--- ... ---) at the top")
    front = yaml.safe_load(match.group(1)) or {}
    fmt = str(front.get("format", "pdf")).lower()
    if fmt not in ("pdf", "docx"):
        raise SystemExit(f"{path}: format must be pdf or docx, not {fmt!r}")
    meta_path = CORPUS / f"{path.stem}.meta.yaml"
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    date = meta.get("date") if isinstance(meta, dict) else None
    return Source(
        name=path.stem,
        fmt=fmt,  # type: ignore[arg-type]
        header=str(front.get("header", "")),
        columns=int(front.get("columns", 1)),
        paper=str(front.get("paper", "letter")).lower(),
        date=date if isinstance(date, dt.date) else FALLBACK_DATE,
        blocks=parse_blocks(match.group(2)),
    )


class _Pdf(FPDF):
    def __init__(self, source: Source) -> None:
        super().__init__(format="A4" if source.paper == "a4" else "letter")
        self.header_text = source.header
        self.serif, self.sans = self._register_fonts()
        self.set_margins(*((20, 24, 20) if source.columns == 2 else (25, 24, 25)))
        self.set_auto_page_break(True, margin=22)

    def _register_fonts(self) -> tuple[str, str]:
        folder = next((d for d in FONT_DIRS if (d / "DejaVuSerif.ttf").exists()), None)
        if folder is None:  # no Unicode font on this machine: core fonts and Latin-1 text
            return "Times", "Helvetica"
        for family, stem in (("Serif", "DejaVuSerif"), ("Sans", "DejaVuSans")):
            self.add_font(family, "", str(folder / f"{stem}.ttf"))
            self.add_font(family, "B", str(folder / f"{stem}-Bold.ttf"))
        return "Serif", "Sans"

    def fix(self, text: str) -> str:
        if self.serif == "Serif":
            return text
        return text.translate(LATIN1_FOLD).encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        self.set_font(self.sans, "", 8)
        self.set_text_color(90)
        self.set_y(12)
        self.cell(0, 4, self.fix(self.header_text), align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(150)
        self.line(self.l_margin, 17, self.w - self.r_margin, 17)
        self.set_text_color(0)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(self.sans, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="C")
        self.set_text_color(0)


LINE_H = 5.6  # mm, for 11 pt body text
INDENT = 8.0  # mm per indent level; a marker hangs in the step before its text


def _pdf_title_block(pdf: _Pdf, blocks: list[Block]) -> None:
    pdf.ln(4)
    for block in blocks:
        big = block.kind == "title"
        pdf.set_font(pdf.serif, "B" if big else "", 15 if big else 11.5)
        pdf.multi_cell(0, 7.5 if big else 6, pdf.fix(block.text), align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    pdf.ln(2)
    pdf.line(pdf.w / 2 - 30, pdf.y, pdf.w / 2 + 30, pdf.y)
    pdf.ln(6)


def _pdf_block(pdf: _Pdf, block: Block) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    text = pdf.fix(block.text)
    if block.kind == "heading":
        if pdf.will_page_break(LINE_H * 5):
            pdf.add_page()
        pdf.ln(3)
        pdf.set_font(pdf.serif, "B", 12 if block.level <= 2 else 11)
        pdf.multi_cell(0, 6.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return
    pdf.set_font(pdf.serif, "", 11)
    if block.kind == "sig_party":
        if pdf.will_page_break(LINE_H * 7):
            pdf.add_page()
        pdf.ln(6)
        pdf.multi_cell(0, LINE_H, text, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(11)
        pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + 70, pdf.y)
        pdf.ln(1.5)
        return
    if block.kind == "sig_line":
        pdf.multi_cell(0, LINE_H, text, align="L", new_x="LMARGIN", new_y="NEXT")
        return
    marker = block.marker if block.kind in ("numbered", "sub", "bullet") else ""
    left = pdf.l_margin + INDENT * block.level
    text_x = left + INDENT if marker else left
    lines = pdf.multi_cell(width - (text_x - pdf.l_margin), LINE_H, text, dry_run=True, output="LINES")
    if pdf.will_page_break(LINE_H * min(len(lines), 2)):
        pdf.add_page()
    y = pdf.y
    if marker:
        pdf.set_xy(left, y)
        pdf.cell(INDENT, LINE_H, marker)
    pdf.set_xy(text_x, y)
    pdf.multi_cell(width - (text_x - pdf.l_margin), LINE_H, text, align="J", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2.2)


class _KeepColumns(TextColumns):
    """fpdf2 text columns that never strand a heading, or a paragraph's lone first line, at a column foot.

    It overrides a private fpdf2 (2.8) method: it finds where the parent would break the column and,
    if a heading or a lone first line would be left at the foot, lowers `bottom` so the break comes
    before it.
    """

    keep: set[int]  # id() of the heading paragraphs

    def _render_column_lines(self, text_lines: list[Any], top: float, bottom: float) -> float:
        y, starts, cut = top, [], len(text_lines)
        for i, wrapper in enumerate(text_lines):  # mirror the parent's layout to find the column break
            starts.append(y)
            if wrapper.first_line and wrapper.paragraph.top_margin and y > self.pdf.t_margin:
                y += wrapper.paragraph.top_margin
            if y + wrapper.line.height > bottom:
                cut = i
                break
            y += wrapper.line.height
            if wrapper.last_line and y + wrapper.paragraph.bottom_margin < bottom:
                y += wrapper.paragraph.bottom_margin
        back = cut
        while cut < len(text_lines) and back > 0:
            before = text_lines[back - 1]
            if id(before.paragraph) not in self.keep and not (before.first_line and not before.last_line):
                break
            back -= 1
        if 0 < back < cut:
            bottom = starts[back] + 0.01
        return super()._render_column_lines(text_lines, top, bottom)


def _pdf_columns(pdf: _Pdf, blocks: list[Block]) -> None:
    cols = _KeepColumns(pdf, ncols=2, gutter=7, text_align="J", line_height=1.3, wrapmode="WORD")
    cols.keep = set()
    with cols:
        for block in blocks:
            heading = block.kind == "heading"
            par = cols.paragraph(
                text_align="LEFT" if heading else "JUSTIFY",
                top_margin=3 if heading else 0,
                bottom_margin=2,
                indent=5 * (block.level + 1) if block.marker else 0,
                bullet_string=block.marker,
            )
            pdf.set_font(pdf.serif, "B" if heading else "", 11.5 if heading else 10.5)
            par.write(pdf.fix(block.text))
            cols.end_paragraph()
            if heading:
                cols.keep.add(id(par))


def render_pdf(source: Source) -> bytes:
    pdf = _Pdf(source)
    stamp = dt.datetime.combine(source.date, dt.time(12, 0), tzinfo=dt.UTC)
    pdf.set_creation_date(stamp)
    pdf.set_producer("accords corpus/build.py (fpdf2)")
    pdf.set_creator("accords demo corpus")
    pdf.set_title(source.title)
    pdf.set_lang("en")
    pdf.add_page()
    title = [b for b in source.blocks if b.kind in ("title", "subtitle")]
    body = [b for b in source.blocks if b.kind not in ("title", "subtitle")]
    _pdf_title_block(pdf, title)
    if source.columns == 2:
        tail = [b for b in body if b.kind in ("sig_party", "sig_line")]
        _pdf_columns(pdf, [b for b in body if b not in tail])
        body = tail
    for block in body:
        _pdf_block(pdf, block)
    return bytes(pdf.output())


def _page_field(paragraph: Paragraph) -> None:
    run = paragraph.add_run()
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run._r.append(field)


def render_docx(source: Source) -> bytes:
    doc = DocxDocument()
    section = doc.sections[0]
    section.header.paragraphs[0].text = source.header
    section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    _page_field(footer)
    doc.styles["Normal"].font.size = Pt(11)
    for block in source.blocks:
        if block.kind == "title":
            doc.add_heading(block.text, level=0)
        elif block.kind == "subtitle":
            doc.add_paragraph(block.text, style="Subtitle")
        elif block.kind == "heading":
            doc.add_heading(block.text, level=1 if block.level <= 2 else 2)
        elif block.kind == "bullet":
            doc.add_paragraph(block.text, style="List Bullet")
        elif block.kind in ("numbered", "sub"):
            paragraph = doc.add_paragraph(f"{block.marker} {block.text}")
            paragraph.paragraph_format.left_indent = Cm(0.9 * (block.level + 1))
            paragraph.paragraph_format.first_line_indent = Cm(-0.9)
        else:
            paragraph = doc.add_paragraph(block.text)
            if block.kind == "sig_party":
                paragraph.paragraph_format.space_before = Pt(18)
                paragraph.paragraph_format.space_after = Pt(30)
    props = doc.core_properties
    stamp = dt.datetime.combine(source.date, dt.time(12, 0))
    props.title, props.author, props.last_modified_by = source.title, "accords demo corpus", "accords"
    props.created, props.modified, props.revision = stamp, stamp, 1
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry timestamps so identical content gives identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def render(source: Source) -> bytes:
    return render_pdf(source) if source.fmt == "pdf" else render_docx(source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render corpus/sources/*.md to PDF/DOCX.")
    parser.add_argument("--check", action="store_true", help="verify outputs are up to date; write nothing")
    args = parser.parse_args(argv)
    stale: list[str] = []
    for path in sorted(SOURCES.glob("*.md")):
        source = load_source(path)
        data = render(source)
        target = source.output.relative_to(CORPUS.parent)
        if args.check:
            if not source.output.exists() or source.output.read_bytes() != data:
                stale.append(str(target))
        else:
            source.output.write_bytes(data)
            print(f"wrote {target} ({len(data):,} bytes)")
    if stale:
        print("out of date (run python corpus/build.py):", *stale, sep="\n  ", file=sys.stderr)
        return 1
    if args.check:
        print("all rendered documents are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
