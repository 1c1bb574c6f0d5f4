"""``lcllm refresh``: current arXiv metadata from the stand-in arXiv (tests/arxiv_stub.py) on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Citations, Entry, Library, Link, Publication
from tests.arxiv_stub import ArxivStub, generated_authors, generated_title

runner = CliRunner()


@pytest.fixture
def stub(arxiv: ArxivStub, monkeypatch: pytest.MonkeyPatch) -> ArxivStub:
    monkeypatch.setenv("LCLLM_ARXIV_TRIES", "2")
    return arxiv


def write_list(path: Path, *entries: Entry) -> Path:
    lib = Library(title="Test list")
    lib.add_entries(list(entries))
    store.save(lib, path)
    return path


def run(path: Path, *args: str) -> object:
    return runner.invoke(app, ["--file", str(path), "refresh", *args])


def hand_curated(arxiv: str) -> Entry:
    """A paper as the seed has it: ten authors and an ellipsis, one version old, with a curator's fields."""
    return Entry(
        kind="paper",
        title="LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens",
        section="Position encodings",
        key="ding2024longrope",
        highlight=True,
        arxiv=arxiv,
        version=1,
        authors=[f"Author {n}" for n in range(10)],
        authors_elided=True,
        venue="arXiv",
        year=2024,
        citations=Citations(12, "Google Scholar", "https://scholar.google.com/x", "2024-03-01"),
        links=[Link("LongRoPE", "https://github.com/microsoft/LongRoPE"), Link("blog", "https://example.org/post")],
        notes="Read section 3 first.",
        fields={"pages": "1--20"},
    )


def test_refresh_fills_metadata_and_keeps_every_hand_set_field(stub: ArxivStub, tmp_path: Path) -> None:
    full = [f"Author {n}" for n in range(14)]
    stub.set_paper("2402.13753", version=3, title="LongRoPE: Extending LLM Context Windows", authors=full)
    path = write_list(tmp_path / "entries.toml", hand_curated("2402.13753"))
    result = run(path)
    assert result.exit_code == 0, result.output
    e = store.load(path).entries[0]
    assert e.title == "LongRoPE: Extending LLM Context Windows"
    assert e.authors == full and e.authors_elided is False
    assert e.version == 3
    assert (e.published, e.updated) == ("2024-02-15", "2024-02-17")
    assert e.primary_category == "cs.CL" and e.categories == ["cs.CL", "cs.LG"]
    assert e.comment == "30 pages"
    # every field a curator set survives
    orig = hand_curated("2402.13753")
    for name in ("section", "key", "highlight", "citations", "links", "notes", "fields", "venue", "year"):
        assert getattr(e, name) == getattr(orig, name), name
    assert "checked 1 papers: changed 1 (1 new versions, 1 new titles)" in result.output
    assert stub.id_lists == [["2402.13753"]]  # asked without a version: arXiv answers the latest


