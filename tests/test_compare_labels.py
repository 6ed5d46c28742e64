"""Column heads of comparison reports: short labels made from parties and document type, the same
in every format (Markdown, HTML, CSV, JSON)."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from ingest.models import Document


def _doc(doc_id: str, parties: list[str], doc_type: str, date: dt.date | None = None,
         title: str = "An Arrangement on the Orderly Supply of Battery Metals Between Several Governments") -> Document:
    return Document(doc_id=doc_id, title=title, date=date, parties=parties, doc_type=doc_type)  # type: ignore[arg-type]


def test_labels_name_the_parties_shortly_and_the_kind_of_document() -> None:
    from kb.report.text import doc_labels

    docs = [_doc("jp", ["Japan", "United States"], "framework"),
            _doc("my", ["United States", "Malaysia"], "memorandum"),
            _doc("ch", ["Switzerland", "Liechtenstein", "United States"], "joint_statement"),
            _doc("fs", ["United States"], "fact_sheet"),
            _doc("eu", ["European Union", "United Kingdom", "United States"], "other"),
            _doc("many", [f"Country {n}" for n in range(12)], "joint_statement"),
            _doc("none", [], "press_release")]
    labels = doc_labels(docs)
    # the party every document shares leads each label; the others keep their stored order
    assert labels["jp"] == "US–Japan framework"
    assert labels["my"] == "US–Malaysia memorandum"
    assert labels["ch"] == "US–Switzerland–Liechtenstein joint statement"
    assert labels["fs"] == "US fact sheet"
    assert labels["eu"] == "US–EU–UK document"
    assert labels["many"] == "12-party joint statement"
    assert labels["none"] == "An Arrangement on the Orderly Supply…"


def test_equal_labels_are_told_apart_by_year_then_date_then_id() -> None:
    from kb.report.text import doc_labels

    thai = ["Thailand", "United States"]
    # Stored with Thailand first, named in the title with the United States first: the title's order wins.
    named = "Joint Statement on a United States–Thailand Framework"
    assert doc_labels([_doc("t", thai, "joint_statement", title=named)]) == {"t": "US–Thailand joint statement"}
    assert doc_labels([_doc("t", thai, "joint_statement")]) == {"t": "Thailand–US joint statement"}
    by_year = doc_labels([_doc("a", thai, "joint_statement", dt.date(2025, 10, 26)),
                          _doc("b", thai, "joint_statement", dt.date(2024, 3, 1))])
    assert by_year == {"a": "Thailand–US joint statement (2025)", "b": "Thailand–US joint statement (2024)"}
    by_date = doc_labels([_doc("a", thai, "joint_statement", dt.date(2025, 10, 26)),
                          _doc("b", thai, "joint_statement", dt.date(2025, 7, 4))])
    assert by_date["a"] == "Thailand–US joint statement (2025-10-26)"
    same_day = doc_labels([_doc("thai-statement", thai, "joint_statement", dt.date(2025, 10, 26)),
                           _doc("thai-statement-copy", thai, "joint_statement", dt.date(2025, 10, 26)),
                           _doc("thai-mou", thai, "memorandum", dt.date(2025, 10, 26))])
    assert same_day == {"thai-statement": "Thailand–US joint statement (thai-statement)",
                        "thai-statement-copy": "Thailand–US joint statement (thai-statement-copy)",
                        "thai-mou": "Thailand–US memorandum"}


STUDY = {  # doc_id: (parties, type, date, text); texts written for this test
    "kestrel-japan-framework": ("[United States, Japan]", "framework", "2025-10-28", """\
Kestrel Framework on Magnet Supply

Section I – Undertakings

1. The Participants will build a joint reserve of rare earth magnets.
2. The Participants intend to lend at least $300 million to magnet plants.
"""),
    "osprey-malaysia-mou": ("[United States, Malaysia]", "memorandum", "2025-10-26", """\
Osprey Memorandum on Tin Smelting

Section I – Cooperation

1. The Participants intend to simplify licences for tin smelters.
2. The Participants will exchange data on tin exports.
"""),
    "heron-thailand-statement": ("[United States, Thailand]", "joint_statement", "2025-10-26", """\
Heron Joint Statement on Trade in Minerals

1. Thailand will refrain from restricting exports of rare earths to the United States.
2. The two governments will meet every quarter to review mineral trade.
"""),
    "egret-thailand-statement": ("[United States, Thailand]", "joint_statement", "2024-03-01", """\
Egret Joint Statement on Geological Surveys

1. The two governments will map tungsten deposits together.
2. The two governments intend to publish the survey results.
"""),
}
LABELS = {"kestrel-japan-framework": "US–Japan framework", "osprey-malaysia-mou": "US–Malaysia memorandum",
          "heron-thailand-statement": "US–Thailand joint statement (2025)",
          "egret-thailand-statement": "US–Thailand joint statement (2024)"}


@pytest.fixture(scope="module")
def study_kb(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from kb.api import KnowledgeBase
    from kb.settings import Settings

    root = tmp_path_factory.mktemp("labels")
    for doc_id, (parties, doc_type, date, text) in STUDY.items():
        (root / f"{doc_id}.txt").write_text(text, encoding="utf-8")
        (root / f"{doc_id}.meta.yaml").write_text(
            f"doc_id: {doc_id}\ndate: {date}\nparties: {parties}\ndoc_type: {doc_type}\n", encoding="utf-8")
    kb = KnowledgeBase(Settings.resolve(root / "kb"))
    ingested = kb.ingest(sorted(root.glob("*.txt")))
    assert ingested.failed == [], ingested.failed
    return kb


@pytest.fixture(scope="module")
def report(study_kb):  # type: ignore[no-untyped-def]
    from kb.report.build import compare_documents

    return compare_documents(study_kb, list(STUDY))


def test_every_format_heads_its_columns_with_the_labels(report) -> None:  # type: ignore[no-untyped-def]
    from kb.report.render import render

    assert {d.doc_id: d.label for d in report.documents} == LABELS
    as_json = json.loads(render(report, "json"))
    assert {d["doc_id"]: d["label"] for d in as_json["documents"]} == LABELS
    assert set(as_json["documents"][0]) >= {"doc_id", "name", "label", "title", "date"}  # label is added, not swapped

    md = render(report, "md")
    assert "| Commitment type | " + " | ".join(LABELS.values()) + " |" in md

    html = render(report, "html")
    matrix = html[html.index('class="matrix"'):]
    heads = [matrix.index(f">{label}</th>") for label in LABELS.values()]
    assert heads == sorted(heads)  # in the documents' order

    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    assert {r["doc_id"]: r["document"] for r in rows} == LABELS


def test_titles_and_dates_stay_out_of_the_matrix_head(report) -> None:  # type: ignore[no-untyped-def]
    from kb.report.render import render

    md = render(report, "md")
    head = next(line for line in md.splitlines() if line.startswith("| Commitment type |"))
    assert "Kestrel" not in head and "2025-10-26" not in head


def test_compare_command_prints_labels(study_kb, run_cli) -> None:  # type: ignore[no-untyped-def]
    home = str(study_kb.settings.data_dir)
    result = run_cli("--data-dir", home, "compare", *STUDY, "--format", "json")
    assert result.code == 0, result.stderr
    assert [d["label"] for d in result.json()["documents"]] == list(LABELS.values())
