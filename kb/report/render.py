"""A comparison report in the format asked for: the one place that knows every renderer."""
from __future__ import annotations

from kb.errors import UsageProblem
from kb.report.html import to_html
from kb.report.markdown import to_csv, to_markdown
from kb.report.models import ComparisonReport

FORMATS: tuple[str, ...] = ("md", "html", "json", "csv")


def render(report: ComparisonReport, fmt: str) -> str:
    """The report as md, html, json (model_dump) or csv (the matrix)."""
    if fmt == "html":
        return to_html(report)
    if fmt == "md":
        return to_markdown(report)
    if fmt == "csv":
        return to_csv(report)
    if fmt == "json":
        return report.model_dump_json(indent=2) + "\n"
    raise UsageProblem(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
