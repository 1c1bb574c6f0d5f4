"""Fidelity of Markdown import/export on hand-written lists (issue 13): what goes in comes out."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.exporters.markdown import render
from lcllm_cli.importers.markdown import parse
from lcllm_cli.model import Entry, Library, Link, Section

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


def test_import_section_ignores_case_and_a_new_name_makes_a_new_section(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(store.dumps(parse(TREE).library), encoding="utf-8")
    new = tmp_path / "new.md"
    new.write_text("# X\n\n## Y\n\n- [D paper](https://example.com/d)\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["--file", str(path), "import", str(new), "--section", "chinese/FOUNDATION"])
    assert res.exit_code == 0, res.output
    lib = store.load(path)
    d = next(e for e in lib.entries if e.url == "https://example.com/d")
    assert lib.section_paths()[d.section] == "Chinese/Foundation"
    new.write_text("# X\n\n## Y\n\n- [E paper](https://example.com/e)\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["--file", str(path), "import", str(new), "--section", "Brand  new"])
    assert res.exit_code == 0, res.output
    lib = store.load(path)
    e = next(e for e in lib.entries if e.url == "https://example.com/e")
    assert e.section == "Brand new" and "Brand new" in lib.section_names()


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


# ------------------------------------------------------------------ labels, badges, empty constructs, link lines

LABELS = """# Labels

## Models

