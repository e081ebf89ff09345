"""Every page of the report is valid HTML and meets the basics of accessibility.

Validity: html5lib parses each page in strict mode, which raises at the first parse error (a
stray end tag, an unclosed element, a bad attribute, a missing doctype). Accessibility, checked
on the parsed tree: the page's language, one main landmark with a navigation and a footer, one
top heading, every table with a caption and header cells, every image with alt text, every form
control labelled, and every verdict colour accompanied by a symbol and a word.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

import html5lib
import pytest

STATUS_CLASSES = {"p", "f", "i", "w", "n"}


def _pages(site: Path) -> Iterator[Path]:
    yield from sorted(site.rglob("*.html"))


def _parse(page: Path) -> Element:
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    try:
        tree: Element = parser.parse(page.read_bytes(), transport_encoding="utf-8")
    except html5lib.html5parser.ParseError as exc:
        pytest.fail(f"{page}: not valid HTML: {exc} {parser.errors[:1]}")
    return tree


def _text(element: Element) -> str:
    return "".join(element.itertext()).strip()


def _found_text(element: Element, path: str) -> str:
    # (An element without children is false: `find(...) or default` would not do.)
    found = element.find(path)
    return _text(found) if found is not None else ""


def _classes(element: Element) -> set[str]:
    return set((element.get("class") or "").split())


@pytest.fixture(scope="module")
def trees(bundled_report: Path, hostile_report: Path) -> dict[Path, Element]:
    return {
        page: _parse(page) for site in (bundled_report, hostile_report) for page in _pages(site)
    }


def test_every_page_is_valid_html(trees: dict[Path, Element]) -> None:
    assert len(trees) > 10


def test_every_page_has_a_language_landmarks_and_one_top_heading(
    trees: dict[Path, Element],
) -> None:
    for page, tree in trees.items():
        assert tree.get("lang") == "en", page
        assert len(tree.findall(".//main")) == 1, page
        assert tree.findall(".//header/nav[@aria-label]"), page
        assert tree.findall(".//footer"), page
        assert len(tree.findall(".//h1")) == 1, page
        assert _found_text(tree, ".//head/title"), page


def test_every_table_has_a_caption_and_header_cells(trees: dict[Path, Element]) -> None:
    tables = 0
    for page, tree in trees.items():
        for table in tree.iter("table"):
            tables += 1
            caption = table.find("caption")
            assert caption is not None and _text(caption), page
            assert table.findall("thead/tr/th[@scope]"), f"{page}: a table without column headers"
            for row in table.findall("tbody/tr"):
                # Every body row is named by its header cell (the notice, requirement, set...).
                assert row.findall("th[@scope='row']"), f"{page}: a row without a header cell"
    assert tables


def test_every_image_has_alt_text_and_every_control_a_label(trees: dict[Path, Element]) -> None:
    for page, tree in trees.items():
        for image in tree.iter("img"):
            assert image.get("alt"), f"{page}: an image without alt text"
        labelled = {id(i) for label in tree.iter("label") for i in label.iter("input")}
        for control in tree.iter("input"):
            assert id(control) in labelled, f"{page}: an input without a label"


def test_every_verdict_colour_has_a_symbol_or_a_word(trees: dict[Path, Element]) -> None:
    seen: set[str] = set()
    for page, tree in trees.items():
        for element in tree.iter():
            coloured = _classes(element) & STATUS_CLASSES
            if not coloured:
                continue
            if element.tag == "td" or "v" in _classes(element) or element.tag == "tr":
                seen |= coloured
                assert _text(element), f"{page}: a <{element.tag}> verdict colour with no text"
    assert seen == STATUS_CLASSES


def test_the_legend_names_every_symbol_of_the_matrix(trees: dict[Path, Element]) -> None:
    overview = next(t for p, t in trees.items() if p.name == "index.html")
    legend = {
        _found_text(d, "dt"): _found_text(d, "dd")
        for d in overview.findall(".//dl[@class='legend']/div")
    }
    assert legend["✓"] == "pass" and legend["✗"] == "fail" and legend["?"] == "cannot decide"
    assert legend["W"] == "waived" and legend["–"] == "not applicable"
    symbols = {
        _text(td)[:1]
        for td in overview.findall(".//div[@id='matrix']//table/tbody/tr/td")
        if _classes(td) & STATUS_CLASSES
    }
    assert symbols <= set(legend)
