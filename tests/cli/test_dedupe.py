"""``lcllm dedupe`` and ``lcllm import`` through the command line: the seed check, exit codes, asking, JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.commands.dedupe import run as dedupe_file
from lcllm_cli.errors import LcllmError
from lcllm_cli.model import Entry, Library, Link

LCLLM = Path(sys.executable).with_name("lcllm")
runner = CliRunner()


def invoke(path: Path, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--file", str(path), *args], input=input)


@pytest.fixture
def seeded(tmp_path: Path, seed_path: Path) -> Path:
    """The seed imported as it is (repeats and all) into an empty list."""
    path = tmp_path / "entries.toml"
    result = invoke(path, "import", str(seed_path))
    assert result.exit_code == 0, result.output
    assert len(store.load(path).entries) == 61
    return path


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    lib = Library(
        entries=[
            Entry(kind="paper", title="Ring Attention", arxiv="2310.01889", version=4, authors=["Hao Liu"]),
            Entry(kind="paper", title="Other", arxiv="2402.13753", version=1, authors=["Yiran Ding"]),
            Entry(kind="paper", title="Ring Attention", arxiv="2310.01889", version=3, authors=["Hao Liu"]),
        ]
    )
    store.save(lib, path)
    return path


def test_seed_dedupe_yes_leaves_58_entries_with_nothing_lost(seeded: Path) -> None:
    result = invoke(seeded, "dedupe", "--yes")
    assert result.exit_code == 0, result.output
    assert "merged 3 groups: 61 entries -> 58" in result.output
    lib = store.load(seeded)
    assert len(lib.entries) == 58

    rings = [e for e in lib.entries if e.arxiv == "2310.01889"]
    assert len(rings) == 1
    ring = rings[0]
    assert ring.version == 4
    assert [link.url for link in ring.links] == ["https://github.com/lhao499/RingAttention"]
    assert ring.citations is not None and (ring.citations.count, ring.citations.source) == (6, "Google Scholar")

    mazes = [e for e in lib.entries if e.arxiv == "2310.05029"]
    assert len(mazes) == 1
    assert [link.label for link in mazes[0].links] == ["mp.weixin.qq"]
    assert mazes[0].links[0].url.startswith("https://mp.weixin.qq.com/s?__biz=")

    assert not [
        e for e in lib.entries if e.kind == "project" and "long-context-data-engineering" in (e.url or "").lower()
    ]
    (data_eng,) = [e for e in lib.entries if e.arxiv == "2402.10171"]
    assert [link.url.lower().split("?")[0] for link in data_eng.links] == [
        "https://github.com/franxyao/long-context-data-engineering"
    ]
    assert (
        data_eng.description == "Implementation of paper Data Engineering for Scaling Language Models to 128K Context"
    )

    again = invoke(seeded, "dedupe", "--check")
    assert again.exit_code == 0, again.output
    assert "no duplicates among the 58 entries" in again.output


def test_seed_groups_are_shown_with_their_reasons(seeded: Path) -> None:
    before = seeded.read_bytes()
    result = invoke(seeded, "dedupe", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "same arXiv id 2310.01889, v3 and v4" in result.output
    assert "same arXiv id 2310.05029, v1 in both" in result.output
    assert "repeats the link github.com/franxyao/long-context-data-engineering of paper 2402.10171" in result.output
    assert "3 groups: 3 of 61 entries duplicate another" in result.output
    assert seeded.read_bytes() == before


def test_check_exits_1_on_duplicates_and_changes_nothing(small: Path) -> None:
    before = small.read_bytes()
    result = invoke(small, "dedupe", "--check")
    assert result.exit_code == 1
    assert "same arXiv id 2310.01889, v3 and v4" in result.output
    assert "run `lcllm dedupe` to merge them" in result.output
    assert small.read_bytes() == before
    assert invoke(small, "dedupe", "--yes").exit_code == 0
    assert invoke(small, "dedupe", "--check").exit_code == 0
    assert len(store.load(small).entries) == 2


def test_check_even_with_yes_changes_nothing(small: Path) -> None:
    before = small.read_bytes()
    assert invoke(small, "dedupe", "--check", "--yes").exit_code == 1
    assert small.read_bytes() == before


def test_json_lists_groups_members_and_reasons(small: Path) -> None:
    result = invoke(small, "dedupe", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["dry_run"] is True and data["merged"] is False
    assert data["entries"] == 3 and data["duplicates"] == 1 and data["entries_after"] == 2
    (group,) = data["groups"]
    assert group["kept"] == 1
    assert [m["position"] for m in group["members"]] == [1, 3]
    assert group["reasons"] == ["same arXiv id 2310.01889, v3 and v4"]
    merged = json.loads(invoke(small, "dedupe", "--yes", "--json").output)
    assert merged["merged"] is True and merged["removed"] == 1


def test_without_a_terminal_and_without_yes_it_refuses_clearly(small: Path) -> None:
    before = small.read_bytes()
    result = invoke(small, "dedupe")
    assert result.exit_code == 2
    assert "cannot ask before merging" in result.output
    assert "hint: pass --yes to merge them" in result.output
    assert small.read_bytes() == before


def test_on_a_terminal_it_asks_first(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("lcllm_cli.cli.dedupe.can_ask", lambda: True)
    before = small.read_bytes()
    no = invoke(small, "dedupe", input="n\n")
    assert no.exit_code == 0
    assert "Merge this group (1 entry goes away)?" in no.output
    assert "nothing was changed" in no.output
    assert small.read_bytes() == before
    yes = invoke(small, "dedupe", input="y\n")
    assert yes.exit_code == 0, yes.output
    assert "merged 1 group: 3 entries -> 2" in yes.output
    assert [e.arxiv for e in store.load(small).entries] == ["2310.01889", "2402.13753"]


def test_no_duplicates_means_nothing_to_ask(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(Library(entries=[Entry(kind="link", title="a", url="https://a.example")]), path)
    result = invoke(path, "dedupe")
    assert result.exit_code == 0
    assert "no duplicates among the 1 entries" in result.output


def test_a_list_changed_while_the_user_decided_is_not_merged(small: Path) -> None:
    def confirm_and_meanwhile_edit(report: object) -> bool:
        lib = store.load(small)
        lib.entries.insert(0, Entry(kind="link", title="new", url="https://new.example"))
        store.save(lib, small)
        return True

    with pytest.raises(LcllmError, match="changed while you were deciding"):
        dedupe_file(small, merge=True, confirm=confirm_and_meanwhile_edit)
    assert len(store.load(small).entries) == 4


def test_missing_list_is_one_clear_line(tmp_path: Path) -> None:
    result = invoke(tmp_path / "nope.toml", "dedupe", "--check")
    assert result.exit_code == 2
    assert "error: no list at" in result.output


def test_installed_executable_check_and_no_hang_without_a_terminal(small: Path) -> None:
    check = subprocess.run(
        [str(LCLLM), "--file", str(small), "dedupe", "--check"], capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 1
    assert "same arXiv id 2310.01889, v3 and v4" in check.stdout
    asked = subprocess.run(
        [str(LCLLM), "--file", str(small), "dedupe"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert asked.returncode == 2
    assert "pass --yes" in asked.stderr
    assert "Traceback" not in asked.stderr
    merged = subprocess.run(
        [str(LCLLM), "--file", str(small), "dedupe", "--yes"], capture_output=True, text=True, timeout=60
    )
    assert merged.returncode == 0, merged.stderr
    assert len(store.load(small).entries) == 2


# --------------------------------------------------------------------------------------------- import


def test_import_names_the_repeats_within_the_file_with_reasons(tmp_path: Path, seed_path: Path) -> None:
    path = tmp_path / "entries.toml"
    result = invoke(path, "import", str(seed_path), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    repeats = {r["line"]: r for r in data["repeated_items"]}
    assert set(repeats) == {50, 114, 118}
    assert repeats[118]["first_line"] == 104
    assert repeats[118]["reason"] == "same arXiv id 2310.01889, v3 and v4"
    assert "long-context-data-engineering" in repeats[50]["reason"]
    assert len(store.load(path).entries) == 61  # faithful to its source without --dedupe


def test_import_dedupe_merges_the_repeats_on_the_way_in(tmp_path: Path, seed_path: Path) -> None:
    path = tmp_path / "entries.toml"
    result = invoke(path, "import", str(seed_path), "--dedupe")
    assert result.exit_code == 0, result.output
    assert "line 118: merged into line 104 (same arXiv id 2310.01889, v3 and v4)" in result.output
    lib = store.load(path)
    assert len(lib.entries) == 58
    (ring,) = [e for e in lib.entries if e.arxiv == "2310.01889"]
    assert ring.version == 4 and ring.citations is not None and ring.citations.count == 6
    assert invoke(path, "dedupe", "--check").exit_code == 0


def test_import_never_adds_what_the_list_already_holds(seeded: Path, seed_path: Path) -> None:
    before = seeded.read_bytes()
    result = invoke(seeded, "import", str(seed_path))
    assert result.exit_code == 0, result.output
    assert "imported 0 entries" in result.output
    assert "already in the list as entry #" in result.output
    assert seeded.read_bytes() == before


def test_import_refuses_a_project_repeating_a_papers_code_link_and_other_spellings(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    lib = Library(
        entries=[
            Entry(
                kind="paper",
                title="Data Engineering for Scaling Language Models to 128K Context",
                arxiv="2402.10171",
                version=1,
                authors=["Yao Fu", "Rameswar Panda"],
                links=[Link("code", "https://github.com/franxyao/long-context-data-engineering?tab=readme-ov-file")],
            ),
            Entry(kind="link", title="A post", url="https://kaiokendev.github.io/context", section="Blogs"),
        ]
    )
    store.save(lib, path)
    md = tmp_path / "more.md"
    md.write_text(
        "## Papers\n"
        "- [**Long-Context-Data-Engineering**](https://github.com/FranxYao/Long-Context-Data-Engineering) - FranxYao\n"
        "- [The same post](http://www.kaiokendev.github.io/context/)\n"
        "- [A new post](https://example.org/new)\n"
        "- **Data Engineering for Scaling Language Models to 128K Context**, `arXiv, 2402.10171`, "
        "[arxiv](http://arxiv.org/abs/2402.10171v2), cication: [**12**](https://scholar.example/x)\n\n"
        "\t *Yao Fu, Rameswar Panda*\n",
        encoding="utf-8",
    )
    result = invoke(path, "import", str(md), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    present = {p["line"]: p for p in data["already_present_items"]}
    assert set(present) == {2, 3, 5}
    assert present[2]["existing_position"] == 1 and "only repeats the link" in present[2]["reason"]
    assert present[3]["existing_position"] == 2 and present[3]["reason"].startswith("same URL")
    assert present[5]["reason"] == "same arXiv id 2402.10171"
    after = store.load(path)
    assert sorted(e.title for e in after.entries) == [
        "A new post",
        "A post",
        "Data Engineering for Scaling Language Models to 128K Context",
    ]


def test_import_dedupe_merges_into_the_entry_already_there(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(
        Library(
            entries=[Entry(kind="paper", title="Ring Attention", arxiv="2310.01889", version=3, key="liu2023ring")]
        ),
        path,
    )
    md = tmp_path / "more.md"
    md.write_text(
        "## Papers\n"
        "- **Ring Attention with Blockwise Transformers for Near-Infinite Context**, `arXiv, 2310.01889`, "
        "[arxiv](http://arxiv.org/abs/2310.01889v4), cication: [**6**](https://scholar.example/ring)\n\n"
        "\t *Hao Liu, Matei Zaharia, Pieter Abbeel* · "
        "([RingAttention](https://github.com/lhao499/RingAttention) - lhao499)\n",
        encoding="utf-8",
    )
    result = invoke(path, "import", str(md), "--dedupe")
    assert result.exit_code == 0, result.output
    assert "merged into entry #1" in result.output
    (ring,) = store.load(path).entries
    assert ring.version == 4 and ring.key == "liu2023ring"
    assert ring.authors == ["Hao Liu", "Matei Zaharia", "Pieter Abbeel"]
    assert [link.url for link in ring.links] == ["https://github.com/lhao499/RingAttention"]
    assert ring.citations is not None and ring.citations.count == 6


def test_import_does_not_flood_the_terminal_with_skipped_items(
    seeded: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lcllm_cli.cli.importing.MAX_LINES", 5)
    result = invoke(seeded, "import", str(seed_path))
    assert result.exit_code == 0, result.output
    assert result.output.count("already in the list as") == 4
    assert "... and 57 more (--json lists them all)" in result.output  # 61 items, 4 shown
    assert "lcllm dedupe" not in result.output  # nothing was added, so nothing repeats
    data = json.loads(invoke(seeded, "import", str(seed_path), "--json").output)
    assert len(data["already_present_items"]) == 61
