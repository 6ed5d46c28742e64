"""Markdown as archives and static sites store it: front matter, pandoc lists, markup that must not leak.

Every document here is made up for the test; the shapes copy how real postings are laid out.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import ingest
from ingest.errors import IngestError
from tests.conftest import citation_of

MARKUP = re.compile(r"\*\*|__|<[a-zA-Z/!]|&[a-z]+;|\\[^\w\s]|\]\(|\[\^")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path



def test_front_matter_gives_title_posting_date_and_source(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "posting.md", (
        "---\n"
        "date: '2025-03-02'\n"
        "source_url: https://example.org/statements/cobalt\n"
        "tags: statements\n"
        'title: "Joint Statement on a Cobalt\\_Partnership between Ruritania \\u2013\\\n'
        '  \\ and Japan"\n'
        "---\n"
        "\u00a0\n"
        "Today, Japan and the Republic of Ruritania restate their wish to trade cobalt.\n"
    )))
    assert doc.title == "Joint Statement on a Cobalt Partnership between Ruritania \u2013 and Japan"
    assert doc.published == dt.date(2025, 3, 2)
    assert doc.date == dt.date(2025, 3, 2)  # no signing date in the text: the posting date
    assert doc.meta["url"] == "https://example.org/statements/cobalt"
    assert doc.meta["tags"] == "statements"
    assert doc.doc_type == "joint_statement"
    assert all(c.kind != "title" or c.text == doc.title for c in doc.clauses)


def test_a_signing_date_in_words_is_the_date_and_the_posting_date_is_published(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "signed.md", (
        "---\ndate: '2025-06-01'\ntitle: Understanding on Graphite Supply\n---\n\n"
        "The two sides intend to share data on graphite.\n\n"
        "Signed in Osaka this 2nd day of June, two thousand and twenty-five.\n\n"
        "For the Government of Japan:\n\nFor the Government of Canada:\n"
    )))
    assert doc.date == dt.date(2025, 6, 2)
    assert doc.published == dt.date(2025, 6, 1)
    assert sorted(doc.parties) == ["Canada", "Japan"]


def test_toml_front_matter_and_a_sidecar_above_it(tmp_path: Path) -> None:
    path = write(tmp_path, "toml.md", '+++\ntitle = "Lithium Note"\ndate = 2024-02-03\n+++\n\nWords on lithium.\n')
    doc = ingest.load(path)
    assert (doc.title, doc.published) == ("Lithium Note", dt.date(2024, 2, 3))
    write(tmp_path, "toml.meta.yaml", "title: Lithium Note, revised\n")
    assert ingest.load(path).title == "Lithium Note, revised"


def test_broken_front_matter_is_one_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "broken.md", "---\ntitle: [unclosed\n---\n\nText.\n")
    with pytest.raises(IngestError) as caught:
        ingest.load(path)
    assert "broken.md" in str(caught.value) and "front matter" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_markup_never_reaches_clauses_headings_or_citations(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "markup.md", (
        "---\ntitle: Framework on Rare Earths\n---\n\n"
        "The Participants intend to cooperate on the following areas:\n\n"
        "1.  S**upply and Processing**\n\n"
        "<!-- -->\n\n"
        "1.  The Participants intend to <u>map</u> deposits, see <a href=\"https://example.org\">the map</a>"
        " and [the list](https://example.org/list).[^1]\n"
        "2.  *Each* Participant intends to report at 5 \\* 3 sites.\n\n"
        "2\\. **Finance**\n\n"
        "1.  The Participants intend to pool <span style=\"text-decoration: underline\">loans</span>.\n\n"
        "<!-- -->\n\n"
        "\\###\n\n"
        "[^1]: A note of the page, not a clause.\n"
    )))
    for clause in doc.clauses:
        for field in (clause.text, clause.heading, clause.section, clause.citation):
            assert not MARKUP.search(field), field
    assert all(not MARKUP.search(s.heading + s.label) for s in doc.sections)
    assert all("note of the page" not in c.text for c in doc.clauses)
    assert citation_of(doc, "map deposits") == "Section 1 (Supply and Processing), para 1"
    assert citation_of(doc, "report at 5 * 3 sites") == "Section 1 (Supply and Processing), para 2"
    assert citation_of(doc, "pool loans") == "Section 2 (Finance), para 1"
    assert "the map and the list." in next(c.text for c in doc.clauses if "map deposits" in c.text)


def test_a_numbered_list_keeps_its_printed_numbers(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "numbers.md", (
        "---\ntitle: Declaration on Nickel\n---\n\n"
        "**Working together on\nnickel  \n  \n**7. The two sides intend to buy nickel.\n\n"
        "8\\. The two sides intend to sell nickel.\n\n"
        "**Looking ahead**\n\n"
        "9. The two sides intend to meet each year.\n"
    )))
    assert citation_of(doc, "buy nickel") == "Working together on nickel, para 7"
    assert citation_of(doc, "sell nickel") == "Working together on nickel, para 8"
    assert citation_of(doc, "meet each year") == "Looking ahead, para 9"


def test_items_set_apart_by_line_breaks_and_a_run_in_section_heading(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "order.md", (
        "---\ntitle: Securing Tin Supplies\n---\n\n"
        "By the authority vested in me, it is hereby ordered:  \n  \n"
        "     <span>Sec</span>. <span>1</span>. <span>Review of Tin</span>.  (a)  The Secretary shall"
        " study tin imports.  \n"
        "     (b)  The Secretary shall consider:  \n"
        "             (i)   the sources of tin;  \n"
        "             (ii)  the price of\n"
        "tin over ten years.  \n  \n"
        "     <span>Sec</span>. <span>2</span>. <span>General Provisions</span>.  (a)  Nothing here"
        " creates a right.\n"
    )))
    assert doc.doc_type == "executive_order"
    assert citation_of(doc, "study tin imports") == "Section 1 (Review of Tin), para (a)"
    assert citation_of(doc, "the sources of tin") == "Section 1 (Review of Tin), para (b)(i)"
    assert citation_of(doc, "the price of tin over ten years") == "Section 1 (Review of Tin), para (b)(ii)"
    assert citation_of(doc, "creates a right") == "Section 2 (General Provisions), para (a)"


def test_a_section_number_with_its_heading_on_the_next_line(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "sections.md", (
        "---\ntitle: Memorandum on Copper\n---\n\n"
        "**Section I**\n\n**General Provisions**\n\n"
        "1. The Participants intend to trade copper.\n\n"
        "**Section II**\n\n**Finance and Investment**\n\n"
        "1. The Participants intend to fund copper mines.\n"
    )))
    assert citation_of(doc, "trade copper") == "Section I (General Provisions), para 1"
    assert citation_of(doc, "fund copper mines") == "Section II (Finance and Investment), para 1"


@pytest.mark.parametrize(("opening", "parties"), [
    ('the Republic of Ruritania (the "Ruritania") and Japan (together, the "Participants") intend to trade.',
     ["Japan"]),  # Ruritania is no country: only the one that is
    ("Today, the United States of America (United States), the Swiss Confederation (Switzerland), and "
     "Canada (Canada) (collectively, Participants) express their intent.", ["Canada", "Switzerland", "United States"]),
    ("We, the governments of Chile, Peru, the United States, and Uruguay, share a coast. China is far away.",
     ["Chile", "Peru", "United States", "Uruguay"]),
    ("Twenty countries and the European Union join this text. Those countries are Kosovo, Norway, the "
     "Republic of Ireland, and Iceland. Russia is not among them.",
     ["European Union", "Iceland", "Ireland", "Kosovo", "Norway"]),
])
def test_parties_from_defined_terms_and_lists(tmp_path: Path, opening: str, parties: list[str]) -> None:
    doc = ingest.load(write(tmp_path, "parties.md", f"---\ntitle: Statement on Ports\n---\n\n{opening}\n"))
    assert sorted(doc.parties) == parties


@pytest.mark.parametrize(("title", "body", "tags", "doc_type"), [
    ("Implementation of the Agreement on Zinc", "The two leaders met in Rome and noted progress.", "", "joint_statement"),
    ("Canada-Japan Compact on Clean Metals", "Canada and Japan commit to cooperate.", "", "framework"),
    ("Canada and Japan Reach a Deal", "Canada and Japan will cut tariffs.", "tags: fact-sheets\n", "fact_sheet"),
    ("Statement of Intent on Tungsten", "Canada and Japan intend to cooperate.", "", "joint_statement"),
])
def test_document_types(tmp_path: Path, title: str, body: str, tags: str, doc_type: str) -> None:
    doc = ingest.load(write(tmp_path, "kind.md", f"---\ntitle: {title}\n{tags}---\n\n{body}\n"))
    assert doc.doc_type == doc_type


def test_one_list_split_by_a_converter_counts_on_but_a_list_under_a_heading_restarts(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "split.md", (
        "---\ntitle: Joint Declaration on Borders\n---\n\n"
        "1.  We reaffirm the peace between our two countries.\n\n<!-- -->\n\n"
        "1.  We agree to open the crossing at the river.\n\n<!-- -->\n\n"
        "-   Both sides will withdraw heavy equipment.\n\n<!-- -->\n\n"
        "1.  We will meet again in the spring.\n\n"
        "The two sides add the following on trade:\n\n"
        "1.  **Tariffs**\n\n<!-- -->\n\n"
        "1.  Each side intends to lower duties on fruit.\n"
    )))
    assert citation_of(doc, "open the crossing") == "para 2"
    assert citation_of(doc, "withdraw heavy equipment") == "para 2, bullet 1"
    assert citation_of(doc, "meet again in the spring") == "para 3"
    assert citation_of(doc, "lower duties on fruit") == "Section 1 (Tariffs), para 1"


def test_nested_numbers_and_the_third_level_of_an_outline(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "nested.md", (
        "---\ntitle: Framework on Antimony\n---\n\n**Section I**\n\n**Supply**\n\n"
        "1.  **Stocks:** The Participants will hold antimony.\n"
        "2.  **Finance:** The Participants will fund mines.\n"
        "    1.  **Selection:** They will pick mines together.\n"
        "    2.  **Loans:** They will lend to the mines they pick.\n\n"
        "**Section II**\n\n**Reports**\n\n"
        "(a)  The Secretary shall report on:  \n"
        "(i)   the mines;  \n"
        "(ii)  the buyers, namely:  \n"
        "(A)  buyers at home; and  \n"
        "(B)  buyers abroad.\n"
    )))
    assert citation_of(doc, "lend to the mines") == "Section I (Supply), para 2(2)"
    assert citation_of(doc, "buyers abroad") == "Section II (Reports), para (a)(ii)(B)"
    assert citation_of(doc, "the mines;") == "Section II (Reports), para (a)(i)"


def test_a_bold_lead_heads_a_part_of_a_fact_sheet_but_titles_an_item_in_a_list(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "fact.md", (
        "---\ntitle: 'Fact Sheet: Canada and Japan Reach a Tin Deal'\ntags: fact-sheets\n---\n\n"
        "**BUILDING SUPPLY:** Canada will send tin to Japan.\n\n"
        "-   **Ports:** Japan will open two ports to tin.\n"
    )))
    assert doc.doc_type == "fact_sheet"
    assert citation_of(doc, "send tin to Japan") == "Building Supply, para 1"
    assert citation_of(doc, "open two ports") == "Building Supply, bullet 1"
    assert next(c.text for c in doc.clauses if "two ports" in c.text).startswith("Ports:")
    assert sorted(doc.parties) == ["Canada", "Japan"]


def test_who_orders_and_who_only_witnesses_are_not_parties(tmp_path: Path) -> None:
    order = ingest.load(write(tmp_path, "order.md", (
        "---\ntitle: Implementing the Canada\u2013Japan Arrangement\n---\n\n"
        "By the authority vested in me as President by the Constitution and the laws of the United States "
        "of America, I hereby determine and order:\n\nSection 1. Background. Japan and Canada agreed on tin.\n"
    )))
    assert (order.doc_type, order.parties) == ("executive_order", ["United States"])
    declaration = ingest.load(write(tmp_path, "declaration.md", (
        "---\ntitle: Joint Declaration on the Outcomes of a Meeting\n---\n\n"
        "We, the Prime Minister of Canada and the Prime Minister of Japan, as witnessed by the President of "
        "France, declare the following:\n\n1.  We will trade tin.\n"
    )))
    assert sorted(declaration.parties) == ["Canada", "Japan"]
    between = ingest.load(write(tmp_path, "between.md", (
        "---\ntitle: Joint Declaration between the Kingdom of Norway and the Republic of Chile\n---\n\n"
        "The two governments note that copper trade between Peru and China grows.\n"
    )))
    assert sorted(between.parties) == ["Chile", "Norway"]


def test_windows_line_endings_and_a_foreign_doc_type_in_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "crlf.md"
    path.write_bytes(b"---\r\ntitle: Cobalt Memorandum\r\ndoc_type: blog post\r\n---\r\n\r\n"
                     b"1. Japan and Canada will trade cobalt.\r\n")
    doc = ingest.load(path)
    assert doc.title == "Cobalt Memorandum"
    assert doc.doc_type == "memorandum"  # an unknown declared type is ignored, the title decides
    assert citation_of(doc, "trade cobalt") == "para 1"


def test_signatories_office_lines_make_the_parties_but_witnesses_do_not(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "signed-by.md", (
        "---\ntitle: Declaration for Calm Seas\n---\n\nWe, the undersigned, welcome the end of the dispute.\n\n"
        "**Ana Lima**\n\nPresident of the Federative Republic of Brazil\n\n"
        "**Kenji Sato**\n\nPrime Minister of Japan\n\n"
        "Witnessed by:\n\n**Li Wei**\n\nPresident of the Republic of Singapore\n"
    )))
    assert sorted(doc.parties) == ["Brazil", "Japan"]


def test_a_country_named_inside_a_longer_name_is_not_another_party(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "uk.md", (
        "---\ntitle: Terms on Steel\n---\n\nThe Government of Canada and the Government of the United Kingdom "
        "of Great Britain and Northern Ireland (hereinafter the \u201cParticipants\u201d) set out terms.\n\n"
        "This document does not constitute a legally binding agreement.\n"
    )))
    assert sorted(doc.parties) == ["Canada", "United Kingdom"]
    assert doc.doc_type == "framework"  # non-binding terms with no form named in the title


def test_a_fact_sheet_names_the_deal_s_governments_not_every_country_it_mentions(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "fact.md", (
        "---\ntitle: 'Fact Sheet: The President Closes Deals with Chile'\n---\n\n"
        "**NEW DEALS:** The United States and Chile met in Lima, Peru.\n\n"
        "-   Chile will sell lithium to the United States.\n-   The United States will invest in Chile.\n"
    )))
    assert sorted(doc.parties) == ["Chile", "United States"]


def test_a_proclamation_is_an_order_of_the_state_that_proclaims_it(tmp_path: Path) -> None:
    recitals = "".join(f"{n}. Imports of zinc from Peru rose in year {n}.\n\n" for n in range(1, 30))
    doc = ingest.load(write(tmp_path, "proclamation.md", (
        "---\ntitle: To Implement the Canada\u2013Peru Agreement on Zinc\n---\n\n" + recitals +
        "NOW, THEREFORE, I, the President of the United States of America, by virtue of the authority vested "
        "in me by the Constitution and the laws of the United States of America, do hereby proclaim:\n\n"
        "(1) Duties on zinc are set out in the Annex.\n"
    )))
    assert (doc.doc_type, doc.parties) == ("executive_order", ["United States"])


def test_bold_parts_of_a_numbered_section_are_cited_under_it_and_a_two_line_heading_is_one(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "parts.md", (
        "---\ntitle: Memorandum of Understanding on Science\n---\n\n"
        "**II. Areas of Cooperation**\n\nThe Participants intend to work on the following:\n\n"
        "**Clean Metals**  \n*The Participants intend to refine metals together.*\n\n"
        "-   sharing data on smelters;\n\n"
        "**ANNEX I**  \n**TECHNICAL CHANGES TO**  \n**THE TARIFF LIST**\n\n"
        "A.  Heading 12 is deleted.\n"
    )))
    assert citation_of(doc, "data on smelters") == "Section II (Areas of Cooperation), Clean Metals, bullet 1"
    assert citation_of(doc, "Heading 12 is deleted") == "Annex I (Technical Changes to the Tariff List), para (A)"


def test_a_group_that_speaks_is_its_members_and_official_names_count(tmp_path: Path) -> None:
    g7 = ingest.load(write(tmp_path, "g7.md", (
        "---\ntitle: G7 Leaders' Statement on Clean Metals\n---\n\n"
        "We, the leaders of the G7, intend to secure clean metals.\n"
    )))
    assert g7.doc_type == "joint_statement"
    assert sorted(g7.parties) == ["Canada", "European Union", "France", "Germany", "Italy", "Japan",
                                  "United Kingdom", "United States"]
    corridor = ingest.load(write(tmp_path, "corridor.md", (
        "---\ntitle: Memorandum of Understanding on a Rail Corridor\n---\n\n"
        "The Governments of the French Republic, the Italian Republic and the Republic of India (the "
        "\u201cParticipants\u201d) intend to build a railway through Jordan and Israel.\n"
    )))
    assert sorted(corridor.parties) == ["France", "India", "Italy"]


def test_a_statement_on_a_framework_is_a_statement_and_long_names_are_short(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "ipef.md", (
        "---\ntitle: Statement on a Pacific Framework for Trade\n---\n\n"
        "We, Brunei Darussalam, the Republic of Korea and New Zealand, launch a framework.\n"
    )))
    assert doc.doc_type == "joint_statement"
    assert sorted(doc.parties) == ["Brunei", "New Zealand", "South Korea"]


def test_a_year_that_starts_a_line_is_not_an_item_and_long_roman_headings_count(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "numbers.md", (
        "---\ntitle: Joint Statement on Ports\n---\n\n"
        "12.        The leaders welcomed a dialogue launched in June\n2023.  \n  \n"
        "13.        The leaders agreed to dredge two ports.\n\n"
        "VI\\. *<u>Promoting Trade and Investment in Clean Energy Goods and\nServices</u>*\n\n"
        "Members intend to cut duties on turbines.\n"
    )))
    assert citation_of(doc, "dredge two ports") == "para 13"
    assert citation_of(doc, "duties on turbines") == (
        "Section VI (Promoting Trade and Investment in Clean Energy Goods and Services), para 1")


def test_an_order_s_outline_a_1_and_run_in_items_after_a_section_number(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "outline.md", (
        "---\ntitle: Securing Graphite\n---\n\n"
        "By the authority vested in me as President by the Constitution and the laws of the United States of "
        "America, it is hereby ordered:\n\n"
        "     Section 1.  (a)  The following are prohibited:  \n(i)    imports of graphite.\n\n"
        "     Sec. 2.  Annual Report to the President and the Congress by the Secretary of Energy.  (a)  The "
        "Secretary shall report on graphite each year, naming:  \n"
        "          (1)  the mines;  \n          (2)  the buyers of graphite.\n"
    )))
    assert citation_of(doc, "imports of graphite") == "Section 1, para (a)(i)"
    assert citation_of(doc, "the buyers of graphite") == (
        "Section 2 (Annual Report to the President and the Congress by the Secretary of Energy), para (a)(2)")


def test_a_presidential_memorandum_is_an_order_and_a_joint_voice_a_statement(tmp_path: Path) -> None:
    memo = ingest.load(write(tmp_path, "memo.md", (
        "---\ntitle: A Fair Trade Policy\n---\n\nJanuary 20, 2025\n\nMEMORANDUM FOR THE SECRETARY OF STATE\n\n"
        "SUBJECT: A Fair Trade Policy\n\nSection 1. Purpose. Trade must be fair.\n"
    )))
    assert memo.doc_type == "executive_order"
    voice = ingest.load(write(tmp_path, "voice.md", (
        "---\ntitle: U.S.-UAE Clean Power Partnership\n---\n\n"
        "The United States and the UAE commit to build solar plants. Our two countries will also share grids, "
        "and we will meet each year.\n"
    )))
    assert voice.doc_type == "joint_statement"
    assert sorted(voice.parties) == ["United Arab Emirates", "United States"]


def test_a_fact_sheet_s_deals_and_a_group_among_the_speakers(tmp_path: Path) -> None:
    fact = ingest.load(write(tmp_path, "deals.md", (
        "---\ntitle: 'Fact Sheet: The President Secures Prosperity in Chile'\n---\n\n"
        "**A DAY OF DEALS:** Today in Santiago, the President signed trade deals with Chile and Peru, and "
        "the United States announced a framework with Colombia.\n\n"
        "-   The United States and Chile will cut tariffs.\n-   The United States and Peru will share data.\n"
    )))
    assert sorted(fact.parties) == ["Chile", "Colombia", "Peru", "United States"]
    summit = ingest.load(write(tmp_path, "summit.md", (
        "---\ntitle: Leaders' Statement on a Strategic Partnership\n---\n\n"
        "**1 WE,** the Member States of the Association of Southeast Asian Nations (ASEAN) and Japan,gathered "
        "in Phnom Penh, Kingdom of Cambodia, agree to deepen ties.\n"
    )))
    assert sorted(summit.parties) == ["Brunei", "Cambodia", "Indonesia", "Japan", "Laos", "Malaysia", "Myanmar",
                                      "Philippines", "Singapore", "Thailand", "Vietnam"]
    americas = ingest.load(write(tmp_path, "americas.md", (
        "---\ntitle: Declaration of the Leaders of a Partnership\n---\n\n"
        "We, the leaders of Chile, Peru, and Uruguay hold a common vision for trade.\n"
    )))
    assert sorted(americas.parties) == ["Chile", "Peru", "Uruguay"]


def test_a_text_calls_itself_by_its_form_and_a_memorandum_for_officials_is_an_order(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "self.md", (
        "---\ntitle: Canada and Japan Cooperation on Batteries\n---\n\n"
        "Canada and Japan intend to cooperate on batteries. This statement also signals our wish to sign a "
        "memorandum of understanding next year.\n"
    )))
    assert doc.doc_type == "joint_statement"
    memo = ingest.load(write(tmp_path, "memo.md", (
        "---\ntitle: Clarification of Exceptions Under Executive Order 14000 of April 2, 2025\ndate: '2025-04-11'\n---\n\n"
        "MEMORANDUM FOR THE UNITED STATES TRADE REPRESENTATIVE\n\nSUBJECT: Clarification of Exceptions\n\n"
        "Section1.  Tariffs.  (a)  Duties on AI chips from China are lifted.\n"
    )))
    assert (memo.doc_type, memo.parties) == ("executive_order", ["United States"])
    assert memo.date == memo.published == dt.date(2025, 4, 11)  # the order its title cites does not date it
    assert citation_of(memo, "Duties on AI chips") == "Section 1 (Tariffs), para (a)"


def test_lettered_parts_of_a_section_and_a_clause_that_opens_with_its_first_item(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "parts.md", (
        "---\ntitle: Joint Statement of the Trade Council\n---\n\n"
        "**II. Key Outcomes**\n\n**F. Trade and Security**\n\n**Investment Screening**\n\n"
        "The working group will host an outreach event.\n\n"
        "NOW, THEREFORE, I do hereby proclaim as follows:\n\n"
        "(1)  Duties are raised.  \n(a)  on steel;  \n(c)  on tin.  \n"
        "(2)  (a)  Within 30 days, importers shall file:  \n(i)  a list;  \n(ii)  a certificate of origin.\n"
    )))
    assert citation_of(doc, "outreach event") == "Section II.F (Trade and Security), Investment Screening, para 1"
    assert citation_of(doc, "a certificate of origin") == (
        "Section II.F (Trade and Security), Investment Screening, para 2(a)(ii)")


def test_bold_numbered_headings_pairs_in_any_position_and_the_commission(tmp_path: Path) -> None:
    doc = ingest.load(write(tmp_path, "declaration.md", (
        "---\ntitle: 'The Harbour Declaration: A Plan for a Twenty-First Century U.S.-UK Partnership'\n---\n\n"
        "**2. Advancing Ever Closer Cooperation on Technology Protection,\nEconomic Security Toolkits and Supply "
        "Chains **\n\nWe intend to align export controls on chips.\n\n"
        "**5. Strengthening our Alliance Across Defense, Health Security, and\nSpace**\n\n"
        "We intend to fund joint satellites.\n"
    )))
    assert sorted(doc.parties) == ["United Kingdom", "United States"]
    assert citation_of(doc, "export controls on chips").startswith("Section 2 (Advancing Ever Closer Cooperation")
    assert citation_of(doc, "joint satellites").startswith("Section 5 (Strengthening our Alliance")
    lng = ingest.load(write(tmp_path, "lng.md", (
        "---\ntitle: Joint US-EU Statement between the United States and the European Commission on Gas\n---\n\n"
        "The two sides will cut reliance on gas from Russia and help Ukraine.\n"
    )))
    assert lng.doc_type == "joint_statement"
    assert sorted(lng.parties) == ["European Union", "United States"]