def test_changes_table_and_json_say_old_and_new(stub: ArxivStub, tmp_path: Path) -> None:
    stub.set_paper("2402.13753", version=2, title="New Title")
    path = write_list(tmp_path / "entries.toml", hand_curated("2402.13753"))
    result = run(path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    changes = {c["field"]: c for c in data["changes"]}
    assert changes["title"] == {
        "id": "2402.13753",
        "field": "title",
        "old": "LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens",
        "new": "New Title",
    }
    assert changes["version"]["old"] == 1 and changes["version"]["new"] == 2
    assert data["new_versions"] == ["2402.13753"] and data["retitled"] == ["2402.13753"]
    assert "section" not in changes and "citations" not in changes
    text = run(path, "--ttl", "0").output  # nothing left to change
    assert "checked 1 papers: changed 0;" in text


def test_table_lists_field_old_and_new(stub: ArxivStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # a wide terminal: nothing folded
    stub.set_paper("2402.13753", version=2, title="New Title")
    path = write_list(tmp_path / "entries.toml", hand_curated("2402.13753"))
    result = run(path)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["id", "field", "old", "->", "new"]
    assert any(line.split()[:2] == ["2402.13753", "title"] and "-> New Title" in line for line in lines)
    assert any(line.split() == ["version", "1", "->", "2"] for line in lines)


def test_dry_run_shows_changes_and_writes_nothing(stub: ArxivStub, tmp_path: Path) -> None:
    stub.set_paper("2402.13753", version=5)
    path = write_list(tmp_path / "entries.toml", hand_curated("2402.13753"))
    before = path.read_bytes()
    result = run(path, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would change 1 (1 new versions, 1 new titles)" in result.output
    assert path.read_bytes() == before


def test_an_empty_answer_never_erases_a_value(stub: ArxivStub, tmp_path: Path) -> None:
    paper = Entry(kind="paper", title="T", arxiv="2309.16039", doi="10.1000/hand-added", journal_ref="NeurIPS 2023")
    path = write_list(tmp_path / "entries.toml", paper)
    assert run(path).exit_code == 0
    e = store.load(path).entries[0]
    assert e.doi == "10.1000/hand-added" and e.journal_ref == "NeurIPS 2023"
    assert e.title == generated_title("2309.16039")


def test_written_answer_fills_journal_ref_doi_and_comment(stub: ArxivStub, tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml", Entry(kind="paper", title="old title", arxiv="hep-lat/0509112"))
    assert run(path).exit_code == 0, run
    e = store.load(path).entries[0]
    assert e.journal_ref == "Invent.Lett.B 612 (2006) 101-109" and e.doi == "10.5555/lcllm-fixture.2006.112"
    assert e.comment is not None and e.comment.startswith("9 pages, 4 figures")
    assert e.authors == ["Ingrid Halvorsen", "Rafael Quintero", "Kenji Amari"] and e.published == "2005-09-27"
    assert (e.title, e.version) == ("A Toy Estimate of the Confinement Scale on Coarse Lattices", 2)


def test_only_named_papers_are_refreshed(stub: ArxivStub, tmp_path: Path) -> None:
    path = write_list(
        tmp_path / "entries.toml",
        Entry(kind="paper", title="one", arxiv="2402.13753"),
        Entry(kind="paper", title="two", arxiv="2309.16039"),
        Entry(kind="project", title="p", section="Projects", url="https://github.com/a/b"),
    )
    result = run(path, "arXiv:2309.16039v1", "https://github.com/a/b")
    assert result.exit_code == 0, result.output
    assert stub.id_lists == [["2309.16039"]]
    titles = [e.title for e in store.load(path).entries]
    assert titles[:2] == ["one", generated_title("2309.16039")]
    assert "not an arXiv paper, skipped: https://github.com/a/b" in result.output


def test_an_id_not_in_the_list_is_an_error_before_any_request(stub: ArxivStub, tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml", Entry(kind="paper", title="one", arxiv="2402.13753"))
    result = run(path, "2501.00001")
    assert result.exit_code == 1
    assert "error: not in the list: 2501.00001" in result.output
    assert stub.requests == []


def test_a_paper_arxiv_does_not_know_is_reported_and_the_others_refreshed(stub: ArxivStub, tmp_path: Path) -> None:
    stub.set_missing("2401.00002")
    path = write_list(
        tmp_path / "entries.toml",
        Entry(kind="paper", title="one", arxiv="2401.00001"),
        Entry(kind="paper", title="gone", arxiv="2401.00002"),
    )
    result = run(path)
    assert result.exit_code == 1
    assert "not on arXiv: 2401.00002" in result.output
    lib = store.load(path)
    assert lib.entries[0].title == generated_title("2401.00001")
    assert lib.entries[1].title == "gone"


def test_250_papers_go_in_batches_of_at_most_100(stub: ArxivStub, tmp_path: Path) -> None:
    ids = [f"2401.{n:05d}" for n in range(1, 251)]
    path = write_list(tmp_path / "entries.toml", *(Entry(kind="paper", title="x", arxiv=i) for i in ids))
    result = run(path, "--json")
    assert result.exit_code == 0, result.output
    assert [len(batch) for batch in stub.id_lists] == [100, 100, 50]
    assert sorted(stub.sent_ids) == ids
    lib = store.load(path)
    assert all(e.authors == generated_authors(e.arxiv or "") for e in lib.entries)
    assert json.loads(result.output)["changed_papers"] == 250


def test_a_second_refresh_within_the_ttl_asks_arxiv_nothing(stub: ArxivStub, tmp_path: Path) -> None:
    path = write_list(
        tmp_path / "entries.toml", hand_curated("2402.13753"), Entry(kind="paper", title="x", arxiv="2309.16039")
    )
    assert run(path).exit_code == 0
    assert len(stub.requests) == 1
    text = path.read_text()
    again = run(path)
    assert again.exit_code == 0, again.output
    assert len(stub.requests) == 1
    assert "0 requests, 2 answers from the cache" in again.output
    assert path.read_text() == text
    assert run(path, "--ttl", "0").exit_code == 0
    assert len(stub.requests) == 2


def test_offline_with_an_empty_cache_fails_clearly(stub: ArxivStub, tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml", hand_curated("2402.13753"))
    before = path.read_bytes()
    result = run(path, "--offline")
    assert result.exit_code == 1
    assert "error: --offline: the cache holds no arXiv answer for 1 of 1 papers" in result.output
    assert "hint: run `lcllm refresh` once without --offline" in result.output
    assert stub.requests == []
    assert path.read_bytes() == before


def test_offline_refresh_uses_the_cache(stub: ArxivStub, tmp_path: Path) -> None:
    stub.set_paper("2402.13753", version=2)
    first = write_list(tmp_path / "first.toml", hand_curated("2402.13753"))
    assert run(first).exit_code == 0
    path = write_list(tmp_path / "entries.toml", hand_curated("2402.13753"))
    result = run(path, "--offline")
    assert result.exit_code == 0, result.output
    assert store.load(path).entries[0].version == 2
    assert len(stub.requests) == 1


def test_429_with_retry_after_is_retried(stub: ArxivStub, tmp_path: Path) -> None:
    stub.fail(0, status=429, retry_after="0")
    path = write_list(tmp_path / "entries.toml", Entry(kind="paper", title="x", arxiv="2402.13753"))
    result = run(path)
    assert result.exit_code == 0, result.output
    assert len(stub.requests) == 2
    assert store.load(path).entries[0].title == generated_title("2402.13753")


def test_a_failed_batch_keeps_the_batches_before_it(
    stub: ArxivStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LCLLM_ARXIV_TRIES", "1")
    stub.fail(1, status=503)
    ids = [f"2401.{n:05d}" for n in range(1, 151)]
    path = write_list(tmp_path / "entries.toml", *(Entry(kind="paper", title="x", arxiv=i) for i in ids))
    result = run(path)
    assert result.exit_code == 1
    assert "error: arXiv request failed after 1 try: HTTP 503" in result.output
    assert "Traceback" not in result.output
    titles = [e.title for e in store.load(path).entries]
    assert sum(t != "x" for t in titles) == 100  # the first batch is kept, the failed one is not guessed


def test_projects_and_links_are_never_touched(stub: ArxivStub, tmp_path: Path) -> None:
    path = write_list(
        tmp_path / "entries.toml",
        Entry(kind="project", title="p", section="Projects", url="https://github.com/a/b", description="d"),
        Entry(kind="link", title="l", section="Other", url="https://example.org"),
    )
    before = path.read_bytes()
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "checked 0 papers" in result.output
    assert stub.requests == []
    assert path.read_bytes() == before


def test_installed_executable_refreshes_with_json(stub: ArxivStub, tmp_path: Path) -> None:
    stub.set_paper("2402.13753", version=2, title="Fresh")
    path = write_list(tmp_path / "entries.toml", hand_curated("2402.13753"))
    exe = Path(sys.executable).parent / "lcllm"
    proc = subprocess.run(
        [str(exe), "--file", str(path), "refresh", "--json"], capture_output=True, text=True, env=os.environ, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["retitled"] == ["2402.13753"]
    assert store.load(path).entries[0].title == "Fresh"


def test_refresh_never_downgrades_a_published_version(stub: ArxivStub, tmp_path: Path) -> None:
    stub.set_paper("2309.00071", version=3, title="YaRN, retitled on arXiv")
    published = Publication(
        "ICLR", "Semantic Scholar", type="conference", year=2024, evidence="arXiv 2309.00071", date="2026-12-01"
    )
    entry = Entry(kind="paper", title="YaRN", arxiv="2309.00071", version=2, venue="ICLR 2024", publication=published)
    path = write_list(tmp_path / "entries.toml", entry)
    result = run(path)
    assert result.exit_code == 0, result.output
    e = store.load(path).entries[0]
    assert (e.version, e.title) == (3, "YaRN, retitled on arXiv")  # arXiv's fields are refreshed
    assert (e.venue, e.publication) == ("ICLR 2024", published)  # the published version is not arXiv's to change
