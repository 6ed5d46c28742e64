from __future__ import annotations


class ModelNotFound(Exception):
    """A configured model could not be loaded; the message says how to fix it in one line."""
