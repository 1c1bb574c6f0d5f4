"""`lcllm export --html`: one self-contained page. Checked as HTML (every entry, escaping, only http(s) links,
nothing fetched: the CSP allows only the inline style and script by hash) and, when Debian's chromium and its
driver are installed, in a real headless browser: no console error, no request, search, section filter, sorts,
hostile text shown as text, a plain list without JavaScript, no sideways scrolling on a phone."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lcllm_cli import keys, store
from lcllm_cli.cli import app
from lcllm_cli.commands.stats import month_of, stars_of
from lcllm_cli.exporters.html import render
from lcllm_cli.model import Citations, Entry, Library, Link
from tests.exporters.test_hostile_text import hostile_library, visible
from tests.paths import ROOT

SHIPPED = ROOT / "entries.toml"
runner = CliRunner()


def shipped() -> Library:
    lib = store.load(SHIPPED)
    keys.assign_keys(lib)
    return lib


class Page(HTMLParser):
    """Every start tag with its attributes, and the text of <style> and <script>."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: dict[str, list[str]] = {"style": [], "script": []}
        self._in: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in self.inline else None

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in:
            self.inline[self._in].append(data)


def _sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.mark.parametrize("make", [shipped, hostile_library], ids=["shipped", "hostile"])
def test_the_page_holds_every_entry_escaped_and_fetches_nothing(make: Any) -> None:
    lib = make()
    page = Page(render(lib, lib.entries))
    items = [a for tag, a in page.tags if tag == "li"]
    assert sorted(a["id"] or "" for a in items) == sorted(e.key or "" for e in lib.entries)
    assert [tag for tag, _ in page.tags].count("script") == 1 and [t for t, _ in page.tags].count("style") == 1
    assert not [tag for tag, _ in page.tags if tag in ("img", "iframe", "object", "embed", "link", "base", "form")]
    assert not [a for _, a in page.tags if "src" in a or any(k.startswith("on") for k in a)]  # no fetch, no handler
    for tag, a in page.tags:
        if tag == "a":
            href = a["href"] or ""
            assert href.startswith(("https://", "http://", "#")), href  # only http(s) links and anchors
    csp = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp and "default-src 'none'" in csp
    assert _sha("".join(page.inline["style"])) in csp and _sha("".join(page.inline["script"])) in csp
    assert "http" not in "".join(page.inline["script"] + page.inline["style"])


def test_cli_writes_the_page(tmp_path: Path) -> None:
    out = tmp_path / "index.html"
    result = runner.invoke(app, ["--file", str(SHIPPED), "export", "--html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad = runner.invoke(app, ["--file", str(SHIPPED), "export", "--html", "--in-place", "README.md"])
    assert bad.exit_code == 2 and "--in-place works with --markdown only" in bad.output


# --------------------------------------------------------------------------------------------- in a browser

CHROMIUM = os.environ.get("LCLLM_TEST_CHROMIUM") or shutil.which("chromium")
CHROMEDRIVER = os.environ.get("LCLLM_TEST_CHROMEDRIVER") or shutil.which("chromedriver")
try:
    import selenium  # noqa: F401

    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False
browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and HAVE_SELENIUM),
    reason="needs chromium, chromedriver (Debian: apt-get install chromium chromium-driver) and selenium",
)
# The browser stays on this machine: no background networking, updates, metrics, sync or safe-browsing requests.
QUIET = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
         "--disable-extensions", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
         "--no-pings", "--metrics-recording-only", "--disable-features=OptimizationHints,MediaRouter,Translate",
         "--host-resolver-rules=MAP * ~NOTFOUND"]  # fmt: skip


def _driver(*, javascript: bool = True, size: str = "1200,900") -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_AVOID_STATS"] = "true"  # Selenium Manager is never run (both paths are given), nor its statistics
    os.environ["SE_OFFLINE"] = "true"
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in [*QUIET, f"--window-size={size}"]:
        opts.add_argument(arg)
    if not javascript:
        opts.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    d = _driver()
    yield d
    d.quit()


def _open(driver: Any, tmp_path: Path, lib: Library) -> None:
    page = tmp_path / "index.html"
    page.write_text(render(lib, lib.entries), encoding="utf-8")
    driver.get(page.as_uri())


def _visible(driver: Any) -> list[str]:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll('li.entry')).filter(li => li.offsetParent !== null)"
        ".map(li => li.id)"
    )


