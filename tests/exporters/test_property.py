"""Property tests (Hypothesis) for the two exports, over any Unicode text.

* BibTeX export: any title and author list parse back (with bibtexparser, and with lcllm's .bib importer) to the
  same text, as exactly one entry;
* Markdown export: any title renders to one item (CommonMark) that imports back to the same title and carries no
  markup of its own.

Text is drawn as an export gives it back: white space collapsed (runs of spaces, tabs and newlines are one space
in both formats) and without control characters (both exports drop them). The alphabet
mixes all of Unicode (surrogates excepted: they cannot be written as UTF-8) with the characters each format treats
specially, so both the odd code point and the hostile combination are drawn often.
"""

from __future__ import annotations

import re

import bibtexparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from lcllm_cli.exporters.bibtex import render as render_bibtex
from lcllm_cli.exporters.markdown import render as render_markdown
from lcllm_cli.importers.bibtex import parse as parse_bibtex
from lcllm_cli.importers.markdown import parse as parse_markdown
from lcllm_cli.model import Entry, Library

_SPECIAL = [*"{}@\\%#$&_~^[]()<>*`|!'\"=,;: \n\t", "](", "\u202e", "\x00", "$\\infty$", "and", "http://x.y"]
# Controls that Python also counts as white space (\v \f \r, \x1c-\x1f, NEL) are left out: one export collapses
# them to a space, the other drops them, and either is fine.
_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x0b\x0c\r\x1c\x1d\x1e\x1f\x85")
_TEXT = st.lists(st.one_of(_CHARS, st.sampled_from(_SPECIAL)), min_size=1, max_size=30).map("".join)


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """What an export gives back: control characters (which have no place in a published file) dropped, white
    space collapsed."""
    return " ".join(_CONTROL.sub("", text).split())


# (a title made only of control characters is tests/exporters/test_hostile_text.py's known gap, not drawn here)
_TITLE = _TEXT.filter(lambda s: bool(visible(s)))
# A comma in a BibTeX name is its "Last, First" separator and "others" means "et al.": lcllm keeps those meanings,
# so names are drawn without a comma and are never the bare word "others".
_NAME = _TEXT.map(lambda s: s.replace(",", " ")).filter(lambda s: visible(s) and visible(s).lower() != "others")
SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


@SETTINGS
@given(title=_TITLE, authors=st.lists(_NAME, min_size=1, max_size=5))
def test_bibtex_any_title_and_authors_parse_back_to_the_same_text(title: str, authors: list[str]) -> None:
    entry = Entry(kind="paper", title=title, arxiv="2402.13753", authors=authors, key="k1")
    text = render_bibtex([entry]).text
    independent = bibtexparser.parse_string(text)
    assert independent.failed_blocks == [] and len(independent.entries) == 1
    assert independent.strings == [] and independent.preambles == []
    result = parse_bibtex(text)
    assert result.problems == []
    (back,) = result.library.entries
    assert back.title == visible(title)
    assert back.authors == [visible(a) for a in authors]


@SETTINGS
@given(title=_TITLE, ascii=st.booleans())
def test_bibtex_any_title_of_any_kind_parses_back(title: str, ascii: bool) -> None:
    entries = [
        Entry(kind="paper", title=title, arxiv="2402.13753", authors=["A B"], key="k1"),
        Entry(kind="project", title=title, url="https://github.com/o/p", owner="o", key="k2"),
        Entry(kind="link", title=title, url="https://example.org/", key="k3"),
    ]
    rendered = render_bibtex(entries, ascii=ascii)
    assert len(bibtexparser.parse_string(rendered.text).entries) == 3
    back = parse_bibtex(rendered.text).library.entries
    if ascii:  # accents and symbols become LaTeX commands (some read back as math), the rest is reported as lost
        assert len(back) == 3 and all(e.title for e in back)
        return
    assert [e.title for e in back] == [visible(title)] * 3


_MD = MarkdownIt("commonmark")


@SETTINGS
@given(title=_TITLE)
def test_markdown_any_title_renders_to_one_item_that_imports_back(title: str) -> None:
    lib = Library(entries=[Entry(kind="paper", title=title, arxiv="2402.13753", authors=["A B"], venue="arXiv")])
    md = render_markdown(lib)
    back = parse_markdown(md).library.entries
    assert [e.title for e in back] == [visible(title)]
    html = _MD.render(md)
    assert html.count("<li>") == 3  # contents: the title and the one section; then the one item
    strong = re.search(r"<li>\s*<p><strong>(.*?)</strong>, <code>arXiv, 2402\.13753</code>", html, re.DOTALL)
    assert strong is not None, html
    assert "<" not in strong.group(1)  # no tag inside the title: no link, emphasis, code, image or raw HTML


@SETTINGS
@given(title=_TITLE, description=_TITLE)
def test_markdown_any_project_title_and_description_import_back(title: str, description: str) -> None:
    lib = Library(
        entries=[Entry(kind="project", title=title, url="https://github.com/o/p", owner="o", description=description)]
    )
    md = render_markdown(lib)
    (back,) = parse_markdown(md).library.entries
    assert (back.title, back.description) == (visible(title), visible(description))
    hrefs = re.findall(r'<a href="([^"]*)"', _MD.render(md))
    assert [h for h in hrefs if not h.startswith("#")] == ["https://github.com/o/p"]
