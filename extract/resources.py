"""The shipped data files (gazetteers, lexicons), read once per process.

Everything a component needs to know about words lives in extract/data/*.yaml, so a reader can
change a cue without touching code; this module only loads and compiles them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"


def read_yaml(path: Path | str) -> dict[str, Any]:
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level")  # noqa: TRY004  (bad data, not a bad call)
    return data


@lru_cache(maxsize=8)
def data_file(name: str) -> dict[str, Any]:
    return read_yaml(DATA_DIR / name)


def alternation(phrases: list[str], *, flexible_space: bool = True) -> str:
    """One regex alternative per phrase, longest first so 'heavy rare earths' beats 'rare earths'."""
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        escaped = re.escape(phrase)
        if flexible_space:
            escaped = escaped.replace(r"\ ", r"\s+").replace(r"\-", r"[-\s]?")
        parts.append(escaped)
    return "|".join(parts)


@lru_cache(maxsize=1)
def modality_lexicon() -> dict[str, Any]:
    return data_file("modality.yaml")


@lru_cache(maxsize=1)
def verb_forces() -> dict[str, str]:
    """Lemma -> force for the verbs of the governing chain."""
    out: dict[str, str] = {}
    for force, lemmas in modality_lexicon()["verbs"].items():
        for lemma in lemmas:
            out[lemma] = force
    return out


@lru_cache(maxsize=1)
def recital_opener() -> re.Pattern[str]:
    words = modality_lexicon()["recital_openers"]
    return re.compile(rf"^\W*(?:{alternation(words)})\b", re.IGNORECASE)
