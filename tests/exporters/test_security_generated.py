"""Issue 22, the generated-input check: hostile strings in every field of every kind of entry.

The BibTeX export must read back with bibtexparser as exactly one entry per entry, with no field lcllm did not
write, and a sample must compile with pdflatex + bibtex while TeX opens no file the document did not name (the
``-recorder`` list of every file TeX read or wrote). The Markdown side of the same check is
``tests/exporters/test_markdown_security.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcllm_cli import keys
from lcllm_cli.exporters.bibtex import render
from lcllm_cli.exporters.markdown import render as render_md
from lcllm_cli.model import Citations, Entry, Library, Link
from tests.exporters.test_markdown_security import unsafe_constructs

PIECES = [
    *"{}\\$%#&_^~@,=\"'\n\t ab",
    "\x00",
    # (no lone surrogate: entries.toml cannot hold one, and text from services is made valid when it is read)
    "\u202e",  # right-to-left override
    "^^5c",
    "\\input{/etc/passwd}",
    "$x^^5cinput{/etc/hostname}$",
    "$\\infty$",
    "}, note = {INJECTED",
    "\\write18{touch pwned}",
    "\\catcode`\\@=11",
    "@misc{x,",
    "é",
]
hostile = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)

# Fields lcllm writes for each kind (and the extra fields the entries below carry).
WRITTEN = {"author", "title", "year", "month", "eprint", "archiveprefix", "primaryclass", "journal", "booktitle"}
WRITTEN |= {"howpublished", "doi", "url", "note", "abstract", "key", "extra"}


def library(text: str, other: str) -> Library:
    lib = Library(title="T")
    entries = [
        Entry(
            kind="paper",
            title=text or "t",
            arxiv="2402.13753",
            authors=[text or "A", other or "B"],
            venue=other,
            primary_category="cs.CL",
            links=[Link(text or "x", "https://e.org/" + other)],
            citations=Citations(1, "s2", url="https://e.org/" + text),
            fields={"extra": text},
        ),
        Entry(kind="paper", title=other or "u", url="https://e.org/" + text, authors=[text or "C"], venue=text),
        Entry(kind="project", title=text or "p", url="https://github.com/o/r", owner=other, description=text),
        Entry(kind="link", title=other or "l", url="https://e.org/" + text + other, description=other, raw=text),
    ]
    lib.add_entries(entries)
    keys.assign_keys(lib)
    return lib


def bib(lib: Library) -> str:
    return render(lib.entries).text


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile, other=hostile)
def test_hostile_fields_give_one_entry_each_and_no_other_field(text: str, other: str) -> None:
    lib = library(text, other)
    parsed = bibtexparser.parse_string(bib(lib))
    assert parsed.failed_blocks == []
    assert [e.key for e in parsed.entries] == [e.key for e in lib.entries]
    for entry in parsed.entries:
        names = {f.key.lower() for f in entry.fields}
        assert names <= WRITTEN, names - WRITTEN
        assert "INJECTED" not in "".join(f.key for f in entry.fields)


@pytest.mark.skipif(not (shutil.which("pdflatex") and shutil.which("bibtex")), reason="pdflatex/bibtex not installed")
def test_a_hostile_sample_compiles_and_opens_no_file_it_did_not_name(tmp_path: Path) -> None:
    import random

    rng = random.Random(22)
    libs = [library("".join(rng.choices(PIECES, k=8)), "".join(rng.choices(PIECES, k=8))) for _ in range(6)]
    libs.append(library("$x^^5cinput{/etc/hostname}$ \\input{/etc/passwd}", "\\openin5=/etc/hostname"))
    entries = []
    for n, lib in enumerate(libs):
        for e in lib.entries:
            e.key = f"{e.key}{n}"
            entries.append(e)
    (tmp_path / "refs.bib").write_text(render(entries).text, encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}\\usepackage{url}\n"
        "\\begin{document}\\nocite{*}\\bibliographystyle{plain}\\bibliography{refs}\\end{document}\n",
        encoding="utf-8",
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "openin_any": "p", "openout_any": "p"}

    def run(*cmd: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            cmd, cwd=tmp_path, env=env, capture_output=True, text=True, errors="replace", timeout=120, check=False
        )

    run("pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "-recorder", "doc")
    bibtex = run("bibtex", "doc")
    assert "error message" not in bibtex.stdout, bibtex.stdout[-2000:]
    latex = run("pdflatex", "-interaction=nonstopmode", "-no-shell-escape", "-recorder", "doc")
    assert (tmp_path / "doc.pdf").exists(), latex.stdout[-3000:]
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert bbl.count("\\bibitem") == len(entries)
    opened = [
        line.split(" ", 1)[1]
        for line in (tmp_path / "doc.fls").read_text(errors="replace").splitlines()
        if line.startswith(("INPUT ", "OUTPUT "))
    ]
    outside = [
        p
        for p in opened
        if not p.startswith(("/usr/share/", "/var/lib/texmf", "/etc/texmf", "/usr/lib/"))
        and not Path(p).resolve().is_relative_to(tmp_path.resolve())
        and not p.startswith("./")
        and "/" in p
    ]
    assert outside == [], outside
    assert not any(p.endswith(("passwd", "hostname")) for p in opened), opened
    assert not (tmp_path / "pwned").exists()


# --------------------------------------------------------------------------------------------- issue 21

MD_PIECES = [
    *PIECES,
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x9b2J",
    "# heading",
    "\n## injected section\n",
    "\n- [injected item](https://evil.example)\n",
    "[x](https://evil.example)",
    "](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<!-- lcllm:end -->",
    "```",
    "    indented",
    "|",
    "*",
    "_",
    "&amp;",
    "\u2028",
]
md_hostile = st.lists(st.sampled_from(MD_PIECES), max_size=8).map("".join)


def sourced_library(section: str, page: str, post: str, venue: str, note: str) -> Library:
    """The fields the new sources fill (a page's title, a post's text, a venue, a section name, a note), each
    hostile; the entries' own URLs are plain."""
    lib = Library(title="T")
    lib.ensure_section(section or "S")
    lib.ensure_section("Plain")
    where = section or "S"
    lib.add_entries(
        [
            Entry(kind="link", title=page or "p", url="https://e.org/page", section=where, notes=note or None),
            Entry(kind="link", title=post or "x", url="https://x.com/a/status/1", labels=["𝕏"], section=where),
            Entry(
                kind="paper", title=page or "t", venue=venue or None, year=2025, url="https://openreview.net/forum?id=A"
            ),
            Entry(
                kind="project", title="tool", url="https://github.com/o/r", description=post or None, section="Plain"
            ),
        ]
    )
    for e in lib.entries:
        if e.section is None:
            e.section = where
    keys.assign_keys(lib)
    return lib


