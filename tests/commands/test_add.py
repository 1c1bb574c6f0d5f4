"""``lcllm add`` end to end against the stand-in arXiv server (CliRunner, and the installed executable)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library, Link
from lcllm_cli.sources import arxiv as source
from tests.arxiv_stub import ArxivStub, generated_authors, generated_title

LCLLM = Path(sys.executable).with_name("lcllm")


@pytest.fixture
def stub(arxiv: ArxivStub) -> ArxivStub:
    return arxiv


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "entries.toml"


def add(path: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, ["--file", str(path), "add", *args], input=input)


def add_json(path: Path, *args: str) -> tuple[int, dict[str, object]]:
    result = add(path, *args, "--json")
    return result.exit_code, json.loads(result.stdout)


def papers(path: Path) -> list[Entry]:
    return [e for e in store.load(path).entries if e.kind == "paper"]


def seeded(path: Path, *entries: Entry, sections: tuple[str, ...] = ("Survey", "Papers", "Projects")) -> bytes:
    lib = Library(title="Awesome long context")
    for name in sections:
        lib.ensure_section(name)
    lib.entries.extend(entries)
    store.save(lib, path)
    return path.read_bytes()


# --------------------------------------------------------------------------------------------- adding


def test_adds_papers_with_every_field(stub: ArxivStub, path: Path) -> None:
    result = add(path, "2311.04567", "hep-lat/0509112", "2402.13753")
    assert result.exit_code == 0, result.output
    assert "3 added, 0 updated, 0 already present, 0 failed" in result.stdout
    got = {e.arxiv: e for e in papers(path)}
    assert list(got) == ["2311.04567", "hep-lat/0509112", "2402.13753"]  # input order
    paged = got["2311.04567"]
    assert paged.title == "Paged Recall: Bounded Memory for Million-Token Contexts"
    assert paged.version == 3 and paged.section == "Papers"
    assert paged.categories == ["cs.CL", "cs.LG", "stat.ML"] and paged.primary_category == "cs.CL"
    assert paged.published == "2023-11-08" and paged.comment == "14 pages, 5 figures; v3 corrects Table 2"
    assert paged.authors == ["Mireille Okonkwo-Hart", "Tomasz Wielgus", "Zoë Lindqvist"]
    assert got["hep-lat/0509112"].journal_ref == "Invent.Lett.B 612 (2006) 101-109"
    assert got["hep-lat/0509112"].doi == "10.5555/lcllm-fixture.2006.112"
    assert got["2402.13753"].title == generated_title("2402.13753")
    assert got["2402.13753"].authors == generated_authors("2402.13753")
    assert len(stub.requests) == 1


def test_150_ids_in_2_requests(stub: ArxivStub, path: Path) -> None:
    ids = [f"2404.{i:05d}" for i in range(1, 151)]
    code, data = add_json(path, *ids)
    assert code == 0
    assert len(stub.requests) == 2 and data["requests"] == 2
    assert [len(b) for b in stub.id_lists] == [100, 50]
    assert data["added"] == 150
    assert [e.arxiv for e in papers(path)] == ids


def test_from_file_and_stdin_with_comments(stub: ArxivStub, path: Path, tmp_path: Path) -> None:
    listing = tmp_path / "ids.txt"
    listing.write_text("# papers to read\n\n2402.13753\n  arXiv:2401.00001v2   # the second one\n\n", "utf-8")
    result = add(path, "2311.04567", "--from", str(listing))
    assert result.exit_code == 0, result.output
    result = add(path, "--from", "-", input="# more\n2403.00001\nhttps://arxiv.org/abs/2402.13753\n")
    assert result.exit_code == 0, result.output
    assert [e.arxiv for e in papers(path)] == ["2311.04567", "2402.13753", "2401.00001", "2403.00001"]
    assert stub.id_lists == [["2311.04567", "2402.13753", "2401.00001"], ["2403.00001", "2402.13753"]]


def test_malformed_id_is_reported_by_name_and_never_sent(stub: ArxivStub, path: Path) -> None:
    result = add(path, "2402.13753", "2402.1375", "abc", "2401.00001")
    assert result.exit_code == 1
    assert "not an arXiv id, a DOI or a web URL: 2402.1375" in result.stdout
    assert "not an arXiv id, a DOI or a web URL: abc" in result.stdout
    assert "2 added, 0 updated, 0 already present, 2 failed" in result.stdout
    assert stub.sent_ids == ["2402.13753", "2401.00001"]  # the batch did not fail on a typo
    assert [e.arxiv for e in papers(path)] == ["2402.13753", "2401.00001"]


def test_only_malformed_ids_is_a_usage_error(stub: ArxivStub, path: Path) -> None:
    one = add(path, "2402.1375")
    assert one.exit_code == 2
    assert "error: not an arXiv id or URL: 2402.1375" in one.stderr
    assert "hint:" in one.stderr
    two = add(path, "abc", "def")
    assert two.exit_code == 2 and "none of the 2 inputs" in two.stderr
    assert stub.requests == [] and not path.exists()


@pytest.mark.parametrize("args", [[], ["--from", "-"]])
def test_no_ids_is_a_usage_error(stub: ArxivStub, path: Path, args: list[str]) -> None:
    result = add(path, *args, input="# nothing\n\n")
    assert result.exit_code == 2 and "nothing to add" in result.stderr
    assert stub.requests == []


def test_unreadable_from_file_is_a_usage_error(stub: ArxivStub, path: Path, tmp_path: Path) -> None:
    result = add(path, "--from", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2 and "no such file" in result.stderr
    assert stub.requests == []


def test_missing_id_is_reported_and_the_others_added(stub: ArxivStub, path: Path) -> None:
    stub.set_missing("2402.99999")
    result = add(path, "2402.13753", "2402.99999", "2401.00001")
    assert result.exit_code == 1
    assert "not on arXiv: 2402.99999" in result.stdout
    assert [e.arxiv for e in papers(path)] == ["2402.13753", "2401.00001"]
    code, data = add_json(path, "2402.99999")
    failed = [p for p in data["papers"] if p["status"] == "failed"]  # type: ignore[attr-defined, union-attr]
    assert code == 1 and failed == [
        {"input": "2402.99999", "status": "failed", "arxiv": "2402.99999", "reason": "not on arXiv: 2402.99999"}
    ]


def test_json_report(stub: ArxivStub, path: Path) -> None:
    code, data = add_json(path, "2402.13753", "x")
    assert code == 1
    assert data["file"] == str(path) and data["section"] == "Papers" and data["written"] is True
    assert (data["added"], data["updated"], data["already_present"], data["failed"]) == (1, 0, 0, 1)
    assert data["papers"] == [
        {
            "input": "2402.13753",
            "status": "added",
            "arxiv": "2402.13753",
            "version": 1,
            "title": generated_title("2402.13753"),
            "section": "Papers",
        },
        {"input": "x", "status": "failed", "arxiv": None, "reason": "not an arXiv id, a DOI or a web URL: x"},
    ]
    assert data["error"] is None


# --------------------------------------------------------------------------------------------- retries


def test_429_then_503_are_retried(stub: ArxivStub, path: Path) -> None:
    stub.fail(0, status=429, retry_after="0")
    stub.fail(1, status=503, retry_after="0")
    result = add(path, "2402.13753")
    assert result.exit_code == 0, result.output
    assert len(stub.requests) == 3
    assert [e.arxiv for e in papers(path)] == ["2402.13753"]


def test_retry_after_is_waited_for(stub: ArxivStub, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr(time, "sleep", waits.append)  # what the HTTP layer waits with by default
    stub.fail(0, status=503, retry_after="5")
    result = add(path, "2402.13753")
    assert result.exit_code == 0, result.output
    assert len(waits) == 1 and 4.5 < waits[0] <= 5.0


def test_retry_after_is_really_waited_for_by_the_executable(stub: ArxivStub, path: Path) -> None:
    stub.fail(0, status=429, retry_after="1")
    env = dict(os.environ, LCLLM_ARXIV_API_URL=stub.url, LCLLM_ARXIV_DELAY="0", LCLLM_ARXIV_BACKOFF="0")
    proc = subprocess.run(
        [str(LCLLM), "--file", str(path), "add", "2402.13753"], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert len(stub.arrivals) == 2
    assert stub.arrivals[1] - stub.arrivals[0] >= 0.95  # the server said 1 s; lcllm did not come back sooner


def test_retries_give_up_with_a_clear_error(stub: ArxivStub, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCLLM_ARXIV_TRIES", "3")
    stub.fail(status=503)
    before = seeded(path)
    result = add(path, "2402.13753")
    assert result.exit_code == 1
    assert len(stub.requests) == 3
    assert "error: arXiv request failed after 3 tries: HTTP 503" in result.stderr
    assert "hint:" in result.stderr
    assert path.read_bytes() == before


# --------------------------------------------------------------------------------------------- failures


def test_hanging_server_times_out_and_leaves_the_file_unchanged(stub: ArxivStub, path: Path) -> None:
    before = seeded(path, Entry("paper", "Kept", arxiv="2301.00001", version=1))
    stub.hang(seconds=30)
    result = add(path, "2402.13753", "--timeout", "0.3")
    assert result.exit_code == 1
    assert "no answer within 0.3 s" in result.stderr
    assert "Traceback" not in result.output
    assert path.read_bytes() == before
    assert len(stub.requests) == 4  # bounded retries (the default 4 tries)


def test_timeout_from_the_environment(stub: ArxivStub, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCLLM_HTTP_TIMEOUT", "0.2")
    monkeypatch.setenv("LCLLM_ARXIV_TRIES", "1")
    stub.hang(seconds=30)
    result = add(path, "2402.13753")
    assert result.exit_code == 1 and "no answer within 0.2 s" in result.stderr
    assert not path.exists()


def test_network_failure_halfway_writes_what_was_fetched(
    stub: ArxivStub, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LCLLM_ARXIV_TRIES", "2")
    stub.fail(1, 2, status=503)
    ids = [f"2404.{i:05d}" for i in range(1, 151)]
    code, data = add_json(path, *ids)
    assert code == 1
    assert data["added"] == 100 and data["failed"] == 50
    assert data["error"]["message"].startswith("arXiv request failed after 2 tries")  # type: ignore[index]
    assert [e.arxiv for e in papers(path)] == ids[:100]


def test_ctrl_c_during_the_fetch_writes_nothing(stub: ArxivStub, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = seeded(path)
    real_fetch = source.fetch

    def interrupted(ids, *, config=None, progress=None, http=None):  # type: ignore[no-untyped-def]
        def stop_after_first_batch(done: int, total: int) -> None:
            if done >= 100:
                raise KeyboardInterrupt

        return real_fetch(ids, config=config, progress=stop_after_first_batch, http=http)

    monkeypatch.setattr(source, "fetch", interrupted)
    result = add(path, *[f"2404.{i:05d}" for i in range(1, 151)])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr
    assert len(stub.requests) == 1  # the first batch was fetched, and still nothing was written
    assert path.read_bytes() == before


def test_broken_entries_file_fails_before_any_request(stub: ArxivStub, path: Path) -> None:
    path.write_text("this is = not [valid toml\n", "utf-8")
    result = add(path, "2402.13753")
    assert result.exit_code == 2 and "not valid TOML" in result.stderr
    assert stub.requests == []


# --------------------------------------------------------------------------------------------- re-adding


def test_re_adding_reports_already_present_and_writes_nothing(stub: ArxivStub, path: Path) -> None:
    assert add(path, "2402.13753").exit_code == 0
    before = path.read_bytes()
    result = add(path, "arXiv:2402.13753v1")
    assert result.exit_code == 0
    assert "0 added, 0 updated, 1 already present, 0 failed" in result.stdout
    assert path.read_bytes() == before
    assert len(papers(path)) == 1


def test_re_adding_updates_a_new_version_and_title_keeping_local_fields(stub: ArxivStub, path: Path) -> None:
    old = Entry(
        "paper",
        "Old Title",
        section="Survey",
        key="smith2024old",
        highlight=True,
        arxiv="2402.13753",
        version=1,
        authors=["A. Smith", "..."],
        authors_elided=True,
        links=[Link("code", "https://github.com/a/b")],
        notes="read this first",
        venue="ICLR 2025",
    )
    seeded(path, old)
    stub.set_paper("2402.13753", version=3, title="New Title")
    result = add(path, "https://arxiv.org/pdf/2402.13753v1.pdf")
    assert result.exit_code == 0, result.output
    assert "0 added, 1 updated" in result.stdout
    assert "version: v1 -> v3" in result.stdout
    assert "title: 'Old Title' -> 'New Title'" in result.stdout
    (entry,) = papers(path)
    assert (entry.title, entry.version) == ("New Title", 3)
    assert entry.authors == generated_authors("2402.13753") and not entry.authors_elided
    assert entry.published == "2024-02-15" and entry.updated == "2024-02-17"
    assert entry.section == "Survey" and entry.key == "smith2024old" and entry.highlight
    assert entry.links == [Link("code", "https://github.com/a/b")]
    assert entry.notes == "read this first" and entry.venue == "ICLR 2025"


def test_re_adding_json_shows_the_changes(stub: ArxivStub, path: Path) -> None:
    seeded(path, Entry("paper", generated_title("2402.13753"), arxiv="2402.13753", version=1))
    stub.set_paper("2402.13753", version=2)
    code, data = add_json(path, "2402.13753")
    assert code == 0 and data["updated"] == 1
    (paper,) = data["papers"]  # type: ignore[misc]
    assert paper["changes"] == [{"field": "version", "old": "v1", "new": "v2"}]


def test_an_entry_known_by_its_arxiv_url_only_is_completed_not_duplicated(stub: ArxivStub, path: Path) -> None:
    seeded(path, Entry("paper", "Paged Recall", url="https://arxiv.org/abs/2311.04567"))
    result = add(path, "2311.04567")
    assert result.exit_code == 0, result.output
    (entry,) = papers(path)
    assert entry.arxiv == "2311.04567" and entry.version == 3
    assert entry.url == "https://arxiv.org/abs/2311.04567"


def test_same_paper_by_title_and_authors_is_not_added_twice(stub: ArxivStub, path: Path) -> None:
    title = "Paged recall: bounded memory for million-token contexts"
    seeded(path, Entry("paper", title, authors=["Mireille Okonkwo-Hart"]))
    result = add(path, "2311.04567")
    assert result.exit_code == 0, result.output
    assert len(papers(path)) == 1
    assert papers(path)[0].arxiv == "2311.04567"


# --------------------------------------------------------------------------------------------- sections


def test_section_option_and_default(stub: ArxivStub, path: Path) -> None:
    seeded(path, sections=("Survey", "Papers", "Projects"))
    assert add(path, "2402.13753").exit_code == 0
    assert add(path, "2401.00001", "--section", "survey").exit_code == 0  # matched ignoring case
    result = add(path, "2401.00002", "-s", "Benchmark")  # not a section of the list: no request, nothing written
    assert result.exit_code == 2 and "no section 'Benchmark'" in result.stderr
    assert add(path, "2401.00002", "-s", "Benchmarks", "--new-section").exit_code == 0  # a new section
    got = {e.arxiv: e.section for e in papers(path)}
    assert got == {"2402.13753": "Papers", "2401.00001": "Survey", "2401.00002": "Benchmarks"}
    assert store.load(path).section_names() == ["Survey", "Papers", "Projects", "Benchmarks"]


def test_default_section_without_papers_section_is_the_biggest_paper_section(stub: ArxivStub, path: Path) -> None:
    seeded(
        path,
        Entry("paper", "A", section="Survey", arxiv="2301.00001"),
        Entry("paper", "B", section="Methods", arxiv="2301.00002"),
        Entry("paper", "C", section="Methods", arxiv="2301.00003"),
        sections=("Survey", "Methods"),
    )
    assert add(path, "2402.13753").exit_code == 0
    assert {e.arxiv: e.section for e in papers(path)}["2402.13753"] == "Methods"


def test_added_papers_go_after_their_section(stub: ArxivStub, path: Path) -> None:
    seeded(
        path,
        Entry("paper", "A", section="Papers", arxiv="2301.00001"),
        Entry("link", "L", section="Projects", url="https://example.org"),
    )
    assert add(path, "2402.13753").exit_code == 0
    assert [e.title for e in store.load(path).entries] == ["A", generated_title("2402.13753"), "L"]


# --------------------------------------------------------------------------------------------- abstracts


def test_abstracts_go_to_the_cache_not_entries_toml(stub: ArxivStub, path: Path) -> None:
    assert add(path, "2311.04567").exit_code == 0
    cached = Path(os.environ["XDG_CACHE_HOME"]) / "lcllm" / "abstracts" / "2311.04567.txt"
    assert cached.read_text("utf-8").startswith("Readers of long inputs keep a key-value cache")
    assert "Readers of long inputs" not in path.read_text("utf-8")


# --------------------------------------------------------------------------------------------- executable


def test_installed_executable_end_to_end(stub: ArxivStub, path: Path) -> None:
    stub.set_missing("2402.99999")
    env = dict(os.environ, LCLLM_ARXIV_API_URL=stub.url, LCLLM_ARXIV_DELAY="0", LCLLM_ARXIV_BACKOFF="0")
    proc = subprocess.run(
        [str(LCLLM), "--file", str(path), "add", "2402.13753", "2402.99999", "nonsense"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "not on arXiv: 2402.99999" in proc.stdout
    assert "not an arXiv id, a DOI or a web URL: nonsense" in proc.stdout
    assert "Traceback" not in proc.stderr
    assert [e.arxiv for e in papers(path)] == ["2402.13753"]
    assert stub.sent_ids == ["2402.13753", "2402.99999"]


def test_installed_executable_hanging_server(stub: ArxivStub, path: Path) -> None:
    before = seeded(path)
    stub.hang(seconds=30)
    env = dict(os.environ, LCLLM_ARXIV_API_URL=stub.url, LCLLM_ARXIV_DELAY="0", LCLLM_ARXIV_TRIES="1")
    proc = subprocess.run(
        [str(LCLLM), "--file", str(path), "add", "2402.13753", "--timeout", "0.5"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: arXiv request failed after 1 try: no answer within 0.5 s")
    assert path.read_bytes() == before


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(app, ["add", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "--from" in result.stdout and "--timeout" in result.stdout


# --------------------------------------------------------------------------------------------- library


def test_add_papers_reports_progress_per_batch(stub: ArxivStub, path: Path) -> None:
    from lcllm_cli.commands.add import ADDED
    from lcllm_cli.commands.add import run as add_papers

    calls: list[tuple[int, int]] = []
    report = add_papers(
        path, [f"2404.{i:05d}" for i in range(1, 121)], progress=lambda done, total: calls.append((done, total))
    )
    assert calls == [(0, 120), (100, 120), (120, 120)]
    assert report.exit_code == 0 and report.requests == 2
    assert len(report.having(ADDED)) == 120 and report.written


def test_progress_bar_runs_on_a_terminal(stub: ArxivStub, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lcllm_cli.cli import add as add_module

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    with add_module._progress_bar() as progress:
        assert progress is not None
        progress(0, 150)
        progress(100, 150)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    with add_module._progress_bar() as progress:
        assert progress is None  # no bar in a pipe or a log


def test_empty_section_is_a_usage_error_before_any_request(stub: ArxivStub, path: Path) -> None:
    result = add(path, "2402.13753", "--section", "  ")
    assert result.exit_code == 2 and "--section needs a name" in result.stderr
    assert stub.requests == []


def test_report_follows_input_order_one_line_per_paper(stub: ArxivStub, path: Path) -> None:
    code, data = add_json(path, "x", "2402.13753", "y", "arXiv:2402.13753v2", "2401.00001")
    assert code == 1
    assert [p["input"] for p in data["papers"]] == ["x", "2402.13753", "y", "2401.00001"]  # type: ignore[index, union-attr]


def test_the_command_module_does_not_import_the_http_stack_at_start_up() -> None:
    code = (
        "import sys, lcllm_cli.cli.add, lcllm_cli.commands.add; "
        "print(sorted(m for m in ('arxiv', 'requests', 'lxml') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
