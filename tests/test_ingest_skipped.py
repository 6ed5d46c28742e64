"""Walking a folder names the files it could not read by type, instead of passing over them in silence."""
from __future__ import annotations

from pathlib import Path

import ingest

# A short invented note, enough for one stored document.
NOTE = """\
JOINT NOTE OF THE REPUBLIC OF QUELLMARK AND THE FEDERATION OF ORSOVIA ON BRENNITE

1. The Participants will exchange assay results for brennite ore from the Halden pits every quarter.
"""


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "postings"
    (folder / "drafts").mkdir(parents=True)
    (folder / "brennite-note.txt").write_text(NOTE, encoding="utf-8")
    (folder / "budget.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (folder / "drafts" / "map.png").write_bytes(b"\x89PNG\r\n\x1a\n not really an image")
    # Not documents on purpose, so not "skipped" either: a hidden file, a sidecar and an ignored file.
    (folder / ".cache.db").write_bytes(b"\x00")
    (folder / "orphan.meta.yaml").write_text("title: Nothing\n", encoding="utf-8")
    (folder / "scratch.csv").write_text("a,b\n", encoding="utf-8")
    (folder / ".accordsignore").write_text("scratch.csv\n", encoding="utf-8")
    return folder


def test_discover_lists_unsupported_files_apart(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    found = ingest.discover([folder])
    assert list(found) == [folder / "brennite-note.txt"]
    assert [(s.path, s.reason) for s in found.skipped] == [
        (folder / "budget.xlsx", "unsupported file type .xlsx"),
        (folder / "drafts" / "map.png", "unsupported file type .png"),
    ]


def test_a_named_file_is_still_a_failure_not_a_skip(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    found = ingest.discover([folder / "budget.xlsx"])
    assert list(found) == [folder / "budget.xlsx"] and found.skipped == []


def test_report_carries_the_skipped_files(kb, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    report = kb.ingest([folder])
    assert report.failed == []
    assert [i.doc_id for i in report.ingested] == ["brennite-note"]
    assert [(s.path, s.reason) for s in report.skipped] == [
        (str(folder / "budget.xlsx"), "unsupported file type .xlsx"),
        (str(folder / "drafts" / "map.png"), "unsupported file type .png"),
    ]


def test_cli_shows_skipped_files_and_exits_zero(run_cli, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = run_cli("ingest", folder, "--json")
    assert result.code == 0, result.stderr
    assert result.json()["skipped"] == [
        {"path": str(folder / "budget.xlsx"), "reason": "unsupported file type .xlsx"},
        {"path": str(folder / "drafts" / "map.png"), "reason": "unsupported file type .png"},
    ]
    assert result.json()["failed"] == []

    again = run_cli("ingest", folder)
    assert again.code == 0, again.stderr
    assert "1 unchanged; skipped 2 files of unsupported types (.xlsx, .png)" in " ".join(again.stdout.split())
