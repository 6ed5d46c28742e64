"""What is stored and how it stays whole: SQLite (the truth), the Chroma vectors that follow it,
the write lock, crash points for tests, and the doctor's checks. All SQL lives in this room."""
