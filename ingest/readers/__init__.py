"""One reader per format: bytes in, Blocks out. Readers raise IngestError for unreadable input."""
