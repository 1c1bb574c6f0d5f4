"""`lcllm section list|add|rename|remove` (issue 15) and the one way every command names a section."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.commands.section import resolve
from lcllm_cli.errors import UsageError
from lcllm_cli.model import Entry, Library, Section


def make(path: Path) -> Path:
    lib = Library(
        title="T",
        sections=[
            Section("Papers"),
            Section("Chinese", 2),
            Section("Chinese/Foundation", 3, "Foundation"),
            Section("English", 2),
            Section("Foundation", 3),
            Section("Empty"),
        ],
    )
    lib.entries += [
        Entry(kind="paper", title="First", section="Papers", arxiv="2401.00001"),
        Entry(kind="paper", title="Zh", section="Chinese/Foundation", arxiv="2401.00002"),
        Entry(kind="paper", title="En", section="Foundation", arxiv="2401.00003"),
        Entry(kind="paper", title="Second", section="Papers", arxiv="2401.00004"),
    ]
    path.write_text(store.dumps(lib), encoding="utf-8")
    return path


def cli(path: Path, *args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, ["--file", str(path), "section", *args])
    return res.exit_code, res.stdout, res.stderr


def sections(path: Path) -> list[tuple[str, int, str | None]]:
    return [(s.name, s.level, s.heading) for s in store.load(path).sections]


# --------------------------------------------------------------------------------------------- resolve


def test_resolve_takes_a_key_a_path_or_a_unique_heading_ignoring_case(tmp_path: Path) -> None:
    lib = store.load(make(tmp_path / "entries.toml"))
    assert resolve(lib, "Papers") == "Papers"
    assert resolve(lib, "papers") == "Papers"  # no exact match: the one that matches ignoring case
    assert resolve(lib, "Chinese/Foundation") == "Chinese/Foundation"
    assert resolve(lib, "English/Foundation") == "Foundation"
    assert resolve(lib, "  Empty ") == "Empty"


def test_resolve_refuses_an_unknown_or_ambiguous_name(tmp_path: Path) -> None:
    lib = store.load(make(tmp_path / "entries.toml"))
    with pytest.raises(UsageError, match=r"no section 'Paper'; did you mean 'Papers'\?"):
        resolve(lib, "Paper")
    with pytest.raises(UsageError, match="names several sections: 'Chinese/Foundation', 'English/Foundation'"):
        resolve(lib, "Foundation")
    assert resolve(lib, "Paper", new_section=True) == "Paper"
    assert resolve(Library(), "Anything") == "Anything"  # a list without sections takes any name


# --------------------------------------------------------------------------------------------- list


def test_list_shows_the_tree_with_counts(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    code, out, _ = cli(path, "list", "--json")
    assert code == 0
    rows = json.loads(out)["sections"]
    assert [(r["path"], r["entries"]) for r in rows] == [
        ("Papers", 2),
        ("Chinese", 0),
        ("Chinese/Foundation", 1),
        ("English", 0),
        ("English/Foundation", 1),
        ("Empty", 0),
    ]
    code, out, _ = cli(path, "list")
    assert code == 0
    assert out.splitlines()[3].split() == ["Foundation", "1"] and out.splitlines()[3].startswith("  ")


# --------------------------------------------------------------------------------------------- add


def test_add_at_the_end_under_a_section_or_after_one(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    assert cli(path, "add", "Benchmarks")[0] == 0
    assert sections(path)[-1] == ("Benchmarks", 2, None)
    code, out, _ = cli(path, "add", "Models", "--under", "Chinese")
    assert code == 0 and "added section 'Chinese/Models'" in out
    names = [n for n, _, _ in sections(path)]
    assert names.index("Models") == names.index("Chinese/Foundation") + 1  # the last subsection of Chinese
    assert ("Models", 3, None) in sections(path)
    assert cli(path, "add", "Surveys", "--after", "Chinese")[0] == 0
    names = [n for n, _, _ in sections(path)]
    assert names.index("Surveys") == names.index("Models") + 1  # after Chinese and its subsections
    assert ("Surveys", 2, None) in sections(path)


def test_a_heading_another_section_has_gets_its_path_as_key(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    assert cli(path, "add", "Models", "--under", "Chinese")[0] == 0
    assert cli(path, "add", "Models", "--under", "English")[0] == 0
    assert ("English/Models", 3, "Models") in sections(path)
    code, _, err = cli(path, "add", "Models", "--under", "English")
    assert code == 2 and "already has a section 'English/Models'" in err


def test_add_errors_change_nothing(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    before = path.read_bytes()
    for args, message in [
        (["add", "  "], "needs a name"),
        (["add", "X", "--under", "Nowhere"], "no section 'Nowhere'"),
        (["add", "X", "--under", "Papers", "--after", "Empty"], "--under or --after, not both"),
        (["add", "X", "--level", "9"], "--level must be from 1 to 6"),
        (["add", "X\x1b[2J"], "control characters"),
        (["add", "Papers"], "already has a section 'Papers'"),
    ]:
        code, _, err = cli(path, *args)
        assert code == 2 and message in err, (args, err)
        assert len(err.strip().splitlines()) <= 2  # error + hint, no traceback
    assert path.read_bytes() == before


def test_the_new_section_is_exported_as_a_heading(tmp_path: Path) -> None:
    from lcllm_cli.exporters.markdown import render

    path = make(tmp_path / "entries.toml")
    cli(path, "add", "Benchmarks", "--under", "Papers")
    runner = CliRunner()
    assert runner.invoke(app, ["--file", str(path), "move", "2401.00004", "--section", "Benchmarks"]).exit_code == 0
    text = render(store.load(path))
    assert text.index("## Papers") < text.index("### Benchmarks") < text.index("Second") < text.index("## Chinese")


# --------------------------------------------------------------------------------------------- rename


def test_rename_keeps_the_entries_in_the_section(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    code, out, _ = cli(path, "rename", "papers", "Core papers")
    assert code == 0 and "renamed section 'Papers' to 'Core papers'" in out
    lib = store.load(path)
    assert lib.section_names()[0] == "Core papers"
    assert [e.title for e in lib.entries if e.section == "Core papers"] == ["First", "Second"]


def test_rename_to_a_heading_another_section_has(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    code, _, _ = cli(path, "rename", "Chinese/Foundation", "Models")
    assert code == 0
    assert ("Models", 3, None) in sections(path)
    assert store.load(path).entries[1].section == "Models"
    code, _, err = cli(path, "rename", "Empty", "Papers")
    assert code == 2 and "already has a section 'Papers'" in err


# --------------------------------------------------------------------------------------------- remove


def test_remove_an_empty_section(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    assert cli(path, "remove", "Empty")[0] == 0
    assert "Empty" not in [n for n, _, _ in sections(path)]


def test_remove_refuses_a_section_with_entries_unless_to(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    before = path.read_bytes()
    code, _, err = cli(path, "remove", "Papers")
    assert code == 2 and "section 'Papers' holds 2 entries" in err and "--to" in err
    assert path.read_bytes() == before
    code, out, _ = cli(path, "remove", "Papers", "--to", "Empty", "--json")
    assert code == 0 and json.loads(out)["moved"] == 2
    lib = store.load(path)
    assert "Papers" not in lib.section_names()
    assert [e.title for e in lib.entries if e.section == "Empty"] == ["First", "Second"]
    assert len(lib.entries) == 4


def test_remove_refuses_a_section_with_subsections_and_a_bad_to(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    before = path.read_bytes()
    code, _, err = cli(path, "remove", "Chinese")
    assert code == 2 and "has subsections: 'Chinese/Foundation'" in err
    code, _, err = cli(path, "remove", "Papers", "--to", "Nowhere")
    assert code == 2 and "no section 'Nowhere'" in err
    code, _, err = cli(path, "remove", "Papers", "--to", "Papers")
    assert code == 2 and "the section being removed" in err
    code, _, err = cli(path, "remove", "Nowhere")
    assert code == 2 and "no section 'Nowhere'" in err
    assert path.read_bytes() == before


def test_rename_keeps_the_sections_own_arxiv_query(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    lib = store.load(path)
    lib.sections[0].query = 'abs:"long context"'
    lib.sections[0].categories = ["cs.CL"]
    store.save(lib, path)
    assert cli(path, "rename", "Papers", "Core papers")[0] == 0
    sec = store.load(path).sections[0]
    assert (sec.name, sec.query, sec.categories) == ("Core papers", 'abs:"long context"', ["cs.CL"])
