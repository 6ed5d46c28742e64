"""One validated Settings object: where the knowledge base lives and which models it uses."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from extract.encoder import DEFAULT_BACKEND, DEFAULT_EMBED_MODEL, Backend
from extract.nlp import DEFAULT_SPACY_MODEL

APP_NAME = "accords"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


class Settings(BaseModel):
    data_dir: Path
    spacy_model: str = DEFAULT_SPACY_MODEL
    embed_model: str = DEFAULT_EMBED_MODEL
    embed_backend: Backend = Field(
        default=DEFAULT_BACKEND, description="How clauses and queries are embedded: int8 or onnx (onnxruntime, no "
                                             "torch), torch (= fp32) or bf16 (sentence-transformers).")
    fusion: Literal["learned", "rrf"] = Field(default="learned", description="How hybrid search fuses its "
                                              "lists: the fitted ranker (kb/search/data/fusion.json) or hand-set RRF.")
    chroma_url: str | None = Field(default=None, description="http://host:port of a Chroma server; None = embedded.")
    thesaurus: str | None = Field(default=None, description="Query-expansion thesaurus file; None = the one shipped, "
                                  "'none' = no expansion.")
    max_file_mb: float = Field(default=50.0, gt=0)
    max_pages: int = Field(default=2000, gt=0)
    max_clause_chars: int = Field(default=8000, ge=200)
    max_inflated_mb: float = Field(default=512.0, gt=0)
    lock_timeout_s: float = Field(default=120.0, ge=0)

    @field_validator("chroma_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"chroma URL {value!r} must start with http:// or https://")
        return value or None

    @field_validator("thesaurus")
    @classmethod
    def _absolute_thesaurus(cls, value: str | None) -> str | None:
        """A relative path means the folder accords was started in, not wherever a server runs later."""
        from kb.search.expansion import is_off

        if value is None or is_off(value):
            return value
        return str(Path(value).expanduser().resolve())

    @classmethod
    def resolve(cls, data_dir: Path | str | None = None, **overrides: object) -> Settings:
        """--data-dir beats ACCORDS_HOME beats the per-user data dir; ACCORDS_* env vars fill the rest."""
        env = os.environ
        chosen = data_dir or env.get("ACCORDS_HOME") or default_data_dir()
        values: dict[str, object] = {"data_dir": Path(chosen).expanduser()}
        for field, var in (
            ("spacy_model", "ACCORDS_SPACY_MODEL"),
            ("embed_model", "ACCORDS_EMBED_MODEL"),
            ("embed_backend", "ACCORDS_EMBED_BACKEND"),
            ("fusion", "ACCORDS_FUSION"),
            ("chroma_url", "ACCORDS_CHROMA_URL"),
            ("thesaurus", "ACCORDS_THESAURUS"),
            ("max_file_mb", "ACCORDS_MAX_FILE_MB"),
            ("max_pages", "ACCORDS_MAX_PAGES"),
            ("max_clause_chars", "ACCORDS_MAX_CLAUSE_CHARS"),
            ("max_inflated_mb", "ACCORDS_MAX_INFLATED_MB"),
            ("lock_timeout_s", "ACCORDS_LOCK_TIMEOUT"),
        ):
            if env.get(var):
                values[field] = env[var]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "accords.db"

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def max_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    def limits(self):
        from ingest.limits import Limits

        return Limits(max_bytes=self.max_bytes, max_pages=self.max_pages, max_clause_chars=self.max_clause_chars,
                      max_inflated_bytes=int(self.max_inflated_mb * 1024 * 1024))
