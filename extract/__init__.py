"""Find the commitments each clause makes: Extractor(...).extract_many(docs) -> commitments per doc."""
from extract.errors import ModelNotFound
from extract.extractor import ClauseAnalysis, Extractor, extraction_record
from extract.models import MODALITIES, Amount, Commitment, Deadline, force_rank
from extract.taxonomy import Taxonomy, TypeSpec, load_taxonomy

__all__ = [
    "MODALITIES", "Amount", "ClauseAnalysis", "Commitment", "Deadline", "Extractor", "ModelNotFound", "Taxonomy",
    "TypeSpec", "extraction_record", "force_rank", "load_taxonomy",
]
