"""Custom attributes the accords components set, namespaced `accords_` and plain JSON values,
so a DocBin with user data round-trips them."""
from __future__ import annotations

from spacy.tokens import Doc, Span

SPAN_KEYS = {
    "minerals": "accords_minerals",
    "institutions": "accords_institutions",
    "amounts": "accords_amounts",
    "deadlines": "accords_deadlines",
    "modality": "accords_modality",
    "types": "accords_types",
}


def register() -> None:
    # The clause context the Extractor sets before the pipeline runs: kind, parties, date, doc_type.
    Doc.set_extension("accords_context", default=None, force=True)
    Doc.set_extension("accords_modality", default=None, force=True)
    # [[start, end, force, subject], ...] per sentence, for actors and evidence.
    Doc.set_extension("accords_forces", default=None, force=True)
    Doc.set_extension("accords_actors", default=None, force=True)
    Span.set_extension("accords_amount", default=None, force=True)
    Span.set_extension("accords_deadline", default=None, force=True)


def context(doc: Doc) -> dict[str, object]:
    ctx = doc._.accords_context
    return ctx if isinstance(ctx, dict) else {}


def text(doc: Doc) -> str:
    """doc.text, built once: spaCy joins every token on each access, and each component reads it."""
    cached = doc.user_data.get("accords_text")
    if cached is None:  # our components never change the words, so the first join stays true
        cached = doc.user_data["accords_text"] = doc.text
    return cached
