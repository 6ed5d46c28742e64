"""The textual forms agreements use, as patterns: headings, paragraph markers, recitals, signatures.

Kept apart from the segmenter so the rules read as a list and can be tested one by one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
# Words that open a numbered heading, mapped to the path prefix their sections get.
HEADING_WORDS = {"part": "pt", "chapter": "ch", "section": "s", "article": "art", "annex": "annex",
                 "appendix": "app", "schedule": "sch"}
ANNEX_WORDS = {"annex", "appendix", "schedule"}
# Outer to inner: a Part holds Chapters, a Chapter holds Sections or Articles.
WORD_RANK = {"part": 1, "chapter": 2, "section": 3, "article": 3}

# The abbreviations drafters print for the same words: "Sec. 3.", "Art. 5".
ABBREVIATIONS = {"sec": "section", "art": "article"}
_NUMBERED_HEADING = re.compile(
    r"^(?P<word>section|article|part|chapter|annex|appendix|schedule|(?:sec|art)(?=\.))\.?"
    r"(?:\s+(?P<num>[0-9]{1,3}(?:\.[0-9]{1,3})*|[IVXLC]{1,7}|[A-Z]|one|two|three|four|five|six|seven|eight|nine|ten))?"
    r"(?![\w])(?P<sep>\s*[-–—:.]\s*|\s+|$)(?P<title>.*)$",
    re.IGNORECASE,
)
_NUMERIC_HEADING = re.compile(
    r"^(?P<num>[0-9]{1,2}(?:\.[0-9]{1,2})*|[IVX]{1,5}(?=\.)|[A-H](?=\.))\.?\s+"
    r"(?P<title>[A-Z](?:[^.;:]|\.(?=[A-Z]\.|[-–]))" "{1,100})$")  # "U.S.-UK" inside a heading is no full stop
_BOLD_NUMBERED = re.compile(r"^(?P<num>[0-9]{1,2}|[IVX]{1,5})\.\s+(?P<title>[A-Z].{2,200})$")
_GLUED_NUMBER = re.compile(r"^(Section|Sec\.|Article|Art\.)(\d)", re.IGNORECASE)
NUMBER_MARK = re.compile(r"^(?:\((?P<paren>[0-9]{1,3})\)|(?P<num>[0-9]{1,3}(?:\.[0-9]{1,3})*)[.)]"
                         r"|(?P<dotted>[0-9]{1,3}(?:\.[0-9]{1,3})+))\s+")
_ROMAN_RE = r"(?:x{0,3}(?:ix|iv|v?i{0,3}))"
LETTER_MARK = re.compile(rf"^(?:\((?P<num>[a-z]{{1,2}}|{_ROMAN_RE})\)|(?P<num2>[a-z]|{_ROMAN_RE})[.)])\s+", re.IGNORECASE)
BULLET_MARK = re.compile(r"^[-*•–▪◦●]\s+")
RECITAL_CUES = re.compile(
    r"^(whereas|recognizing|recognising|additionally recognizing|additionally recognising|further recognizing|"
    r"noting|considering|seeking|emphasizing|emphasising|desiring|believing|acknowledging|affirming|"
    r"reaffirming|recalling|mindful|conscious|determined|welcoming|underscoring|taking into account|"
    r"having regard|bearing in mind|convinced|aware|stressing|sharing)\b",
    re.IGNORECASE,
)
SIGNATURE_CUES = re.compile(
    r"^(signed at|signed in|signed on|done at|done in|in witness whereof)\b"
    r"|^for (the )?(government|republic|kingdom|state|commonwealth|ministry|department|united states|"
    r"people's|federal|european|sultanate|emirate)\b.{0,100}:?\s*$",
    re.IGNORECASE,
)
PREAMBLE_OPENERS = re.compile(r"^(the government of|the governments of|the united states of america and|"
                              r"the parties to|the participants|we,\s|the leaders of)", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.;:!?,]\s*$")
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}


@dataclass(frozen=True)
class Heading:
    key: str  # path component: "s1", "art3", "annexa"
    label: str  # how a citation names it: "Section I", "Article 3", "Annex A"
    title: str  # the words after the label
    word: str  # "section", "article", ... or "" for a bare number ("3.1 Stockpiling")
    number: str  # "3", "3.1", "" when unnumbered
    rest: str = ""  # run-in text after the heading ("Article 3. The Parties shall ..."), a clause


def numbered_heading(text: str) -> Heading | None:
    """'Section I – Critical Minerals', 'Article 3', 'Annex A', '3.1 Stockpiling'; None for sentences.

    'Section 2 of this Framework provides ...' is a cross-reference, not a heading.
    """
    text = _GLUED_NUMBER.sub(r"\1 \2", text)  # "Section1." as some pages print it
    match = _NUMBERED_HEADING.match(text)
    if match:
        word = match.group("word").lower()
        word = ABBREVIATIONS.get(word, word)
        num = match.group("num") or ""
        title = match.group("title").strip()
        if not num and word not in ANNEX_WORDS:
            return None
        if not num and title and not match.group("sep").strip():
            return None  # "Annex to the Agreement ..." reads as a sentence about an annex
        if title and title[0].islower():
            return None
        key_num = _key_number(num, word)
        label = f"{word.capitalize()} {num}".strip()
        heading_title, rest = _split_run_in(title)
        if heading_title is None:
            return None
        return Heading(f"{HEADING_WORDS[word]}{key_num}", label, heading_title.strip(" -–—:."), word, num, rest)
    numeric = _NUMERIC_HEADING.match(text)
    if numeric and len(numeric.group("title").split()) <= 12 and _title_case(numeric.group("title")):
        num = numeric.group("num")
        if len(num) == 1 and num.isalpha() and num not in "IVX":
            # "F. Trade and Security": a lettered part, numbered within the section around it.
            return Heading(f"s{num.lower()}", num, numeric.group("title").strip(), "", num)
        key = str(to_arabic(num)) if num.isalpha() else num  # "II. Objectives" is the second part
        return Heading(f"s{key}", f"Section {num}", numeric.group("title").strip(), "", key)
    return None


def bold_numbered_heading(text: str) -> Heading | None:
    """A numbered line set in bold ("2. Advancing Cooperation on Technology Protection, Toolkits and
    Supply Chains"): a heading even when it is longer or less title-cased than a plain line must be."""
    match = _BOLD_NUMBERED.match(text)
    if not match or len(match.group("title").split()) > 20 or SENTENCE_END.search(text):
        return None
    num = match.group("num")
    key = str(to_arabic(num)) if num.isalpha() else num
    return Heading(f"s{key}", f"Section {num}", match.group("title").strip(), "", key)


def is_lettered_part(heading: Heading) -> bool:
    return not heading.word and heading.number.isalpha() and len(heading.number) == 1


def _split_run_in(title: str) -> tuple[str | None, str]:
    """(heading title, run-in text); None when the words after the label are a sentence."""
    if is_marked(title):
        return "", title  # "Section 1. (a) The following are prohibited": no heading, the first item runs in
    if len(title) <= 100 and not re.search(r"[.;]\s+\S", title) and not (title.endswith(".") and len(title.split()) > 8):
        return title, ""
    # "Stockpiling. The Participants will ..." : a short heading, then the first clause; a longer heading
    # when an item follows it ("Annual Report to the President by the Secretary. (a) The Secretary ...").
    run_in = re.match(r"^([^.;:]{0,120}?)[.:]\s+([A-Z(].*)$", title)
    if run_in and len(run_in.group(1).split()) <= (16 if is_marked(run_in.group(2)) else 8):
        return run_in.group(1), run_in.group(2)
    if title[:1].isupper() and len(title.split()) > 8 and not re.match(r"^[^.]{0,80}$", title):
        return "", title  # "Article 3 The Parties shall ..." with no heading words at all
    return None, ""


def _key_number(num: str, word: str) -> str:
    if not num:
        return ""
    lowered = num.lower()
    if lowered in _WORD_NUMBERS:
        return str(_WORD_NUMBERS[lowered])
    arabic = to_arabic(num)
    # "Annex A" stays a letter; "Annex I" is read as the roman one (a letter series rarely gets to I).
    if len(num) == 1 and num.isalpha() and word in ANNEX_WORDS and num.upper() not in "IVX":
        return lowered
    return str(arabic) if arabic is not None else lowered


def to_arabic(num: str) -> int | None:
    if num.isdigit():
        return int(num)
    lowered = num.lower()
    if not re.fullmatch(r"[ivxlc]+", lowered):
        return None
    total, prev = 0, 0
    for ch in reversed(lowered):
        value = _ROMAN[ch]
        total += -value if value < prev else value
        prev = max(prev, value)
    return total


def _title_case(text: str) -> bool:
    small = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "with", "by", "or", "at"}
    return all(w[0].isupper() or w.lower() in small or not w[0].isalpha() for w in text.split())


def caps_heading(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return (len(letters) >= 4 and text.upper() == text and len(text.split()) <= 10
            and not SENTENCE_END.search(text) and not SIGNATURE_CUES.match(text))


def title_case_heading(text: str) -> bool:
    words = text.split()
    if not 1 <= len(words) <= 8 or SENTENCE_END.search(text) or is_marked(text):
        return False
    return _title_case(text) and not re.search(r"\d{4}", text)


def is_marked(text: str) -> bool:
    return bool(NUMBER_MARK.match(text) or LETTER_MARK.match(text) or BULLET_MARK.match(text))


def human_label(text: str) -> str:
    """'AREAS OF COOPERATION' -> 'Areas of Cooperation': capitals shout in a citation."""
    if text.upper() != text:
        return text
    small = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "with", "by", "or", "at"}
    words = text.lower().split()
    return " ".join(w if i and w in small else w[:1].upper() + w[1:] for i, w in enumerate(words))
