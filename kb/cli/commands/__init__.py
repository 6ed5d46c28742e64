"""Command groups of the CLI, one module each; kb.cli.app registers them."""
