"""Turn reader blocks into the normalised document text, a section tree and citable clauses.

Agreements share a small set of forms (title block, preamble and recitals, "Section I",
"Article 3", "3.1", "(a)", "(iv)", bullets, signature block, annex); the rules below read them.
A clause is one paragraph or one list item; its offsets point into the text built here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.blocks import Block
from ingest.models import Clause, ClauseKind, Section

PARAGRAPH_BREAK = "\n\n"

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_NUMBERED_HEADING = re.compile(
    r"^(?P<word>section|article|part|chapter|annex|appendix|schedule)\s+"
    r"(?P<num>[0-9]{1,3}(?:\.[0-9]{1,3})?|[IVXLC]{1,7}|[A-Z])\b\.?\s*(?:[-–—:.]\s*)?(?P<title>.*)$",
    re.IGNORECASE,
)
_NUMBER_MARK = re.compile(r"^(?P<num>[0-9]{1,3}(?:\.[0-9]{1,3})*)(?:[.)]|(?=\s))\s+")
_LETTER_MARK = re.compile(r"^\((?P<num>[a-z]{1,2}|[ivxl]{1,6})\)\s+|^(?P<num2>[a-z])[.)]\s+")
_BULLET_MARK = re.compile(r"^[-*•–▪◦]\s+")
_RECITAL_CUES = re.compile(
    r"^(whereas|recognizing|recognising|additionally recognizing|additionally recognising|noting|"
    r"considering|seeking|emphasizing|emphasising|desiring|believing|acknowledging|affirming|reaffirming|"
    r"recalling|mindful|conscious|determined|welcoming|underscoring|taking into account|having regard)\b",
    re.IGNORECASE,
)
_SIGNATURE_CUES = re.compile(
    r"^(signed at|signed in|done at|done in|in witness whereof|for the government of|for the united states|"
    r"for the kingdom|for the republic|for the state of)\b",
    re.IGNORECASE,
)
_PREAMBLE_OPENERS = re.compile(r"^(the government of|the governments of|the united states of america and|we,\s)", re.I)
_SENTENCE_END = re.compile(r"[.;:!?,]\s*$")


@dataclass
class _Node:
    path: str
    label: str
    heading: str
    level: int
    kind: ClauseKind = "provision"
    children: dict[str, int] = field(default_factory=dict)


def segment(blocks: list[Block], doc_id: str) -> tuple[str, list[Section], list[Clause]]:
    """Build (text, sections, clauses) from blocks in reading order."""
    parts: list[str] = []
    offsets: list[int] = []
    cursor = 0
    for block in blocks:
        offsets.append(cursor)
        parts.append(block.text)
        cursor += len(block.text) + len(PARAGRAPH_BREAK)
    text = PARAGRAPH_BREAK.join(parts)

    builder = _Builder(doc_id, text)
    for block, start in zip(blocks, offsets, strict=True):
        builder.add(block, start)
    builder.close_sections(len(text))
    return text, builder.sections, builder.clauses


class _Builder:
    def __init__(self, doc_id: str, text: str) -> None:
        self.doc_id = doc_id
        self.text = text
        self.sections: list[Section] = []
        self.clauses: list[Clause] = []
        self.stack: list[_Node] = []
        self.seen_paths: set[str] = set()
        self.phase = "title"  # title -> preamble -> body -> signature
        self.counters: dict[str, int] = {}
        self.last_numbered: str | None = None
        self.last_lettered: str | None = None

    # -- headings ---------------------------------------------------------------------------
    def add(self, block: Block, start: int) -> None:
        text = block.text
        if self.phase == "signature" and not self._is_strong_heading(block):
            self._clause(block, start, "signature", self._next("sig"), "signature block")
            return
        heading = self._heading(block)
        if heading is not None:
            self._open_section(*heading, start=start)
            return
        if _SIGNATURE_CUES.match(text) and self.phase != "title":
            self.phase = "signature"
            self._clause(block, start, "signature", self._next("sig"), "signature block")
            return
        if self.phase == "title":
            if self._starts_preamble(text) or len(self.clauses) >= 3 or self._is_list_item(block):
                self.phase = "preamble" if not self._is_list_item(block) else "body"
            else:
                self._clause(block, start, "title", self._next("t"), "title")
                return
        if self.phase == "preamble" and not self.stack:
            if _RECITAL_CUES.match(text):
                n = self.counters.get("recital", 0) + 1
                self.counters["recital"] = n
                self._clause(block, start, "recital", self._next("p"), f"preamble, recital {n}")
                return
            if not self._is_list_item(block):
                self._clause(block, start, "preamble", self._next("p"), "preamble")
                return
            self.phase = "body"
        self.phase = "body" if self.phase != "signature" else self.phase
        self._body_clause(block, start)

    def _heading(self, block: Block) -> tuple[str, str, str, int] | None:
        """(path, label, heading, level) when the block is a heading."""
        text = block.text.strip()
        numbered = _NUMBERED_HEADING.match(text)
        if numbered and self._heading_shaped(text, numbered.group("title")):
            word = numbered.group("word").lower()
            num = numbered.group("num")
            arabic = _to_arabic(num)
            prefix = {"article": "art", "annex": "annex", "appendix": "app", "schedule": "sch"}.get(word, "s")
            lettered = prefix != "s" and prefix != "art" and len(num) == 1 and num.isalpha()
            key = num.lower() if lettered or arabic is None else str(arabic)
            label = f"{word.capitalize()} {num}"
            level = block.heading_level or (2 if "." in num else 1)
            return f"{prefix}{key}", label, numbered.group("title").strip(" -–—:."), level
        if block.heading_level is not None:
            if block.heading_level == 1 and self.phase == "title" and not self.clauses:
                return None  # a document's '# Title' is its title block, not a section
            return _slug(text), text, text, max(1, block.heading_level - 1)
        if self._caps_heading(text) or self._title_case_heading(text):
            return _slug(text), text.title() if text.isupper() else text, text, 1
        return None

    def _is_strong_heading(self, block: Block) -> bool:
        numbered = _NUMBERED_HEADING.match(block.text.strip())
        return bool(numbered and numbered.group("word").lower() in {"annex", "appendix", "schedule"})

    @staticmethod
    def _heading_shaped(text: str, title: str) -> bool:
        # "Section 2 of the Agreement provides that ..." is a sentence, not a heading.
        if len(text) > 120 or (title and title[0].islower()):
            return False
        return not re.search(r"[.;]\s*\S", title) and not (title.endswith(".") and len(title.split()) > 8)

    def _caps_heading(self, text: str) -> bool:
        letters = [c for c in text if c.isalpha()]
        return (
            self.phase != "title"
            and len(letters) >= 4
            and text.upper() == text
            and len(text.split()) <= 10
            and not _SENTENCE_END.search(text)
            and not _SIGNATURE_CUES.match(text)
        )

    def _title_case_heading(self, text: str) -> bool:
        words = text.split()
        if self.phase in {"title", "signature"} or not 1 <= len(words) <= 8 or _SENTENCE_END.search(text):
            return False
        if _NUMBER_MARK.match(text) or _LETTER_MARK.match(text) or _BULLET_MARK.match(text):
            return False
        small = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "with", "by", "or", "at"}
        return all(w[0].isupper() or w.lower() in small or not w[0].isalpha() for w in words)

    def _open_section(self, path: str, label: str, heading: str, level: int, start: int) -> None:
        if self.phase in {"title", "preamble"}:
            self.phase = "body"
        while self.stack and self.stack[-1].level >= level:
            self.stack.pop()
        if self.stack:
            path = f"{self.stack[-1].path}.{path}"
        path = self._unique(path)
        kind: ClauseKind = "annex" if path.split(".")[0].startswith(("annex", "app", "sch")) else "provision"
        if self.stack and self.stack[-1].kind == "annex":
            kind = "annex"
        node = _Node(path=path, label=label, heading=heading or label, level=level, kind=kind)
        self.sections.append(
            Section(
                section_id=path,
                label=label,
                heading=heading,
                level=level,
                parent=self.stack[-1].path if self.stack else None,
                start=start,
                end=start,
            )
        )
        self.stack.append(node)
        self.last_numbered = self.last_lettered = None
        if self.phase == "signature":
            self.phase = "body"

    def close_sections(self, text_end: int) -> None:
        starts = sorted((s.start, i) for i, s in enumerate(self.sections))
        for pos, (_, index) in enumerate(starts):
            section = self.sections[index]
            later = [self.sections[j].start for _, j in starts[pos + 1 :] if self.sections[j].level <= section.level]
            section.end = later[0] - len(PARAGRAPH_BREAK) if later else text_end
            if section.end < section.start:
                section.end = section.start

    # -- clauses ----------------------------------------------------------------------------
    def _body_clause(self, block: Block, start: int) -> None:
        text = block.text
        base = self.stack[-1].path if self.stack else "body"
        kind: ClauseKind = self.stack[-1].kind if self.stack else "provision"
        number = _NUMBER_MARK.match(text)
        letter = _LETTER_MARK.match(text)
        bullet = _BULLET_MARK.match(text)
        if number:
            num = number.group("num").rstrip(".")
            path = f"{base}.{num}"
            self.last_numbered, self.last_lettered = path, None
            self._clause(block, start, kind, path, f"para {num}", marker=number.end())
        elif letter:
            num = letter.group("num") or letter.group("num2")
            roman = _to_arabic(num) if re.fullmatch(r"[ivxl]+", num) and num not in {"i", "v", "x", "l"} else None
            is_sub = roman is not None or (num in {"i", "v", "x"} and self.last_lettered is not None
                                            and not self.last_lettered.endswith(f".{chr(ord(num) - 1)}"))
            parent = (self.last_lettered if is_sub and self.last_lettered else self.last_numbered) or base
            path = f"{parent}.{num}"
            if not is_sub:
                self.last_lettered = path
            label = f"para {parent.split('.', 1)[-1].replace('.', '')}({num})" if parent != base else f"({num})"
            self._clause(block, start, kind, path, label, marker=letter.end())
        elif bullet or block.list_item:
            parent = self.last_lettered or self.last_numbered or base
            path = self._next(f"{parent}.b")
            self._clause(block, start, kind, path, f"bullet {path.rsplit('.b', 1)[-1]}",
                         marker=bullet.end() if bullet else 0)
        else:
            path = self._next(f"{base}.p")
            kind = kind if self.stack else "narrative"
            self._clause(block, start, kind, path, f"para {path.rsplit('.p', 1)[-1]}")

    def _clause(self, block: Block, start: int, kind: ClauseKind, path: str, where: str, marker: int = 0) -> None:
        raw = block.text
        body_start = marker
        while body_start < len(raw) and raw[body_start].isspace():
            body_start += 1
        if body_start >= len(raw):
            return
        path = self._unique(path)
        node = self.stack[-1] if self.stack else None
        section_label = node.label if node else ("Preamble" if kind in {"preamble", "recital"} else "")
        citation_parts = [p for p in (section_label if kind not in {"title", "signature"} else "", where) if p]
        if kind in {"preamble", "recital"}:
            citation_parts = [where.capitalize()]
        if block.page is not None:
            pages = f"p. {block.page}" if not block.page_end or block.page_end == block.page else (
                f"pp. {block.page}-{block.page_end}")
            citation_parts.append(pages)
        self.clauses.append(
            Clause(
                clause_id=f"{self.doc_id}/{path}",
                section=section_label,
                heading=node.heading if node else "",
                citation=", ".join(citation_parts),
                kind=kind,
                page=block.page,
                page_end=block.page_end,
                start=start + body_start,
                end=start + len(raw),
                text=raw[body_start:],
            )
        )

    # -- helpers ----------------------------------------------------------------------------
    def _starts_preamble(self, text: str) -> bool:
        return bool(_RECITAL_CUES.match(text) or _PREAMBLE_OPENERS.match(text)) or len(text.split()) > 25

    @staticmethod
    def _is_list_item(block: Block) -> bool:
        text = block.text
        return bool(block.list_item or _NUMBER_MARK.match(text) or _LETTER_MARK.match(text) or _BULLET_MARK.match(text))

    def _next(self, prefix: str) -> str:
        n = self.counters.get(prefix, 0) + 1
        self.counters[prefix] = n
        return f"{prefix}{n}"

    def _unique(self, path: str) -> str:
        candidate, n = path, 1
        while candidate in self.seen_paths:
            n += 1
            candidate = f"{path}-{n}"
        self.seen_paths.add(candidate)
        return candidate


def _to_arabic(num: str) -> int | None:
    if num.isdigit():
        return int(num)
    if "." in num:
        return None
    lowered = num.lower()
    if not re.fullmatch(r"[ivxlc]+", lowered):
        return None
    total, prev = 0, 0
    for ch in reversed(lowered):
        value = _ROMAN[ch]
        total += -value if value < prev else value
        prev = max(prev, value)
    return total


def _slug(text: str, words: int = 4) -> str:
    tokens = re.findall(r"[a-z0-9]+", text.lower())
    return "-".join(tokens[:words]) or "section"
