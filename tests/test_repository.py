"""The repository practises what it preaches: its entries.toml is valid and deduplicated, its README up to date."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.dedupe import find_groups

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_list_is_valid_and_has_no_duplicates() -> None:
    lib = store.load(ROOT / "entries.toml")
    assert len(lib.entries) == 58  # the seed's 61 items, its 3 duplicates merged
    assert find_groups(lib) == []


def test_readme_shows_the_list_as_entries_toml_has_it() -> None:
    result = CliRunner().invoke(app, ["--file", str(ROOT / "entries.toml"), "check", str(ROOT / "README.md")])
    assert result.exit_code == 0, result.output
