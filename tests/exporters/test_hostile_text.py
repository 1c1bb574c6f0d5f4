"""Hostile text in every text field, through entries.toml, the Markdown export and the BibTeX export.

Titles, authors, descriptions, notes, link labels and URLs carrying ``}``, ``{``, ``@``, ``\\``, ``%``, ``#``,
newlines, NUL, right-to-left overrides, Markdown ``](``, ``javascript:`` URLs and raw HTML. Each output is parsed
back with an independent reader (tomllib; markdown-it-py's CommonMark renderer; bibtexparser) and with lcllm's own
importers, and checked: nothing ends a field early, starts a new entry, injects a LaTeX command, creates a link or
raw HTML, or breaks the TOML; only http(s) URLs become links.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import bibtexparser
import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.importers.bibtex import parse as parse_bibtex
from lcllm_cli.importers.markdown import parse as parse_markdown
from lcllm_cli.model import Citations, Entry, Library, Link

HOSTILE = [
    "close } brace",
    "open { brace",
    "} @misc{injected, title={pwned}} {",
    "at @ sign @article{x,",
    "back \\ slash \\",
    "\\input{/etc/passwd} \\write18{rm -rf ~} \\def\\x{y} \\csname end\\endcsname",
    "percent % comment",
    "hash # concat",
    "line one\nline two\n\n- [fake item](https://evil.example)\n## fake heading",
    "NUL \x00 byte",
    "right\u202eto-left override \u2067isolate",
    "md ](javascript:alert(1)) [x](javascript:alert(2))",
    "<script>alert(1)</script> <img src=x onerror=alert(1)>",
    "<!-- comment --> <a href='javascript:alert(3)'>x</a>",
    "&lt;script&gt; &#60;b&#62;",
    '@string{p = {pwned}} @preamble{"\\\\input{x}"}',
    "[link]: javascript:alert(4)",
    "`code` *em* **strong** _u_ ~~s~~ | pipe",
    "\"quotes\" and 'single' and = equals , comma",
]
HOSTILE_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "https://example.org/a)](javascript:alert(1)",
    "https://example.org/<script>",
    "https://example.org/x y\nz",
    "https://example.org/}@misc{x,",
]
# Control characters (C0 and C1 but tab and newline) have no place in a published file: the exports drop them.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` as an export gives it back: control characters dropped, white space collapsed."""
    return " ".join(CONTROL.sub("", text).split())


LATEX_COMMANDS = ("\\input", "\\write18", "\\def", "\\csname", "\\endcsname")


def hostile_library() -> Library:
    # (the intro is the curator's own Markdown, written as is: it is not among the fields tested here)
    lib = Library(title="Hostile } { list <script>x</script>", intro="An intro.")
    entries: list[Entry] = []
    for n, text in enumerate(HOSTILE):
        entries.append(
            Entry(
                kind="paper",
                title=f"P{n} {text}",
                arxiv=f"2402.{13700 + n:05d}",
                version=1,
                authors=[f"Ann {text}".replace(",", " "), "Bob Builder"],
                venue="arXiv",
                comment=text,
                notes=text,
                journal_ref=text,
                citations=Citations(5, text, "https://example.org/cites"),
                links=[Link(f"code {text}", "https://github.com/o/p"), Link(text, HOSTILE_URLS[n % len(HOSTILE_URLS)])],
                key=f"p{n}",
            )
        )
        entries.append(
            Entry(
                kind="project",
                title=f"J{n} {text}",
                section="Projects",
                url=f"https://github.com/owner/repo{n}",
                owner=text,
                description=text,
                key=f"j{n}",
            )
        )
    for n, url in enumerate(HOSTILE_URLS):
        entries.append(Entry(kind="link", title=f"L{n} link", section="Links", url=url, notes=url, key=f"l{n}"))
    lib.add_entries(entries)  # grouped by section, as every export writes them
    return lib


