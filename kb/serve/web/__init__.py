"""The analyst's workspace: server-rendered pages over the KnowledgeBase, beside the HTTP API.

    /                search, with facets and a one-line why per result
    /doc/{id}        one document: metadata, clause tree, commitments marked inline; #clause deep links
    /grid            documents x commitment types (+ /grid.csv, /grid.json)
    /compare         pick two to six documents, read the comparison report (+ downloads)
    /timeline        deadlines, due and past
    /login           the API key as a cookie, when the server has one

Everything ships in the package (templates/, static/): no CDN, no web fonts, no build step. Pages are
read-only GETs; document text is escaped by Jinja2's autoescape and every page carries a
Content-Security-Policy that allows only this server's own script and styles.
"""
from kb.serve.web.pages import mount

__all__ = ["mount"]
