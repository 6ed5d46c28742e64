"""The workspace in a real Chromium against a real `accords serve` on 127.0.0.1 (see tests/browser.py):
search with a facet, open a result at its clause, download the grid, build a comparison, and markup in
documents that must never run."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from extract.models import MODALITIES
from tests.browser import chromium, served

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base(workspace_home: Path) -> Iterator[str]:
    with served(workspace_home) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog: " + d.message), d.dismiss()))
    yield page
    context.close()
    assert not errors, errors  # no script error and no alert on any page


def in_view(page: Any, selector: str) -> bool:
    return bool(page.evaluate("""(sel) => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0; }""", selector))


def test_search_with_a_facet(page: Any, base: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Search the agreements").fill("joint stockpile")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_selector("li.hit")
    assert page.locator("li.hit").count() > 3
    assert "Why:" in page.locator("li.hit").first.inner_text()
    assert page.locator("li.hit mark").count() > 0  # matched words highlighted
    box = page.locator('[data-facet="doc_type"]').get_by_label("memorandum")
    with page.expect_navigation():
        box.check()  # a ticked facet applies itself
    assert "doc_type=memorandum" in page.url
    assert page.locator('[data-facet="doc_type"]').get_by_label("memorandum").is_checked()
    kinds = page.locator("li.hit .doctype").all_inner_texts()
    assert kinds and set(kinds) == {"memorandum"}


def test_a_result_opens_its_document_at_the_clause_highlighted_and_in_view(page: Any, base: str) -> None:
    page.goto(f"{base}/?q=complementary+stockpiling+arrangement")
    first = page.locator("li.hit").first
    clause_id = first.get_attribute("data-clause")
    assert clause_id and "/" in clause_id
    first.locator("h2 a").click()
    page.wait_for_load_state()
    doc_id, anchor = clause_id.split("/", 1)
    assert page.url.endswith(f"/doc/{doc_id}#{anchor}")
    target = f'[id="{anchor}"]'
    page.wait_for_function("(sel) => document.querySelector(sel).classList.contains('arrived')", arg=target)
    assert in_view(page, target)
    colour = page.eval_on_selector(target, "el => getComputedStyle(el).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
    assert page.evaluate("document.activeElement.id") == anchor  # focus moved there for screen readers
    later = page.locator(".clause").last.get_attribute("id")
    assert later != anchor and not in_view(page, f'[id="{later}"]') or page.locator(".clause").count() < 8


def test_the_grid_downloads_as_csv_matching_the_page(page: Any, base: str, tmp_path: Path) -> None:
    page.goto(f"{base}/grid")
    header = page.locator("table.grid thead th").all_inner_texts()
    with page.expect_download() as info:
        page.get_by_text("Download CSV").click()
    path = tmp_path / "grid.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    types = [t for t in rows[0] if t not in ("doc_id", "title", "date", "doc_type", "parties")]
    assert [t.replace("_", " ") for t in types] == [h.strip() for h in header[2:]]
    shown = page.locator("table.grid tbody tr")
    assert shown.count() == len(rows)
    for i, row in enumerate(rows):
        cells = shown.nth(i).locator("td").all_inner_texts()[1:]  # after the date
        for cell, commitment_type in zip(cells, types, strict=True):
            value = row[commitment_type].removesuffix(" (announced)")
            shown_value = cell.strip().rstrip("*")
            assert (shown_value if shown_value != "none" else "") == value  # "none" is for screen readers
            assert value == "" or value in MODALITIES


def test_build_a_comparison(page: Any, base: str) -> None:
    page.goto(f"{base}/compare")
    button = page.get_by_role("button", name="Compare")
    assert button.is_disabled()  # fewer than two chosen
    page.get_by_label("United States-Japan Framework", exact=False).check()
    page.get_by_label("United States-Australia Framework", exact=False).check()
    assert button.is_enabled()
    with page.expect_navigation():
        button.click()
    frame = page.frame_locator("#report-frame")
    frame.locator("#matrix").wait_for()
    assert "Coverage matrix" in frame.locator("body").inner_text()
    assert page.locator("#report-frame").bounding_box()["height"] > 900  # grown to its content
    links = page.locator(".downloads a")
    assert links.count() == 4
    with page.expect_download() as info:
        page.get_by_role("link", name="MD").click()
    assert info.value.suggested_filename == "accords-comparison.md"


def test_markup_in_a_document_never_runs(page: Any, base: str) -> None:
    for path in ("/?q=gallium+stockpile", "/doc/hostile-markup", "/grid", "/compare?doc=hostile-markup&doc=us-japan-framework"):
        page.goto(base + path)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__xss") == "undefined", path
        assert page.locator("img").count() == 0, path
    page.goto(f"{base}/doc/hostile-markup")
    text = page.locator("main").inner_text()
    assert "<img src=x onerror=" in text and "<script>window.__xss" in text  # shown as text
    assert page.locator('a[href^="javascript:"]').count() == 0


def test_keyboard_and_labels(page: Any, base: str) -> None:
    page.goto(f"{base}/?q=stockpile")
    unlabeled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select')]
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.name)""")
    assert unlabeled == []
    page.goto(f"{base}/grid")  # the search page puts the cursor in its query box instead
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.goto(f"{base}/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("gallium")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("li.hit").count() > 0


def test_sign_in_with_the_api_key(browser: Any, workspace_home: Path) -> None:
    with served(workspace_home, api_key="browser-key") as url:
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{url}/grid")
        assert "/login" in page.url
        page.get_by_label("API key").fill("browser-key")
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        assert page.url == f"{url}/grid"
        assert page.locator("table.grid").count() == 1
        context.close()
