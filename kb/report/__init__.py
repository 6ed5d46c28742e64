"""Comparing agreements: the comparison model, how it is built from stored clauses and commitments,
the legalisation profile, its sentences, and the HTML, Markdown and CSV renderers."""
