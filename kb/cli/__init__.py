"""The accords command line (Typer + Rich): options in, KnowledgeBase calls, tables or JSON out."""
