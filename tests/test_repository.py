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


def _clone(tmp_path: Path) -> Path:
    """A git repository holding the project's list and README, as a fresh clone has them."""
    import shutil
    import subprocess

    repo = tmp_path / "clone"
    repo.mkdir()
    for name in ("entries.toml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "clone"], cwd=repo, check=True)
    return repo


def _status(repo: Path) -> list[str]:
    import subprocess

    out = subprocess.run(["git", "status", "--porcelain", "--ignored"], cwd=repo, capture_output=True, text=True)
    return out.stdout.splitlines()


def test_exports_in_a_fresh_clone_leave_git_status_clean(tmp_path: Path) -> None:
    repo = _clone(tmp_path)
    runner = CliRunner()
    path = str(repo / "entries.toml")
    for args in (["export", "--bibtex"], ["export", "--markdown"], ["export", "--markdown", "--in-place", "README.md"]):
        res = runner.invoke(app, ["--file", path, *args])
        assert res.exit_code == 0, res.output
    assert "@misc{" in runner.invoke(app, ["--file", path, "export", "--bibtex"]).output
    assert _status(repo) == []


def test_add_in_a_fresh_clone_changes_only_entries_toml(tmp_path: Path, arxiv: object) -> None:
    repo = _clone(tmp_path)
    res = CliRunner().invoke(app, ["--file", str(repo / "entries.toml"), "add", "2501.00001"])
    assert res.exit_code == 0, res.output
    assert _status(repo) == [" M entries.toml"]