def _plain(value: str) -> str:
    """A harmless value that the export shows when it shows ``value`` (a word), or ``value`` itself when nothing of
    it is visible (white space and control characters only, which an export drops)."""
    return "w" if re.sub(r"[\x00-\x20\x7f-\x9f\u2028\u202e]", "", value) else value


def _shape(markdown: str) -> tuple[list[str], int]:
    """The block structure CommonMark reads (token types and heading levels, not their text) and the number of
    links."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(markdown)
    blocks = [t.type + t.tag for t in tokens if t.type != "inline"]
    links = sum(1 for t in tokens if t.children for c in t.children if c.type == "link_open")
    return blocks, links


@settings(max_examples=120, suppress_health_check=[HealthCheck.too_slow])
@given(section=md_hostile, page=md_hostile, post=md_hostile, venue=md_hostile, note=md_hostile)
def test_hostile_section_names_page_titles_posts_venues_and_notes_keep_their_place(
    section: str, page: str, post: str, venue: str, note: str
) -> None:
    """Issue 21: the Markdown export of hostile values has the block structure and the links of the same list with
    plain values (no heading, item, code block or link injected), no raw HTML, no control character; the BibTeX
    reads back as one entry per entry with no other field."""
    hostile_lib = sourced_library(section, page, post, venue, note)
    plain_note = "\n".join(_plain(line) for line in note.split("\n") if line.strip())  # a line each: one item each
    plain_lib = sourced_library(*(_plain(v) for v in (section, page, post, venue)), plain_note)
    out = render_md(hostile_lib)
    assert unsafe_constructs(out) == []
    assert not any(c in out for c in "\x00\x1b\x07\x9b")
    hostile_shape, plain_shape = _shape(out), _shape(render_md(plain_lib))
    assert hostile_shape == plain_shape
    parsed = bibtexparser.parse_string(bib(hostile_lib))
    assert parsed.failed_blocks == []
    assert [e.key for e in parsed.entries] == [e.key for e in hostile_lib.entries]
    for entry in parsed.entries:
        assert {f.key.lower() for f in entry.fields} <= WRITTEN