- [**tiny-long**](https://huggingface.co/acme/tiny-long) - acme 🤗
- [**widget**](https://github.com/acme/widget) - acme :fire: ![Star](https://img.shields.io/github/stars/acme/widget.svg?style=social&label=Star)
- 🔥 [A hot thread](https://x.com/someone/status/123) 𝕏
- [A talk](https://example.com/talk) :clapper:
- :clapper: [Another talk](https://example.com/talk2) - with a description
- 🌟 🔥 **A paper**, `arXiv, 2401.00001`, [arxiv](https://arxiv.org/abs/2401.00001), [pdf](https://arxiv.org/pdf/2401.00001)
"""


def test_labels_are_stored_apart_and_written_back_where_they_stood() -> None:
    lib = parse(LABELS).library
    e = {x.title: x for x in lib.entries}
    assert (e["tiny-long"].labels, e["tiny-long"].owner) == (["🤗"], "acme")
    assert (e["widget"].labels, e["widget"].owner, e["widget"].no_badge) == ([":fire:"], "acme", False)
    assert (e["A hot thread"].labels_before, e["A hot thread"].labels) == (["🔥"], ["𝕏"])
    assert e["A hot thread"].description is None
    assert (e["A talk"].labels, e["A talk"].description) == ([":clapper:"], None)
    assert e["Another talk"].labels_before == [":clapper:"]
    assert e["Another talk"].description == "with a description"
    assert e["A paper"].highlight and e["A paper"].labels_before == ["🔥"]
    out = render(lib)
    for line in LABELS.splitlines()[4:]:
        assert line in out.splitlines(), line
    again = parse(out).library
    assert again.entries == lib.entries and render(again) == out


def test_a_label_that_is_no_emoji_is_refused_when_the_list_is_read(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_text(
        '[list]\ntitle = "T"\n\n[[entry]]\nkind = "link"\ntitle = "L"\nurl = "https://example.com/"\n'
        'labels = ["<script>"]\n',
        encoding="utf-8",
    )
    res = CliRunner().invoke(app, ["--file", str(path), "check"])
    assert res.exit_code != 0 and "labels" in res.output and "not an emoji" in res.output


NO_BADGE = """# Badges

## Code

- [**gadget**](https://github.com/acme/gadget.git) - acme
- [**widget**](https://github.com/acme/widget/tree/main/docs) - acme ![Star](https://img.shields.io/github/stars/acme/widget.svg?style=social&label=Star)
- [A post](https://blog.example.com/post) · [code](https://github.com/acme/blogcode)
"""


def test_a_repository_without_a_badge_gets_none_and_one_in_any_url_form_keeps_it() -> None:
    lib = parse(NO_BADGE).library
    gadget, widget, post = lib.entries
    assert gadget.no_badge and not widget.no_badge and post.links[0].no_badge
    out = render(lib)
    assert "- [**gadget**](https://github.com/acme/gadget.git) - acme\n" in out
    assert (
        "- [**widget**](https://github.com/acme/widget/tree/main/docs) - acme ![Star](https://img.shields.io/github/stars/acme/widget.svg?style=social&label=Star)\n"
        in out
    )
    assert "- [A post](https://blog.example.com/post) · [code](https://github.com/acme/blogcode)\n" in out
    assert parse(out).library.entries == lib.entries


EMPTY = """\
# Empty

## Links

- [A blog post](https://blog.example.com/post)

\t · ([code](https://github.com/acme/blogcode))

[A link line](https://example.org/standalone)

\t · ([slides](https://example.org/slides))

[Another link line](https://example.org/two)
"""


def test_a_nested_link_line_becomes_a_link_and_nothing_empty_is_written() -> None:
    result = parse(EMPTY)
    post, line1, line2 = result.library.entries
    assert post.description is None and [(lk.label, lk.url) for lk in post.links] == [
        ("code", "https://github.com/acme/blogcode")
    ]
    assert (line1.kind, line1.url, [lk.url for lk in line1.links]) == (
        "link",
        "https://example.org/standalone",
        ["https://example.org/slides"],
    )
    assert (line2.title, line2.url) == ("Another link line", "https://example.org/two")
    reported = {p.line: p.message for p in result.problems}
    assert "not a list item; imported as a link entry" in reported[9]
    assert "not a list item; imported as a link entry" in reported[13]
    out = render(result.library)
    for empty in ("()", "[]", "- ()", "[](", "- · "):
        assert empty not in out, empty
    assert "- [A link line](https://example.org/standalone) · [slides](https://example.org/slides)\n" in out


@pytest.mark.parametrize("description", ["()", " ( ) ", "[]", "[]()"])
def test_the_export_never_writes_an_empty_construct(description: str) -> None:
    lib = Library(title="T", sections=[Section("Links")])
    lib.entries.append(
        Entry(kind="link", title="L", section="Links", url="https://example.com/l", description=description)
    )
    lib.entries.append(
        Entry(kind="paper", title="P", section="Links", arxiv="2401.00001", links=[Link(description, "https://e.org/")])
    )
    out = render(lib)
    assert "- [L](https://example.com/l)\n" in out
    assert "[link](https://e.org/)" in out and "[]" not in out and "()" not in out.replace("(https", "")


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/acme/widget/tree/main/src",
        "https://github.com/acme/widget/blob/main/README.md",
        "https://github.com/acme/widget#readme",
        "https://github.com/acme/widget?tab=readme-ov-file",
        "https://github.com/acme/widget.git",
        "https://github.com/acme/widget.",
    ],
)
def test_a_repository_is_recognised_in_every_url_form_and_the_url_stays_as_written(url: str) -> None:
    from lcllm_cli.urls import github_repo

    assert github_repo(url) == ("acme", "widget")
    lib = parse(f"# T\n\n## Code\n\n- [**w**]({url})\n").library
    (entry,) = lib.entries
    assert entry.owner == "acme" and entry.url == url
    assert f"[**w**]({url}) - acme" in render(lib)


def test_a_monorepo_folder_is_a_project_of_its_own_for_dedupe() -> None:
    from lcllm_cli.urls import url_key

    a = url_key("https://github.com/acme/mono/tree/main/alpha")
    b = url_key("https://github.com/acme/mono/tree/main/beta")
    assert a != b and url_key("https://github.com/Acme/Mono/tree/master") == url_key("https://github.com/acme/mono")


@pytest.mark.parametrize(
    "url",
    [
        "https://huggingface.co/papers/2401.00002",
        "https://huggingface.co/papers/2401.00002#community",
        "https://www.alphaxiv.org/abs/2401.00002",
        "https://www.alphaxiv.org/overview/2401.00002v2",
        "https://ar5iv.labs.arxiv.org/html/2401.00002",
        "https://ar5iv.org/abs/2401.00002",
        "https://www.semanticscholar.org/arxiv/2401.00002",
        "https://papers.cool/arxiv/2401.00002",
    ],
)
def test_an_arxiv_mirror_is_the_paper_for_dedupe_and_add_but_stays_a_link(url: str) -> None:
    from lcllm_cli.dedupe import find_groups
    from lcllm_cli.ids import try_parse_arxiv_id

    parsed = try_parse_arxiv_id(url)
    assert parsed is not None and parsed.id == "2401.00002"
    paper = "- **A paper**, `arXiv, 2401.00002`, [arxiv](https://arxiv.org/abs/2401.00002)"
    text = f"# T\n\n## P\n\n{paper}\n- [Its page]({url})\n"
    lib = parse(text).library
    assert [e.kind for e in lib.entries] == ["paper", "link"]  # the import keeps the source's link
    assert f"- [Its page]({url})\n" in render(lib)
    groups = find_groups(lib)
    assert len(groups) == 1 and groups[0].indexes == [0, 1]
