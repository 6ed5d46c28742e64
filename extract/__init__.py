"""Find the commitments each clause makes: Extractor(...).extract_many(docs) -> commitments per doc."""
from extract.errors import ModelNotFound
from extract.models import MODALITIES, Amount, Commitment, Deadline, force_rank

__all__ = ["MODALITIES", "Amount", "Commitment", "Deadline", "ModelNotFound", "force_rank"]
