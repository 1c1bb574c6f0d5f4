"""Issue 22, the Markdown findings: nothing from the data leaves its place in the awesome-list export.

Checked with a CommonMark parser (markdown-it-py) that is told to take every link construct as a link, so a
scheme that a renderer might let through is seen: the export may hold no raw HTML and no link or image to anything
but an http(s) URL.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from lcllm_cli.cli import app
from lcllm_cli.exporters.markdown import render
from lcllm_cli.model import Citations, Entry, Library, Link


def unsafe_constructs(markdown: str) -> list[str]:
    """Every raw HTML token and every link or image whose target is not http(s) (or the table of contents' own
    ``#anchor``), as CommonMark reads the text."""
    md = MarkdownIt("commonmark")
    md.validateLink = lambda url: True
    found: list[str] = []

    def walk(tokens: list) -> None:  # type: ignore[type-arg]
        for t in tokens:
            if t.type in ("html_inline", "html_block"):
                found.append(f"html: {t.content!r}")
            elif t.type == "link_open" and not str(t.attrGet("href")).startswith(("http://", "https://", "#")):
                found.append(f"link: {t.attrGet('href')!r}")
            elif t.type == "image" and not str(t.attrGet("src")).startswith(("http://", "https://")):
                found.append(f"image: {t.attrGet('src')!r}")
            if t.children:
                walk(t.children)

    walk(md.parse(markdown))
    return found


HOSTILE_ITEMS = [
    "[a](javascript:alert(1) 'x')",
    "[a](javascript:alert(1) (title))",
    '[a](javascript:alert(1) "t")',
    "![img](javascript:alert(1))",
    "![img](data:text/html;base64,PHNjcmlwdD4=)",
    "<javascript:alert(1)>",
    "[a](<javascript:alert(1)>)",
    "[a][r] and [r]: javascript:alert(1)",
    "<img src=x onerror=alert(1)> [t](https://example.org)",
    "[t](https://example.org) <b>bold</b>",
    "[t](https://example.org)<!-- lcllm:end -->",
]


@pytest.mark.parametrize("item", HOSTILE_ITEMS)
def test_an_imported_item_kept_as_raw_text_is_never_written_back_unsafe(tmp_path: Path, item: str) -> None:
    source = tmp_path / "list.md"
    source.write_text(f"# List\n\n## Links\n\n- {item}\n- [Fine](https://example.org/fine)\n")
    entries = tmp_path / "entries.toml"
    result = CliRunner().invoke(app, ["--file", str(entries), "import", str(source)])
    assert result.exit_code in (0, 1), result.output
    result = CliRunner().invoke(app, ["--file", str(entries), "export", "--markdown"])
    assert result.exit_code == 0, result.output
    assert unsafe_constructs(result.stdout) == []
    assert "[Fine](https://example.org/fine)" in result.stdout


def test_an_arxiv_value_that_is_no_id_never_leaves_its_code_span() -> None:
    lib = Library(
        entries=[Entry(kind="paper", title="T", arxiv="2402.13753` <img src=x onerror=alert(1)> [x](javascript:y) `")]
    )
    out = render(lib)
    assert unsafe_constructs(out) == []
    assert "javascript" not in out and "<img" not in out


def test_a_marker_shown_in_a_fenced_code_block_is_not_the_marker(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    docs = "Put these lines in your README:\n\n```markdown\n<!-- lcllm:start -->\n<!-- lcllm:end -->\n```\n"
    readme.write_text(f"# My list\n\n{docs}\nThe list:\n\n<!-- lcllm:start -->\nold\n<!-- lcllm:end -->\n\nThe end.\n")
    entries = tmp_path / "entries.toml"
    source = tmp_path / "src.md"
    source.write_text("# L\n\n## Links\n\n- [Page](https://example.org/p)\n")
    assert CliRunner().invoke(app, ["--file", str(entries), "import", str(source)]).exit_code == 0
    result = CliRunner().invoke(app, ["--file", str(entries), "export", "--markdown", "--in-place", str(readme)])
    assert result.exit_code == 0, result.output
    text = readme.read_text()
    assert docs in text and "The list:" in text and "The end." in text
    assert "old" not in text and "[Page](https://example.org/p)" in text


# --------------------------------------------------------------------------------------------- generated

_hostile = st.lists(
    st.sampled_from([*"<>[]()!`*_\\\"' :/#\n&;=a", "javascript:", "<img src=x>", "](", "http://x", "<!--"]),
    max_size=12,
).map("".join)


_FIELDS = ("title", "author", "venue", "owner", "description", "note", "url", "label", "raw")


@given(**dict.fromkeys(_FIELDS, _hostile), section=_hostile.filter(lambda s: s.strip() != ""))
def test_hostile_text_in_any_field_renders_no_html_and_no_other_scheme(
    title: str,
    author: str,
    venue: str,
    owner: str,
    description: str,
    note: str,
    url: str,
    label: str,
    raw: str,
    section: str,
) -> None:
    links = [Link(label or "x", url), Link("code", "https://github.com/o/r")]
    entries = [
        Entry(
            kind="paper",
            title=title or "t",
            section=section,
            arxiv="2402.13753",
            authors=[author, "B"],
            venue=venue,
            links=links,
            notes=note,
            citations=Citations(3, "s2", url=url),
        ),
        Entry(kind="paper", title=title or "t", section=section, url=url, authors=[author], venue=venue),
        Entry(kind="project", title=title or "t", section=section, url=url, owner=owner, description=description),
        Entry(kind="link", title=title or "t", section=section, url=url or "https://e.org", raw=raw, links=links),
        Entry(kind="link", title=title or "t", section=section, url=url or "https://e.org", description=description),
    ]
    lib = Library(title=title or "List")
    lib.add_entries(entries)
    assert unsafe_constructs(render(lib)) == []
