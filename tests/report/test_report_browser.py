"""The evidence report in a real browser (Chromium, driven by Playwright), as a reader uses it.

The pages are opened from disk (file:// URLs): a reader follows a failing cell of the overview to
the finding and sees the quotes it rests on highlighted, filters the matrix, follows a quote of
the notice back to the facts that cite it, and prints a page. Every test records the requests the
page makes (none may leave the file system) and the console (no errors, no dialogs). Screenshots
of the overview and of a notice page are kept in `test-artifacts/report/` (git-ignored) and
checked to show something.

Chromium is Debian's package (`apt-get install chromium`): Playwright's own browser download is
not used. Without it these tests are skipped, unless POLICYCHECK_REQUIRE_BROWSER is set (CI sets
it), when its absence is a failure.
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from evidence_site import POLICIES, ROOT

REQUIRED = bool(os.environ.get("POLICYCHECK_REQUIRE_BROWSER"))
if not REQUIRED:
    pytest.importorskip("playwright.sync_api")
from playwright.sync_api import (  # noqa: E402
    Browser,
    ConsoleMessage,
    Dialog,
    Page,
    Request,
    expect,
    sync_playwright,
)

CHROMIUM = Path(os.environ.get("POLICYCHECK_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = ROOT / "test-artifacts" / "report"
NOTICES = len(list(POLICIES.glob("*.policy")))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


class Watched:
    """A page, and everything it asked the network or said on the console."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", self._request)
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("dialog", self._dialog)

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.errors.append(f"console {message.type}: {message.text}")

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    seen = Watched(context.new_page())
    yield seen
    context.close()
    assert any(url.endswith("report.css") for url in seen.requests), "requests were not recorded"
    leaving = [url for url in seen.requests if not url.startswith("file://")]
    assert leaving == [], "the report made network requests"
    assert seen.errors == []
    assert seen.dialogs == []


def _url(path: Path, fragment: str = "") -> str:
    return path.resolve().as_uri() + (f"#{fragment}" if fragment else "")


