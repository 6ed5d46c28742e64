"""Scoring accords against labelled gold: ingest (metadata, citations), extraction (types, force,
actors, deadlines) and search (recall, reciprocal rank)."""
