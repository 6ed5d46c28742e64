"""Which signed instrument an announcement's claims are checked against when nothing names it:
one of the same parties, dated near the announcement; never another country's.

The rule is tested on document summaries first, then end to end on made-up texts whose parties,
dates and types come from sidecar files (so the answer does not depend on how ingest reads them).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kb.followthrough.claims import match_signed, pairs_with, pick_instruments, rank_instruments
from kb.models import DocSummary

US_AU = ["United States", "Australia"]


def _summary(doc_id: str, parties: list[str], doc_type: str, date: dt.date | None,
             title: str = "") -> DocSummary:
    return DocSummary(doc_id=doc_id, title=title or doc_id, date=date, parties=parties, doc_type=doc_type)


AU_SHEET = _summary("au-sheet", US_AU, "fact_sheet", dt.date(2025, 10, 20))
AU_FRAMEWORK = _summary("au-framework", ["Australia", "United States"], "framework", dt.date(2025, 10, 20))
TH_MOU = _summary("th-mou", ["United States", "Thailand"], "memorandum", dt.date(2025, 10, 26))
OLD_AU = _summary("au-compact-2023", US_AU, "framework", dt.date(2023, 5, 20))
TRILATERAL = _summary("trilateral-statement", ["Australia", "Japan", "United States"], "joint_statement",
                      dt.date(2025, 7, 1))
DECLARATION = _summary("many-party-declaration", [*US_AU, "Canada", "France", "Japan", "Norway"], "joint_statement",
                       dt.date(2025, 9, 1))
UNDATED_AU = _summary("au-framework-undated", US_AU, "framework", None)
AU_RELEASE = _summary("au-release", US_AU, "press_release", dt.date(2025, 10, 21))


def test_another_countrys_instrument_never_pairs() -> None:
    assert not pairs_with(AU_SHEET, TH_MOU)
    assert match_signed(AU_SHEET, [AU_SHEET, TH_MOU]) is None


def test_same_parties_pair_within_the_window_only() -> None:
    assert pairs_with(AU_SHEET, AU_FRAMEWORK)  # party order and spelling do not matter
    assert not pairs_with(AU_SHEET, OLD_AU)  # two and a half years earlier: another deal
    late = AU_FRAMEWORK.model_copy(update={"doc_id": "au-late", "date": dt.date(2025, 12, 31)})
    assert not pairs_with(AU_SHEET, late)
    early = AU_FRAMEWORK.model_copy(update={"doc_id": "au-early", "date": dt.date(2025, 3, 1)})
    assert pairs_with(AU_SHEET, early)
    assert not pairs_with(AU_SHEET, AU_RELEASE)  # an announcement is no instrument


def test_a_many_party_declaration_is_another_deal() -> None:
    assert pairs_with(AU_SHEET, TRILATERAL)  # one party more: still the same deal, announced by two of its sides
    assert not pairs_with(AU_SHEET, DECLARATION)
    assert match_signed(AU_SHEET, [DECLARATION, TH_MOU]) is None


def test_exact_parties_and_dated_instruments_rank_first() -> None:
    ranked = rank_instruments(AU_SHEET, [TRILATERAL, UNDATED_AU, TH_MOU, OLD_AU, DECLARATION, AU_FRAMEWORK])
    assert [d.doc_id for d in ranked] == ["au-framework", "trilateral-statement", "au-framework-undated"]


def test_a_deal_with_several_partners_pairs_with_each_partners_instrument() -> None:
    sheet = _summary("kl-sheet", ["United States", "Malaysia", "Thailand"], "fact_sheet", dt.date(2025, 10, 26))
    my_mou = _summary("my-mou", ["United States", "Malaysia"], "memorandum", dt.date(2025, 10, 26))
    chosen = pick_instruments(sheet, [my_mou, TH_MOU, AU_FRAMEWORK])
    assert [d.doc_id for d, _ in chosen] == ["my-mou", "th-mou"]
    assert all("same day" in why for _, why in chosen)
    # one shared party is not enough, even for a deal with several partners
    assert not pairs_with(sheet, _summary("us-order", ["United States"], "executive_order", dt.date(2025, 10, 1)))


def test_an_announcement_without_parties_pairs_with_nothing() -> None:
    sheet = _summary("mystery-sheet", [], "fact_sheet", dt.date(2025, 10, 20))
    assert match_signed(sheet, [AU_FRAMEWORK, TH_MOU]) is None


TEXTS = {  # doc_id: (parties, type, date, text); all written for this test
    "wattle-fact-sheet": ("[United States, Australia]", "fact_sheet", "2025-10-20", """\
Fact Sheet: Leaders Agree on a Wattle Minerals Partnership

1. Both governments will put at least US$2 billion into gallium refining over the next year.
2. The partnership adds a US$9 billion pipeline of mining projects.
"""),
    "wattle-framework": ("[Australia, United States]", "framework", "2025-10-19", """\
Wattle Framework on Mineral Supply

Section I – Finance

1. Each Participant will provide at least $2 billion for refining projects within six months.
"""),
    "lotus-mou": ("[United States, Thailand]", "memorandum", "2025-10-21", """\
Lotus Memorandum on Mineral Cooperation

Section I – Cooperation

1. The Participants intend to commit $9 billion to mining projects in Thailand.
"""),
    "kauri-fact-sheet": ("[United States, New Zealand]", "fact_sheet", "2025-10-22", """\
Fact Sheet: A Kauri Minerals Understanding

1. The governments will spend US$9 billion on new mines.
"""),
}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    root = tmp_path_factory.mktemp("claims-pairing")
    for doc_id, (parties, doc_type, date, text) in TEXTS.items():
        (root / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (root / f"{doc_id}.meta.yaml").write_text(
            f"doc_id: {doc_id}\ndate: {date}\nparties: {parties}\ndoc_type: {doc_type}\n", encoding="utf-8")
    report = KnowledgeBase(Settings.resolve(root / "kb")).ingest(sorted(root.glob("*.txt")))
    assert report.failed == [], report.failed
    return root / "kb"


def test_fact_sheet_is_checked_against_its_own_partners_framework(home: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("--data-dir", home, "claims", "wattle-fact-sheet", "--format", "json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert data["matched_by"] == "metadata" and [d["doc_id"] for d in data["against"]] == ["wattle-framework"]
    assert any("wattle-framework" in note and "same parties" in note for note in data["notes"])
    amounts = {c["value"]: c["in_signed"] for c in data["claims"] if c["kind"] == "amount"}
    # the Thai memorandum's $9 billion does not count: it is another country's text
    assert amounts[2e9] is True and amounts[9e9] is False


def test_no_instrument_of_the_same_parties_is_said_plainly(home: Path, run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("--data-dir", home, "claims", "kauri-fact-sheet")
    assert result.code == 2 and result.stdout == ""
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "New Zealand" in message and "--against" in message and "lotus-mou" not in message
    named = run_cli("--data-dir", home, "claims", "kauri-fact-sheet", "--against", "lotus-mou", "--format", "json")
    assert named.code == 0 and named.json()["matched_by"] == "against"
