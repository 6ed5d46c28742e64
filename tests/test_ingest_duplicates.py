"""One posting saved under two names is stored once: the second copy is reported as a duplicate of the first."""
from __future__ import annotations

from pathlib import Path

import pytest

# An invented memorandum between two invented states; short, so extraction and embedding stay quick.
TARN = """\
MEMORANDUM OF UNDERSTANDING BETWEEN THE REPUBLIC OF QUELLMARK AND THE FEDERATION OF ORSOVIA ON TARNITE SUPPLY

Section 1 – Reserves

1. The Participants will pool their reserves of tarnite and draw on them together when a smelter fails.
2. Each Participant will open its survey maps of the Velk basin to the other within ninety days.

Section 2 – Smelting

3. The Participants intend to build a joint tarnite smelter at Ostry Ford by the end of 2027.
"""


def _write(folder: Path, name: str, text: str = TARN) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _respaced(text: str) -> str:
    """The same words laid out differently: wider gaps, trailing blanks, an extra empty line, one line broken."""
    text = text.replace(" will ", "  will ").replace("\n\n", "\n\n\n").replace("\n", "   \n")
    return text.replace("together when a smelter fails.", "together\nwhen a smelter fails.")


def _statuses(report) -> dict[str, tuple[str, str | None]]:  # type: ignore[no-untyped-def]
    return {item.doc_id: (item.status, item.same_as) for item in report.ingested}


def test_copy_in_the_same_batch_is_not_stored(kb, tmp_path: Path) -> None:
    first = _write(tmp_path / "in", "tarn-accord.txt")
    second = _write(tmp_path / "in", "tarn-accord-copy.txt")
    report = kb.ingest([first, second])
    assert report.failed == []
    assert _statuses(report) == {"tarn-accord": ("added", None), "tarn-accord-copy": ("duplicate", "tarn-accord")}
    copy = next(i for i in report.ingested if i.status == "duplicate")
    assert copy.path == str(second) and copy.n_commitments == 0 and copy.n_clauses > 0
    assert kb.store.doc_ids() == ["tarn-accord"]
    assert kb.index.ids_for_doc("tarn-accord-copy") == set()


def test_copy_in_a_later_run_is_not_stored(kb, tmp_path: Path) -> None:
    assert kb.ingest([_write(tmp_path / "a", "tarn-accord.txt")]).failed == []
    later = kb.ingest([_write(tmp_path / "b", "tarn-accord-reposted.txt")])
    assert _statuses(later) == {"tarn-accord-reposted": ("duplicate", "tarn-accord")}
    assert kb.store.doc_ids() == ["tarn-accord"]


@pytest.mark.parametrize(("name", "variant"), [
    ("tarn-accord-spaced.txt", _respaced(TARN)),
    # Markdown headings and emphasis around the same words: a posting saved from a page instead of as text.
    ("tarn-accord-post.md", TARN.replace("MEMORANDUM", "# MEMORANDUM").replace("Section 1", "## Section 1")
     .replace("Section 2", "## Section 2").replace("pool their", "pool **their**")),
])
def test_layout_and_markup_do_not_make_a_new_text(kb, tmp_path: Path, name: str, variant: str) -> None:
    original = _write(tmp_path / "in", "tarn-accord.txt")
    other = _write(tmp_path / "in", name, variant)
    report = kb.ingest([original, other])
    assert _statuses(report)[other.stem] == ("duplicate", "tarn-accord")
    assert kb.store.doc_ids() == ["tarn-accord"]


def test_a_changed_word_is_a_different_text(kb, tmp_path: Path) -> None:
    original = _write(tmp_path / "in", "tarn-accord.txt")
    amended = _write(tmp_path / "in", "tarn-accord-amended.txt", TARN.replace("ninety days", "sixty days"))
    report = kb.ingest([original, amended])
    assert {i.status for i in report.ingested} == {"added"}
    assert kb.store.doc_ids() == ["tarn-accord", "tarn-accord-amended"]


def test_keep_duplicates_stores_both(kb, tmp_path: Path) -> None:
    first = _write(tmp_path / "in", "tarn-accord.txt")
    second = _write(tmp_path / "in", "tarn-accord-copy.txt")
    report = kb.ingest([first, second], keep_duplicates=True)
    assert _statuses(report) == {"tarn-accord": ("added", None), "tarn-accord-copy": ("added", None)}
    assert kb.store.doc_ids() == ["tarn-accord", "tarn-accord-copy"]
    # Once both are stored, a plain run finds each unchanged rather than one a copy of the other.
    again = kb.ingest([first, second])
    assert _statuses(again) == {"tarn-accord": ("unchanged", None), "tarn-accord-copy": ("unchanged", None)}


def test_a_file_is_never_a_duplicate_of_itself(kb, tmp_path: Path) -> None:
    path = _write(tmp_path / "in", "tarn-accord.txt")
    kb.ingest([path])
    assert _statuses(kb.ingest([path])) == {"tarn-accord": ("unchanged", None)}
    path.write_text(_respaced(TARN), encoding="utf-8")  # new bytes, same text: an update of itself
    assert _statuses(kb.ingest([path])) == {"tarn-accord": ("updated", None)}
    assert kb.store.doc_ids() == ["tarn-accord"]


def test_after_removal_the_copy_is_stored(kb, tmp_path: Path) -> None:
    kb.ingest([_write(tmp_path / "a", "tarn-accord.txt")])
    kb.remove("tarn-accord")
    report = kb.ingest([_write(tmp_path / "b", "tarn-accord-copy.txt")])
    assert _statuses(report) == {"tarn-accord-copy": ("added", None)}


def test_cli_reports_the_duplicate_and_exits_zero(run_cli, kb, tmp_path: Path) -> None:
    first = _write(tmp_path / "in", "tarn-accord.txt")
    second = _write(tmp_path / "in", "tarn-accord-copy.txt")
    result = run_cli("ingest", first, second, "--json")
    assert result.code == 0, result.stderr
    items = {i["doc_id"]: i for i in result.json()["ingested"]}
    assert "same_as" not in items["tarn-accord"]
    assert items["tarn-accord-copy"]["status"] == "duplicate"
    assert items["tarn-accord-copy"]["same_as"] == "tarn-accord"
    assert result.json()["failed"] == []

    shown = run_cli("ingest", first, second)
    assert shown.code == 0, shown.stderr
    flat = " ".join(shown.stdout.split())  # the terminal may wrap the long line
    assert "tarn-accord-copy: same text as tarn-accord (not stored; --keep-duplicates stores both)" in flat
    assert "1 unchanged, 1 duplicate" in flat

    kept = run_cli("ingest", first, second, "--keep-duplicates", "--json")
    assert kept.code == 0, kept.stderr
    assert {i["doc_id"]: i["status"] for i in kept.json()["ingested"]} == {
        "tarn-accord": "unchanged", "tarn-accord-copy": "added"}
    assert kb.store.doc_ids() == ["tarn-accord", "tarn-accord-copy"]
