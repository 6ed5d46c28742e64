"""Take the README's pictures of the workspace: `make screenshots` (docs/workspace-*.png).

Serves the demo knowledge base (ACCORDS_HOME, else .accords-demo; ingested from corpus/ when empty) and
photographs each page in Debian's Chromium, as the browser tests drive it (tests/browser.py)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser import chromium, served  # noqa: E402

PAGES = {
    "search": "/?q=financing+of+at+least+a+billion+dollars&party=Australia",
    "document": "/doc/us-japan-framework#s1.14",
    "grid": "/grid?doc_type=framework&doc_type=memorandum&doc_type=agreement",
    "compare": "/compare?doc=us-australia-framework&doc=us-japan-framework",
    "deadlines": "/timeline?signed=true&as_of=2025-12-01",
}


def main() -> None:
    home = Path(os.environ.get("ACCORDS_HOME") or ROOT / ".accords-demo")
    if not (home / "accords.db").exists():
        from kb.api import KnowledgeBase
        from kb.settings import Settings

        KnowledgeBase(Settings.resolve(home)).ingest([ROOT / "corpus"])
    with served(home) as base, chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        for name, path in PAGES.items():
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            if name == "compare":
                page.evaluate("document.getElementById('report-frame').scrollIntoView()")
            out = ROOT / "docs" / f"workspace-{name}.png"
            page.screenshot(path=str(out))
            print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
