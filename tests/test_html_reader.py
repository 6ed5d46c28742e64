"""Web pages read like their Markdown copies: shown list numbers, line breaks between items, bold headings.

The pages are made up for the test, laid out the way government sites publish statements and orders.
"""
from __future__ import annotations

from pathlib import Path

import ingest
from tests.conftest import citation_of

PAGE = """<!doctype html><html><head><title>{title} | Example Office</title>
<meta property="article:published_time" content="2025-05-02T10:00:00-04:00"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/about">About</a></nav>
<main><article><h1>{title}</h1>{body}</article></main><footer>Contact us | Privacy</footer></body></html>"""
FILLER = "<p>" + " ".join(["The two sides met to review their work on supply chains and trade."] * 6) + "</p>"


def load_page(tmp_path: Path, title: str, body: str) -> ingest.Document:
    path = tmp_path / "page.html"
    path.write_text(PAGE.format(title=title, body=FILLER + body), encoding="utf-8")
    return ingest.load(path)



def test_ordered_lists_are_cited_by_the_numbers_a_browser_shows(tmp_path: Path) -> None:
    doc = load_page(tmp_path, "Joint Statement on Nickel", (
        "<p><strong>Working together on nickel</strong></p>"
        "<ol start=\"4\"><li>Canada and Japan intend to buy nickel.</li><li>They intend to sell cobalt.</li></ol>"
        "<p><strong>Looking ahead</strong></p>"
        "<ol start=\"6\"><li>They intend to meet each year.</li></ol>"
    ))
    assert citation_of(doc, "buy nickel") == "Working together on nickel, para 4"
    assert citation_of(doc, "sell cobalt") == "Working together on nickel, para 5"
    assert citation_of(doc, "meet each year") == "Looking ahead, para 6"


def test_lone_items_a_converter_split_count_on(tmp_path: Path) -> None:
    doc = load_page(tmp_path, "Joint Declaration on Borders", (
        "<ol><li>We reaffirm the peace between our two countries.</li></ol><!-- -->"
        "<ol><li>We agree to open the crossing at the river.</li></ol>"
        "<ul><li>Both sides will withdraw heavy equipment.</li></ul>"
        "<ol><li>We will meet again in the spring.</li></ol>"
    ))
    assert citation_of(doc, "open the crossing") == "para 2"
    assert citation_of(doc, "withdraw heavy equipment") == "para 2, bullet 1"
    assert citation_of(doc, "meet again in the spring") == "para 3"


def test_line_breaks_set_items_apart_in_an_order(tmp_path: Path) -> None:
    doc = load_page(tmp_path, "Securing Tin Supplies", (
        "<p>By the authority vested in me as President by the Constitution and the laws of the United States "
        "of America, it is hereby ordered:</p>"
        "<p><u>Sec</u>. <u>2</u>. <u>Review of Tin</u>. (a) The Secretary shall study tin imports.<br>"
        "(b) The Secretary shall consider:<br>(i) the sources of tin;<br>(ii) the price of<br>"
        "tin over ten years.</p>"
    ))
    assert doc.doc_type == "executive_order"
    assert doc.parties == ["United States"]
    assert citation_of(doc, "study tin imports") == "Section 2 (Review of Tin), para (a)"
    assert citation_of(doc, "sources of tin") == "Section 2 (Review of Tin), para (b)(i)"
    assert citation_of(doc, "the price of tin over ten years") == "Section 2 (Review of Tin), para (b)(ii)"


def test_a_bold_lead_heads_a_part_of_a_fact_sheet(tmp_path: Path) -> None:
    doc = load_page(tmp_path, "Fact Sheet: Canada and Japan Reach a Tin Deal", (
        "<p><strong>BUILDING SUPPLY:</strong> Canada will send tin to Japan.</p>"
        "<ul><li><strong>Ports:</strong> Japan will open two ports to tin.</li></ul>"
    ))
    assert doc.doc_type == "fact_sheet"
    assert citation_of(doc, "send tin to Japan") == "Building Supply, para 1"
    assert citation_of(doc, "open two ports") == "Building Supply, bullet 1"
