"""accords knowledge base: what is stored, how it is searched, compared, followed through and served.

The data flows down the rooms, and imports only run that way:

    store/          SQLite (the truth), Chroma vectors, locking, crash points, doctor checks
    search/         query parsing, lexical and dense lists, fusion, scope, expansion, provisions
    report/         the comparison of two or more documents and its HTML/Markdown/CSV renderers
    followthrough/  deadlines, claims against signed texts, the difference between two versions
    eval/           scoring ingest, extraction and search against labelled gold
    api.py          KnowledgeBase: the one facade over all of the above
    cli/, serve/    the command line, the HTTP API and the MCP server: thin shells over KnowledgeBase
"""
