"""`lcllm init`: an empty list with a title; `init --workspace --from README.md` moves a family of lists and their
index in, so that the next export leaves every list's items as they were."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import importers, store
from lcllm_cli.cli import app
from lcllm_cli.exporters.markdown import between_markers
from lcllm_cli.mdsyntax import MARKER_END, MARKER_START
from lcllm_cli.workspace import load
from tests.paths import ROOT, SEED
from tests.plaza import FILES, INDEX, PAGES, TITLES, github_anchors, item_lines, write_plaza

runner = CliRunner()


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_init_starts_an_empty_list_with_a_title(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "--title", "Awesome long-context LLM"])
    assert result.exit_code == 0, result.output
    lib = store.load(tmp_path / "entries.toml")
    assert (lib.title, lib.entries) == ("Awesome long-context LLM", [])
    again = runner.invoke(app, ["init", "--title", "Other"])
    assert again.exit_code == 2
    assert "already exists" in again.output
    assert store.load(tmp_path / "entries.toml").title == "Awesome long-context LLM"
    assert runner.invoke(app, ["add", "--help"]).exit_code == 0


def test_init_file_writes_where_file_says(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "mine.toml"
    result = runner.invoke(app, ["--file", str(target), "init"])
    assert result.exit_code == 0, result.output
    assert store.load(target).title == "Awesome list"


def test_init_workspace_from_an_index_of_three_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index = write_plaza(tmp_path)
    monkeypatch.chdir(tmp_path)
    items_before = {name: item_lines((tmp_path / "docs" / f).read_text("utf-8")) for name, f in FILES.items()}
    result = runner.invoke(app, ["init", "--workspace", "--from", "README.md"])
    assert result.exit_code == 0, result.output
    ws = load(tmp_path / "lcllm.toml")
    assert ws.title == "Awesome LLM plaza"
    assert ws.description == "Curated lists of papers on large language models."
    assert ws.index == tmp_path / "README.md"
    assert [(s.name, s.title) for s in ws.lists] == [(f.removesuffix(".md"), TITLES[n]) for n, f in FILES.items()]
    assert [s.entries for s in ws.lists] == [tmp_path / "lists" / f"{s.name}.toml" for s in ws.lists]
    for spec, name in zip(ws.lists, FILES, strict=True):
        lib = store.load(spec.entries)
        assert len(lib.entries) == len([line for line in items_before[name] if line.startswith("- ")])
        page = spec.markdown.read_text(encoding="utf-8")  # type: ignore[union-attr]
        assert page.count(MARKER_START) == page.count(MARKER_END) == 1
        assert page.startswith(PAGES[name].split("\n")[0] + "\n")
    text = index.read_text(encoding="utf-8")
    assert text.replace(f"{MARKER_START}\n\n", "").replace(f"\n\n{MARKER_END}", "") == INDEX
    # The next export: every list's items as they were; the index keeps its title, intro and footer.
    export = runner.invoke(app, ["export"])
    assert export.exit_code == 0, export.output
    for name, f in FILES.items():
        assert item_lines((tmp_path / "docs" / f).read_text("utf-8")) == items_before[name], name
    text = index.read_text(encoding="utf-8")
    assert text.startswith("# Awesome LLM plaza\n\nCurated lists of papers on large language models.\n")
    assert text.rstrip().endswith("## Contributing\n\nPull requests welcome.")
    marked = between_markers(text) or ""
    assert "- [Long context](docs/llm_long_context.md)" in marked
    assert "    - [Planning](docs/llm_agents.md#planning)" in marked
    assert marked.strip() == INDEX.split("\n\n")[3].strip()  # the hand-written index was already in this layout
    settled = files_of(tmp_path)
    assert runner.invoke(app, ["export"]).exit_code == 0
    assert files_of(tmp_path) == settled
    check = runner.invoke(app, ["check"])
    assert check.exit_code == 0, check.output


def test_init_workspace_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    index = write_plaza(tmp_path)
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "llm_rag.toml").write_text("mine\n", encoding="utf-8")
    before = files_of(tmp_path)
    result = runner.invoke(app, ["init", "--workspace", "--from", str(index)])
    assert result.exit_code == 2
    assert "llm_rag.toml already exists" in result.output
    assert files_of(tmp_path) == before
    (tmp_path / "lists" / "llm_rag.toml").unlink()
    assert runner.invoke(app, ["init", "--workspace", "--from", str(index)]).exit_code == 0
    again = runner.invoke(app, ["init", "--workspace", "--from", str(index)])
    assert again.exit_code == 2
    assert "lcllm.toml already exists" in again.output


def test_an_index_that_links_no_list_is_refused(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Hi\n\n- [x](https://example.org/a.md)\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--workspace", "--from", str(tmp_path / "README.md")])
    assert result.exit_code == 2
    assert "links to no Markdown file" in result.output
    assert not (tmp_path / "lcllm.toml").exists()


def test_a_link_to_a_missing_list_is_reported_and_the_others_moved_in(tmp_path: Path) -> None:
    index = write_plaza(tmp_path)
    index.write_text(INDEX + "- [Gone](docs/gone.md)\n", encoding="utf-8")
    result = runner.invoke(app, ["init", "--workspace", "--from", str(index), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["skipped"] == ["docs/gone.md: no such file"]
    assert len(data["lists"]) == 3


def test_the_seed_as_one_list_of_a_plaza_keeps_every_item(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_plaza(tmp_path)
    shutil.copy(SEED, tmp_path / "docs" / "seed.md")
    (tmp_path / "README.md").write_text(INDEX.replace("## Contributing", "- [Seed](docs/seed.md)\n\n## Contributing"))
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init", "--workspace", "--from", "README.md"]).exit_code == 0
    seed_items = importers.read(SEED, "markdown").library.entries
    entries = store.load(tmp_path / "lists" / "seed.toml").entries
    assert len(entries) == len(seed_items)
    assert runner.invoke(app, ["export"]).exit_code == 0
    again = importers.read(tmp_path / "docs" / "seed.md", "markdown").library.entries
    assert [e.title for e in again] == [e.title for e in entries]
    # Every page and the index are current; the seed's own duplicates (kept by the faithful import) are what
    # check still reports, by list.
    data = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert all(f["up_to_date"] for li in data["lists"] for f in li["files"])
    assert data["index"]["up_to_date"]
    assert [(li["list"], len(li["duplicates"])) for li in data["lists"] if li["duplicates"]] == [("seed", 3)]


SHARED = ROOT.parent / "shared"


def _family_index() -> Path | None:
    """An index README in ../shared that links two or more Markdown lists beside it (the seed's family)."""
    if not SHARED.is_dir():
        return None
    for readme in sorted(SHARED.rglob("README.md")):
        links = set(re.findall(r"\]\((?!https?:|#)([^)#\s]+\.md)", readme.read_text("utf-8", errors="replace")))
        if sum((readme.parent / link).is_file() for link in links) >= 2:
            return readme
    return None


def test_real_lists_of_the_seeds_family(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = _family_index()
    if found is None:
        pytest.skip(f"no index README linking two or more lists in {SHARED} (the real plaza is held back)")
    copy = tmp_path / "plaza"
    shutil.copytree(found.parent, copy)
    monkeypatch.chdir(copy)
    result = runner.invoke(app, ["init", "--workspace", "--from", "README.md", "--json"])
    assert result.exit_code == 0, result.output
    ws = load(copy / "lcllm.toml")
    counts = {s.name: len(store.load(s.entries).entries) for s in ws.lists}
    assert runner.invoke(app, ["export"]).exit_code == 0
    for spec in ws.lists:
        again = importers.read(spec.markdown, "markdown").library.entries  # type: ignore[arg-type]
        assert len(again) == counts[spec.name], spec.name
    data = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert all(f["up_to_date"] for li in data["lists"] for f in li["files"]), data
    assert data["index"]["up_to_date"], data["index"]
    marked = between_markers((copy / "README.md").read_text("utf-8")) or ""
    for target, anchor in re.findall(r"\]\(([^)#]+)#([^)]*)\)", marked):
        assert anchor in github_anchors((copy / target).read_text("utf-8")), (target, anchor)
