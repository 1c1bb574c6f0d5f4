"""``lcllm enrich``: citation counts from a stand-in Semantic Scholar, stars from a stand-in GitHub (127.0.0.1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Citations, Entry, Library, Link
from tests.stubserver import Reply, Request, StubServer

runner = CliRunner()
TODAY_FORMAT = r"\d{4}-\d{2}-\d{2}"


@dataclass
class World:
    """What the stand-in services know. ``hook(req)`` may answer first (to fail, rate-limit, ...)."""

    papers: dict[str, dict[str, object]] = field(default_factory=dict)  # "ARXIV:id" -> S2 record
    repos: dict[str, dict[str, object]] = field(default_factory=dict)  # canonical "Owner/Name" -> GitHub record
    renamed: dict[str, str] = field(default_factory=dict)  # old "owner/name" (lower) -> canonical "Owner/Name"
    remaining: int = 60
    hook: Callable[[Request], Reply | None] | None = None

    def add_repo(self, full: str, stars: int, description: str | None = "A repo", archived: bool = False) -> None:
        self.repos[full] = {
            "full_name": full,
            "html_url": f"https://github.com/{full}",
            "stargazers_count": stars,
            "description": description,
            "archived": archived,
        }

    def handle(self, req: Request) -> Reply:
        if self.hook is not None:
            reply = self.hook(req)
            if reply is not None:
                return reply
        if req.path == "/graph/v1/paper/batch" and req.method == "POST":
            ids = json.loads(req.body)["ids"]
            return _json([self.papers.get(i) for i in ids])
        if req.path == "/gh/rate_limit":
            core = {"limit": 60, "remaining": self.remaining, "reset": 1_900_000_000, "used": 0}
            return _json({"resources": {"core": core}, "rate": core})
        if req.path.startswith("/gh/repos/"):
            key = req.path.removeprefix("/gh/repos/").lower()
            if key in self.renamed:
                return Reply(301, "", headers={"Location": f"/gh/repos/{self.renamed[key]}"})
            for full, data in self.repos.items():
                if full.lower() == key:
                    self.remaining -= 1
                    return _json(data, headers={"X-RateLimit-Remaining": str(self.remaining)})
            return _json({"message": "Not Found"}, status=404)
        return _json({"message": "no such endpoint"}, status=404)


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(data), headers=headers or {}, content_type="application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    """One stand-in server for the module (stopping one takes half a second); each test gets a fresh World."""
    with StubServer(lambda req: Reply(500)) as srv:
        yield srv


@pytest.fixture
def world(server: StubServer, monkeypatch: pytest.MonkeyPatch) -> tuple[World, StubServer]:
    w = World()
    server.handler = w.handle
    server.requests.clear()
    monkeypatch.setenv("LCLLM_S2_API_URL", server.url + "/graph/v1")
    monkeypatch.setenv("LCLLM_GITHUB_API_URL", server.url + "/gh")
    monkeypatch.setenv("LCLLM_S2_INTERVAL", "0")
    monkeypatch.setenv("LCLLM_HTTP_BACKOFF", "0")
    monkeypatch.setenv("LCLLM_HTTP_RETRIES", "2")
    return w, server


def paper(arxiv: str, **kw: object) -> Entry:
    return Entry(kind="paper", title=f"Paper {arxiv}", arxiv=arxiv, **kw)  # type: ignore[arg-type]


def project(url: str, **kw: object) -> Entry:
    return Entry(kind="project", title=url.rsplit("/", 1)[-1], section="Projects", url=url, **kw)  # type: ignore[arg-type]


def write_list(path: Path, *entries: Entry) -> Path:
    lib = Library(title="Test list")
    lib.add_entries(list(entries))
    store.save(lib, path)
    return path


def run(path: Path, *args: str) -> object:
    return runner.invoke(app, ["--file", str(path), "enrich", *args])


def repo_requests(srv: StubServer) -> list[Request]:
    return [r for r in srv.requests if r.path.startswith("/gh/repos/")]


def s2_requests(srv: StubServer) -> list[Request]:
    return [r for r in srv.requests if r.path.endswith("/paper/batch")]


# --------------------------------------------------------------------------------------------- citations


def test_citations_are_stored_with_source_url_and_date(
    world: tuple[World, StubServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, srv = world
    monkeypatch.setenv("S2_API_KEY", "sekrit")
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc123", "citationCount": 87, "externalIds": {"ArXiv": "2402.13753"}}
    w.papers["ARXIV:2309.16039"] = {"paperId": "def456", "citationCount": 0}
    path = write_list(
        tmp_path / "entries.toml",
        paper("2402.13753"),
        paper("2309.16039"),
        paper("2401.99999"),  # unknown to Semantic Scholar
        paper("2312.00001", citations=Citations(5, "Google Scholar", "https://scholar.google.com/x")),
    )
    w.papers["ARXIV:2312.00001"] = None  # type: ignore[assignment]
    result = run(path, "--citations")
    assert result.exit_code == 0, result.output
    lib = store.load(path)
    by_id = {e.arxiv: e for e in lib.entries}
    c = by_id["2402.13753"].citations
    assert c is not None and (c.count, c.source, c.url) == (
        87,
        "Semantic Scholar",
        "https://www.semanticscholar.org/paper/abc123",
    )
    assert c.date is not None and len(c.date) == 10 and c.date[4] == "-"
    zero = by_id["2309.16039"].citations
    assert zero is not None and zero.count == 0  # a real zero is a count, not "unknown"
    assert by_id["2401.99999"].citations is None  # unknown stays unknown: no -1, no entry
    kept = by_id["2312.00001"].citations
    assert kept == Citations(5, "Google Scholar", "https://scholar.google.com/x")
    assert "count = -" not in path.read_text()
    reqs = s2_requests(srv)
    assert len(reqs) == 1
    fields = reqs[0].query["fields"][0].split(",")  # the published version's fields come in the same request
    assert sorted(fields) == sorted(
        ["citationCount", "venue", "publicationVenue", "journal", "year", "publicationTypes", "externalIds"]
    )
    assert sorted(json.loads(reqs[0].body)["ids"]) == sorted(
        ["ARXIV:2402.13753", "ARXIV:2309.16039", "ARXIV:2401.99999", "ARXIV:2312.00001"]
    )
    assert reqs[0].headers["x-api-key"] == "sekrit"
    assert reqs[0].headers["user-agent"].startswith("lcllm/")
    assert "pypi.org/project/lcllm" in reqs[0].headers["user-agent"]
    assert "no Semantic Scholar count for 2 papers" in result.output


def test_no_api_key_header_without_s2_api_key(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"))
    assert run(path, "--citations").exit_code == 0
    assert "x-api-key" not in s2_requests(srv)[0].headers


def test_1200_papers_go_in_three_batches_of_at_most_500(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    ids = [f"2401.{n:05d}" for n in range(1, 1201)]
    for n, i in enumerate(ids):
        w.papers[f"ARXIV:{i}"] = {"paperId": f"p{n}", "citationCount": n}
    path = write_list(tmp_path / "entries.toml", *(paper(i) for i in ids))
    result = run(path, "--citations", "--json")
    assert result.exit_code == 0, result.output
    sizes = [len(json.loads(r.body)["ids"]) for r in s2_requests(srv)]
    assert sizes == [500, 500, 200]
    sent = [i for r in s2_requests(srv) for i in json.loads(r.body)["ids"]]
    assert sorted(sent) == sorted(f"ARXIV:{i}" for i in ids)
    lib = store.load(path)
    assert all(
        e.citations is not None and e.citations.count == int(e.citations.url.rsplit("p", 1)[1]) for e in lib.entries
    )  # type: ignore[union-attr]
    data = json.loads(result.output)
    assert data["papers"] == 1200 and data["requests"] == 3
    assert len(data["changes"]) == 1200


def test_doi_is_used_when_a_paper_has_no_arxiv_id(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers["DOI:10.1000/xyz"] = {"paperId": "d1", "citationCount": 12}
    path = write_list(tmp_path / "entries.toml", Entry(kind="paper", title="Journal only", doi="10.1000/xyz"))
    assert run(path, "--citations").exit_code == 0
    assert json.loads(s2_requests(srv)[0].body)["ids"] == ["DOI:10.1000/xyz"]
    assert store.load(path).entries[0].citations.count == 12  # type: ignore[union-attr]


def test_a_second_run_is_served_from_the_cache_with_zero_requests(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, srv = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    w.add_repo("microsoft/LLMLingua", 4000)
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"), project("https://github.com/microsoft/LLMLingua"))
    first = run(path)
    assert first.exit_code == 0, first.output
    assert len(s2_requests(srv)) == 1 and len(repo_requests(srv)) == 1
    text = path.read_text()
    n = len(srv.requests)
    second = run(path)
    assert second.exit_code == 0, second.output
    assert len(srv.requests) == n  # no request at all: not even /rate_limit
    assert path.read_text() == text
    assert "0 requests, 2 answers from the cache" in second.output


def test_cache_lives_under_xdg_cache_home(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"))
    assert run(path, "--citations").exit_code == 0
    cache_root = Path(os.environ["XDG_CACHE_HOME"]) / "lcllm" / "http"
    files = list(cache_root.rglob("*.json"))
    assert len(files) == 1
    assert "ARXIV:2402.13753" in files[0].read_text()


def test_ttl_zero_asks_again(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"))
    assert run(path, "--citations").exit_code == 0
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 4}
    assert run(path, "--citations").exit_code == 0
    assert len(s2_requests(srv)) == 1
    assert store.load(path).entries[0].citations.count == 3  # type: ignore[union-attr]
    result = run(path, "--citations", "--ttl", "0")
    assert result.exit_code == 0, result.output
    assert len(s2_requests(srv)) == 2
    assert store.load(path).entries[0].citations.count == 4  # type: ignore[union-attr]


def test_bad_ttl_is_a_usage_error(tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"))
    result = run(path, "--ttl", "soon")
    assert result.exit_code == 2
    assert "error: not a duration: 'soon'" in result.output


def test_offline_with_an_empty_cache_fails_clearly(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    w.add_repo("microsoft/LLMLingua", 4000)
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"), project("https://github.com/microsoft/LLMLingua"))
    before = path.read_bytes()
    result = run(path, "--offline")
    assert result.exit_code == 1
    assert "error: --offline: the cache holds no Semantic Scholar answer for 1 of 1 papers" in result.output
    assert "error: --offline: the cache holds no GitHub answer for 1 of 1 repositories" in result.output
    assert "hint: run `lcllm enrich` once without --offline" in result.output
    assert "Traceback" not in result.output
    assert srv.requests == []
    assert path.read_bytes() == before


def test_offline_answers_from_an_old_cache_without_any_request(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    w.add_repo("microsoft/LLMLingua", 4000)
    fill = write_list(tmp_path / "fill.toml", paper("2402.13753"), project("https://github.com/microsoft/LLMLingua"))
    assert run(fill).exit_code == 0
    n = len(srv.requests)
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"), project("https://github.com/microsoft/LLMLingua"))
    result = run(path, "--offline", "--ttl", "0")  # offline: any age counts
    assert result.exit_code == 0, result.output
    assert len(srv.requests) == n
    lib = store.load(path)
    assert lib.entries[0].citations.count == 3  # type: ignore[union-attr]
    assert lib.entries[1].stars == 4000


def test_429_with_retry_after_is_retried(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 9}
    answered: list[int] = []

    def hook(req: Request) -> Reply | None:
        if req.path.endswith("/paper/batch") and not answered:
            answered.append(429)
            return _json({"message": "Too Many Requests"}, status=429, headers={"Retry-After": "0"})
        return None

    w.hook = hook
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"))
    result = run(path, "--citations")
    assert result.exit_code == 0, result.output
    assert len(s2_requests(srv)) == 2
    assert store.load(path).entries[0].citations.count == 9  # type: ignore[union-attr]


def test_s2_failing_after_retries_is_one_clear_line_and_nothing_written(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, srv = world
    w.hook = lambda req: _json({"message": "boom"}, status=503) if req.path.endswith("/batch") else None
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"))
    before = path.read_bytes()
    result = run(path, "--citations")
    assert result.exit_code == 1
    assert "error: Semantic Scholar request failed after 3 tries: HTTP 503 (POST" in result.output
    assert "after 3 tries" in result.output
    assert len(s2_requests(srv)) == 3
    assert path.read_bytes() == before


def test_batches_before_a_failure_are_kept(
    world: tuple[World, StubServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, srv = world
    monkeypatch.setenv("LCLLM_HTTP_RETRIES", "0")
    ids = [f"2401.{n:05d}" for n in range(1, 602)]
    for i in ids:
        w.papers[f"ARXIV:{i}"] = {"paperId": "x" + i, "citationCount": 1}
    w.hook = lambda req: _json({}, status=500) if len(s2_requests(srv)) > 1 else None
    path = write_list(tmp_path / "entries.toml", *(paper(i) for i in ids))
    result = run(path, "--citations")
    assert result.exit_code == 1
    lib = store.load(path)
    assert sum(e.citations is not None for e in lib.entries) == 500


# --------------------------------------------------------------------------------------------- stars


def test_stars_description_and_archived_are_stored(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.add_repo("microsoft/LLMLingua", 4321, description="Compress prompts")
    w.add_repo("abacusai/long-context", 580, description="From GitHub", archived=True)
    w.add_repo("THUDM/LongAlign", 210)
    path = write_list(
        tmp_path / "entries.toml",
        project("https://github.com/microsoft/LLMLingua"),  # no description: filled
        project("https://github.com/abacusai/long-context", description="Written by the curator"),
        paper(
            "2401.18058",
            links=[Link("LongAlign", "https://github.com/THUDM/LongAlign"), Link("blog", "https://x.org/a")],
        ),
    )
    result = run(path, "--stars")
    assert result.exit_code == 0, result.output
    lib = store.load(path)
    lingua, abacus = (e for e in lib.entries if e.kind == "project")
    longalign = next(e for e in lib.entries if e.kind == "paper")
    assert lingua.kind == "project" and lingua.stars == 4321 and lingua.description == "Compress prompts"
    assert lingua.stars_date is not None and len(lingua.stars_date) == 10
    assert not lingua.archived
    assert abacus.stars == 580 and abacus.archived is True
    assert abacus.description == "Written by the curator"  # a hand-written description is never replaced
    assert longalign.links[0].stars == 210 and longalign.links[1].stars is None
    assert '{ label = "LongAlign", url = "https://github.com/THUDM/LongAlign", stars = 210 }' in path.read_text()
    assert s2_requests(srv) == []
    assert len(repo_requests(srv)) == 3
    assert all(r.headers["accept"] == "application/vnd.github+json" for r in repo_requests(srv))
    assert all("authorization" not in r.headers for r in repo_requests(srv))


def test_github_token_is_sent_as_bearer(
    world: tuple[World, StubServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, srv = world
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_test")
    w.add_repo("microsoft/LLMLingua", 1)
    path = write_list(tmp_path / "entries.toml", project("https://github.com/microsoft/LLMLingua"))
    assert run(path, "--stars").exit_code == 0
    assert repo_requests(srv)[0].headers["authorization"] == "Bearer ghp_test"


def test_a_renamed_repository_is_followed_and_its_url_updated(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.add_repo("NewOrg/yarn-ng", 1500, description="Renamed")
    w.renamed["jquesnelle/yarn"] = "NewOrg/yarn-ng"
    path = write_list(
        tmp_path / "entries.toml",
        project("https://github.com/jquesnelle/yarn", owner="jquesnelle"),
        paper("2309.00071", links=[Link("yarn", "https://github.com/jquesnelle/yarn")]),
    )
    result = run(path, "--stars", "--json")
    assert result.exit_code == 0, result.output
    lib = store.load(path)
    proj = next(e for e in lib.entries if e.kind == "project")
    pap = next(e for e in lib.entries if e.kind == "paper")
    assert proj.url == "https://github.com/NewOrg/yarn-ng"
    assert proj.owner == "NewOrg"
    assert proj.stars == 1500
    assert [(lk.label, lk.url) for lk in proj.links] == [("former URL", "https://github.com/jquesnelle/yarn")]
    assert pap.links[0].url == "https://github.com/NewOrg/yarn-ng"
    assert (pap.links[1].label, pap.links[1].url) == ("former URL", "https://github.com/jquesnelle/yarn")
    assert pap.links[0].label == "yarn-ng"  # the label was the old repository name
    assert pap.links[0].stars == 1500
    paths = [r.path for r in repo_requests(srv)]
    assert paths == ["/gh/repos/jquesnelle/yarn", "/gh/repos/NewOrg/yarn-ng"]  # one repo, asked once, 301 followed
    changes = json.loads(result.output)["changes"]
    assert {
        "id": "https://github.com/jquesnelle/yarn",
        "field": "url",
        "old": "https://github.com/jquesnelle/yarn",
        "new": "https://github.com/NewOrg/yarn-ng",
    } in changes


def test_a_url_in_another_letter_case_or_form_stays_as_written_and_one_repo_is_asked_once(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, srv = world
    w.add_repo("FranxYao/Long-Context-Data-Engineering", 400)
    written = "https://github.com/franxyao/long-context-data-engineering?tab=readme-ov-file"
    path = write_list(
        tmp_path / "entries.toml",
        paper("2402.10171", links=[Link("long-context-data-engineering", written)]),
        project("https://github.com/franxyao/Long-Context-Data-Engineering/tree/main", owner="franxyao"),
    )
    assert run(path, "--stars").exit_code == 0
    lib = store.load(path)
    assert lib.entries[0].links[0].url == written  # issue 13: the URL as written stays the link
    assert lib.entries[0].links[0].stars == 400
    assert lib.entries[1].url == "https://github.com/franxyao/Long-Context-Data-Engineering/tree/main"
    assert (lib.entries[1].owner, lib.entries[1].stars) == ("franxyao", 400)
    assert len(repo_requests(srv)) == 1


def test_an_imported_google_scholar_link_stays_when_the_count_comes_from_semantic_scholar(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, _ = world
    scholar = "https://scholar.google.com/scholar?cites=123"
    entry = paper("2402.13753", citations=Citations(5, "Google Scholar", scholar))
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc123", "citationCount": 42}
    path = write_list(tmp_path / "entries.toml", entry)
    assert run(path, "--citations").exit_code == 0
    (after,) = store.load(path).entries
    assert after.citations is not None and (after.citations.count, after.citations.source) == (42, "Semantic Scholar")
    assert [(lk.label, lk.url) for lk in after.links] == [("citations (Google Scholar)", scholar)]


def test_a_rate_limited_github_is_reported_before_any_work(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.remaining = 2
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    names = ["a/one", "b/two", "c/three", "d/four", "e/five"]
    for n in names:
        w.add_repo(n, 10)
    path = write_list(
        tmp_path / "entries.toml", paper("2402.13753"), *(project(f"https://github.com/{n}") for n in names)
    )
    before = path.read_bytes()
    result = run(path)
    assert result.exit_code == 1
    assert "error: GitHub allows 2 more requests until" in result.output
    assert "but 5 repositories need one; nothing was changed" in result.output
    assert "hint: set GITHUB_TOKEN" in result.output
    assert repo_requests(srv) == [] and s2_requests(srv) == []  # nothing asked, not even the citations
    assert [r.path for r in srv.requests] == ["/gh/rate_limit"]
    assert path.read_bytes() == before


def test_quota_that_fits_goes_ahead(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.remaining = 2
    w.add_repo("a/one", 1)
    w.add_repo("b/two", 2)
    path = write_list(
        tmp_path / "entries.toml", project("https://github.com/a/one"), project("https://github.com/b/two")
    )
    assert run(path, "--stars").exit_code == 0
    assert [e.stars for e in store.load(path).entries] == [1, 2]
    asked = [r.path for r in srv.requests]
    assert asked[0] == "/gh/rate_limit" and sorted(asked[1:]) == ["/gh/repos/a/one", "/gh/repos/b/two"]  # side by side


def test_quota_exhausted_midway_keeps_what_succeeded(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.add_repo("a/one", 1)
    w.add_repo("b/two", 2)

    def hook(req: Request) -> Reply | None:
        if req.path == "/gh/repos/b/two":
            return _json({"message": "API rate limit exceeded"}, status=403, headers={"X-RateLimit-Remaining": "0"})
        return None

    w.hook = hook
    path = write_list(
        tmp_path / "entries.toml", project("https://github.com/a/one"), project("https://github.com/b/two")
    )
    result = run(path, "--stars")
    assert result.exit_code == 1
    assert "error: GitHub: request quota used up" in result.output
    assert "GITHUB_TOKEN" in result.output
    assert [e.stars for e in store.load(path).entries] == [1, None]
    assert len([r for r in srv.requests if r.path == "/gh/repos/b/two"]) == 1  # an exhausted quota is not retried


def test_with_a_token_the_quota_hint_says_when_to_retry(
    world: tuple[World, StubServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, _ = world
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    w.remaining = 0
    w.add_repo("a/one", 1)
    path = write_list(tmp_path / "entries.toml", project("https://github.com/a/one"))
    result = run(path, "--stars")
    assert result.exit_code == 1
    assert "GitHub allows 0 more requests" in result.output
    assert "hint: try again after" in result.output and "set GITHUB_TOKEN" not in result.output


def test_an_unknown_repository_is_reported_and_left_alone(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    w.add_repo("a/one", 1)
    path = write_list(
        tmp_path / "entries.toml", project("https://github.com/a/one"), project("https://github.com/gone/away")
    )
    result = run(path, "--stars")
    assert result.exit_code == 0, result.output
    assert "not found on GitHub: https://github.com/gone/away" in result.output
    assert [e.stars for e in store.load(path).entries] == [1, None]


def test_dry_run_writes_nothing_but_shows_the_changes(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    w.add_repo("a/one", 77)
    path = write_list(tmp_path / "entries.toml", project("https://github.com/a/one"))
    before = path.read_bytes()
    result = run(path, "--stars", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["dry_run"] is True
    assert {"id": "https://github.com/a/one", "field": "stars", "old": None, "new": 77} in data["changes"]
    assert path.read_bytes() == before


def test_only_the_named_entries_are_enriched(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, srv = world
    w.add_repo("a/one", 1)
    w.add_repo("b/two", 2)
    path = write_list(
        tmp_path / "entries.toml", project("https://github.com/a/one"), project("https://github.com/b/two")
    )
    assert run(path, "https://github.com/B/Two").exit_code == 0
    assert [e.stars for e in store.load(path).entries] == [None, 2]
    assert [r.path for r in repo_requests(srv)] == ["/gh/repos/b/two"]
    missing = run(path, "nope")
    assert missing.exit_code == 1 and "error: not in the list: nope" in missing.output


def test_rerun_with_unchanged_answers_leaves_the_file_byte_identical(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, _ = world
    w.add_repo("a/one", 5)
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"), project("https://github.com/a/one"))
    assert run(path).exit_code == 0
    text = path.read_text()
    assert run(path, "--ttl", "0").exit_code == 0  # asked again, same answers
    assert path.read_text() == text


def test_installed_executable_enriches_and_reports_errors(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 31}
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"))
    exe = Path(sys.executable).parent / "lcllm"
    ok = subprocess.run(
        [str(exe), "--file", str(path), "enrich", "--citations"],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert store.load(path).entries[0].citations.count == 31  # type: ignore[union-attr]
    empty_cache = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "empty-cache"))
    off = subprocess.run(
        [str(exe), "--file", str(path), "enrich", "--citations", "--offline"],
        capture_output=True,
        text=True,
        env=empty_cache,
        timeout=60,
    )
    assert off.returncode == 1
    assert off.stderr.startswith("error: --offline: the cache holds no Semantic Scholar answer")
    assert "Traceback" not in off.stderr


def test_without_a_rate_limit_endpoint_the_first_answer_decides(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    w, srv = world
    names = ["a/one", "b/two", "c/three", "d/four"]
    for n in names:
        w.add_repo(n, 10)
    w.remaining = 2  # the first answer says 1 left, 3 more needed
    w.hook = lambda req: _json({"message": "Not Found"}, status=404) if req.path == "/gh/rate_limit" else None
    path = write_list(tmp_path / "entries.toml", *(project(f"https://github.com/{n}") for n in names))
    result = run(path, "--stars")
    assert result.exit_code == 1
    assert "error: GitHub allows 1 more requests until" in result.output
    assert "but 3 more repositories need one; stopped after the first" in result.output
    assert [r.path for r in repo_requests(srv)] == ["/gh/repos/a/one"]
    assert [e.stars for e in store.load(path).entries] == [10, None, None, None]


def test_progress_is_reported_per_task(world: tuple[World, StubServer], tmp_path: Path) -> None:
    from lcllm_cli.commands.enrich import run as enrich
    from lcllm_cli.sources.http import HttpConfig

    w, _ = world
    w.papers["ARXIV:2402.13753"] = {"paperId": "abc", "citationCount": 3}
    w.add_repo("a/one", 1)
    w.add_repo("b/two", 2)
    path = write_list(
        tmp_path / "entries.toml",
        paper("2402.13753"),
        project("https://github.com/a/one"),
        project("https://github.com/b/two"),
    )
    calls: list[tuple[str, int, int]] = []
    report = enrich(path, config=HttpConfig(), progress=lambda *a: calls.append(a), today="2030-01-02")
    assert report.errors == []
    assert calls == [
        ("citations", 0, 1),
        ("citations", 1, 1),
        ("stars", 0, 2),
        ("stars", 1, 2),
        ("stars", 2, 2),
    ]
    lib = store.load(path)
    assert lib.entries[0].citations.date == "2030-01-02"  # type: ignore[union-attr]
    assert {e.stars_date for e in lib.entries if e.kind == "project"} == {"2030-01-02"}


def test_stars_date_changes_only_with_the_stars(world: tuple[World, StubServer], tmp_path: Path) -> None:
    from lcllm_cli.commands.enrich import run as enrich
    from lcllm_cli.sources.http import HttpConfig

    w, _ = world
    w.add_repo("a/one", 1)
    path = write_list(tmp_path / "entries.toml", project("https://github.com/a/one"))
    enrich(path, citations=False, config=HttpConfig(), today="2030-01-01")
    enrich(path, citations=False, config=HttpConfig(ttl=0), today="2030-02-01")
    assert store.load(path).entries[0].stars_date == "2030-01-01"
    w.add_repo("a/one", 2)
    enrich(path, citations=False, config=HttpConfig(ttl=0), today="2030-03-01")
    e = store.load(path).entries[0]
    assert (e.stars, e.stars_date) == (2, "2030-03-01")


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        (_json([None, None]), "error: Semantic Scholar gave an unexpected answer (expected a list of 1 items)"),
        (Reply(200, "<html>", content_type="text/html"), "error: Semantic Scholar gave an answer that is not JSON"),
        (_json({"error": "bad key"}, status=403), "error: Semantic Scholar refused the request (HTTP 403)"),
        (_json({"error": "No valid paper ids given"}, status=400), "answered HTTP 400: No valid paper ids given"),
    ],
)
def test_unusable_s2_answers_are_one_clear_line(
    world: tuple[World, StubServer], tmp_path: Path, reply: Reply, message: str
) -> None:
    w, _ = world
    w.hook = lambda req: reply if req.path.endswith("/batch") else None
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"))
    before = path.read_bytes()
    result = run(path, "--citations")
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert path.read_bytes() == before


def test_a_failing_s2_does_not_stop_the_stars(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    w.add_repo("a/one", 3)
    w.hook = lambda req: _json({}, status=500) if req.path.endswith("/batch") else None
    path = write_list(tmp_path / "entries.toml", paper("2402.13753"), project("https://github.com/a/one"))
    result = run(path)
    assert result.exit_code == 1
    assert "error: Semantic Scholar request failed after" in result.output and "HTTP 500" in result.output
    assert [e.stars for e in store.load(path).entries if e.kind == "project"] == [3]


def test_an_edit_made_while_fetching_is_kept(world: tuple[World, StubServer], tmp_path: Path) -> None:
    from lcllm_cli.commands.enrich import run as enrich
    from lcllm_cli.sources.http import HttpConfig

    w, _ = world
    w.add_repo("a/one", 1)
    w.add_repo("b/two", 2)
    path = write_list(
        tmp_path / "entries.toml", project("https://github.com/a/one"), project("https://github.com/b/two")
    )

    def meanwhile(task: str, done: int, total: int) -> None:
        if (task, done) == ("stars", 1):  # another lcllm process edits the list while we are fetching
            with store.edit(path) as lib:
                lib.entries[1].notes = "added meanwhile"
                lib.add_entry(paper("2402.13753"))

    report = enrich(path, config=HttpConfig(), progress=meanwhile)
    assert report.errors == []
    lib = store.load(path)
    assert [e.stars for e in lib.entries if e.kind == "project"] == [1, 2]
    assert lib.entries[1].notes == "added meanwhile"
    assert any(e.arxiv == "2402.13753" for e in lib.entries)


def test_a_description_with_a_lone_surrogate_is_stored_with_the_other_counts(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    """Issue 22: JSON may escape half a UTF-16 pair (``"\\ud800"``); such a description ended enrich in a traceback
    and lost the counts that had succeeded. It is made valid text where the answer is read."""
    w, _ = world
    w.add_repo("owner/broken", 7, description="half \ud800 a pair")
    w.add_repo("owner/fine", 9, description="Fine")
    path = write_list(
        tmp_path / "entries.toml", project("https://github.com/owner/broken"), project("https://github.com/owner/fine")
    )
    result = run(path, "--stars")
    assert result.exit_code == 0, result.output
    broken, fine = store.load(path).entries
    assert broken.stars == 7 and broken.description == "half \ufffd a pair"
    assert fine.stars == 9


# --------------------------------------------------------------------------------------------- Hugging Face


def test_stars_brings_a_hub_projects_likes_and_downloads_up_to_date(
    world: tuple[World, StubServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w, srv = world
    hub = {
        "/hf/api/models/acme/tiny-long-7b": {"id": "acme/tiny-long-7b", "author": "acme", "likes": 50, "downloads": 7},
        "/hf/api/datasets/acme/long-bench": {"id": "acme/long-bench", "author": "acme", "likes": 9},  # no downloads
    }
    w.hook = lambda req: _json(hub[req.path]) if req.path in hub else None
    monkeypatch.setenv("LCLLM_HF_URL", srv.url + "/hf")
    path = write_list(
        tmp_path / "entries.toml",
        project("https://huggingface.co/acme/tiny-long-7b", likes=42, downloads=1234),
        project("https://huggingface.co/datasets/acme/long-bench", likes=7, downloads=99),
        project("https://huggingface.co/acme/gone"),
    )
    result = run(path, "--stars", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["models"] == 3 and data["missing_repositories"] == ["https://huggingface.co/acme/gone"]
    got = {e.url: (e.likes, e.downloads) for e in store.load(path).entries}
    assert got == {
        "https://huggingface.co/acme/tiny-long-7b": (50, 7),
        "https://huggingface.co/datasets/acme/long-bench": (9, 99),  # an unknown count keeps what the list had
        "https://huggingface.co/acme/gone": (None, None),
    }
    asked = sorted(r.path for r in srv.requests if r.path.startswith("/hf/"))
    assert asked == ["/hf/api/datasets/acme/long-bench", "/hf/api/models/acme/gone", "/hf/api/models/acme/tiny-long-7b"]
    srv.requests.clear()
    before = path.read_bytes()
    assert run(path, "--stars").exit_code == 0  # a rerun: answers from the cache, nothing changes
    assert not [r for r in srv.requests if r.path.startswith("/hf/")] and path.read_bytes() == before
