"""`lcllm edit` and `lcllm move` (issue 15): change entries without touching the TOML by hand."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library, Link, Section


def make(path: Path) -> Path:
    lib = Library(title="T", sections=[Section("Papers"), Section("Code"), Section("Old")])
    lib.entries += [
        Entry(kind="paper", title="First", section="Papers", arxiv="2401.00001"),
        Entry(kind="paper", title="Second", section="Papers", arxiv="2401.00002"),
        Entry(kind="project", title="tool", section="Code", url="https://github.com/o/tool", owner="o"),
        Entry(kind="link", title="Lonely", section="Old", url="https://example.org/l"),
        Entry(kind="link", title="Same", section="Code", url="https://example.org/a"),
        Entry(kind="link", title="Same", section="Code", url="https://example.org/b"),
    ]
    path.write_text(store.dumps(lib), encoding="utf-8")
    return path


def cli(path: Path, *args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(app, ["--file", str(path), *args])
    return res.exit_code, res.stdout, res.stderr


def test_edit_changes_the_fields_it_is_given(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    code, out, _ = cli(
        path, "edit", "2401.00001", "--title", "First, retitled", "--highlight", "--note", "Read first.",
        "--label", "🔥", "--add-link", "https://github.com/o/first", "--json",
    )  # fmt: skip
    assert code == 0, out
    fields = {c["field"] for c in json.loads(out)["changes"]}
    assert fields == {"title", "highlight", "notes", "labels", "links"}
    e = store.load(path).entries[0]
    assert (e.title, e.highlight, e.notes, e.labels) == ("First, retitled", True, "Read first.", ["🔥"])
    assert [(lk.label, lk.url) for lk in e.links] == [("link", "https://github.com/o/first")]
    assert cli(path, "edit", "2401.00001", "--no-highlight", "--remove-link", "https://github.com/o/first")[0] == 0
    e = store.load(path).entries[0]
    assert not e.highlight and e.links == []


def test_edit_errors_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    before = path.read_bytes()
    cases = [
        (["edit", "2409.99999", "--title", "x"], "not in the list: 2409.99999"),
        (["edit", "Same", "--title", "x"], "'Same' names 2 entries"),
        (["edit", "2401.00001", "--label", "<b>"], "is not an emoji"),
        (["edit", "2401.00001", "--add-link", "javascript:alert(1)"], "is not an http(s) URL"),
        (["edit", "2401.00001", "--remove-link", "https://nowhere.example/"], "has no link"),
        (["edit", "2401.00001", "--section", "Cod"], "no section 'Cod'; did you mean 'Code'?"),
    ]
    for args, message in cases:
        code, _, err = cli(path, *args)
        assert code != 0 and message in err, (args, err)
        assert len(err.strip().splitlines()) <= 2  # the error and its hint
        assert path.read_bytes() == before


def test_move_puts_entries_at_the_end_or_the_top_of_a_section(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    assert cli(path, "move", "https://github.com/o/tool", "--section", "Papers")[0] == 0
    assert [e.title for e in store.load(path).entries if e.section == "Papers"] == ["First", "Second", "tool"]
    assert cli(path, "move", "2401.00002", "https://github.com/o/tool", "--section", "Code", "--top")[0] == 0
    lib = store.load(path)
    assert [e.title for e in lib.entries if e.section == "Code"] == ["Second", "tool", "Same", "Same"]


def test_a_move_that_empties_a_section_says_so(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    code, out, err = cli(path, "move", "Lonely", "--section", "Code")
    assert code == 0 and "https://example.org/l: section: Old -> Code" in out
    assert "section 'Old' has no entries any more" in err
    code, _, err = cli(path, "move", "2401.00001", "--section", "Brand new")
    assert code == 2 and "--new-section" in err
    assert cli(path, "move", "2401.00001", "--section", "Brand new", "--new-section")[0] == 0
    lib = store.load(path)
    assert [e.title for e in lib.entries if e.section == "Brand new"] == ["First"]
    assert "Brand new" in lib.section_names()


def test_links_keep_their_labels_when_others_are_removed(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    lib = store.load(path)
    lib.entries[0].links = [Link("code", "https://github.com/o/a"), Link("post", "https://example.org/p")]
    path.write_text(store.dumps(lib), encoding="utf-8")
    assert cli(path, "edit", "2401.00001", "--remove-link", "https://github.com/O/A")[0] == 0
    assert [(lk.label, lk.url) for lk in store.load(path).entries[0].links] == [("post", "https://example.org/p")]


def test_remove_refuses_an_ambiguous_name_unless_all_and_dry_run_writes_nothing(tmp_path: Path) -> None:
    path = make(tmp_path / "entries.toml")
    before = path.read_bytes()
    code, _, err = cli(path, "remove", "Same")
    assert code == 2 and "'Same' names 2 entries" in err and "--all" in err
    code, out, _ = cli(path, "remove", "Same", "--all", "--dry-run", "--json")
    data = json.loads(out)
    assert (
        code == 0
        and data["dry_run"]
        and [r["id"] for r in data["removed"]]
        == [
            "https://example.org/a",
            "https://example.org/b",
        ]
    )
    assert path.read_bytes() == before
    assert cli(path, "remove", "Same", "--all")[0] == 0
    assert [e.title for e in store.load(path).entries].count("Same") == 0
