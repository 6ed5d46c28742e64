"""Turn reader blocks into the normalised document text, a section tree and citable clauses.

Agreements share a small set of forms (title block, preamble and recitals, "Section I",
"Article 3", "3.1", "(a)", "(iv)", bullets, signature block, annex); structure_rules reads them.
A clause is one paragraph, list item or table row; its offsets point into the text built here,
and its clause_id is the doc_id plus its structural path (`doc/s2.3.a`), so re-ingesting an
unchanged layout gives the same ids.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ingest.blocks import Block
from ingest.models import Clause, ClauseKind, Section
from ingest.structure_rules import (
    ANNEX_WORDS,
    BULLET_MARK,
    LETTER_MARK,
    NUMBER_MARK,
    PREAMBLE_OPENERS,
    RECITAL_CUES,
    SENTENCE_END,
    SIGNATURE_CUES,
    WORD_RANK,
    Heading,
    bold_numbered_heading,
    caps_heading,
    human_label,
    is_lettered_part,
    is_marked,
    numbered_heading,
    title_case_heading,
    to_arabic,
)

PARAGRAPH_BREAK = "\n\n"
# Capitalised lines that open a part even right under the title ("SUMMARY", "BACKGROUND").
# A line that ends on one of these words goes on in the next: "Modifications to" / "the Schedule".
_CONTINUES = re.compile(r"\b(?:to|of|and|for|the|on|in|with|between|concerning|regarding)$", re.IGNORECASE)
_SECTION_NAMES = re.compile(r"^(summary|executive summary|abstract|introduction|background|overview|key points|"
                            r"preamble|definitions|conclusions?)$", re.IGNORECASE)


@dataclass
class _Node:
    path: str
    label: str
    heading: str
    level: int
    number: str = ""
    kind: ClauseKind = "provision"


@dataclass
class _Item:
    path: str
    label: str  # "2", "2(a)"


def segment(blocks: list[Block], doc_id: str) -> tuple[str, list[Section], list[Clause]]:
    """Build (text, sections, clauses) from blocks in reading order."""
    offsets, cursor = [], 0
    for block in blocks:
        offsets.append(cursor)
        cursor += len(block.text) + len(PARAGRAPH_BREAK)
    text = PARAGRAPH_BREAK.join(block.text for block in blocks)
    builder = _Builder(doc_id, blocks)
    for block, start in zip(blocks, offsets, strict=True):
        builder.add(block, start)
    builder.close_sections(len(text))
    return text, builder.sections, builder.clauses


def _last_body_marker(blocks: list[Block]) -> int:
    """The index of the last numbered heading or item before any annex. A "Signed at ..." line before
    it (some memoranda open with their place and date) is a signature clause, not the signature block."""
    last = -1
    for i, block in enumerate(blocks):
        heading = numbered_heading(block.text.strip())
        if heading is not None and heading.word in ANNEX_WORDS:
            break
        if heading is not None or block.list_item or is_marked(block.text):
            last = i
    return last


class _Builder:
    def __init__(self, doc_id: str, blocks: list[Block]) -> None:
        self.doc_id = doc_id
        self.sections: list[Section] = []
        self.clauses: list[Clause] = []
        self.stack: list[_Node] = []
        self.seen: set[str] = set()
        self.phase = "title"  # title -> preamble | narrative -> body -> signature
        self.counters: dict[str, int] = {}
        self.numbered: _Item | None = None
        self.lettered: _Item | None = None
        self.romaned: _Item | None = None  # the open "(ii)", which "(A)", "(B)" items divide
        # Reader heading levels are relative (a PDF's title font is level 1); rank the ones that
        # open sections so the outermost section is level 1 whatever the reader said.
        self.index = -1
        self.title_at = _title_headings(blocks)
        levels = {b.heading_level for i, b in enumerate(blocks) if b.heading_level is not None and i not in self.title_at}
        self.level_rank = {lvl: i for i, lvl in enumerate(sorted(levels), start=1)}
        self.reader_headings = any(b.heading_level is not None for b in blocks)
        # "Part II > Article 3": heading words nest by their usual rank, among those the text uses.
        words = {h.word for b in blocks if (h := numbered_heading(b.text)) and h.word in WORD_RANK}
        ranks = sorted({WORD_RANK[w] for w in words})
        self.word_rank = {w: ranks.index(WORD_RANK[w]) + 1 for w in words}
        self.recitals = any(RECITAL_CUES.match(b.text) for b in blocks[:80])
        self.last_body_at = _last_body_marker(blocks)
        self.blocks = blocks
        self.absorbed: set[int] = set()  # heading lines taken in as the title of the number above them

    def add(self, block: Block, start: int) -> None:
        self.index += 1
        if self.index in self.absorbed:
            return
        text = block.text.strip()
        if self.phase == "signature":
            heading = numbered_heading(text)
            if heading is None or heading.word not in ANNEX_WORDS:
                self._clause(block, start, "signature", self._next("sig"), "signature block")
                return
        if block.table_row:
            self._table_row(block, start)
            return
        if self.phase == "title" and self._title_line(block):
            self._clause(block, start, "title", self._next("t"), "title")
            return
        if self._heading(block, start):
            return
        if SIGNATURE_CUES.match(text) and len(text) < 300:
            if self.index > self.last_body_at:
                self.phase = "signature"
            self._clause(block, start, "signature", self._next("sig"), "signature block")
            return
        if self.phase == "title":
            opener = RECITAL_CUES.match(text) or PREAMBLE_OPENERS.match(text)
            self.phase = "preamble" if opener or self.recitals else "narrative"
        if self.phase in {"preamble", "narrative"} and not self.stack and not self._is_item(block):
            if self.phase == "narrative":
                path = self._next("p")
                self._clause(block, start, "narrative", path, f"para {path[1:]}")
            elif RECITAL_CUES.match(text):
                n = self.counters["recital"] = self.counters.get("recital", 0) + 1
                self._clause(block, start, "recital", self._next("p"), f"recital {n}")
            else:
                self._clause(block, start, "preamble", self._next("p"), "")
            return
        self.phase = "body"
        self._body_clause(block, start)

    # -- title block and headings ---------------------------------------------------------
    def _title_line(self, block: Block) -> bool:
        text = block.text.strip()
        if self.index in self.title_at:
            return True
        if block.emphasised and self.title_at:
            return False  # the title came from the file itself; a bold line after it heads a part
        if block.heading_level is not None or self._is_item(block) or numbered_heading(text):
            return False
        if RECITAL_CUES.match(text) or PREAMBLE_OPENERS.match(text) or SIGNATURE_CUES.match(text):
            return False
        if _SECTION_NAMES.match(text):
            return False
        if not self.clauses and not re.search(r"[.;:,]$", text) and len(text) < 400:
            return True  # a long first line without a full stop is a title ("Memorandum ... Concerning ...")
        n_title = sum(1 for c in self.clauses if c.kind == "title")
        return n_title < 6 and len(text.split()) <= 25 and not re.search(r"[.;:,]$", text) and len(text) < 250

    def _heading(self, block: Block, start: int) -> bool:
        text = block.text.strip()
        found = numbered_heading(text) or (bold_numbered_heading(text) if block.emphasised else None)
        if found is not None and not found.title and not found.rest:
            found = self._title_below(found, block)
        if found is not None and (found.word or block.heading_level is not None or block.emphasised or len(text) < 90):
            self._open_numbered(found, block, start)
            if found.rest:
                rest_start = start + block.text.rindex(found.rest)
                self._body_clause(Block(found.rest, block.page, block.page_end), rest_start)
            return True
        if block.heading_level is not None:
            level = self.level_rank.get(block.heading_level, 1)
        elif (self.phase not in {"title", "signature"} or _SECTION_NAMES.match(text)) and caps_heading(text):
            level = 1
        elif not self.reader_headings and self.phase not in {"title", "signature"} and title_case_heading(text):
            level = 2 if self.word_rank else 1
        elif block.emphasised and self.phase != "signature":
            # A bold line standing alone heads what follows: below the numbered section it sits in, if any.
            numbered = next((node for node in reversed(self.stack) if node.number), None)
            level = 1 + (numbered.level if numbered else max([0, *self.word_rank.values(), *self.level_rank.values()]))
        else:
            return False
        parent = self._parent_for(level)
        # Unnumbered headings take the next number among their siblings: after Section 6 comes s7.
        siblings = [s.section_id.rsplit(".", 1)[-1] for s in self.sections if s.parent == (parent.path if parent else None)]
        n = max([len(siblings)] + [int(k[1:]) for k in siblings if re.fullmatch(r"s\d+", k)]) + 1
        key = self._unique(f"{parent.path}.s{n}" if parent else f"s{n}", reserve=False)
        self._open(_Node(key, human_label(text), text, level), start)
        return True

    def _title_below(self, found: Heading, block: Block) -> Heading:
        """'Section II' alone on its line, its heading on the next: one section, 'Section II (General Provisions)'."""
        following = self.blocks[self.index + 1] if self.index + 1 < len(self.blocks) else None
        if following is None or following.table_row or following.list_item:
            return found
        line = following.text.strip()
        if numbered_heading(line) or is_marked(line) or SENTENCE_END.search(line) or len(line) > 150:
            return found
        set_apart = following.emphasised or caps_heading(line) or title_case_heading(line)
        if following.heading_level is not None:
            set_apart = block.heading_level is None or following.heading_level >= block.heading_level
        if not set_apart:
            return found
        self.absorbed.add(self.index + 1)
        # A heading set over two lines ("TECHNICAL MODIFICATIONS TO" / "THE TARIFF SCHEDULE") is one.
        after = self.index + 2
        while (_CONTINUES.search(line) and after < len(self.blocks) and self.blocks[after].emphasised
               and not numbered_heading(self.blocks[after].text)):
            line = f"{line} {self.blocks[after].text.strip()}"
            self.absorbed.add(after)
            after += 1
        return replace(found, title=human_label(line))

    def _open_numbered(self, found: Heading, block: Block, start: int) -> None:
        if found.word in ANNEX_WORDS:
            level = 1
        elif block.heading_level is not None:
            level = self.level_rank.get(block.heading_level, 1)
        elif found.word:
            level = self.word_rank.get(found.word, 1) + found.number.count(".")
        elif is_lettered_part(found):
            # "F." inside "Section II": one level below the numbered section it sits in.
            outer = next((n for n in reversed(self.stack) if n.number and not n.number.isalpha()), None)
            level = outer.level + 1 if outer else 1
            if outer is not None:
                found = replace(found, label=f"{outer.label}.{found.number}")
        else:
            level = found.number.count(".") + 1
        parent = self._parent_for(level)
        key = found.key
        same_kind = not found.word or parent is None or parent.path.rsplit(".", 1)[-1].startswith(found.key[:2])
        if parent is not None and parent.number and same_kind and found.number.startswith(parent.number + "."):
            key = key[: len(key) - len(found.number)] + found.number[len(parent.number) + 1 :]
        path = f"{parent.path}.{key}" if parent else key
        kind: ClauseKind = "annex" if found.word in ANNEX_WORDS or (parent and parent.kind == "annex") else "provision"
        self._open(_Node(self._unique(path, reserve=False), found.label, found.title, level, found.number, kind), start)

    def _parent_for(self, level: int) -> _Node | None:
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        return self.stack[-1] if self.stack else None

    def _open(self, node: _Node, start: int) -> None:
        self.seen.add(node.path)
        if self.stack and self.stack[-1].kind == "annex":
            node.kind = "annex"
        parent = self.stack[-1].path if self.stack else None
        self.sections.append(Section(section_id=node.path, label=node.label, heading=node.heading,
                                     level=node.level, parent=parent, start=start, end=start))
        self.stack.append(node)
        self.numbered = self.lettered = self.romaned = None
        self.phase = "body"

    def close_sections(self, text_end: int) -> None:
        for i, section in enumerate(self.sections):
            later = [s.start for s in self.sections[i + 1 :] if s.level <= section.level]
            section.end = max(section.start, later[0] - len(PARAGRAPH_BREAK) if later else text_end)

    # -- clauses --------------------------------------------------------------------------
    def _body_clause(self, block: Block, start: int) -> None:
        text = block.text
        node = self.stack[-1] if self.stack else None
        base = node.path if node else "body"
        kind: ClauseKind = node.kind if node else "provision"
        number, letter, bullet = NUMBER_MARK.match(text), LETTER_MARK.match(text), BULLET_MARK.match(text)
        if number and block.list_depth and self.numbered is not None and not number.group("dotted"):
            # A numbered list inside a numbered item holds that item's parts: "para 2(4)".
            num = number.group("paren") or number.group("num")
            self.lettered, self.romaned = _Item(f"{self.numbered.path}.{num}", f"{self.numbered.label}({num})"), None
            self._clause(block, start, kind, self.lettered.path, f"para {self.lettered.label}", number.end())
        elif number and number.group("paren") and self.lettered is not None and self._divides_letter(number.group("paren")):
            # "(1)", "(2)" under "(a)": the second level of the (a)/(1)/(A) outline of orders and statutes.
            num = number.group("paren")
            self.romaned = _Item(f"{self.lettered.path}.{num}", f"{self.lettered.label}({num})")
            self._clause(block, start, kind, self.romaned.path, f"para {self.romaned.label}", number.end())
        elif number and LETTER_MARK.match(text[number.end():]):
            # "(2)  (a)  Within 30 days ...": a clause whose first item opens on its own line.
            num = number.group("paren") or number.group("num") or number.group("dotted")
            self.numbered, self.lettered, self.romaned = _Item(f"{base}.{num}", num), None, None
            self._body_clause(replace(block, text=text[number.end():]), start + number.end())
        elif number:
            num = number.group("paren") or number.group("num") or number.group("dotted")
            rel = num[len(node.number) + 1 :] if node and node.number and num.startswith(node.number + ".") else num
            self.numbered, self.lettered, self.romaned = _Item(f"{base}.{rel}", num), None, None
            self._clause(block, start, kind, self.numbered.path, f"para {num}", number.end())
        elif letter and self.romaned is not None and len(mark := letter.group("num") or letter.group("num2")) == 1 \
                and mark.isupper():
            # "(A)", "(B)" under "(ii)": the third level of the (a)/(i)/(A) outline.
            item = _Item(f"{self.romaned.path}.{mark.lower()}", f"{self.romaned.label}({mark})")
            self._clause(block, start, kind, item.path, f"para {item.label}", letter.end())
        elif letter:
            printed = letter.group("num") or letter.group("num2")
            num = printed.lower()  # the path is case-free; the citation keeps the case printed ("para D")
            roman = len(num) > 1 and to_arabic(num) is not None
            follows = self.lettered is not None and self.lettered.path.endswith(f".{chr(ord(num[0]) - 1)}")
            sub = roman or (num in {"i", "v", "x"} and self.lettered is not None and not follows)
            parent = (self.lettered if sub and self.lettered else self.numbered)
            item = _Item(f"{parent.path if parent else base}.{num}", f"{parent.label if parent else ''}({printed})")
            if sub:
                self.romaned = item
            else:
                self.lettered, self.romaned = item, None
            self._clause(block, start, kind, item.path, f"para {item.label}", letter.end())
        elif bullet or block.list_item:
            parent = self.lettered or self.numbered
            path = self._next(f"{parent.path if parent else base}.b")
            where = f"para {parent.label}, " if parent else ""
            self._clause(block, start, kind, path, f"{where}bullet {path.rsplit('.b', 1)[-1]}",
                         bullet.end() if bullet else 0)
        else:
            path = self._next(f"{base}.p")
            self._clause(block, start, kind if node else "narrative", path, f"para {path.rsplit('.p', 1)[-1]}")

    def _divides_letter(self, num: str) -> bool:
        """Whether "(num)" is the next part of the open "(a)": its first, or the one after the last."""
        assert self.lettered is not None
        if num == "1":
            return True
        return self.romaned is not None and self.romaned.path == f"{self.lettered.path}.{int(num) - 1}"

    def _table_row(self, block: Block, start: int) -> None:
        node = self.stack[-1] if self.stack else None
        path = self._next(f"{node.path if node else 'body'}.r")
        kind: ClauseKind = node.kind if node else "narrative"
        self._clause(block, start, kind, path, f"table row {path.rsplit('.r', 1)[-1]}")

    def _clause(self, block: Block, start: int, kind: ClauseKind, path: str, where: str, marker: int = 0) -> None:
        raw = block.text
        body = marker + len(raw[marker:]) - len(raw[marker:].lstrip())
        if body >= len(raw.rstrip()):
            return
        path = self._unique(path)
        node = self.stack[-1] if self.stack else None
        section = node.label if node and kind not in {"title", "signature"} else ""
        parts = [self._cited_path(node) if section and node else "", where]
        if kind in {"preamble", "recital"}:
            section, parts = "Preamble", ["Preamble", where]
        elif kind in {"title", "signature"}:
            parts = [where.capitalize()]
        if block.page is not None:
            end = block.page_end
            parts.append(f"pp. {block.page}-{end}" if end and end != block.page else f"p. {block.page}")
        self.clauses.append(Clause(
            clause_id=f"{self.doc_id}/{path}", section=section, heading=node.heading if node and section else "",
            citation=", ".join(p for p in parts if p), kind=kind, page=block.page, page_end=block.page_end,
            start=start + body, end=start + len(raw.rstrip()), text=raw[body:].rstrip(),
        ))

    def _cited_path(self, node: _Node) -> str:
        """How the clause's section is cited; a heading with no number of its own is cited under the
        numbered section it sits in: "Section II (Areas of Cooperation), Civil Nuclear Energy"."""
        if node.number:
            return _cited_section(node)
        numbered = next((n for n in reversed(self.stack) if n.number and n is not node), None)
        return f"{_cited_section(numbered)}, {node.label}" if numbered else _cited_section(node)

    # -- helpers --------------------------------------------------------------------------
    def _is_item(self, block: Block) -> bool:
        return block.list_item or is_marked(block.text)

    def _next(self, prefix: str) -> str:
        n = self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"{prefix}{n}"

    def _unique(self, path: str, reserve: bool = True) -> str:
        candidate, n = path, 1
        while candidate in self.seen:
            n += 1
            candidate = f"{path}-{n}"
        if reserve:
            self.seen.add(candidate)
        return candidate


def _cited_section(node: _Node) -> str:
    """'Section II (General Provisions)': the printed number first, the heading in brackets."""
    heading = " ".join(node.heading.split())
    if not heading or heading.lower() == node.label.lower():
        return node.label
    return f"{node.label} ({heading})"


def _title_headings(blocks: list[Block]) -> set[int]:
    """Indices of reader headings that belong to the title block, not to the section tree.

    The title is a level-1 heading opening the document; in the run of headings before the first
    paragraph, a heading set smaller than the one that ends the run (a byline, a subtitle) joins it.
    """
    run: list[int] = []
    for i, block in enumerate(blocks[:6]):
        if block.heading_level is None:
            break
        run.append(i)
    if not run or blocks[run[0]].heading_level != 1:
        return set()
    last = blocks[run[-1]].heading_level or 1
    return {run[0]} | {i for i in run[1:-1] if (blocks[i].heading_level or 0) > last}
