"""Money amounts in clause text: "$1 billion", "AUD 1 billion", "US$2.2 billion",
"up to 200 million dollars", "EUR 1.2bn" -> value (plain number), ISO 4217 currency, bound.

Pure functions over a string; the accords_amounts component turns the hits into spans.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.resources import alternation, data_file

SCALES = {
    "trillion": 1e12, "tn": 1e12, "tr": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mil": 1e6, "thousand": 1e3, "k": 1e3,
}
WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "several": 3,
}
# Words before an amount that bound it; checked against the text just before the figure.
BOUNDS = [
    (r"(?:at\s+least|not\s+less\s+than|no\s+less\s+than|a\s+minimum\s+of|minimum\s+of|upwards\s+of)", "at_least"),
    ((r"(?:up\s+to|as\s+much\s+as|no\s+more\s+than|not\s+more\s+than|not\s+exceeding|a\s+maximum\s+of|"
      r"maximum\s+of|capped\s+at|a\s+ceiling\s+of)"), "up_to"),
    (r"(?:more\s+than|over|in\s+excess\s+of|exceeding|above|beyond)", "more_than"),
    ((r"(?:about|around|approximately|approx\.|roughly|some|nearly|almost|close\s+to|an\s+estimated|"
      r"estimated|circa|c\.)"), "about"),
]
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_WORD_NUM = "|".join(sorted((w for w in WORD_NUMBERS if w not in {"a", "an"}), key=len, reverse=True))
_SCALE_WORDS = r"trillion|billion|million|thousand"
_SCALE_SHORT = r"tn|bn|bln|mn|mln|mil|b|m|k"


@dataclass(frozen=True)
class AmountHit:
    start: int  # offsets into the text given, bound words included
    end: int
    value: float
    currency: str | None
    bound: str
    text: str

    def as_dict(self) -> dict[str, object]:
        return {"value": self.value, "currency": self.currency, "bound": self.bound, "text": self.text}


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], dict[str, str], dict[str, str]]:
    currencies = data_file("currencies.yaml")
    prefixes: dict[str, str] = {str(k): str(v) for k, v in currencies["prefixes"].items()}
    suffixes: dict[str, str] = {str(k).lower(): str(v) for k, v in currencies["suffixes"].items()}
    pre = alternation(list(prefixes), flexible_space=False)
    suf = alternation(list(suffixes))
    scale = rf"(?:\s*(?P<short>{_SCALE_SHORT})\b|\s+(?P<word>{_SCALE_WORDS})\b|\s*-\s*(?P<dash>{_SCALE_WORDS})\b)?"
    # "US$2.2 billion", "AUD 1 billion", "EUR 1.2bn": a sign or code, then the figure.
    prefixed = re.compile(rf"(?<![A-Za-z])(?P<cur>{pre})\s?(?P<num>{_NUM}){scale}", re.IGNORECASE)
    # "200 million dollars", "one billion US dollars", "5 billion yen", "1.5 billion USD".
    suffixed = re.compile(
        rf"\b(?P<num>{_NUM}|{_WORD_NUM}|an?)(?:\s+(?P<word>{_SCALE_WORDS})|\s*(?P<short>{_SCALE_SHORT}))?"
        rf"\s+(?:of\s+)?(?P<cur>{suf})\b",
        re.IGNORECASE,
    )
    bound = re.compile(rf"(?:{'|'.join(f'(?P<b{i}>{p})' for i, (p, _) in enumerate(BOUNDS))})\s*$", re.IGNORECASE)
    return prefixed, suffixed, bound, {k.lower(): v for k, v in prefixes.items()}, suffixes


def _number(raw: str) -> float | None:
    raw = raw.lower().replace(",", "")
    if raw in WORD_NUMBERS:
        return float(WORD_NUMBERS[raw])
    try:
        return float(raw)
    except ValueError:
        return None


def find_amounts(text: str) -> list[AmountHit]:
    """Every money figure in the text, in order, without overlaps."""
    prefixed, suffixed, bound_re, prefixes, suffixes = _patterns()
    hits: list[AmountHit] = []
    taken: list[tuple[int, int]] = []
    for pattern, table in ((prefixed, prefixes), (suffixed, suffixes)):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(s < end and start < e for s, e in taken):
                continue
            number = _number(match.group("num"))
            if number is None:
                continue
            scale_word = (match.group("word") or match.group("short") or
                          (match.groupdict().get("dash") or "")).lower()
            if pattern is suffixed and match.group("num").lower() in {"a", "an"} and not scale_word:
                continue  # "a dollar" is not an amount anyone commits to
            if pattern is prefixed and scale_word in {"m", "b", "k"} and not _attached(match):
                scale_word = ""  # "$5 m" is rare; "$5 bonds" would be wrong
            value = number * SCALES.get(scale_word, 1.0)
            currency = table.get(re.sub(r"\s+", " ", match.group("cur")).lower())
            bound, start = _bound(text, start, bound_re)
            if re.match(r"\s+or\s+more\b", text[end:]):
                bound = "at_least"
            taken.append((start, end))
            hits.append(AmountHit(start, end, value, currency, bound, text[start:end]))
    return sorted(hits, key=lambda h: h.start)


def _attached(match: re.Match[str]) -> bool:
    return match.end("num") == match.start("short")


def _bound(text: str, start: int, bound_re: re.Pattern[str]) -> tuple[str, int]:
    window_start = max(0, start - 40)
    found = bound_re.search(text[window_start:start])
    if not found:
        return "exact", start
    for i, (_, name) in enumerate(BOUNDS):
        if found.group(f"b{i}"):
            return name, window_start + found.start()
    return "exact", start

