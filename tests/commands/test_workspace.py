"""Commands over a workspace of three lists and an index: export writes every page and the index, and a second
run changes nothing; check names the list of each finding; dedupe --across; list --all."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.exporters.markdown import between_markers
from tests.arxiv_stub import ArxivStub, generated_authors
from tests.plaza import FILES, github_anchors, paper, write_workspace

runner = CliRunner()


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_workspace(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def export(*args: str) -> object:
    result = runner.invoke(app, [*args, "export"])
    assert result.exit_code == 0, result.output
    return result


def test_export_writes_every_page_and_the_index_and_is_idempotent(ws: Path) -> None:
    before = files_of(ws)
    export()
    after = files_of(ws)
    changed = {name for name in after if after[name] != before.get(name)}
    assert changed == {"README.md", *(f"docs/{f}" for f in FILES.values())}
    for page in FILES.values():
        text = (ws / "docs" / page).read_text(encoding="utf-8")
        assert text.startswith("# ")  # outside the markers: as it was
        assert "A list." in text
    assert "YaRN: Efficient Context Window Extension" in (ws / "docs" / FILES["long-context"]).read_text("utf-8")
    assert "ReAct: Synergizing" in (ws / "docs" / FILES["agents"]).read_text("utf-8")
    result = export()
    assert files_of(ws) == after
    assert "wrote" not in result.output


def test_the_index_links_every_list_and_its_sections_to_real_headings(ws: Path) -> None:
    export()
    readme = (ws / "README.md").read_text(encoding="utf-8")
    assert readme.startswith("# Awesome LLM plaza\n\nIntro.\n")
    assert readme.rstrip().endswith("## Contributing\n\nWelcome.")
    marked = between_markers(readme)
    assert marked is not None
    lines = [line for line in marked.split("\n") if line.strip()]
    assert lines[0] == "- [Awesome long-context LLM](docs/llm_long_context.md)"
    assert "  - [Survey](docs/llm_long_context.md#survey)" in lines
    assert "- [Awesome LLM agents](docs/llm_agents.md)" in lines
    assert "    - [Planning](docs/llm_agents.md#planning)" in lines  # nested under Papers
    links = re.findall(r"\]\(([^)#]+)(?:#([^)]*))?\)", marked)
    assert len(links) == 3 + 2 + 2 + 2
    for target, anchor in links:
        page = ws / target
        assert page.is_file(), target
        if anchor:
            assert anchor in github_anchors(page.read_text(encoding="utf-8")), (target, anchor)


def test_a_section_named_like_the_page_title_gets_the_anchor_github_gives_it(ws: Path) -> None:
    with store.edit(ws / "lists" / "rag.toml") as lib:
        lib.ensure_section("Awesome RAG")
        lib.add_entry(paper("Self-RAG: Learning to Retrieve", "2310.11511", "Awesome RAG"))
    export()
    readme = (ws / "README.md").read_text(encoding="utf-8")
    page = (ws / "docs" / FILES["rag"]).read_text(encoding="utf-8")
    assert "(docs/llm_rag.md#awesome-rag-1)" in readme  # the page's own title is #awesome-rag
    assert "awesome-rag-1" in github_anchors(page)


def test_counts_when_the_workspace_asks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_workspace(tmp_path, counts=True)
    monkeypatch.chdir(tmp_path)
    export()
    marked = between_markers((tmp_path / "README.md").read_text(encoding="utf-8")) or ""
    assert "- [Awesome RAG](docs/llm_rag.md) (3)" in marked
    assert "  - [Projects](docs/llm_rag.md#projects) (1)" in marked


def test_a_page_without_markers_is_written_whole(ws: Path) -> None:
    page = ws / "docs" / FILES["agents"]
    page.write_text("# Old\n\nhand-written\n", encoding="utf-8")
    export()
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# Awesome LLM agents\n")
    assert "hand-written" not in text
    assert "- [Awesome LLM agents](#awesome-llm-agents)" in text
    assert "docs/llm_agents.md#planning" in (ws / "README.md").read_text(encoding="utf-8")
    same = files_of(ws)
    export()
    assert files_of(ws) == same
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_export_with_list_writes_that_page_and_the_index_only(ws: Path) -> None:
    before = files_of(ws)
    export("--list", "rag")
    after = files_of(ws)
    assert {n for n in after if after[n] != before[n]} == {"README.md", f"docs/{FILES['rag']}"}


def test_an_export_with_a_format_still_goes_to_stdout(ws: Path) -> None:
    before = files_of(ws)
    result = runner.invoke(app, ["--list", "agents", "export", "--markdown"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Awesome LLM agents")
    assert files_of(ws) == before


def test_check_is_green_after_export_and_names_the_stale_list(ws: Path) -> None:
    export()
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    for name in FILES:
        assert f"{name}: " in result.output
    with store.edit(ws / "lists" / "rag.toml") as lib:
        lib.add_entry(paper("Dense Passage Retrieval for Open-Domain Question Answering", "2004.04906"))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    stale = [line for line in result.output.splitlines() if "out of date" in line]
    assert stale == [
        f"rag: {ws / 'docs' / FILES['rag']}: out of date (+3 -0 lines); run `lcllm export`",
    ]  # the index shows no counts, and the sections are the same
    assert f"long-context: {ws / 'docs' / FILES['long-context']}: up to date" in result.output
    data = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert data["ok"] is False
    assert [(li["list"], li["ok"]) for li in data["lists"]] == [
        ("long-context", True),
        ("rag", False),
        ("agents", True),
    ]


def test_check_with_list_checks_that_list_and_its_page(ws: Path) -> None:
    export()
    with store.edit(ws / "lists" / "rag.toml") as lib:
        lib.add_entry(paper("Dense Passage Retrieval for Open-Domain Question Answering", "2004.04906"))
    assert runner.invoke(app, ["-l", "agents", "check"]).exit_code == 0
    result = runner.invoke(app, ["-l", "rag", "check", "-q"])
    assert result.exit_code == 1
    assert "rag: " in result.output and "out of date" in result.output
    assert "agents" not in result.output and "index" not in result.output


def test_check_says_the_index_is_stale_when_a_list_gains_a_section(ws: Path) -> None:
    export()
    with store.edit(ws / "lists" / "agents.toml") as lib:
        lib.add_entry(paper("Toolformer: Language Models Can Teach Themselves to Use Tools", "2302.04761", "Tools"))
    result = runner.invoke(app, ["check", "--quiet"])
    assert result.exit_code == 1
    assert f"index: {ws / 'README.md'}: out of date (+1 -0 lines); run `lcllm export`" in result.output
    assert "+  - [Tools]" not in result.output  # --quiet: no diff
    export()
    assert "  - [Tools](docs/llm_agents.md#tools)" in (ws / "README.md").read_text(encoding="utf-8")


def test_check_names_the_list_of_an_invalid_entries_file(ws: Path) -> None:
    export()
    (ws / "lists" / "agents.toml").write_text("[[entry]]\nkind = 'paper'\n", encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "agents: error:" in result.output
    assert "Traceback" not in result.output


def test_dedupe_across_finds_the_paper_two_lists_hold(ws: Path) -> None:
    before = files_of(ws)
    result = runner.invoke(app, ["dedupe", "--across"])
    assert result.exit_code == 0, result.output
    assert "long-context #2 2402.13753, rag #2 2402.13753: same arXiv id 2402.13753" in result.output
    data = json.loads(runner.invoke(app, ["dedupe", "--across", "--json"]).stdout)
    assert len(data["groups"]) == 1
    assert [m["list"] for m in data["groups"][0]["members"]] == ["long-context", "rag"]
    assert runner.invoke(app, ["dedupe", "--across", "--check"]).exit_code == 1
    assert files_of(ws) == before  # a report: nothing merged


def test_a_paper_twice_in_one_list_is_not_a_cross_listing(ws: Path) -> None:
    with store.edit(ws / "lists" / "agents.toml") as lib:
        lib.add_entry(paper("ReAct: Synergizing Reasoning and Acting", "2210.03629", "Papers"))
    data = json.loads(runner.invoke(app, ["dedupe", "--across", "--json"]).stdout)
    assert [[m["list"] for m in g["members"]] for g in data["groups"]] == [["long-context", "rag"]]


def test_check_fails_on_cross_listing_only_when_forbidden(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_workspace(tmp_path / "allow")
    monkeypatch.chdir(tmp_path / "allow")
    export()
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "1 item(s) appear in several lists (allowed)" in result.output
    write_workspace(tmp_path / "forbid", cross_listing="forbid")
    monkeypatch.chdir(tmp_path / "forbid")
    export()
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert 'forbidden by cross_listing = "forbid"' in result.output
    assert "long-context #2 2402.13753, rag #2 2402.13753" in result.output


def test_list_all_searches_every_list_with_a_list_column(ws: Path) -> None:
    result = runner.invoke(app, ["list", "--all", "--search", "longrope"])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert [(r[0], r[1]) for r in rows] == [("long-context", "2402.13753"), ("rag", "2402.13753")]
    data = json.loads(runner.invoke(app, ["list", "--all", "--json", "--kind", "project"]).stdout)
    assert [(e["list"], e["title"]) for e in data] == [("rag", "LlamaIndex")]


def test_list_all_outside_a_workspace_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["list", "--all"])
    assert result.exit_code == 2
    assert "lcllm.toml" in result.output


def test_a_paper_two_lists_hold_is_fetched_once_and_filled_in_both(ws: Path, arxiv: ArxivStub) -> None:
    """refresh of one list, then of another: the paper both hold is answered from the cache the first filled."""
    first = runner.invoke(app, ["-l", "long-context", "refresh"])
    assert first.exit_code == 0, first.output
    assert sorted(arxiv.sent_ids) == ["2309.00071", "2312.17044", "2402.13753"]
    second = runner.invoke(app, ["-l", "rag", "refresh"])
    assert second.exit_code == 0, second.output
    assert sorted(arxiv.sent_ids) == ["2005.11401", "2309.00071", "2312.17044", "2402.13753"]  # LongRoPE not again
    assert "1 answers from the cache" in second.output
    (in_long,) = [e for e in store.load(ws / "lists" / "long-context.toml").entries if e.arxiv == "2402.13753"]
    (in_rag,) = [e for e in store.load(ws / "lists" / "rag.toml").entries if e.arxiv == "2402.13753"]
    assert in_rag.authors == in_long.authors == generated_authors("2402.13753")


def test_refresh_all_runs_every_list_and_asks_each_paper_once(ws: Path, arxiv: ArxivStub) -> None:
    result = runner.invoke(app, ["refresh", "--all", "--json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert [r["list"] for r in reports] == ["long-context", "rag", "agents"]
    assert sorted(arxiv.sent_ids) == ["2005.11401", "2210.03629", "2309.00071", "2312.17044", "2402.13753"]
    for name in ("long-context", "rag", "agents"):
        assert all(
            e.authors == generated_authors(e.arxiv or "")
            for e in store.load(ws / "lists" / f"{name}.toml").entries
            if e.arxiv
        )
    refused = runner.invoke(app, ["refresh", "--all", "2402.13753"])
    assert refused.exit_code == 2


def test_enrich_all_needs_a_workspace_and_no_ids(ws: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert runner.invoke(app, ["enrich", "--all", "2402.13753"]).exit_code == 2
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    result = runner.invoke(app, ["--file", str(elsewhere / "entries.toml"), "enrich", "--all"])
    assert result.exit_code == 2
    assert "lcllm.toml" in result.output


def test_export_of_one_list_links_a_list_whose_page_is_not_written_yet(ws: Path) -> None:
    (ws / "docs" / FILES["agents"]).unlink()
    export("-l", "rag")
    assert not (ws / "docs" / FILES["agents"]).exists()
    assert "  - [Planning](docs/llm_agents.md#planning)" in (ws / "README.md").read_text(encoding="utf-8")
    export()
    assert (ws / "docs" / FILES["agents"]).read_text(encoding="utf-8").startswith("# Awesome LLM agents\n")
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_inbox_all_lists_each_lists_candidates(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`inbox --all`: every list in turn, each without what it holds (a paper one list has is new to another)."""
    import datetime as dt

    from tests.inbox_stub import InboxStub, Paper

    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    with InboxStub() as services:
        for name, value in services.env().items():
            monkeypatch.setenv(name, value)
        # LongRoPE is in the long-context list; to the others it is a candidate like any new paper
        services.add_recommendation(Paper("2402.13753", "LongRoPE: Extending LLM Context Window", day))
        services.add_recommendation(Paper("2412.00077", "A Brand New Paper", day))
        result = runner.invoke(app, ["inbox", "--all", "--json", "--source", "s2"])
        assert result.exit_code == 0, result.output
        reports = json.loads(result.stdout)
        assert [r["list"] for r in reports] == ["long-context", "rag", "agents"]
        got = {r["list"]: sorted(c["id"] for c in r["candidates"]) for r in reports}
        assert got["long-context"] == ["2412.00077"]
        assert "2402.13753" in got["agents"]
        text = runner.invoke(app, ["inbox", "--all", "--source", "s2"])
        assert text.exit_code == 0 and "== long-context" in text.output and "== agents" in text.output
        refused = runner.invoke(app, ["inbox", "--all", "--add", "1"])
        assert refused.exit_code == 2 and "lcllm -l NAME inbox" in refused.output


def test_enrich_all_counts_every_list_and_asks_a_shared_paper_once(ws: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.stubserver import Reply, Request, StubServer

    asked: list[str] = []

    def s2(req: Request) -> Reply:
        ids = json.loads(req.body)["ids"]
        asked.extend(ids)
        papers = [{"paperId": f"p{n}", "citationCount": 100 + n, "externalIds": {}} for n in range(len(ids))]
        return Reply(200, json.dumps(papers), content_type="application/json")

    with StubServer(s2) as srv:
        monkeypatch.setenv("LCLLM_S2_API_URL", srv.url + "/graph/v1")
        monkeypatch.setenv("LCLLM_S2_INTERVAL", "0")
        result = runner.invoke(app, ["enrich", "--all", "--citations", "--json"])
    assert result.exit_code == 0, result.output
    assert [r["list"] for r in json.loads(result.stdout)] == ["long-context", "rag", "agents"]
    assert asked.count("ARXIV:2402.13753") == 1  # in two lists, asked once: the cache answers the second
    for name in ("long-context", "rag", "agents"):
        papers = [e for e in store.load(ws / "lists" / f"{name}.toml").entries if e.arxiv]
        assert papers and all(e.citations is not None and e.citations.count >= 100 for e in papers), name
