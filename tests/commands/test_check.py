"""`lcllm check`: exit 0 when entries.toml is valid, has no duplicates and every marked README is current;
exit 1 (saying what differs) otherwise. For CI and pre-commit hooks."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.mdsyntax import MARKER_END, MARKER_START
from lcllm_cli.model import Entry, Library, Section
from tests.paths import ROOT

LCLLM = ROOT / ".venv" / "bin" / "lcllm"
runner = CliRunner()


def clean_library() -> Library:
    lib = Library(title="Test list", sections=[Section("Papers"), Section("Projects")])
    lib.entries = [
        Entry(kind="paper", title="LongRoPE: Extending LLM Context", arxiv="2402.13753", version=1, authors=["Y D"]),
        Entry(kind="paper", title="YaRN: Efficient Context Window Extension", arxiv="2309.00071", authors=["B P"]),
        Entry(kind="project", title="LLMLingua", url="https://github.com/microsoft/LLMLingua", owner="microsoft",
              section="Projects"),
    ]  # fmt: skip
    return lib


def setup(tmp_path: Path, lib: Library | None = None) -> tuple[Path, Path]:
    entries = tmp_path / "entries.toml"
    store.save(lib or clean_library(), entries)
    readme = tmp_path / "README.md"
    readme.write_text(f"# Hello\n\n{MARKER_START}\n{MARKER_END}\n\nbye\n", encoding="utf-8")
    result = runner.invoke(app, ["--file", str(entries), "export", "--markdown", "--in-place", str(readme)])
    assert result.exit_code == 0, result.output
    return entries, readme


def check(entries: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--file", str(entries), "check", *args])


def test_all_well_exits_0(tmp_path: Path) -> None:
    entries, readme = setup(tmp_path)
    result = check(entries, str(readme))
    assert result.exit_code == 0, result.output
    assert f"{readme}: up to date" in result.output and "valid, 3 entries" in result.output


def test_readme_beside_entries_is_checked_by_default(tmp_path: Path) -> None:
    entries, readme = setup(tmp_path)
    assert check(entries).exit_code == 0
    lib = store.load(entries)
    lib.entries[1].title = "YaRN: Efficient Context Window Extension of LLMs"
    store.save(lib, entries)
    result = check(entries)
    assert result.exit_code == 1
    assert f"{readme}: out of date with entries.toml (+1 -1 lines)" in result.output


def test_out_of_date_says_what_differs(tmp_path: Path) -> None:
    entries, readme = setup(tmp_path)
    lib = store.load(entries)
    lib.add_entry(Entry(kind="paper", title="A New Paper", arxiv="2501.00001", authors=["N N"]))
    store.save(lib, entries)
    before = readme.read_text(encoding="utf-8")
    result = check(entries, str(readme))
    assert result.exit_code == 1
    assert "out of date with entries.toml" in result.output
    assert f"run `lcllm export --markdown --in-place {readme}`" in result.output
    assert "+- **A New Paper**, `arXiv, 2501.00001`" in result.output  # the unified diff
    assert readme.read_text(encoding="utf-8") == before  # check never writes
    quiet = check(entries, "--quiet", str(readme))
    assert quiet.exit_code == 1 and "A New Paper" not in quiet.output
    # a hand edit inside the markers is caught too
    runner.invoke(app, ["--file", str(entries), "export", "--in-place", str(readme)])
    assert check(entries, str(readme)).exit_code == 0
    readme.write_text(readme.read_text(encoding="utf-8").replace("YaRN", "YARN"), encoding="utf-8")
    assert check(entries, str(readme)).exit_code == 1


def test_edits_outside_the_markers_do_not_matter(tmp_path: Path) -> None:
    entries, readme = setup(tmp_path)
    readme.write_text("New intro\n" + readme.read_text(encoding="utf-8") + "more footer\n", encoding="utf-8")
    assert check(entries, str(readme)).exit_code == 0


def test_invalid_entries_file_exits_1(tmp_path: Path) -> None:
    entries, readme = setup(tmp_path)
    entries.write_text('[[entry]]\nkind = "paper"\n', encoding="utf-8")
    result = check(entries, str(readme))
    assert result.exit_code == 1
    assert "error: " in result.output and "no title" in result.output
    missing = check(tmp_path / "nope.toml")
    assert missing.exit_code == 1 and "no list at" in missing.output


def test_duplicates_exit_1(tmp_path: Path) -> None:
    # uses lcllm_cli.dedupe.find_groups (the dedupe area); two versions of one arXiv paper are one paper
    lib = clean_library()
    lib.entries.append(
        Entry(kind="paper", title="LongRoPE: Extending LLM Context", arxiv="2402.13753", version=2, authors=["Y D"])
    )
    entries, readme = setup(tmp_path, lib)
    result = check(entries, str(readme))
    assert result.exit_code == 1
    assert "1 group(s) of duplicates; run `lcllm dedupe`" in result.output
    assert "  #1 2402.13753, #4 2402.13753: " in result.output  # which entries, and why (dedupe's reason)
    assert f"{readme}: up to date" in result.output  # the README itself is current


def test_file_without_markers_is_a_usage_error(tmp_path: Path) -> None:
    entries, _ = setup(tmp_path)
    other = tmp_path / "other.md"
    other.write_text("# nothing here\n", encoding="utf-8")
    result = check(entries, str(other))
    assert result.exit_code == 2 and "has no <!-- lcllm:start -->" in result.output
    result = check(entries, str(tmp_path / "missing.md"))
    assert result.exit_code == 2 and "no such file" in result.output


def test_json_report(tmp_path: Path) -> None:
    entries, readme = setup(tmp_path)
    ok = json.loads(check(entries, "--json", str(readme)).stdout)
    assert ok["ok"] is True and ok["files"][0]["up_to_date"] is True and ok["duplicates"] == []
    lib = store.load(entries)
    del lib.entries[0]
    store.save(lib, entries)
    result = check(entries, "--json", str(readme))
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["files"][0]["removed"] == 3 and data["files"][0]["added"] == 0


def test_as_a_pre_commit_hook_with_the_installed_executable(tmp_path: Path) -> None:
    entries, _readme = setup(tmp_path)
    run = [str(LCLLM), "check"]
    proc = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lib = store.load(entries)
    lib.entries[0].title = "Changed"
    store.save(lib, entries)
    proc = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode == 1 and "README.md: out of date" in proc.stdout


def test_check_shows_terminal_escapes_in_the_readme_as_text(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(Library(entries=[Entry(kind="link", title="L", url="https://e.org")]), path)
    readme = tmp_path / "README.md"
    readme.write_text("<!-- lcllm:start -->\nstale \x1b]0;pwned\x07 line\n<!-- lcllm:end -->\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--file", str(path), "check", str(readme)])
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "stale" in result.output
