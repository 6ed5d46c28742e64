"""Finding clauses: query parsing, the lexical (FTS5) and dense (Chroma) lists, their fusion, scope
and provision boosts, thesaurus expansion, and the filters applied after ranking."""
