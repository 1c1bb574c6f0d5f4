"""`lcllm stats` on the command line: the terminal report with its bar chart, --json, --svg, and data shown as text."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Citations, Entry, Library
from tests.paths import ROOT

SHIPPED = ROOT / "entries.toml"
runner = CliRunner()


def test_the_shipped_list_in_the_terminal() -> None:
    result = runner.invoke(app, ["--file", str(SHIPPED), "stats"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("58 entries: 45 papers, 3 projects, 10 links; with code: 12/58 (21%)")
    assert "Entries per section" in out and "Papers per month" in out
    bars = {ln.split()[0]: ln for ln in out.splitlines() if ln.strip()[:4].isdigit() and "-" in ln.split()[0]}
    assert bars["2024-01"].rstrip().endswith(" 9") and bars["2024-01"].count("█") > bars["2023-11"].count("█") > 0
    assert "2021-06" in bars and "to 2023-04: none" in bars["2021-06"]  # a long gap is one line
    assert "Lost in the Middle" in out and "64" in out
    assert "Most starred: no star counts yet" in out


def test_json_has_every_number() -> None:
    result = runner.invoke(app, ["--file", str(SHIPPED), "stats", "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["entries"] == 58 and data["kinds"] == {"paper": 45, "project": 3, "link": 10}
    assert [r["id"] for r in data["most_cited"]] == ["2307.03172", "2306.15595", "2307.02486"]
    assert data["papers_per_month"][0] == {"month": "2021-05", "papers": 1}
    assert data["with_code"] == 12


def test_svg_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    result = runner.invoke(app, ["--file", str(SHIPPED), "stats", "--svg", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["svg"] == str(out)
    assert ET.parse(out).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    bad = runner.invoke(app, ["--file", str(SHIPPED), "stats", "--svg", str(tmp_path / "no" / "dir.svg")])
    assert bad.exit_code != 0 and "error: cannot write" in bad.output and "Traceback" not in bad.output


def test_titles_and_sections_are_shown_as_text(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    lib = Library(title="T")
    lib.add_entries(
        [
            Entry(kind="paper", title="[bold red]x[/] \x1b[2J", arxiv="2402.13753", section="[red]S[/red]",
                  citations=Citations(3, "s2")),
        ]
    )  # fmt: skip
    store.save(lib, path)
    result = runner.invoke(app, ["--file", str(path), "stats"])
    assert result.exit_code == 0, result.output
    assert "[bold red]x[/]" in result.stdout and "[red]S[/red]" in result.stdout  # rich markup shown, not obeyed
    assert "\x1b[2J" not in result.stdout and "\\x1b[2J" in result.stdout


def test_a_missing_list_is_one_error_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--file", str(tmp_path / "none.toml"), "stats"])
    assert result.exit_code != 0 and result.output.startswith("error: ")
