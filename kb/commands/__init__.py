"""CLI command groups, one module each; kb.cli registers them."""