def _keep_screenshot(page: Page, name: str, browser: Browser) -> Path:
    """Save a screenshot as a test artefact and check that something is drawn on it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    png = page.screenshot(path=str(path))
    inked, colours = _ink(browser, png)
    assert inked > 0.02, f"{name}: almost nothing is drawn ({inked:.1%} of the pixels)"
    assert colours >= 5, f"{name}: only {colours} colours"
    return path


def _ink(browser: Browser, png: bytes) -> tuple[float, int]:
    """The share of pixels that are not white, and the number of distinct colours (counted by
    drawing the image on a canvas in a blank page)."""
    page = browser.new_page()
    try:
        page.set_content("<canvas></canvas>")
        share, colours = page.evaluate(
            """async (data) => {
                const image = new Image();
                image.src = "data:image/png;base64," + data;
                await image.decode();
                const canvas = document.querySelector("canvas");
                canvas.width = image.width; canvas.height = image.height;
                const context = canvas.getContext("2d");
                context.drawImage(image, 0, 0);
                const pixels = context.getImageData(0, 0, image.width, image.height).data;
                let inked = 0; const colours = new Set();
                for (let i = 0; i < pixels.length; i += 4) {
                  if (pixels[i] < 245 || pixels[i + 1] < 245 || pixels[i + 2] < 245) inked++;
                  if (colours.size < 64) colours.add(pixels[i] << 16 | pixels[i + 1] << 8 | pixels[i + 2]);
                }
                return [inked / (pixels.length / 4), colours.size];
            }""",
            base64.b64encode(png).decode("ascii"),
        )
    finally:
        page.close()
    return float(share), int(colours)


def test_a_failing_cell_leads_to_the_finding_with_its_quotes_highlighted(
    bundled_report: Path, watched: Watched, browser: Browser
) -> None:
    page = watched.page
    page.goto(_url(bundled_report / "index.html"))
    expect(page.locator("#matrix tbody tr")).to_have_count(NOTICES)
    _keep_screenshot(page, "overview.png", browser)

    row = page.locator("#matrix tbody tr", has=page.locator('a[href="notices/company_app.html"]'))
    cell = row.locator('td.f a[href$="#o-PIPL-39"]')
    expect(cell).to_have_text(re.compile("✗"))
    cell.click()
    page.wait_for_url(re.compile(r"notices/company_app\.html#o-PIPL-39$"))
    finding = page.locator("#o-PIPL-39")
    expect(finding).to_be_in_viewport()
    expect(finding).to_contain_text("sends personal information abroad")
    _keep_screenshot(page, "notice-finding.png", browser)

    quote_ids = (finding.get_attribute("data-quotes") or "").split()
    assert quote_ids, "the finding rests on no quote"
    highlighted = page.locator("mark.q.current")
    expect(highlighted.first).to_be_attached()
    classes = highlighted.evaluate_all("marks => marks.map(m => m.className)")
    assert all(any(f"q-{q}" in c.split() for q in quote_ids) for c in classes)
    # The highlighted words are the words the finding quotes.
    quoted = " ".join(finding.locator("q").all_inner_texts()).casefold()
    first = highlighted.first.inner_text().strip().casefold()
    assert first[:30] in " ".join(quoted.split()), (first, quoted)

    highlighted.first.scroll_into_view_if_needed()
    _keep_screenshot(page, "notice-quote.png", browser)


def test_the_filters_hide_laws_severities_and_statuses_without_reloading(
    bundled_report: Path, watched: Watched
) -> None:
    page = watched.page
    page.goto(_url(bundled_report / "index.html"))
    shown = page.locator("#shown")
    expect(shown).to_have_text(re.compile(rf"Showing all {NOTICES} notices and \d+ obligations"))
    page.evaluate("window.__same_page = true")

    pipl_column = page.locator('#matrix tr.ids th[data-law="PIPL"]').first
    ndsr_column = page.locator('#matrix tr.ids th[data-law="NDSR"]').first
    expect(pipl_column).to_be_visible()
    page.get_by_label("PIPL").uncheck()
    expect(pipl_column).to_be_hidden()
    expect(ndsr_column).to_be_visible()
    expect(page.locator("#matrix tr.laws th", has_text="PIPL")).to_be_hidden()
    page.get_by_label("PIPL").check()
    expect(pipl_column).to_be_visible()

    page.get_by_label("error").uncheck()
    expect(page.locator('#matrix tr.ids th[data-severity="error"]').first).to_be_hidden()
    page.get_by_label("error").check()

    fail_link = page.locator("#matrix td.f a").first
    expect(fail_link).to_be_visible()
    page.locator('input[name="status"][value="f"]').uncheck()
    expect(fail_link).to_be_hidden()
    # Only waived verdicts: only the notices with a waived verdict are left.
    waived = page.locator("#matrix tbody tr", has=page.locator("td.w")).count()
    assert waived < NOTICES
    for status in ("i", "p", "n"):
        page.locator(f'input[name="status"][value="{status}"]').uncheck()
    expect(shown).to_have_text(re.compile(rf"Showing {waived} of {NOTICES} notices"))
    expect(page.locator("#matrix tbody tr", has_not=page.locator("td.w")).first).to_be_hidden()
    page.locator('input[name="status"][value="f"]').check()
    expect(shown).to_have_text(re.compile(rf"Showing {NOTICES} of {NOTICES} notices"))
    assert page.evaluate("window.__same_page") is True, "filtering reloaded the page"


def test_a_quote_leads_back_to_its_facts_and_a_fact_to_its_findings(
    bundled_report: Path, watched: Watched
) -> None:
    page = watched.page
    page.goto(_url(bundled_report / "notices" / "company_app.html", "text"))
    quote = page.locator("mark.q a[data-q]").first
    qid = (quote.get_attribute("data-q") or "").split()[0]
    quote.click()
    page.wait_for_url(re.compile(r"#fact-\d+$"))
    fact = page.locator(page.url.rsplit("#", 1)[1].join(["#", ""]))
    expect(fact).to_be_in_viewport()
    expect(fact).to_have_class(re.compile(r"\bcurrent\b"))
    assert qid in (fact.get_attribute("data-quotes") or "").split()
    # Every fact citing these words is highlighted, and they all cite them.
    for other in page.locator(".fact.current").all():
        assert qid in (other.get_attribute("data-quotes") or "").split()

    findings = page.locator(".fact .on a")
    target = findings.first.get_attribute("href") or ""
    findings.first.click()
    page.wait_for_url(re.compile(re.escape(target) + "$"))
    expect(page.locator(target)).to_be_in_viewport()


def test_a_hostile_notice_runs_no_script_and_keeps_the_page_in_shape(
    hostile_report: Path, watched: Watched
) -> None:
    page = watched.page
    page.goto(_url(hostile_report / "notices" / "hostile.html"))
    expect(page.locator("h1")).to_have_text('<script>alert("title")</script> Hostile & Co')
    expect(page.locator("#l-3")).to_contain_text('<script>alert("notice")</script>')
    # The line of 100,000 characters wraps: the page is no wider than the window.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1400
    # The last line of the megabyte is there.
    expect(page.locator(".row").last).to_contain_text("The last paragraph")


def test_printing_leaves_out_the_navigation_and_starts_sections_on_new_pages(
    bundled_report: Path, watched: Watched
) -> None:
    page = watched.page
    page.goto(_url(bundled_report / "notices" / "company_app.html"))
    page.emulate_media(media="print")
    expect(page.locator("header.site")).to_be_hidden()
    expect(page.locator("#verdicts table")).to_be_visible()
    breaks = page.evaluate(
        "['findings', 'text'].map(id => getComputedStyle(document.getElementById(id)).breakBefore)"
    )
    assert breaks == ["page", "page"]
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
