"""Fidelity of Markdown import/export on hand-written lists (issue 13): what goes in comes out."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.exporters.markdown import render
from lcllm_cli.importers.markdown import parse
from lcllm_cli.model import Entry, Library, Section

TREE = """# My list

## English

### Foundation

- [A paper](https://example.com/a)

## Chinese

### Foundation

- [B paper](https://example.com/b)

#### Deep

- [C paper](https://example.com/c)
"""


def _sections(lib: Library) -> list[tuple[str, str, int]]:
    paths = lib.section_paths()
    return [(paths[s.name], s.text, s.level) for s in lib.sections]


def test_same_named_sections_under_different_parents_stay_two() -> None:
    lib = parse(TREE).library
    assert _sections(lib) == [
        ("English", "English", 2),
        ("English/Foundation", "Foundation", 3),
        ("Chinese", "Chinese", 2),
        ("Chinese/Foundation", "Foundation", 3),
        ("Chinese/Foundation/Deep", "Deep", 4),
    ]
    paths = lib.section_paths()
    assert {e.url: paths[e.section] for e in lib.entries} == {
        "https://example.com/a": "English/Foundation",
        "https://example.com/b": "Chinese/Foundation",
        "https://example.com/c": "Chinese/Foundation/Deep",
    }


def test_export_reproduces_the_tree_with_github_anchors() -> None:
    out = render(parse(TREE).library)
    assert "\n### Foundation\n\n- [B paper](https://example.com/b)\n" in out
    assert "\n#### Deep\n" in out
    toc = [ln for ln in out.split("\n") if ln.lstrip().startswith("- [") and "](#" in ln]
    assert toc == [
        "- [My list](#my-list)",
        "  - [English](#english)",
        "    - [Foundation](#foundation)",
        "  - [Chinese](#chinese)",
        "    - [Foundation](#foundation-1)",
        "      - [Deep](#deep)",
    ]


def test_level_one_sections_below_a_level_one_title_are_written_back_as_level_one() -> None:
    text = "# Title\n\n# Part\n\n- [A](https://example.com/a)\n\n## Sub\n\n- [B](https://example.com/b)\n"
    lib = parse(text).library
    assert _sections(lib) == [("Part", "Part", 1), ("Part/Sub", "Sub", 2)]
    out = render(lib)
    assert "\n# Part\n\n- [A](https://example.com/a)\n\n## Sub\n" in out
    again = parse(out).library
    assert _sections(again) == _sections(lib)


def test_the_same_heading_twice_under_one_parent_is_two_sections() -> None:
    text = "# T\n\n## Misc\n\n- [A](https://example.com/a)\n\n## Misc\n\n- [B](https://example.com/b)\n"
    lib = parse(text).library
    assert [s.text for s in lib.sections] == ["Misc", "Misc"]
    assert len({s.name for s in lib.sections}) == 2
    assert render(lib).count("\n## Misc\n") == 2


def test_tree_round_trips_through_entries_toml_and_back(tmp_path: Path) -> None:
    lib = parse(TREE).library
    path = tmp_path / "entries.toml"
    path.write_text(store.dumps(lib), encoding="utf-8")
    loaded = store.load(path)
    assert _sections(loaded) == _sections(lib)
    assert [(e.url, e.section) for e in loaded.entries] == [(e.url, e.section) for e in lib.entries]
    assert render(loaded) == render(lib)
    # and import -> export -> import gives the same entries
    assert parse(render(lib)).library.entries == lib.entries


def test_old_entries_toml_without_headings_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(
        '[list]\ntitle = "T"\n\n[[section]]\nname = "Papers"\n\n[[section]]\nname = "Deep"\nlevel = 3\n',
        encoding="utf-8",
    )
    lib = store.load(path)
    assert [(s.name, s.text, s.level) for s in lib.sections] == [("Papers", "Papers", 2), ("Deep", "Deep", 3)]


def test_resolve_section_takes_a_path_or_a_unique_name() -> None:
    lib = parse(TREE).library
    assert lib.section_paths()[lib.resolve_section("Chinese/Foundation")] == "Chinese/Foundation"
    assert lib.section_paths()[lib.resolve_section("English/Foundation")] == "English/Foundation"
    assert lib.section_paths()[lib.resolve_section("Deep")] == "Chinese/Foundation/Deep"
    assert lib.resolve_section("New one") == "New one"
    with pytest.raises(ValueError, match=r"English/Foundation.*Chinese/Foundation"):
        lib.resolve_section("Foundation")


def test_list_section_ambiguous_is_a_usage_error_listing_candidates(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(store.dumps(parse(TREE).library), encoding="utf-8")
    runner = CliRunner()
    bad = runner.invoke(app, ["--file", str(path), "list", "--section", "Foundation"])
    assert bad.exit_code == 2
    assert "English/Foundation" in bad.output and "Chinese/Foundation" in bad.output
    good = runner.invoke(app, ["--file", str(path), "list", "--section", "Chinese/Foundation"])
    assert good.exit_code == 0, good.output
    assert "B paper" in good.output and "A paper" not in good.output


def test_import_section_path_puts_items_in_that_section(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(store.dumps(parse(TREE).library), encoding="utf-8")
    new = tmp_path / "new.md"
    new.write_text("# X\n\n## Y\n\n- [D paper](https://example.com/d)\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["--file", str(path), "import", str(new), "--section", "Chinese/Foundation"])
    assert res.exit_code == 0, res.output
    lib = store.load(path)
    d = next(e for e in lib.entries if e.url == "https://example.com/d")
    assert lib.section_paths()[d.section] == "Chinese/Foundation"
    bad = runner.invoke(app, ["--file", str(path), "import", str(new), "--section", "Foundation"])
    assert bad.exit_code == 2


def test_section_dataclass_text_defaults_to_name() -> None:
    assert Section("A").text == "A"
    assert Section("P/A", 3, "A").text == "A"
    assert Entry(kind="link", title="t").section == "Papers"


ELIDED = """# T

## Papers

- **Long**, `arXiv, 2402.13753`, [arxiv](https://arxiv.org/abs/2402.13753) *Ann A, Bob B, Cid C, ..., Yan Y, Zoe Z*
- **Short paper**, `arXiv, 2402.13754`, [arxiv](https://arxiv.org/abs/2402.13754) *Ann A, ..., Zoe Z*
- **Head only**, `arXiv, 2402.13755`, [arxiv](https://arxiv.org/abs/2402.13755) *Ann A, Bob B, ...*
"""


def test_elided_authors_keep_head_and_tail_apart_and_are_written_back_exactly() -> None:
    lib = parse(ELIDED).library
    long, short, head_only = lib.entries
    assert long.author_parts() == (["Ann A", "Bob B", "Cid C"], ["Yan Y", "Zoe Z"])
    assert short.author_parts() == (["Ann A"], ["Zoe Z"])
    assert head_only.author_parts() == (["Ann A", "Bob B"], [])
    out = render(lib)
    assert "*Ann A, Bob B, Cid C, ..., Yan Y, Zoe Z*" in out
    assert "*Ann A, ..., Zoe Z*" in out
    assert "*Ann A, Bob B, ...*" in out
    assert parse(out).library.entries == lib.entries


def test_elided_authors_survive_entries_toml(tmp_path: Path) -> None:
    lib = parse(ELIDED).library
    path = tmp_path / "entries.toml"
    path.write_text(store.dumps(lib), encoding="utf-8")
    assert "authors_head = 3" in path.read_text(encoding="utf-8")
    assert [e.author_parts() for e in store.load(path).entries] == [e.author_parts() for e in lib.entries]


def test_bibtex_writes_the_head_then_others_never_a_tail_author() -> None:
    from lcllm_cli.exporters.bibtex import entry_fields

    entry = parse(ELIDED).library.entries[0]
    author = dict(entry_fields(entry)[1])["author"]
    assert "Ann" in author and "Cid" in author and author.endswith("and others}")
    assert "Yan" not in author and "Zoe" not in author


NOTES = """# T

## Papers

- **Paper one**, `arXiv, 2402.13753`, [arxiv](https://arxiv.org/abs/2402.13753) *Ann A, Bob B*
  - A summary of what it does, with `code` and a star_name.
  - https://example.com/bare
- [A link](https://example.com/link)
  - Why it matters
"""


def test_nested_notes_are_written_back_under_the_item() -> None:
    lib = parse(NOTES).library
    paper, link = lib.entries
    assert paper.notes == "A summary of what it does, with `code` and a star_name.\nhttps://example.com/bare"
    assert link.notes == "Why it matters"
    out = render(lib)
    assert "\n  - https://example.com/bare\n" in out
    assert "\n  - Why it matters\n" in out
    again = parse(out).library
    assert again.entries == lib.entries
    assert render(again) == out


def test_a_note_that_looks_like_markup_stays_a_note() -> None:
    from markdown_it import MarkdownIt

    lib = Library(title="T", sections=[Section("Papers")])
    lib.entries.append(Entry(kind="link", title="L", url="https://example.com/l", notes="- item\n## head\n1. one"))
    out = render(lib)
    html = MarkdownIt("commonmark").render(out)
    assert "<h2>head" not in html and html.count("<li>") == 2 + 1 + 3
    assert parse(out).library.entries[0].notes == "- item\n## head\n1. one"