@pytest.fixture
def listed(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    store.save(hostile_library(), path)
    return path


def run(path: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["--file", str(path), *args])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


# --------------------------------------------------------------------------------------------- TOML


def test_toml_holds_every_hostile_value_exactly(listed: Path) -> None:
    lib = hostile_library()
    data = tomllib.loads(listed.read_text(encoding="utf-8"))  # an independent TOML reader
    assert len(data["entry"]) == len(lib.entries)
    for raw, entry in zip(data["entry"], lib.entries, strict=True):
        for name in ("title", "comment", "notes", "journal_ref", "owner", "description", "url", "authors"):
            if getattr(entry, name):
                assert raw[name] == getattr(entry, name), name
        assert [link["url"] for link in raw.get("links", [])] == [link.url for link in entry.links]
    assert store.load(listed) == lib
    assert "\x00" not in listed.read_text(encoding="utf-8")  # escaped as \u0000, not written raw


def test_toml_lines_are_one_key_each(listed: Path) -> None:
    """A newline in a value never starts a new TOML line (no injected key or table)."""
    for line in listed.read_text(encoding="utf-8").splitlines():
        assert line == "" or line.startswith(("#", "[", "    {", '    "', "]")) or re.match(r"^[a-z_]+ = ", line), line


@pytest.mark.parametrize("name", ["a\n", "x\n= 1\n[list]", "k]", "a b", "\u202e", "", "é"])
def test_a_hostile_extra_field_name_stays_one_key(tmp_path: Path, name: str) -> None:
    """Names under [entry.fields] are written bare only when they are bare keys through and through ('a\\n' was)."""
    path = tmp_path / "entries.toml"
    lib = Library()
    lib.add_entries([Entry(kind="paper", title="T", arxiv="2402.13753", fields={name: "v", "ok": "w"})])
    store.save(lib, path)
    assert tomllib.loads(path.read_text(encoding="utf-8"))["entry"][0]["fields"] == {name: "v", "ok": "w"}
    assert store.load(path) == lib


# --------------------------------------------------------------------------------------------- Markdown


def markdown_html(path: Path) -> tuple[str, str]:
    md = run(path, "export", "--markdown")
    return md, MarkdownIt("commonmark").render(md)


def test_markdown_has_one_item_per_entry_and_no_injected_structure(listed: Path) -> None:
    lib = hostile_library()
    _, html = markdown_html(listed)
    # table of contents: one <li> for the title, one per section; then one per entry
    notes = sum(1 for e in lib.entries if e.notes for n in e.notes.split("\n") if n.strip())  # nested, one a line
    assert html.count("<li>") == 1 + len(lib.sections) + len(lib.entries) + notes
    assert html.count("<h2>") == len(lib.sections)
    assert "<h3>" not in html and "fake heading</h2>" not in html
    assert "<pre>" not in html  # no text fell into a code block


def test_markdown_never_renders_raw_html(listed: Path) -> None:
    _, html = markdown_html(listed)
    for tag in ("<script", "<img src=x", "<!--", "<a href='", "<b>"):
        assert tag not in html, tag
    assert html.count("<img") == html.count('<img src="https://img.shields.io/github/stars/')  # the star badges


def test_markdown_links_only_to_http_urls_the_list_holds(listed: Path) -> None:
    lib = hostile_library()
    _, html = markdown_html(listed)
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert hrefs
    assert all(h.startswith(("https://", "http://", "#")) for h in hrefs), [h for h in hrefs if ":" in h[:12]]
    assert "javascript:" not in html.lower().replace("javascript:alert", "")  # only as visible, inert text
    for h in hrefs:
        assert "evil.example" not in h  # the fake item/links inside titles did not become links
    held = {u for e in lib.entries for u in e.all_urls()}
    for h in hrefs:
        if not h.startswith("#") and "arxiv.org" not in h:
            assert any(h == u or h == u.replace(" ", "%20") for u in held) or h.startswith("https://example.org/"), h


def test_markdown_imports_back_to_the_same_titles(listed: Path) -> None:
    lib = hostile_library()
    md = run(listed, "export", "--markdown")
    back = parse_markdown(md).library.entries
    in_order = [e for sec in lib.sections for e in lib.entries if e.section == sec.name]
    assert [e.title for e in back] == [visible(e.title) for e in in_order]


# --------------------------------------------------------------------------------------------- BibTeX


def bib_text(path: Path) -> str:
    return run(path, "export", "--bibtex")


def test_bibtex_has_exactly_one_entry_per_item_and_nothing_else(listed: Path) -> None:
    lib = hostile_library()
    text = bib_text(listed)
    parsed = bibtexparser.parse_string(text)
    assert parsed.failed_blocks == []
    assert parsed.strings == [] and parsed.preambles == []
    assert [e.key for e in parsed.entries] == [e.key for e in lib.entries]
    for entry in parsed.entries:  # every field is one the exporter writes, none injected by a value
        assert set(entry.fields_dict) <= {
            "author", "title", "year", "month", "eprint", "archiveprefix", "archivePrefix", "primaryclass",
            "primaryClass", "url", "doi", "journal", "booktitle", "note", "howpublished", "abstract", "key",
            "publisher", "pages", "volume", "number",
        }, entry.fields_dict.keys()  # fmt: skip


def test_bibtex_values_inject_no_latex_command(listed: Path) -> None:
    text = bib_text(listed)
    for command in LATEX_COMMANDS:
        assert command not in text.replace("\\textbackslash{}", "\\textbackslash "), command
    assert "\\input" not in text.replace("\\textbackslash{}input", "")


@pytest.mark.parametrize("title", ["math $\\input{/etc/passwd}$", "$x$ and $\\write18{touch /tmp/pwned}$"])
def test_math_in_a_title_injects_no_latex_command(tmp_path: Path, title: str) -> None:
    path = tmp_path / "entries.toml"
    store.save(Library(entries=[Entry(kind="paper", title=title, arxiv="2402.13753", key="k")]), path)
    text = bib_text(path)
    assert "\\input{" not in text and "\\write18{" not in text, text


def test_bibtex_braces_balance_in_every_field_as_bibtex_counts_them(listed: Path) -> None:
    """Classic BibTeX counts every brace, escaped or not: a field value must balance with ``\\{`` and ``\\}``
    counted as braces, or a ``}`` in a title ends the field early."""
    text = bib_text(listed)
    for m in re.finditer(r"^  (\w+) = \{(.*)\},?$", text, re.MULTILINE):
        depth = 0
        for c in m.group(2):
            depth += {"{": 1, "}": -1}.get(c, 0)
            assert depth >= 0, m.group(0)
        assert depth == 0, m.group(0)


def test_bibtex_reads_back_to_the_same_titles_and_authors(listed: Path) -> None:
    lib = hostile_library()
    result = parse_bibtex(bib_text(listed))
    assert result.problems == []
    back = result.library.entries
    assert [e.title for e in back] == [visible(e.title) for e in lib.entries]
    for sent, got in zip(lib.entries, back, strict=True):
        if sent.kind == "paper":
            assert got.authors == [visible(a) for a in sent.authors]


@pytest.mark.skipif(not Path("/usr/bin/bibtex").exists(), reason="bibtex is not installed")
def test_classic_bibtex_reads_the_hostile_export_without_errors(listed: Path, tmp_path: Path) -> None:
    import subprocess

    (tmp_path / "refs.bib").write_text(bib_text(listed), encoding="utf-8")
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibdata{refs}\n\\bibstyle{plain}\n", encoding="utf-8")
    done = subprocess.run(["bibtex", "doc"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    log = done.stdout + (tmp_path / "doc.blg").read_text(errors="replace")
    assert "error message" not in log, log[-2000:]
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert bbl.count("\\bibitem") == len(hostile_library().entries)
    for command in LATEX_COMMANDS:
        assert command not in bbl.replace("\\textbackslash{}", "\\textbackslash "), command


# --------------------------------------------------------------------------------------------- the terminal


@pytest.mark.parametrize("args", [["list"], ["show", "2402.13711"], ["list", "--json"], ["dedupe", "--dry-run"]])
def test_commands_print_hostile_titles_without_crashing(listed: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["--file", str(listed), *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------------------------- control characters


@pytest.mark.parametrize("fmt", ["--markdown", "--bibtex", "--csl-json"])
def test_exports_carry_no_control_characters(listed: Path, fmt: str) -> None:
    text = run(listed, "export", fmt)
    assert not CONTROL.search(text), CONTROL.findall(text)[:5]


# --------------------------------------------------------------------------------------------- terminal output

TERMINAL_HOSTILE = "Evil [/] [bold red]x[/bold red] \x1b]0;pwned\x07 \x1b[2J \x00 \u202eabc"


def _terminal_list(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    lib = Library(title="T")
    lib.add_entries([Entry(kind="paper", title=TERMINAL_HOSTILE, arxiv="2402.13753", authors=["A [/] \x1b[2J"])])
    store.save(lib, path)
    return path


def _assert_inert(out: str) -> None:
    assert "Traceback" not in out and "MarkupError" not in out
    assert "[/]" in out  # markup shown as text, not interpreted
    for raw in ("\x1b]0;pwned", "\x1b[2J", "\x00", "\u202e"):
        assert raw not in out, repr(raw)
    assert "\\x1b]0;pwned" in out and "\\u202e" in out  # shown as visible escapes


@pytest.mark.parametrize("args", [["list"], ["show", "2402.13753"], ["remove", "2402.13753"]])
def test_piped_output_shows_hostile_titles_as_inert_text(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(app, ["--file", str(_terminal_list(tmp_path)), *args])
    assert result.exit_code == 0, result.output
    _assert_inert(result.stdout)


@pytest.mark.parametrize("args", [["list"], ["show", "2402.13753"]])
def test_terminal_output_shows_hostile_titles_as_inert_text(tmp_path: Path, args: list[str]) -> None:
    """On a terminal (a pty) list draws a rich table: markup in a title crashed it, escapes went through."""
    import os
    import subprocess
    import sys

    path = _terminal_list(tmp_path)
    leader, follower = os.openpty()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("lcllm")), "--file", str(path), *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "COLUMNS": "200", "TERM": "xterm"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(30) == 0
    out = b"".join(chunks).decode("utf-8", "replace")
    _assert_inert(out)


def test_add_and_refresh_tables_show_markup_in_titles_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.arxiv_stub import ArxivStub

    title = "Evil [/] [bold red]x[/bold red] \u202eabc"
    with ArxivStub() as stub:
        monkeypatch.setenv("LCLLM_ARXIV_API_URL", stub.url)
        monkeypatch.setenv("LCLLM_ARXIV_DELAY", "0")
        stub.set_paper("2402.13753", title=title)
        path = tmp_path / "entries.toml"
        added = CliRunner().invoke(app, ["--file", str(path), "add", "2402.13753"])
        assert added.exit_code == 0, added.output
        assert "Evil [/] [bold red]x[/bold red] \\u202eabc" in " ".join(added.stdout.split())
        assert store.load(path).entries[0].title == title  # stored exactly; only the display is escaped
        stub.set_paper("2402.13753", title=title + " [/]", version=2)
        refreshed = CliRunner().invoke(app, ["--file", str(path), "refresh", "--ttl", "0"])
        assert refreshed.exit_code == 0, refreshed.output
        assert "Traceback" not in refreshed.output and "[/]" in refreshed.stdout


@pytest.mark.parametrize("args", [["import", "IN"], ["dedupe", "--dry-run"]])
def test_import_and_dedupe_reports_show_control_characters_as_escapes(tmp_path: Path, args: list[str]) -> None:
    source = tmp_path / "in.md"
    source.write_text(
        "## Papers\n\n- [A \x1b]0;pwned\x07 x](https://arxiv.org/abs/2402.13753)\n"
        "- [A \x1b]0;pwned\x07 x](https://arxiv.org/abs/2402.13753v2)\n\nstray \x1b[2J text\n",
        encoding="utf-8",
    )
    path = tmp_path / "entries.toml"
    if args[0] == "dedupe":
        assert CliRunner().invoke(app, ["--file", str(path), "import", str(source)]).exit_code == 0
    result = CliRunner().invoke(app, ["--file", str(path), *[str(source) if a == "IN" else a for a in args]])
    assert "Traceback" not in result.output
    assert "\x1b" not in result.output


def test_a_title_of_only_control_characters_still_exports_as_an_item(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    lib = Library(entries=[Entry(kind="paper", title="\x1b\x00", arxiv="2402.13753", authors=["A B"], key="k")])
    store.save(lib, path)
    html = MarkdownIt("commonmark").render(run(path, "export", "--markdown"))
    assert re.search(r"<li>\s*<p><strong>[^<]+</strong>", html), html
    assert "title = {}" not in run(path, "export", "--bibtex")


# --------------------------------------------------------------------------------------------- hostile answers

EVIL_ID = "abc) [x](javascript:alert(1)) <script>\n## h"


def test_hostile_service_answers_never_become_urls_or_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Semantic Scholar's paperId and GitHub's names go into URLs in the list: only well-formed ones are taken."""
    import json

    from tests.stubserver import Reply, Request, StubServer

    description = "<script>alert(1)</script> ](javascript:x) [y](https://evil.example)"

    def answer(req: Request) -> Reply:
        if req.path.endswith("/paper/batch"):
            return Reply(200, json.dumps([{"paperId": EVIL_ID, "citationCount": 3}]), content_type="application/json")
        if req.path.endswith("/rate_limit"):
            core = {"remaining": 60, "limit": 60, "reset": 1}
            return Reply(200, json.dumps({"resources": {"core": core}}), content_type="application/json")
        repo = {
            "full_name": "evil/x) [a](javascript:alert(1)",
            "html_url": "javascript:alert(1)",
            "stargazers_count": 5,
            "description": description,
        }
        return Reply(200, json.dumps(repo), content_type="application/json")

    with StubServer(answer) as srv:
        monkeypatch.setenv("LCLLM_S2_API_URL", srv.url + "/graph/v1")
        monkeypatch.setenv("LCLLM_GITHUB_API_URL", srv.url + "/gh")
        monkeypatch.setenv("LCLLM_S2_INTERVAL", "0")
        path = tmp_path / "entries.toml"
        lib = Library()
        lib.add_entries(
            [
                Entry(kind="paper", title="T", arxiv="2402.13753", authors=["A"]),
                Entry(kind="project", title="P", section="Projects", url="https://github.com/o/p"),
            ]
        )
        store.save(lib, path)
        run(path, "enrich")
    paper, project = store.load(path).entries
    assert paper.citations is not None and paper.citations.count == 3
    assert paper.citations.url is None  # the malformed id was dropped, the count kept
    assert project.url == "https://github.com/o/p" and project.stars == 5
    assert project.description == description  # stored exactly ...
    html = MarkdownIt("commonmark").render(run(path, "export", "--markdown"))
    hrefs = re.findall(r'<a href="([^"]*)"', html)
    assert "<script" not in html  # ... and rendered inert
    assert not [h for h in hrefs if "evil" in h or "javascript:" in h or "semanticscholar" in h], hrefs


def test_check_shows_control_characters_of_the_readme_as_escapes(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    lib = Library(title="S")
    lib.add_entries([Entry(kind="paper", title="X", arxiv="2402.13753")])
    store.save(lib, path)
    readme = tmp_path / "README.md"
    readme.write_text("# R\n<!-- lcllm:start -->\n- evil \x1b]0;pwned\x07 line\n<!-- lcllm:end -->\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--file", str(path), "check", str(readme)])
    assert result.exit_code == 1, result.output  # out of date: the diff is shown
    assert "evil" in result.output
    assert "\x1b" not in result.output


@pytest.mark.parametrize(
    "args",
    [["add", "\x1b]0;pwned\x07 \x1b[2J"], ["show", "\x1b]0;pwned\x07"], ["import", "\x1b[2J.md"]],
    ids=["add", "show", "import"],
)
def test_error_messages_quote_input_with_its_control_characters_escaped(tmp_path: Path, args: list[str]) -> None:
    path = _terminal_list(tmp_path)
    result = CliRunner().invoke(app, ["--file", str(path), *args])
    assert result.exit_code != 0
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "\\x1b" in errors[0], result.output
    assert "\x1b" not in result.output
