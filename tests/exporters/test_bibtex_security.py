"""Issue 22, the BibTeX and LaTeX findings of the attack campaign, each reproduced as the attacker ran it.

Fixed at the root: :mod:`lcllm_cli.fieldkinds` says what an identifier field may hold (checked when a list is read,
when arXiv answers and when a .bib is imported); :mod:`lcllm_cli.latex` keeps math only when it cannot reach TeX's
file or catcode machinery; the BibTeX importer bounds what a value may expand to; ``import`` reads a bounded
amount from regular files only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import bibtexparser
import pytest
from typer.testing import CliRunner

from lcllm_cli import latex, store
from lcllm_cli.cli import app
from lcllm_cli.exporters.bibtex import render
from lcllm_cli.importers.bibtex import MAX_VALUE_CHARS, parse
from lcllm_cli.model import Entry, Library
from tests.arxiv_stub import ArxivStub


def bib_of(*entries: Entry) -> str:
    return render(list(entries)).text


def fields_of(text: str) -> list[dict[str, str]]:
    lib = bibtexparser.parse_string(text)
    assert not lib.failed_blocks, [b.raw for b in lib.failed_blocks]
    return [{f.key.lower(): f.value for f in e.fields} for e in lib.entries]


# --------------------------------------------------------------------------------------------- kept math


@pytest.mark.parametrize(
    "title",
    [
        r"Attack $x^^5cinput{/path/secret.txt}$",  # ^^5c is TeX for a backslash
        r"Attack $x^^5c^^69nput{/path/secret.txt}$",
        r"Attack $\^^69nput{/path/secret.txt}$",
        r"Attack $x\@input{/path/secret.txt}$",
        r"Attack $x % comment$",
        r"Attack $x_#1$",
        "Attack $x\x00y^2$",
    ],
)
def test_kept_math_carries_no_tex_escape_that_could_read_a_file(title: str) -> None:
    text = bib_of(Entry(kind="paper", title=title, key="k", arxiv="2402.13753"))
    written = fields_of(text)[0]["title"]
    assert "^^" not in written
    assert not re.search(r"(?<!\\textbackslash\{\})\\[@^]", written)
    assert "input{" not in written.replace(r"input\textbraceleft{}", "")


def test_safe_math_is_still_kept_as_math() -> None:
    assert latex.escape(r"Scaling to $\infty$ and $O(n^2)$") == r"Scaling to $\infty$ and $O(n^2)$"


# --------------------------------------------------------------------------------------------- field injection


def test_a_category_from_arxiv_cannot_add_a_field(
    arxiv: ArxivStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    arxiv.set_paper("2402.13753", category="cs.CL}, note = {INJECTED")
    path = tmp_path / "entries.toml"
    result = CliRunner().invoke(app, ["--file", str(path), "add", "2402.13753"])
    assert result.exit_code == 0, result.output
    assert store.load(path).entries[0].primary_category is None
    out = tmp_path / "out.bib"
    result = CliRunner().invoke(app, ["--file", str(path), "export", "--bibtex", "-o", str(out)])
    assert result.exit_code == 0, result.output
    (written,) = fields_of(out.read_text())
    assert "note" not in written and "INJECTED" not in out.read_text()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("arxiv", "2402.13753}, note = {INJECTED"),
        ("arxiv", "2402.13753`<script>"),
        ("primary_category", "cs.CL}, note = {INJECTED"),
        ("doi", "10.1/x}, note = {INJECTED"),
        ("doi", "10.1/x\\"),
    ],
)
def test_a_hand_edited_breakout_is_refused_on_read_and_by_check(tmp_path: Path, field: str, value: str) -> None:
    path = tmp_path / "entries.toml"
    store.save(Library(entries=[Entry(kind="paper", title="T", key="t", arxiv="2402.13753")]), path)
    text = path.read_text()
    line = {"arxiv": 'arxiv = "2402.13753"'}.get(field, 'arxiv = "2402.13753"')
    edited = text.replace(line, f"{line}\n{field} = {store.toml_str(value)}" if field != "arxiv" else "")
    if field == "arxiv":
        edited = edited.replace("[[entry]]\n", f"[[entry]]\narxiv = {store.toml_str(value)}\n", 1)
    path.write_text(edited)
    result = CliRunner().invoke(app, ["--file", str(path), "check"])
    assert result.exit_code == 1, result.output  # check's finding
    assert field in result.output and "line" in result.output
    result = CliRunner().invoke(app, ["--file", str(path), "export", "--bibtex"])
    assert result.exit_code == 2 and "INJECTED" not in result.stdout


@pytest.mark.parametrize(
    "url",
    ["https://example.org/a{b", "https://example.org/a}b", "https://example.org/a\\", "https://example.org/a%c#d}{"],
)
def test_a_url_with_braces_or_a_backslash_keeps_its_entry_whole(url: str) -> None:
    text = bib_of(
        Entry(kind="paper", title="Paper", key="p", url=url),
        Entry(kind="link", title="Page", key="l", url=url),
        Entry(kind="paper", title="After", key="after", arxiv="2402.13753"),
    )
    entries = fields_of(text)
    assert len(entries) == 3 and entries[2]["title"] == "After"
    assert set(entries[0]) == {"title", "url", "key"}
    assert set(entries[1]) == {"title", "howpublished", "note", "key"}
    assert "%7B" in text or "%7D" in text or "%5C" in text


# --------------------------------------------------------------------------------------------- bounds


def test_an_at_string_chain_cannot_grow_without_bound() -> None:
    lines = ["@string{s0 = {aaaaaaaaaaaaaaaa}}"]
    lines += [f"@string{{s{i} = s{i - 1} # s{i - 1}}}" for i in range(1, 41)]
    lines.append("@misc{k, title = s40}")
    lines.append("@misc{ok, title = {Fine}}")
    text = "\n".join(lines)
    assert len(text) < 1500
    result = parse(text)  # s30 and on are not defined: like BibTeX, their names stand for them
    assert [e.title for e in result.library.entries][1] == "Fine"
    assert any("expands to more than" in p.message for p in result.problems)
    assert all(len(e.title) <= MAX_VALUE_CHARS for e in result.library.entries)


def test_a_value_joining_many_big_strings_is_bounded() -> None:
    text = "@string{big = {" + "x" * 90_000 + "}}\n@misc{k, title = big # big # big}\n"
    result = parse(text)
    assert result.library.entries == []
    assert "'title' value expands to more than" in result.problems[0].message


def test_import_of_a_device_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--file", str(tmp_path / "entries.toml"), "import", "/dev/zero"])
    assert result.exit_code == 2 and "not a regular file" in result.output
    assert not (tmp_path / "entries.toml").exists()


def test_import_of_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "list.md"
    os.mkfifo(fifo)
    result = CliRunner().invoke(app, ["--file", str(tmp_path / "entries.toml"), "import", str(fifo)])
    assert result.exit_code == 2 and "not a regular file" in result.output


def test_import_from_endless_stdin_stops_at_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lcllm_cli import importers

    monkeypatch.setattr(importers, "MAX_BYTES", 1000)
    result = CliRunner().invoke(
        app, ["--file", str(tmp_path / "entries.toml"), "import", "-", "--format", "bibtex"], input="%" * 5000
    )
    assert result.exit_code == 2 and "larger than" in result.output


def test_an_imported_doi_that_is_not_one_is_kept_aside_and_the_entry_imported() -> None:
    result = parse("@article{k, title = {T}, doi = {https://doi.org/10.1000/x1}}\n@article{j, title={U}, doi={no}}")
    first, second = result.library.entries
    assert first.doi == "10.1000/x1"
    assert second.doi is None and second.fields["doi"] == "no"
