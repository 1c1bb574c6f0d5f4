"""`lcllm add` of what is not an arXiv id (issue 15): GitHub repositories, Hugging Face models, datasets and Spaces,
DOIs, OpenReview papers, posts on X and web pages, each fetched from a stand-in of its own service on 127.0.0.1
(shapes from apis.md); pages at their own (loopback) URL."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library, Link, Section
from lcllm_cli.sources.things import recognise
from tests.arxiv_stub import ArxivStub
from tests.stubserver import Reply, Request, StubServer

CSL = {
    "10.18653/v1/2023.acl-long.1": {
        "type": "paper-conference",
        "title": "A Study of Long Inputs",
        "author": [{"given": "Ada", "family": "Lovelace"}, {"literal": "The Long Team"}],
        "container-title": "Proceedings of ACL 2023",
        "issued": {"date-parts": [[2023, 7]]},
        "DOI": "10.18653/v1/2023.acl-long.1",
        "URL": "https://aclanthology.org/2023.acl-long.1",
    }
}


@dataclass
class World:
    repos: dict[str, dict[str, object]] = field(default_factory=dict)  # "Owner/Name" -> GitHub record
    hub: dict[str, dict[str, object]] = field(default_factory=dict)  # "models/owner/name" -> Hub record

    def handle(self, req: Request) -> Reply:
        if req.path.startswith("/gh/repos/"):
            key = req.path.removeprefix("/gh/repos/").lower()
            for full, data in self.repos.items():
                if full.lower() == key:
                    return _json(data)
            return _json({"message": "Not Found"}, 404)
        if req.path == "/gh/rate_limit":
            core = {"limit": 60, "remaining": 60, "reset": 1_900_000_000, "used": 0}
            return _json({"resources": {"core": core}, "rate": core})
        if req.path.startswith("/hf/api/"):
            key = req.path.removeprefix("/hf/api/")
            return _json(self.hub[key]) if key in self.hub else _json({"error": "Repository not found"}, 404)
        if req.path == "/or/notes":
            note = req.query.get("id", [""])[0]
            if note != "AbCd123":
                return _json({"notes": []})
            content = {
                "title": {"value": "Sparse Attention at Scale"},
                "authors": {"value": ["Bo Li", "Dee Ng"]},
                "venue": {"value": "ICLR 2025 Poster"},
                "venueid": {"value": "ICLR.cc/2025/Conference"},
            }
            return _json({"notes": [{"id": note, "forum": note, "content": content}]})
        if req.path == "/oembed":
            if req.query.get("url") != ["https://x.com/someone/status/123"]:
                return _json({"error": "not found"}, 404)
            markup = (
                '<blockquote class="twitter-tweet"><p lang="en">Long context &amp; <a href="#">memory</a></p>'
                "</blockquote>"
            )
            return _json({"author_name": "Some One", "author_url": "https://x.com/someone", "html": markup})
        if req.path.startswith("/page/"):
            return PAGES[req.path]()
        if req.path.startswith("/doi/"):
            doi = req.path.removeprefix("/doi/")
            if req.headers.get("accept") != "application/vnd.citationstyles.csl+json":
                return Reply(302, "", headers={"Location": "https://example.org/landing"})
            return _json(CSL[doi]) if doi in CSL else Reply(404, "DOI Not Found")
        return _json({"message": "no such endpoint"}, 404)


PAGES = {
    "/page/latin1": lambda: Reply(
        200,
        "<html><head><title>Caf\xe9 na\xefve</title></head></html>".encode("latin-1"),
        content_type="text/html; charset=ISO-8859-1",
    ),
    "/page/meta": lambda: Reply(
        200,
        '<html><head><meta charset="windows-1252"><title>It\x92s \x93quoted\x94</title>'.encode("latin-1"),
        content_type="text/html",
    ),
    "/page/og": lambda: Reply(
        200,
        '<html><head><title>Site name</title><meta property="og:title" content="The Real Title &amp; More">',
        content_type="text/html; charset=utf-8",
    ),
    "/page/untitled": lambda: Reply(200, "<html><body>no title here</body></html>", content_type="text/html"),
    "/page/huge": lambda: Reply(
        200, "<html><head><title>Huge page</title></head><body>" + "x" * (50 * 1024 * 1024), content_type="text/html"
    ),
    "/page/loop": lambda: Reply(302, "", headers={"Location": "/page/loop"}),
    "/page/gone": lambda: Reply(404, "not here", content_type="text/html"),
}


def _json(data: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data), content_type="application/json")


@pytest.fixture(scope="module")
def server() -> Iterator[StubServer]:
    with StubServer(lambda req: Reply(500)) as srv:
        yield srv


@pytest.fixture
def world(server: StubServer, monkeypatch: pytest.MonkeyPatch, arxiv: ArxivStub) -> tuple[World, StubServer]:
    w = World()
    w.repos["FranxYao/Long-Context-Data-Engineering"] = {
        "full_name": "FranxYao/Long-Context-Data-Engineering",
        "html_url": "https://github.com/FranxYao/Long-Context-Data-Engineering",
        "stargazers_count": 400,
        "description": "Data engineering for 128K context",
        "archived": False,
    }
    w.hub["models/acme/tiny-long-7b"] = {"id": "acme/tiny-long-7b", "author": "acme", "likes": 42, "downloads": 1234}
    w.hub["datasets/acme/long-bench"] = {"id": "acme/long-bench", "author": "acme", "likes": 7, "downloads": 99}
    w.hub["spaces/acme/demo"] = {"id": "acme/demo", "author": "acme", "likes": 3}
    server.handler = w.handle
    server.requests.clear()
    monkeypatch.setenv("LCLLM_GITHUB_API_URL", server.url + "/gh")
    monkeypatch.setenv("LCLLM_HF_URL", server.url + "/hf")
    monkeypatch.setenv("LCLLM_DOI_URL", server.url + "/doi")
    monkeypatch.setenv("LCLLM_OPENREVIEW_API_URL", server.url + "/or")
    monkeypatch.setenv("LCLLM_OEMBED_URL", server.url + "/oembed")
    monkeypatch.setenv("LCLLM_HTTP_BACKOFF", "0")
    monkeypatch.setenv("LCLLM_HTTP_RETRIES", "1")
    return w, server


def write_list(path: Path, *entries: Entry) -> Path:
    lib = Library(title="T", sections=[Section("Papers")])
    lib.entries.extend(entries)
    path.write_text(store.dumps(lib), encoding="utf-8")
    return path


def add(path: Path, *args: str) -> tuple[int, dict[str, object]]:
    res = CliRunner().invoke(app, ["--file", str(path), "add", "--json", *args])
    return res.exit_code, json.loads(res.stdout)


@pytest.mark.parametrize(
    ("text", "kind", "key"),
    [
        ("https://github.com/o/r", "github", "o/r"),
        ("https://github.com/o/r/tree/main/src", "github", "o/r"),
        ("https://github.com/o/r/blob/main/README.md", "github", "o/r"),
        ("https://github.com/o/r?tab=readme-ov-file", "github", "o/r"),
        ("https://github.com/o/r.git", "github", "o/r"),
        ("https://huggingface.co/o/m", "hf", "models/o/m"),
        ("https://huggingface.co/o/m/tree/main", "hf", "models/o/m"),
        ("https://huggingface.co/datasets/o/d", "hf", "datasets/o/d"),
        ("https://huggingface.co/spaces/o/s", "hf", "spaces/o/s"),
        ("10.18653/v1/2023.acl-long.1", "doi", "10.18653/v1/2023.acl-long.1"),
        ("https://doi.org/10.18653/v1/2023.acl-long.1", "doi", "10.18653/v1/2023.acl-long.1"),
        ("https://aclanthology.org/2023.acl-long.1", "doi", "10.18653/v1/2023.acl-long.1"),
        ("https://aclanthology.org/P19-1001.pdf", "doi", "10.18653/v1/P19-1001"),
        ("https://openreview.net/forum?id=AbCd123", "openreview", "AbCd123"),
        ("https://openreview.net/pdf?id=AbCd123", "openreview", "AbCd123"),
        ("https://x.com/someone/status/123", "post", "https://x.com/someone/status/123"),
        ("https://twitter.com/someone/status/123?s=20", "post", "https://twitter.com/someone/status/123?s=20"),
        ("https://blog.example.com/post", "page", "https://blog.example.com/post"),
    ],
)
def test_every_form_is_recognised_locally(text: str, kind: str, key: str) -> None:
    thing = recognise(text)
    assert thing is not None and (thing.kind, thing.key) == (kind, key)


@pytest.mark.parametrize(
    "text", ["nonsense", "ftp://example.org/x", "javascript:alert(1)", "https://arxiv.org/abs/", "https://arxiv.org/"]
)
def test_what_is_no_such_thing_is_not_taken_for_one(text: str) -> None:
    assert recognise(text) is None


def test_a_mixed_batch_adds_each_kind_from_its_service(world: tuple[World, StubServer], tmp_path: Path) -> None:
    _, srv = world
    path = write_list(tmp_path / "entries.toml")
    code, data = add(
        path,
        "2402.13753",
        "https://github.com/franxyao/long-context-data-engineering/tree/main",
        "https://huggingface.co/acme/tiny-long-7b",
        "https://huggingface.co/datasets/acme/long-bench",
        "https://huggingface.co/spaces/acme/demo",
        "https://doi.org/10.18653/v1/2023.acl-long.1",
        "https://github.com/nobody/nothing",
        "https://huggingface.co/acme/missing",
        "gopher://x",
    )
    assert code == 1, data
    assert (data["added"], data["failed"]) == (6, 3)
    by_input = {p["input"]: p for p in data["papers"]}  # type: ignore[union-attr]
    assert by_input["https://github.com/nobody/nothing"]["reason"] == "GitHub does not know nobody/nothing"
    assert by_input["https://huggingface.co/acme/missing"]["reason"] == "the Hub does not know models/acme/missing"
    lib = store.load(path)
    got = {e.url or e.arxiv: e for e in lib.entries}
    repo = got["https://github.com/franxyao/long-context-data-engineering/tree/main"]  # the URL as given stays
    assert (repo.kind, repo.title, repo.owner, repo.stars) == (
        "project",
        "Long-Context-Data-Engineering",
        "FranxYao",
        400,
    )
    assert repo.description == "Data engineering for 128K context" and repo.stars_date
    model = got["https://huggingface.co/acme/tiny-long-7b"]
    assert (model.kind, model.title, model.owner, model.labels, model.likes, model.downloads) == (
        "project",
        "tiny-long-7b",
        "acme",
        ["🤗"],
        42,
        1234,
    )
    assert got["https://huggingface.co/spaces/acme/demo"].downloads is None  # Spaces have none
    paper = got["https://aclanthology.org/2023.acl-long.1"]
    assert (paper.kind, paper.title, paper.authors, paper.venue, paper.year, paper.doi) == (
        "paper",
        "A Study of Long Inputs",
        ["Ada Lovelace", "The Long Team"],
        "Proceedings of ACL 2023",
        2023,
        "10.18653/v1/2023.acl-long.1",
    )
    assert all(e.key for e in lib.entries)  # every entry has its citation key from the moment it enters
    paths = [r.path for r in srv.requests]
    assert paths.count("/hf/api/models/acme/tiny-long-7b") == 1 and "/doi/10.18653/v1/2023.acl-long.1" in paths


def test_re_adding_updates_the_counts_instead_of_duplicating(world: tuple[World, StubServer], tmp_path: Path) -> None:
    w, _ = world
    path = write_list(tmp_path / "entries.toml")
    assert add(path, "https://github.com/FranxYao/Long-Context-Data-Engineering")[0] == 0
    assert add(path, "https://huggingface.co/acme/tiny-long-7b", "10.18653/v1/2023.acl-long.1")[0] == 0
    w.repos["FranxYao/Long-Context-Data-Engineering"]["stargazers_count"] = 450
    w.hub["models/acme/tiny-long-7b"]["likes"] = 50
    monkey_ttl = {"LCLLM_CACHE_TTL": "0"}
    res = CliRunner().invoke(
        app,
        [
            "--file",
            str(path),
            "add",
            "--json",
            "https://github.com/franxyao/long-context-data-engineering",  # another letter case: the same repository
            "https://huggingface.co/acme/tiny-long-7b",
            "https://doi.org/10.18653/v1/2023.acl-long.1",
        ],
        env=monkey_ttl,
    )
    data = json.loads(res.stdout)
    assert res.exit_code == 0, res.output
    assert [p["status"] for p in data["papers"]] == ["updated", "updated", "already present"]
    lib = store.load(path)
    assert len(lib.entries) == 3
    assert {e.title: (e.stars, e.likes) for e in lib.entries if e.kind == "project"} == {
        "Long-Context-Data-Engineering": (450, None),
        "tiny-long-7b": (None, 50),
    }


def test_a_doi_that_is_arxivs_stays_an_arxiv_paper(world: tuple[World, StubServer], tmp_path: Path) -> None:
    _, srv = world
    path = write_list(tmp_path / "entries.toml")
    code, data = add(path, "https://doi.org/10.48550/arXiv.2402.13753")
    assert code == 0 and data["added"] == 1
    (entry,) = store.load(path).entries
    assert entry.arxiv == "2402.13753"
    assert not [r for r in srv.requests if r.path.startswith("/doi/")]


def test_the_hub_token_is_sent_when_set(
    world: tuple[World, StubServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, srv = world
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    path = write_list(tmp_path / "entries.toml")
    assert add(path, "https://huggingface.co/acme/tiny-long-7b")[0] == 0
    (req,) = [r for r in srv.requests if r.path.startswith("/hf/")]
    assert req.headers["authorization"] == "Bearer hf_secret"


def test_a_hub_that_fails_is_one_clear_line_and_the_rest_goes_in(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    _, srv = world
    handle = srv.handler
    srv.handler = lambda req: Reply(503) if req.path.startswith("/hf/") else handle(req)
    path = write_list(tmp_path / "entries.toml")
    res = CliRunner().invoke(
        app, ["--file", str(path), "add", "https://huggingface.co/acme/tiny-long-7b", "2402.13753"]
    )
    assert res.exit_code == 1
    assert "error: Hugging Face request failed after 2 tries: HTTP 503" in res.stderr
    assert [e.arxiv for e in store.load(path).entries] == ["2402.13753"]


def test_an_openreview_paper_gets_its_venue_and_year(world: tuple[World, StubServer], tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml")
    code, data = add(path, "https://openreview.net/pdf?id=AbCd123", "https://openreview.net/forum?id=Nope")
    assert code == 1 and (data["added"], data["failed"]) == (1, 1)
    (paper,) = store.load(path).entries
    assert (paper.kind, paper.title, paper.authors, paper.venue, paper.year, paper.url) == (
        "paper",
        "Sparse Attention at Scale",
        ["Bo Li", "Dee Ng"],
        "ICLR 2025 Poster",
        2025,
        "https://openreview.net/forum?id=AbCd123",
    )


def test_a_post_on_x_becomes_a_link_titled_from_the_post(world: tuple[World, StubServer], tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml")
    assert add(path, "https://x.com/someone/status/123")[0] == 0
    (link,) = store.load(path).entries
    assert (link.kind, link.title, link.labels, link.url) == (
        "link",
        "Some One: Long context & memory",
        ["𝕏"],
        "https://x.com/someone/status/123",
    )


def test_pages_are_titled_in_their_own_encoding_within_the_cap(world: tuple[World, StubServer], tmp_path: Path) -> None:
    _, srv = world
    path = write_list(tmp_path / "entries.toml")
    urls = {name: f"{srv.url}/page/{name}" for name in ("latin1", "meta", "og", "untitled", "huge", "loop", "gone")}
    code, data = add(path, *urls.values())
    assert code == 1
    by_input = {p["input"]: p for p in data["papers"]}  # type: ignore[union-attr]
    titles = {e.url: e.title for e in store.load(path).entries}
    assert titles[urls["latin1"]] == "Café naïve"
    assert titles[urls["meta"]] == "It’s “quoted”"
    assert titles[urls["og"]] == "The Real Title & More"
    assert titles[urls["untitled"]] == urls["untitled"]
    assert by_input[urls["untitled"]]["reason"] == "the page gives no title: its URL is the title"
    assert titles[urls["huge"]] == "Huge page"  # 50 MB: only the head is read, not refused
    assert "redirect" in by_input[urls["loop"]]["reason"] and by_input[urls["loop"]]["status"] == "failed"
    assert "HTTP 404" in by_input[urls["gone"]]["reason"]
    assert len(titles) == 5


def test_a_mixed_batch_of_twenty_things_of_six_kinds(world: tuple[World, StubServer], tmp_path: Path) -> None:
    """Issue 15: 20 THINGs of six kinds, two unknown to their service and one malformed: 17 added, 3 named."""
    _, srv = world
    path = write_list(tmp_path / "entries.toml")
    things = [
        *[f"24{m:02d}.0000{m % 10}" for m in range(1, 11)],  # 10 arXiv ids, one request
        "https://github.com/FranxYao/Long-Context-Data-Engineering",
        "https://huggingface.co/acme/tiny-long-7b",
        "https://huggingface.co/datasets/acme/long-bench",
        "10.18653/v1/2023.acl-long.1",
        "https://openreview.net/forum?id=AbCd123",
        "https://x.com/someone/status/123",
        f"{srv.url}/page/og",
        "https://github.com/nobody/nothing",  # unknown to GitHub
        "https://huggingface.co/acme/missing",  # unknown to the Hub
        "2402.1375",  # malformed
    ]
    assert len(things) == 20
    code, data = add(path, *things)
    assert code == 1
    assert (data["added"], data["failed"]) == (17, 3)
    failed = {p["input"] for p in data["papers"] if p["status"] == "failed"}  # type: ignore[union-attr]
    assert failed == {"https://github.com/nobody/nothing", "https://huggingface.co/acme/missing", "2402.1375"}
    assert len(store.load(path).entries) == 17


def test_to_attaches_the_things_as_links_of_an_entry(world: tuple[World, StubServer], tmp_path: Path) -> None:
    paper = Entry(kind="paper", title="Data Engineering", arxiv="2402.10171", key="fu2024data")
    path = write_list(tmp_path / "entries.toml", paper)
    repo = "https://github.com/FranxYao/Long-Context-Data-Engineering"
    code, data = add(path, repo, "https://x.com/someone/status/123", "--to", "2402.10171")
    assert code == 0, data
    (entry,) = store.load(path).entries
    assert [(lk.label, lk.url) for lk in entry.links] == [
        ("Long-Context-Data-Engineering", repo),
        ("Some One: Long context & memory", "https://x.com/someone/status/123"),
    ]
    again_code, again = add(path, repo, "--to", "2402.10171", "--label", "code")
    assert again_code == 0 and again["papers"][0]["status"] == "already present"  # type: ignore[index]
    assert len(store.load(path).entries[0].links) == 2


def test_to_an_entry_that_is_not_there_is_an_error_before_any_request(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    _, srv = world
    path = write_list(tmp_path / "entries.toml")
    before = path.read_bytes()
    res = CliRunner().invoke(app, ["--file", str(path), "add", "https://github.com/o/r", "--to", "2402.99999"])
    assert res.exit_code != 0 and "--to: not in the list: 2402.99999" in res.stderr
    assert srv.requests == [] and path.read_bytes() == before


def test_marks_and_title_go_on_each_new_entry(world: tuple[World, StubServer], tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml")
    code, _ = add(
        path,
        "https://huggingface.co/acme/tiny-long-7b",
        "--highlight",
        "--note",
        "Small and long.",
        "--label",
        "🔥",
        "--title",
        "Tiny Long 7B",
    )
    assert code == 0
    (entry,) = store.load(path).entries
    assert (entry.title, entry.highlight, entry.notes, entry.labels) == (
        "Tiny Long 7B",
        True,
        "Small and long.",
        ["🤗", "🔥"],
    )


def test_a_label_that_is_no_emoji_is_a_usage_error(world: tuple[World, StubServer], tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml")
    res = CliRunner().invoke(app, ["--file", str(path), "add", "2402.13753", "--label", "<b>"])
    assert res.exit_code == 2 and "is not an emoji or a :shortcode:" in res.stderr


def test_dry_run_fetches_shows_and_writes_nothing(world: tuple[World, StubServer], tmp_path: Path) -> None:
    path = write_list(tmp_path / "entries.toml")
    before = path.read_bytes()
    code, data = add(path, "2402.13753", "https://huggingface.co/acme/tiny-long-7b", "--dry-run")
    assert code == 0 and data["added"] == 2 and data["dry_run"] is True and data["written"] is False
    assert path.read_bytes() == before


def test_top_puts_the_new_entries_first_in_their_section(world: tuple[World, StubServer], tmp_path: Path) -> None:
    old = Entry(kind="paper", title="Old paper", arxiv="2301.00001", section="Papers")
    path = write_list(tmp_path / "entries.toml", old)
    assert add(path, "2402.13753", "https://huggingface.co/acme/tiny-long-7b", "--top")[0] == 0
    lib = store.load(path)
    assert [e.arxiv or e.url for e in lib.entries] == [
        "2402.13753",
        "https://huggingface.co/acme/tiny-long-7b",
        "2301.00001",
    ]


def test_a_newest_first_list_gets_new_entries_on_top_unless_bottom(
    world: tuple[World, StubServer], tmp_path: Path
) -> None:
    old = Entry(kind="paper", title="Old paper", arxiv="2301.00001", section="Papers")
    path = write_list(tmp_path / "entries.toml", old)
    lib = store.load(path)
    lib.newest_first = True
    path.write_text(store.dumps(lib), encoding="utf-8")
    assert "newest_first = true" in path.read_text(encoding="utf-8")
    assert add(path, "2402.13753")[0] == 0
    assert add(path, "https://huggingface.co/acme/tiny-long-7b", "--bottom")[0] == 0
    assert [e.arxiv or e.url for e in store.load(path).entries] == [
        "2402.13753",
        "2301.00001",
        "https://huggingface.co/acme/tiny-long-7b",
    ]


def test_offline_adds_from_what_earlier_runs_fetched(world: tuple[World, StubServer], tmp_path: Path) -> None:
    """--offline asks no service: what an earlier add fetched is added from the cache; the rest is named."""
    _, srv = world
    first = write_list(tmp_path / "first.toml")
    things = ["2402.13753", "https://github.com/FranxYao/Long-Context-Data-Engineering", f"{srv.url}/page/og"]
    assert add(first, *things)[0] == 0
    srv.requests.clear()
    second = write_list(tmp_path / "second.toml")
    code, data = add(second, *things, "https://huggingface.co/acme/tiny-long-7b", "2401.00001", "--offline")
    assert srv.requests == []
    assert code == 1 and data["added"] == 3
    failed = {p["input"]: p["reason"] for p in data["papers"] if p["status"] == "failed"}  # type: ignore[union-attr]
    assert set(failed) == {"https://huggingface.co/acme/tiny-long-7b", "2401.00001"}
    assert "--offline" in str(data["error"])
    assert [e.title for e in store.load(second).entries] == [e.title for e in store.load(first).entries]


def test_an_unknown_section_is_an_error_before_any_request(world: tuple[World, StubServer], tmp_path: Path) -> None:
    _, srv = world
    path = write_list(tmp_path / "entries.toml")
    before = path.read_bytes()
    res = CliRunner().invoke(app, ["--file", str(path), "add", "https://github.com/o/r", "--section", "Paper"])
    assert res.exit_code == 2 and "no section 'Paper'; did you mean 'Papers'?" in res.stderr
    assert "--new-section" in res.stderr
    assert srv.requests == [] and path.read_bytes() == before


def test_things_are_fetched_side_by_side_within_the_per_host_limit(
    world: tuple[World, StubServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Repositories, models and pages are asked several at once, never more than LCLLM_HTTP_PER_HOST to a host."""
    w, _ = world
    for n in range(6):
        w.repos[f"acme/repo{n}"] = {"full_name": f"acme/repo{n}", "stargazers_count": n, "archived": False}

    def slow(req: Request) -> Reply:
        time.sleep(0.15)
        return w.handle(req)

    monkeypatch.setenv("LCLLM_HTTP_PER_HOST", "2")
    with StubServer(slow) as srv:  # a server of its own: no handler of another test is still running
        for name, path in (("GITHUB_API", "/gh"), ("HF", "/hf")):
            monkeypatch.setenv(f"LCLLM_{name}_URL", srv.url + path)
        path = write_list(tmp_path / "entries.toml")
        code, data = add(
            path, *[f"https://github.com/acme/repo{n}" for n in range(6)], "https://huggingface.co/acme/demo-x"
        )
        assert srv.peak == 2
    assert code == 1 and data["added"] == 6  # the model is unknown to the Hub
    assert [e.title for e in store.load(path).entries] == [f"repo{n}" for n in range(6)]  # in the order given


def test_re_adding_a_paper_a_post_or_a_page_adds_nothing_twice(world: tuple[World, StubServer], tmp_path: Path) -> None:
    _, srv = world
    page = f"{srv.url}/page/og"
    linked = Entry(kind="paper", title="Has a blog post", arxiv="2301.00001", section="Papers")
    linked.links.append(Link("blog", f"{srv.url}/page/latin1"))
    path = write_list(tmp_path / "entries.toml", linked)
    things = ["2402.13753", "https://openreview.net/forum?id=AbCd123", "https://x.com/someone/status/123", page]
    assert add(path, *things)[1]["added"] == 4
    code, data = add(path, *things, "https://openreview.net/pdf?id=AbCd123", f"{srv.url}/page/latin1")
    assert code == 0
    statuses = {p["input"]: p["status"] for p in data["papers"]}  # type: ignore[union-attr]
    assert statuses["https://openreview.net/pdf?id=AbCd123"] == "already present"  # the forum, by another URL
    assert statuses[f"{srv.url}/page/latin1"] == "already present"  # already a link of a paper
    assert data["added"] == 0 and len(store.load(path).entries) == 5