def _select(driver: Any, element_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", element_id)).select_by_value(value)


def _severe(driver: Any) -> list[dict[str, Any]]:
    return [m for m in driver.get_log("browser") if m["level"] in ("SEVERE", "WARNING")]


@browser
def test_the_shipped_page_loads_with_no_console_error_and_no_request(driver: Any, tmp_path: Path) -> None:
    lib = shipped()
    _open(driver, tmp_path, lib)
    assert _severe(driver) == []
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert _visible(driver) == [e.key for e in lib.entries]  # in list order, grouped as the list is
    assert driver.find_element("id", "controls").is_displayed()
    assert driver.find_element("id", "shown").text == str(len(lib.entries))


@browser
def test_typing_rope_leaves_exactly_the_entries_that_match(driver: Any, tmp_path: Path) -> None:
    lib = shipped()
    _open(driver, tmp_path, lib)
    driver.find_element("id", "q").send_keys("rope")
    by_title_or_authors = [e.key for e in lib.entries if "rope" in " ".join([e.title, *e.authors]).lower()]
    assert len(by_title_or_authors) >= 3
    assert _visible(driver) == by_title_or_authors
    assert driver.find_element("id", "shown").text == str(len(by_title_or_authors))
    driver.find_element("id", "q").send_keys(" lin")  # every word must match
    assert _visible(driver) == [k for k in by_title_or_authors if "lin" in next(
        " ".join([e.title, *e.authors]).lower() for e in lib.entries if e.key == k)]  # fmt: skip
    assert _severe(driver) == []


@browser
def test_the_section_filter(driver: Any, tmp_path: Path) -> None:
    lib = shipped()
    _open(driver, tmp_path, lib)
    _select(driver, "section", "Projects")
    assert _visible(driver) == [e.key for e in lib.entries if e.section == "Projects"]
    driver.find_element("id", "q").send_keys("long")
    want = [
        e.key for e in lib.entries if e.section == "Projects" and "long" in (e.title + (e.description or "")).lower()
    ]
    assert _visible(driver) == want and want
    _select(driver, "section", "")
    assert len(_visible(driver)) > len(want)


def _sortable() -> Library:
    lib = Library(title="Sorts")
    lib.add_entries(
        [
            Entry(kind="paper", title="Old", arxiv="2101.00001", citations=Citations(50, "s2")),
            Entry(kind="paper", title="New", arxiv="2402.00001", citations=Citations(5, "s2"),
                  links=[Link("code", "https://github.com/a/new", stars=300)]),
            Entry(kind="paper", title="Mid", published="2023-06-15", citations=Citations(500, "s2")),
            Entry(kind="paper", title="Undated"),
            Entry(kind="project", title="Tool", url="https://github.com/o/tool", stars=1000, section="Projects"),
            Entry(kind="project", title="Small", url="https://github.com/o/small", stars=3, section="Projects"),
        ]
    )  # fmt: skip
    keys.assign_keys(lib)
    return lib


@browser
@pytest.mark.parametrize("how", ["date", "citations", "stars"])
def test_each_sort_orders_the_entries_and_list_order_comes_back(driver: Any, tmp_path: Path, how: str) -> None:
    lib = _sortable()
    _open(driver, tmp_path, lib)

    def value(e: Entry) -> Any:
        if how == "date":
            return e.published or month_of(e) or (str(e.year_value) if e.year_value else "")
        n = e.citations.count if how == "citations" and e.citations else stars_of(e) if how == "stars" else None
        return -1 if n is None else n

    indexed = list(enumerate(lib.entries))
    want = [e.key for _, e in sorted(indexed, key=lambda p: (_neg(value(p[1])), p[0]))]
    _select(driver, "sort", how)
    assert _visible(driver) == want
    assert [e.title for e in lib.entries if e.key == want[0]] == [{"date": "New", "citations": "Mid",
                                                                    "stars": "Tool"}[how]]  # fmt: skip
    _select(driver, "sort", "list")
    assert _visible(driver) == [e.key for e in lib.entries]


def _neg(v: Any) -> Any:
    """A sort key putting larger values first (strings: later dates first)."""
    if isinstance(v, str):
        return (*(-ord(c) for c in v), 1)  # "" (no date) after every date
    return -v


@browser
def test_hostile_titles_show_as_text(driver: Any, tmp_path: Path) -> None:
    lib = hostile_library()
    _open(driver, tmp_path, lib)
    assert driver.execute_script("return document.querySelectorAll('img, iframe, script').length") == 1  # ours
    assert driver.execute_script("return document.querySelectorAll('main script, main img, main b').length") == 0
    titles = driver.execute_script(
        "return Array.from(document.querySelectorAll('li.entry .title')).map(t => t.textContent)"
    )
    assert sorted(titles) == sorted(visible(e.title) for e in lib.entries)
    hrefs = driver.execute_script("return Array.from(document.querySelectorAll('a')).map(a => a.protocol)")
    assert set(hrefs) <= {"http:", "https:", "file:"}  # file: is the page's own anchors
    assert [m for m in _severe(driver) if "alert" in m["message"] or "Refused" in m["message"]] == []


@browser
def test_without_javascript_the_page_is_a_plain_list(tmp_path: Path) -> None:
    lib = shipped()
    d = _driver(javascript=False)
    try:
        _open(d, tmp_path, lib)
        assert not d.find_element("id", "controls").is_displayed()
        assert _visible(d) == [e.key for e in lib.entries]
    finally:
        d.quit()


@browser
def test_on_a_phone_nothing_scrolls_sideways(tmp_path: Path) -> None:
    d = _driver(size="390,844")
    try:
        _open(d, tmp_path, shipped())
        assert d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        assert d.find_element("id", "q").is_displayed()
    finally:
        d.quit()


def test_anchors_are_the_citation_keys() -> None:
    lib = shipped()
    text = render(lib, lib.entries)
    for e in lib.entries[:5]:
        assert f'id="{e.key}"' in text and f'href="#{e.key}"' in text
    assert re.search(r'<li class="entry" id="zhao2023length"', text)


def test_a_published_version_and_a_hub_models_likes_are_shown() -> None:
    from lcllm_cli.model import Publication

    paper = Entry(
        kind="paper", title="YaRN", arxiv="2309.00071", venue="arXiv", published="2023-08-31", authors=["Bowen Peng"],
        publication=Publication("ICLR 2024", "Semantic Scholar", type="conference", year=2024),
    )  # fmt: skip
    model = Entry(
        kind="project", title="tiny-long-7b", url="https://huggingface.co/acme/tiny-long-7b", owner="acme",
        labels=["🤗"], likes=42, section="Models",
    )  # fmt: skip
    lib = Library(entries=[paper, model])
    keys.assign_keys(lib)
    text = visible(render(lib, lib.entries))
    assert "ICLR 2024" in text and "ICLR 2024 2024" not in text and "arXiv 2023" not in text
    assert "acme" in text and "🤗" in text and "likes: 42" in text
