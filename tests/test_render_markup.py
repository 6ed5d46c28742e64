"""Terminal output shows clause text as written: square brackets are text, not Rich markup."""
from __future__ import annotations

from pathlib import Path

BRACKETS = """\
Memorandum of Understanding between the Government of the United States of America and the Government of \
the Republic of Peru on Critical Minerals [draft]

Section 1 – Stockpiles

1. The Participants intend to coordinate their stockpiles of copper [see note 4] and report yearly.
2. The Participants intend to review [/x] tariff schedules on lithium concentrate.
"""


def test_search_and_show_print_bracketed_text(run_cli, kb, tmp_path: Path) -> None:
    path = tmp_path / "us-peru-mou.txt"
    path.write_text(BRACKETS, encoding="utf-8")
    assert kb.ingest([path]).failed == []
    found = run_cli("search", "stockpiles of copper", "-k", "2")
    assert found.code == 0, found.stderr
    assert "copper [see note 4] and" in _flat(found.stdout)
    shown = run_cli("show", "us-peru-mou", "--full")
    assert shown.code == 0, shown.stderr
    assert "copper [see note 4] and" in _flat(shown.stdout) and "review [/x] tariff" in _flat(shown.stdout)
    assert "Critical Minerals [draft]" in _flat(shown.stdout)
    extracted = run_cli("extract", str(path))
    assert extracted.code == 0, extracted.stderr
    assert "Critical Minerals [draft]" in _flat(extracted.stdout)
    missing = run_cli("search", '"[/x] nowhere"')
    assert missing.code == 0 and "[/x] nowhere" in _flat(missing.stdout)


def _flat(text: str) -> str:
    return " ".join(text.split())  # the terminal wraps long lines
