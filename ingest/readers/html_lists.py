"""The numbers a browser shows beside ordered-list items, written into the page as text.

The main-content extractor keeps list items but drops their numbering, and an agreement's
paragraphs are cited by those numbers. So before extraction each `<li>` of an `<ol>` gets its
shown number ("3. ") in front of its text: the list's `start`, an item's own `value`, and the
count of items before it. A converter that split one list into several lone `<ol>`s, each shown
as "1.", is read as the one list it was (the Markdown reader applies the same rule).
"""
from __future__ import annotations

from typing import Any

from ingest.blocks import heading_like

_SEPARATORS = {"-comment", "ul"}  # what may stand between two parts of one split list


def number_ordered_lists(tree: Any) -> None:
    """Prefix every ordered-list item of the parsed page with the number it shows."""
    shown_last: dict[int, tuple[int, bool]] = {}  # id of an <ol> -> (last number shown, a lone text "1.")
    for ol in tree.css("ol"):
        items = [child for child in ol.iter() if child.tag == "li"]
        if not items:
            continue
        declared = _int(ol.attributes.get("start"))
        before = _list_before(ol)
        offset = 0
        if declared is None and before is not None and (prior := shown_last.get(before.mem_id)) and prior[1]:
            offset = prior[0]
        number = (declared or 1) - 1 + offset
        for item in items:
            number = (_int(item.attributes.get("value")) or number + 1)
            _prefix(item, f"{number}. ")
        printed_one = (declared or 1) == 1 and items[0].attributes.get("value") is None
        lone = len(items) == 1 and printed_one and not heading_like(" ".join(items[0].text().split()[1:]))
        shown_last[ol.mem_id] = (number, lone)


def _list_before(ol: Any) -> Any:
    """The <ol> just before this one with only comments, bullets or white space between, else None."""
    node = ol.prev
    while node is not None:
        if node.tag == "ol":
            return node
        if not (node.tag in _SEPARATORS or (node.is_text_node and not (node.text_content or "").strip())):
            return None
        node = node.prev
    return None


def _prefix(item: Any, marker: str) -> None:
    # Into the first paragraph when the item holds block elements, so the number opens its text.
    target = item
    while target.first_child is not None and target.first_child.tag in {"p", "div"}:
        target = target.first_child
    if target.first_child is not None:
        target.first_child.insert_before(marker)
    else:
        target.insert_child(marker)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
