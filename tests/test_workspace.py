"""lcllm.toml: found upwards as git finds its repository; --list picks a list; the usage error without it; the
schema's mistakes as one line each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.__main__ import command_module
from lcllm_cli.cli import app
from lcllm_cli.errors import StoreError
from lcllm_cli.model import Library
from lcllm_cli.workspace import find, loads
from tests.plaza import write_workspace

runner = CliRunner()


def titles(output: str) -> list[str]:
    return [entry["title"] for entry in json.loads(output)]


def test_a_subdirectory_finds_the_workspace_above_and_list_picks_the_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_workspace(tmp_path)
    deep = tmp_path / "docs" / "drafts" / "deeper"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    result = runner.invoke(app, ["--list", "agents", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert titles(result.output) == ["ReAct: Synergizing Reasoning and Acting"]
    result = runner.invoke(app, ["-l", "rag", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert titles(result.output)[0] == "Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks"


def test_without_list_a_command_on_one_list_is_a_usage_error_naming_the_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_workspace(tmp_path)
    monkeypatch.chdir(tmp_path / "docs")
    before = {p: p.read_bytes() for p in (tmp_path / "lists").iterdir()}
    result = runner.invoke(app, ["add", "2402.13753"])
    assert result.exit_code == 2
    assert "--list" in result.output
    for name in ("long-context", "rag", "agents"):
        assert name in result.output
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in (tmp_path / "lists").iterdir()} == before


def test_an_unknown_list_name_is_an_error_naming_the_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--list", "nope", "list"])
    assert result.exit_code == 2
    assert "nope" in result.output and "long-context, rag, agents" in result.output


def test_a_workspace_of_one_list_needs_no_list_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.save(Library(title="Only"), tmp_path / "only.toml")
    (tmp_path / "lcllm.toml").write_text('[[list]]\nname = "only"\nentries = "only.toml"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output


def test_entries_toml_is_found_upwards_without_a_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.save(Library(title="Up there"), tmp_path / "entries.toml")
    (tmp_path / "a" / "b").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a" / "b")
    assert find() == tmp_path / "entries.toml"
    result = runner.invoke(
        app, ["import", "-", "--dry-run"], input="# T\n\n## Papers\n\n- [A page](https://a.example/x)\n"
    )
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "entries.toml") in result.output


def test_lcllm_toml_wins_over_entries_toml_in_the_same_directory(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    store.save(Library(), tmp_path / "entries.toml")
    assert find(tmp_path / "docs") == tmp_path / "lcllm.toml"


def test_nothing_found_means_entries_toml_here(tmp_path: Path) -> None:
    assert find(tmp_path) is None


def test_file_still_names_one_list_directly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--file", "lists/agents.toml", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert titles(result.output) == ["ReAct: Synergizing Reasoning and Acting"]
    monkeypatch.setenv("LCLLM_FILE", str(tmp_path / "lists" / "agents.toml"))
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    assert titles(result.output) == ["ReAct: Synergizing Reasoning and Acting"]


def test_file_may_name_the_workspace_and_list_a_list_of_it(tmp_path: Path) -> None:
    write_workspace(tmp_path)
    result = runner.invoke(app, ["--file", str(tmp_path / "lcllm.toml"), "--list", "agents", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert titles(result.output) == ["ReAct: Synergizing Reasoning and Acting"]


def test_list_without_a_workspace_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["--list", "rag", "list"])
    assert result.exit_code == 2
    assert "lcllm.toml" in result.output


def test_the_launcher_skips_the_value_of_list_to_find_the_command() -> None:
    assert command_module(["--list", "rag", "add", "x"]) == "add"
    assert command_module(["-l", "rag", "export"]) == "export"
    assert command_module(["--list=rag", "check"]) == "export"
    assert command_module(["-lrag", "dedupe"]) == "dedupe"
    assert command_module(["--file", "x.toml", "-l", "rag", "init"]) == "init"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[workspace]\ntitel = "x"\n', "unknown key 'titel'"),
        ('[[list]]\nname = "a"\nentries = "a.toml"\n[[list]]\nname = "a"\nentries = "b.toml"\n', "also list #1"),
        ('[[list]]\nname = "a"\nentries = "a.toml"\n[[list]]\nname = "b"\nentries = "a.toml"\n', "also the file"),
        ('[[list]]\nname = "a"\n', "has no entries"),
        ('[[list]]\nname = "a b"\nentries = "a.toml"\n', "must be letters"),
        ('[workspace]\ncross_listing = "sometimes"\n', "cross_listing must be one of allow, forbid"),
        ('[workspace]\ncounts = "yes"\n', "counts must be a boolean"),
        ("[workspace\n", "not valid TOML"),
        ('[lists]\nname = "a"\n', "unknown table 'lists'"),
        (
            '[workspace]\nindex = "README.md"\n[[list]]\nname = "a"\nentries = "a.toml"\nmarkdown = "README.md"\n',
            "the markdown of list 'a' is also the index",
        ),
        (
            '[[list]]\nname = "a"\nentries = "a.toml"\nmarkdown = "x.md"\n'
            '[[list]]\nname = "b"\nentries = "b.toml"\nmarkdown = "x.md"\n',
            "the markdown of list 'b' is also the markdown of list 'a'",
        ),
        ('[[list]]\nname = "a"\nentries = "a.toml"\nmarkdown = "a.toml"\n', "is also the entries of list 'a'"),
    ],
)
def test_schema_mistakes_are_one_line_each(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(StoreError) as err:
        loads(text, tmp_path / "lcllm.toml")
    assert says in err.value.message
    assert "\n" not in err.value.message


def test_a_broken_lcllm_toml_ends_a_command_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lcllm.toml").write_text('[workspace]\ntitel = "x"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and "titel" in result.output
    assert "Traceback" not in result.output
