"""``lcllm enrich --venues``: published versions from a stand-in Semantic Scholar (the citation batch's own
requests), doi.org and OpenReview on 127.0.0.1; only identifier-backed matches are applied."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.commands.enrich import run as enrich
from lcllm_cli.model import Entry, Library, Link, Publication
from tests.stubserver import Reply, Request, StubServer

runner = CliRunner()

YARN = "2309.00071"  # a conference paper (ICLR 2024)
LOST = "2307.03172"  # a journal paper (TACL 2024)
ROPE = "2402.13753"  # only on arXiv ("arXiv.org" noise)
NONE = "2401.99999"  # unknown to Semantic Scholar

CONFERENCE = {
    "paperId": "c0ffee",
    "citationCount": 9,
    "venue": "International Conference on Learning Representations",
    "publicationVenue": {
        "name": "International Conference on Learning Representations",
        "type": "conference",
        "alternate_names": ["ICLR", "Int Conf Learn Represent"],
    },
    "journal": {"name": "ArXiv", "volume": "abs/2309.00071"},
    "year": 2023,
    "publicationTypes": ["JournalArticle"],
    "externalIds": {"ArXiv": YARN, "DBLP": "conf/iclr/PengQFS24"},
}
JOURNAL = {
    "paperId": "beef01",
    "citationCount": 64,
    "venue": "Transactions of the Association for Computational Linguistics",
    "publicationVenue": {"name": "Transactions of the Association for Computational Linguistics", "type": "journal"},
    "journal": {
        "name": "Transactions of the Association for Computational Linguistics",
        "volume": "12",
        "pages": "157-173",
    },
    "year": 2023,
    "publicationTypes": ["JournalArticle"],
    "externalIds": {"ArXiv": LOST, "DOI": "10.1162/tacl_a_00638", "DBLP": "journals/tacl/LiuLHPBPL24"},
}
NOISE = {
    "paperId": "abc123",
    "citationCount": 3,
    "venue": "arXiv.org",
    "publicationVenue": {"name": "arXiv.org", "alternate_names": ["ArXiv"]},
    "journal": {"name": "ArXiv", "volume": "abs/2402.13753"},
    "year": 2024,
    "publicationTypes": ["JournalArticle"],
    "externalIds": {"ArXiv": ROPE, "DBLP": "journals/corr/abs-2402-13753", "DOI": "10.48550/arXiv.2402.13753"},
}


@dataclass
class World:
    """What the stand-ins know. ``hook(req)`` may answer first (to rate-limit, to fail)."""

    papers: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # "ARXIV:id" / "DOI:x" -> S2 record
    matches: dict[str, dict[str, Any]] = field(default_factory=dict)  # title -> S2 title-search answer
    dois: dict[str, dict[str, Any]] = field(default_factory=dict)  # DOI -> CSL-JSON
    notes: dict[str, dict[str, Any]] = field(default_factory=dict)  # OpenReview id -> note
    hook: Callable[[Request], Reply | None] | None = None

    def handle(self, req: Request) -> Reply:
        if self.hook is not None and (reply := self.hook(req)) is not None:
            return reply
        if req.path == "/graph/v1/paper/batch" and req.method == "POST":
            return _json([self.papers.get(i) for i in json.loads(req.body)["ids"]])
        if req.path == "/graph/v1/paper/search/match":
            found = self.matches.get(req.query["query"][0])
            return _json({"data": [found]}) if found else _json({"error": "Title match not found"}, 404)
        if req.path.startswith("/doi/"):
            doi = req.path.removeprefix("/doi/")
            if doi in self.dois and req.headers.get("accept") == "application/vnd.citationstyles.csl+json":
                return _json(self.dois[doi])
            return _json({"message": "DOI not found"}, 404)
        if req.path == "/openreview/notes":
            note = self.notes.get(req.query["id"][0])
            return _json({"notes": [note] if note else []})
        return _json({"message": "no such endpoint"}, 404)


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(data), headers=headers or {}, content_type="application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    with StubServer(lambda req: Reply(500)) as srv:
        yield srv


@pytest.fixture
def world(server: StubServer, monkeypatch: pytest.MonkeyPatch) -> tuple[World, StubServer]:
    w = World()
    server.handler = w.handle
    server.requests.clear()
    monkeypatch.setenv("LCLLM_S2_API_URL", server.url + "/graph/v1")
    monkeypatch.setenv("LCLLM_DOI_URL", server.url + "/doi")
    monkeypatch.setenv("LCLLM_OPENREVIEW_API_URL", server.url + "/openreview")
    monkeypatch.setenv("LCLLM_S2_INTERVAL", "0")
    monkeypatch.setenv("LCLLM_HTTP_BACKOFF", "0")
    monkeypatch.setenv("LCLLM_HTTP_RETRIES", "2")
    return w, server


def paper(arxiv: str | None, **kw: Any) -> Entry:
    kw.setdefault("title", f"Paper {arxiv}")
    return Entry(kind="paper", arxiv=arxiv, **kw)


def write_list(path: Path, *entries: Entry) -> Path:
    lib = Library(title="Test list")
    lib.add_entries(list(entries))
    store.save(lib, path)
    return path


def cli(path: Path, *args: str) -> Any:
    return runner.invoke(app, ["--file", str(path), "enrich", *args])


def batch_requests(srv: StubServer) -> list[Request]:
    return [r for r in srv.requests if r.path.endswith("/paper/batch")]


def by_arxiv(path: Path) -> dict[str | None, Entry]:
    return {e.arxiv or e.title: e for e in store.load(path).entries}


def four_papers(w: World, tmp_path: Path) -> Path:
    w.papers.update(
        {f"ARXIV:{YARN}": CONFERENCE, f"ARXIV:{LOST}": JOURNAL, f"ARXIV:{ROPE}": NOISE, f"ARXIV:{NONE}": None}
    )
    return write_list(
        tmp_path / "entries.toml",
        paper(YARN, version=2, venue="arXiv"),
        paper(LOST, version=2, venue="arXiv"),
        paper(ROPE, version=1, venue="arXiv"),
        paper(NONE, venue="arXiv"),
    )


# --------------------------------------------------------------------------------------------- the common case


def test_a_conference_a_journal_arxiv_noise_and_none(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    path = four_papers(w, tmp_path)
    result = cli(path, "--venues")
    assert result.exit_code == 0, result.output
    got = by_arxiv(path)
    yarn = got[YARN]
    assert yarn.venue == "ICLR 2024"
    assert yarn.publication is not None
    assert (yarn.publication.venue, yarn.publication.type, yarn.publication.year) == ("ICLR", "conference", 2024)
    assert yarn.publication.source == "Semantic Scholar"
    assert yarn.publication.url == "https://www.semanticscholar.org/paper/c0ffee"
    assert yarn.publication.evidence == f"Semantic Scholar record of arXiv {YARN}"
    assert yarn.publication.date is not None and len(yarn.publication.date) == 10
    assert (yarn.arxiv, yarn.version) == (YARN, 2)  # the preprint is kept
    lost = got[LOST]
    assert lost.venue == "TACL 2024"
    assert lost.publication is not None
    assert (lost.publication.type, lost.publication.volume, lost.publication.pages, lost.publication.doi) == (
        "journal",
        "12",
        "157-173",
        "10.1162/tacl_a_00638",
    )
    # "arXiv.org" is not a venue, and an unknown paper keeps what it had
    for ident in (ROPE, NONE):
        assert (got[ident].venue, got[ident].publication) == ("arXiv", None)
    # --venues alone neither counts citations nor asks anything but the one batch
    assert all(e.citations is None for e in got.values())
    assert [r.path for r in srv.requests] == ["/graph/v1/paper/batch"]
    assert "published versions: 2 papers; none known for 2" in result.output


def test_the_markdown_shows_the_venue_slot(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    path = four_papers(w, tmp_path)
    assert cli(path, "--venues").exit_code == 0
    out = runner.invoke(app, ["--file", str(path), "export", "--markdown"])
    assert out.exit_code == 0, out.output
    assert f"**Paper {YARN}**, `ICLR 2024, {YARN}`, [arxiv](https://arxiv.org/abs/{YARN}v2)" in out.stdout
    assert f"`TACL 2024, {LOST}`" in out.stdout
    assert f"`arXiv, {ROPE}`" in out.stdout


def test_the_bibtex_is_inproceedings_and_article_with_the_eprint_kept(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, _ = world
    path = four_papers(w, tmp_path)
    assert cli(path, "--venues").exit_code == 0
    out = runner.invoke(app, ["--file", str(path), "export", "--bibtex"])
    assert out.exit_code == 0, out.output
    entries = {block.split(",", 1)[0]: block for block in out.stdout.split("\n@")}
    yarn = next(b for b in entries.values() if f"eprint = {{{YARN}}}" in b)
    assert yarn.lstrip("@").startswith("inproceedings{")
    assert "booktitle = {ICLR}" in yarn and "year = {2024}" in yarn and "archivePrefix = {arXiv}" in yarn
    lost = next(b for b in entries.values() if f"eprint = {{{LOST}}}" in b)
    assert lost.startswith("article{")
    for want in ("journal = {TACL}", "volume = {12}", "pages = {157--173}", "doi = {10.1162/tacl_a_00638}"):
        assert want in lost
    rope = next(b for b in entries.values() if f"eprint = {{{ROPE}}}" in b)
    assert rope.startswith("misc{")


def test_plain_enrich_asks_one_batch_for_citations_and_venues(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    path = four_papers(w, tmp_path)
    result = cli(path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["requests"] == 1 and len(batch_requests(srv)) == 1
    fields = {c["field"] for c in data["changes"]}
    assert fields == {"citations", "publication", "venue"}
    got = by_arxiv(path)
    assert got[YARN].citations is not None and got[YARN].citations.count == 9
    assert got[YARN].venue == "ICLR 2024"


def test_venues_cost_the_requests_citations_cost(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers.update({f"ARXIV:2404.{i:05d}": dict(CONFERENCE, externalIds={}) for i in range(1, 701)})
    entries = [paper(f"2404.{i:05d}") for i in range(1, 701)]
    counts = {}
    for option in ("--citations", "--venues"):
        path = write_list(tmp_path / f"entries{option}.toml", *entries)
        before = len(srv.requests)
        assert cli(path, option, "--ttl", "0").exit_code == 0
        counts[option] = len(srv.requests) - before
    assert counts == {"--citations": 2, "--venues": 2}  # 700 papers, 500 per batch


# --------------------------------------------------------------------------------------------- evidence


def test_dry_run_shows_every_change_with_its_evidence_and_writes_nothing(
    world: tuple[World, StubServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # the table on one line per change
    w, _ = world
    path = four_papers(w, tmp_path)
    before = path.read_bytes()
    result = cli(path, "--venues", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before
    data = json.loads(result.stdout)
    assert data["dry_run"] is True
    changes = {(c["id"], c["field"]): c for c in data["changes"]}
    assert set(changes) == {(YARN, "publication"), (YARN, "venue"), (LOST, "publication"), (LOST, "venue")}
    assert changes[(YARN, "venue")] == {
        "id": YARN,
        "field": "venue",
        "old": "arXiv",
        "new": "ICLR 2024",
        "evidence": f"Semantic Scholar record of arXiv {YARN}",
    }
    table = cli(path, "--venues", "--dry-run")
    assert "evidence" in table.output and f"Semantic Scholar record of arXiv {YARN}" in table.output
    assert "would change 4 fields" in table.output


def test_a_record_naming_another_arxiv_id_is_only_suggested(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    w.papers[f"ARXIV:{YARN}"] = dict(CONFERENCE, externalIds={"ArXiv": "2309.99999", "DBLP": "conf/iclr/PengQFS24"})
    path = write_list(tmp_path / "entries.toml", paper(YARN))
    result = cli(path, "--venues", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["changes"] == []
    (suggestion,) = data["suggestions"]
    assert suggestion["venue"] == "ICLR 2024" and "2309.99999" in suggestion["reason"]
    assert by_arxiv(path)[YARN].publication is None


def test_a_venue_the_curator_wrote_is_kept_and_the_other_one_suggested(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, _ = world
    w.papers[f"ARXIV:{YARN}"] = CONFERENCE
    w.papers[f"ARXIV:{LOST}"] = JOURNAL
    path = write_list(tmp_path / "entries.toml", paper(YARN, venue="ICML 2024"), paper(LOST, venue="TACL"))
    result = cli(path, "--venues")
    assert result.exit_code == 0, result.output
    got = by_arxiv(path)
    assert (got[YARN].venue, got[YARN].publication) == ("ICML 2024", None)
    assert "suggested, not applied" in result.output and "the list says 'ICML 2024'" in result.output
    # the same venue as written (without its year) is the curator's venue confirmed: applied
    assert got[LOST].venue == "TACL 2024" and got[LOST].publication is not None


def test_a_title_search_is_applied_only_with_the_same_title_and_authors(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, srv = world
    same = dict(CONFERENCE, title="Deep  Learning!", authors=[{"name": "Yann LeCun"}, {"name": "Y. Bengio"}])
    w.matches["Deep learning"] = same
    other = dict(JOURNAL, title="Deep Learning", authors=[{"name": "Someone Else"}])
    w.matches["Deep Learning"] = other
    close = dict(CONFERENCE, title="Deep Learning for Tables", authors=[{"name": "Ann Author"}])
    w.matches["Deep learning, tables"] = close
    path = write_list(
        tmp_path / "entries.toml",
        paper(None, title="Deep learning", authors=["Yoshua Bengio", "Geoffrey Hinton"], url="https://x.org/a"),
        paper(None, title="Deep Learning", authors=["Ian Goodfellow"], url="https://x.org/b"),
        paper(None, title="Deep learning, tables", authors=["Ann Author"], url="https://x.org/c"),
    )
    result = cli(path, "--venues", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    got = {e.url: e for e in store.load(path).entries}
    applied = got["https://x.org/a"]
    assert applied.venue == "ICLR 2024" and applied.publication is not None
    assert applied.publication.evidence is not None and "title search" in applied.publication.evidence
    assert got["https://x.org/b"].publication is None and got["https://x.org/c"].publication is None
    reasons = {s["id"]: s["reason"] for s in data["suggestions"]}
    assert reasons == {
        "https://x.org/b": "no author in common",
        "https://x.org/c": "the title found is not the entry's",
    }
    assert [r.path for r in srv.requests].count("/graph/v1/paper/search/match") == 3
    assert batch_requests(srv) == []  # nothing to ask the batch endpoint: no paper has an id


def test_a_doi_is_asked_when_semantic_scholar_names_no_venue(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers[f"ARXIV:{ROPE}"] = NOISE
    w.dois["10.5555/icml.2024.1"] = {
        "type": "paper-conference",
        "title": "LongRoPE",
        "container-title": "Proceedings of the 41st International Conference on Machine Learning",
        "issued": {"date-parts": [[2024, 7]]},
        "page": "1000-1012",
        "volume": "235",
    }
    path = write_list(tmp_path / "entries.toml", paper(ROPE, doi="10.5555/icml.2024.1"))
    result = cli(path, "--venues")
    assert result.exit_code == 0, result.output
    e = by_arxiv(path)[ROPE]
    assert e.venue == "ICML 2024"
    assert e.publication == Publication(
        venue="ICML",
        source="doi.org",
        type="conference",
        year=2024,
        doi="10.5555/icml.2024.1",
        volume="235",
        pages="1000-1012",
        url="https://doi.org/10.5555/icml.2024.1",
        evidence="DOI 10.5555/icml.2024.1 (the entry's DOI)",
        date=e.publication.date if e.publication else None,
    )
    # the arXiv DOI of Semantic Scholar's record is the preprint: never asked
    assert [r.path for r in srv.requests] == ["/graph/v1/paper/batch", "/doi/10.5555/icml.2024.1"]


def test_an_openreview_forum_is_asked_and_a_submission_is_no_venue(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, _ = world
    w.papers[f"ARXIV:{ROPE}"] = NOISE
    w.papers[f"ARXIV:{NONE}"] = None
    w.notes["acc3pted"] = {
        "id": "acc3pted",
        "content": {"title": {"value": "T"}, "venue": {"value": "ICLR 2024 poster"}},
    }
    w.notes["subm1tted"] = {
        "id": "subm1tted",
        "content": {"title": {"value": "T"}, "venue": {"value": "Submitted to ICLR 2025"}},
    }
    path = write_list(
        tmp_path / "entries.toml",
        paper(ROPE, links=[Link("openreview", "https://openreview.net/forum?id=acc3pted")]),
        paper(NONE, links=[Link("openreview", "https://openreview.net/forum?id=subm1tted")]),
    )
    result = cli(path, "--venues")
    assert result.exit_code == 0, result.output
    got = by_arxiv(path)
    assert got[ROPE].venue == "ICLR 2024"
    assert got[ROPE].publication is not None and got[ROPE].publication.source == "OpenReview"
    assert got[ROPE].publication.evidence == "OpenReview forum acc3pted"
    assert (got[NONE].venue, got[NONE].publication) == (None, None)


# --------------------------------------------------------------------------------------------- reruns


def test_a_second_run_asks_nothing(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers.update({f"ARXIV:{YARN}": CONFERENCE, f"ARXIV:{ROPE}": NOISE, f"ARXIV:{NONE}": None})
    w.dois["10.5555/x.1"] = {
        "type": "article-journal",
        "title": "T",
        "container-title": "Nature",
        "issued": {"date-parts": [[2024]]},
    }
    w.notes["n0te"] = {"id": "n0te", "content": {"title": {"value": "T"}, "venue": {"value": "COLM 2024"}}}
    w.matches["Only a title"] = dict(CONFERENCE, title="Only a Title", authors=[{"name": "A. Person"}])
    path = write_list(
        tmp_path / "entries.toml",
        paper(YARN),  # Semantic Scholar's batch
        paper(ROPE, doi="10.5555/x.1"),  # doi.org
        paper(NONE, links=[Link("review", "https://openreview.net/forum?id=n0te")]),  # OpenReview
        paper(None, title="Only a title", authors=["Ann Person"], url="https://x.org/t"),  # a title search
        paper(None, title="Nowhere", url="https://x.org/n"),  # a title search that finds nothing
    )
    first = cli(path)
    assert first.exit_code == 0, first.output
    assert {r.path.split("/")[1] for r in srv.requests} == {"graph", "doi", "openreview"}
    assert [e.venue for e in store.load(path).entries] == ["ICLR 2024", "Nature 2024", "COLM 2024", "ICLR 2024", None]
    text = path.read_text()
    n = len(srv.requests)
    again = cli(path)
    assert again.exit_code == 0, again.output
    assert len(srv.requests) == n
    assert path.read_text() == text  # nothing new learned: byte-identical, dates included
    assert "0 requests" in again.output


def test_a_service_that_forgets_the_venue_never_downgrades_it(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    path = four_papers(w, tmp_path)
    assert cli(path, "--venues").exit_code == 0
    first = by_arxiv(path)
    w.papers[f"ARXIV:{YARN}"] = NOISE  # now only the preprint
    w.papers[f"ARXIV:{LOST}"] = dict(JOURNAL, journal={"name": "TACL"})  # the same venue, without volume and pages
    assert cli(path, "--venues", "--ttl", "0").exit_code == 0
    later = by_arxiv(path)
    assert later[YARN].venue == "ICLR 2024" and later[YARN].publication == first[YARN].publication
    assert later[LOST].publication is not None
    assert (later[LOST].publication.volume, later[LOST].publication.pages) == ("12", "157-173")


def test_a_429_slows_down_and_then_succeeds(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    path = four_papers(w, tmp_path)
    limited = []

    def once(req: Request) -> Reply | None:
        if req.path.endswith("/paper/batch") and not limited:
            limited.append(req)
            return _json({"message": "Too Many Requests"}, 429, headers={"Retry-After": "0"})
        return None

    w.hook = once
    result = cli(path, "--venues")
    assert result.exit_code == 0, result.output
    assert len(limited) == 1 and len(batch_requests(srv)) == 2
    assert by_arxiv(path)[YARN].venue == "ICLR 2024"


def test_a_failing_fallback_writes_what_succeeded_and_says_what_did_not(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, _ = world
    w.papers[f"ARXIV:{YARN}"] = CONFERENCE
    w.papers[f"ARXIV:{ROPE}"] = NOISE
    w.hook = lambda req: _json({"message": "down"}, 500) if req.path.startswith("/doi/") else None
    path = write_list(tmp_path / "entries.toml", paper(YARN), paper(ROPE, doi="10.5555/x.1"))
    result = cli(path, "--venues")
    assert result.exit_code != 0
    assert "doi.org" in result.output and "Traceback" not in result.output
    got = by_arxiv(path)
    assert got[YARN].venue == "ICLR 2024"
    assert got[ROPE].publication is None


def test_the_library_function_reports_published_and_unknown(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    path = four_papers(w, tmp_path)
    report = enrich(path, citations=False, stars=False, venues=True)
    assert report.published == 2 and sorted(report.no_venue) == sorted([ROPE, NONE])
    assert report.to_dict()["suggestions"] == []
