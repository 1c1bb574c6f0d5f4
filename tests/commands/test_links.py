"""Link health (commands/links.py): the offline lint of every `lcllm check`, and `lcllm check --links` against
stand-in web servers on 127.0.0.1 and 127.0.0.2 (two hosts: the per-host key is the host name, not the port)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.commands import links
from lcllm_cli.commands.links import LinkOptions, lint, url_problems
from lcllm_cli.model import Citations, Entry, Library, Link, Section
from tests.arxiv_stub import ArxivStub
from tests.stubserver import Reply, Request, StubServer

runner = CliRunner()
DAY = 86400.0


# ============================================================================================ offline lint


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://example.org/page.", "ends in '.'"),
        ("https://blog.site/post),", "ends in ','"),
        ("https://blog.site/a b", "holds white space"),
        (" https://blog.site/ab", "white space around it"),
        ("https://en.wikipedia.org/wiki/Foo_(bar", "unbalanced parentheses"),
        ("https://blog.site/post)", "unbalanced parentheses"),
        ("http://arxiv.org/abs/2402.13753", "http:// where arxiv.org serves https"),
        ("http://github.com/a/b", "http:// where github.com serves https"),
        ("http://huggingface.co/org/model", "http:// where huggingface.co serves https"),
        ("", "empty link"),
        ("   ", "empty link"),
        ("TODO", "placeholder link"),
        ("#", "placeholder link"),
        ("https://example.com/paper", "placeholder link (example host)"),
        ("github.com/a/b", "not an http(s) URL (no scheme)"),
        ("ftp://files.site/a", "not an http(s) URL"),
    ],
)
def test_each_malformed_link_is_named(url: str, problem: str) -> None:
    assert any(p.startswith(problem) for p in url_problems(url)), url_problems(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2402.13753v1",
        "https://en.wikipedia.org/wiki/Foo_(bar)",
        "https://github.com/microsoft/LLMLingua?tab=readme-ov-file",
        "http://www.qbitai.com/2024/01/112273.html",  # http on a site not known to serve https: fine
        "https://mp.weixin.qq.com/s?__biz=MzI3MTA0MTk1MA==&mid=2652394913&idx=5",
    ],
)
def test_good_links_have_no_findings(url: str) -> None:
    assert url_problems(url) == []


def _lint_library() -> Library:
    lib = Library(sections=[Section("Papers")])
    lib.entries = [
        Entry(kind="paper", title="Clean", arxiv="2402.13753", links=[Link("code", "https://github.com/a/b")]),
        Entry(
            kind="paper",
            title="Messy",
            arxiv="2309.00071",
            links=[
                Link("code", "https://github.com/a/b"),
                Link("code again", "https://github.com/A/B/"),
                Link("blog", "https://blog.site/post)."),
                Link("paper", "https://arxiv.org/abs/2309.00071v2"),
            ],
        ),
        Entry(kind="paper", title="Empty", links=[Link("soon", ""), Link("later", "TODO")]),
    ]
    return lib


def test_findings_name_the_entry_and_the_line_of_the_link(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    lib = _lint_library()
    store.save(lib, path)
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    found = lint(store.load(path), text)
    problems = {(f.entry, f.url, f.problem.split(" (")[0]) for f in found}
    assert (2, "https://github.com/A/B/", "repeated in this entry") in problems
    assert (2, "https://blog.site/post).", "unbalanced parentheses") in problems
    assert (2, "https://blog.site/post).", "ends in '.'") in problems
    assert (2, "https://arxiv.org/abs/2309.00071v2", "repeats the paper's own arXiv link") in problems
    assert (3, "", "empty link") in problems
    assert (3, "TODO", "placeholder link") in problems
    assert not [f for f in found if f.entry == 1]
    for f in found:
        assert f.line is not None
        assert store.toml_str(f.url) in lines[f.line - 1], (f, lines[f.line - 1])


def test_check_exits_1_on_a_malformed_link_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    store.save(_lint_library(), path)
    result = runner.invoke(app, ["--file", str(path), "check"])
    assert result.exit_code == 1
    assert "malformed link(s)" in result.output
    line = next(n for n, text in enumerate(path.read_text().split("\n"), 1) if "post)." in text)
    assert f"{path}:{line}: entry #2" in result.output
    data = json.loads(runner.invoke(app, ["--file", str(path), "check", "--json"]).output)
    assert data["ok"] is False and {f["line"] for f in data["links"]} >= {line}


def test_check_of_clean_links_still_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    lib = _lint_library()
    lib.entries = lib.entries[:1]
    store.save(lib, path)
    result = runner.invoke(app, ["--file", str(path), "check"])
    assert result.exit_code == 0, result.output


# ============================================================================================ stand-in web


@dataclass
class Web:
    """Two stand-in hosts (127.0.0.1 and 127.0.0.2) with the pages of a link check, counting what they saw."""

    a: StubServer
    b: StubServer
    api: StubServer  # GitHub and the Hub
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: dict[str, int] = field(default_factory=dict)
    fixed: set[str] = field(default_factory=set)  # paths that answer 200 now

    def url(self, path: str, host: str = "a") -> str:
        return (self.a if host == "a" else self.b).url + path


def _pages(web: Web, req: Request) -> Reply:
    path = req.path
    with web.lock:
        n = web.hits[path] = web.hits.get(path, 0) + 1
    if path in web.fixed:
        return Reply(200, "<html>fine</html>", content_type="text/html")
    if path.startswith("/live") or path.startswith("/many/"):
        if path.startswith("/many/"):
            time.sleep(0.05)
        return Reply(200, "<html>live</html>", content_type="text/html")
    if path == "/gone":
        return Reply(404, "no")
    if path == "/deleted":
        return Reply(410, "gone")
    if path == "/moved":
        return Reply(301, headers={"Location": "/live/new-home"})
    if path == "/moved-twice":
        return Reply(308, headers={"Location": "/moved"})
    if path == "/elsewhere":
        return Reply(302, headers={"Location": "/live/today"})
    if path == "/then-temporary":
        return Reply(301, headers={"Location": "/elsewhere"})
    if path == "/loop-a":
        return Reply(302, headers={"Location": "/loop-b"})
    if path == "/loop-b":
        return Reply(302, headers={"Location": "/loop-a"})
    if path == "/busy":
        return Reply(429, "slow down", headers={"Retry-After": "1"}) if n == 1 else Reply(200, "ok")
    if path == "/always-busy":
        return Reply(429, "slow down", headers={"Retry-After": "0"})
    if path == "/slow":
        time.sleep(1.5)
        return Reply(200, "late")
    if path == "/head-404":  # a server that answers HEAD wrongly
        return Reply(404, "no") if req.method == "HEAD" else Reply(200, "<html>ok</html>")
    if path == "/no-head":
        return Reply(405, "use GET") if req.method == "HEAD" else Reply(200, "<html>ok</html>")
    if path == "/wall":
        return Reply(999, "request denied")
    if path == "/forbidden":
        return Reply(403, "no robots")
    if path == "/moved-to-gone":
        return Reply(301, headers={"Location": "/gone"})
    return Reply(404, "unknown path")


def _api(req: Request) -> Reply:
    if req.path.lower() == "/gh/repos/old-owner/tool":  # moved: GitHub answers 301 to the repository by its id
        return Reply(301, "", headers={"Location": "/gh/repositories/4242"})
    repos = {
        "/gh/repositories/4242": ("new-owner", "tool"),
        "/gh/repos/microsoft/llmlingua": ("microsoft", "LLMLingua"),
        "/gh/repos/kept/archived": ("kept", "archived"),
        "/gh/repos/fine/repo": ("fine", "repo"),
    }
    if req.path == "/gh/rate_limit":
        return Reply(
            200,
            json.dumps({"resources": {"core": {"remaining": 5000, "limit": 5000}}}),
            content_type="application/json",
        )
    key = req.path.lower()
    if key in repos:
        owner, name = repos[key]
        body = {"html_url": f"https://github.com/{owner}/{name}", "stargazers_count": 1, "archived": name == "archived"}
        return Reply(200, json.dumps(body), content_type="application/json")
    if req.path == "/gh/graphql":
        return _graphql(req)
    if req.path == "/hf/api/models/org/model":
        return Reply(200, json.dumps({"id": "org/model", "likes": 1}), content_type="application/json")
    return Reply(404, json.dumps({"message": "Not Found"}), content_type="application/json")


def _graphql(req: Request) -> Reply:
    """GitHub's GraphQL as it is: repositories found under the name asked; a moved one is NOT_FOUND (no renames)."""
    import re

    known = {"microsoft/llmlingua": "microsoft/LLMLingua", "kept/archived": "kept/archived", "fine/repo": "fine/repo"}
    query = json.loads(req.body)["query"]
    data: dict[str, object] = {}
    errors = []
    for alias, owner, name in re.findall(r'(r\d+): repository\(owner: "([^"]+)", name: "([^"]+)"\)', query):
        full = known.get(f"{owner}/{name}".lower())
        data[alias] = (
            {"nameWithOwner": full, "isArchived": full == "kept/archived", "stargazerCount": 2} if full else None
        )
        if not full:
            errors.append({"type": "NOT_FOUND", "path": [alias], "message": "Could not resolve to a Repository"})
    return Reply(200, json.dumps({"data": data, "errors": errors}), content_type="application/json")


@pytest.fixture
def web(monkeypatch: pytest.MonkeyPatch, arxiv: ArxivStub) -> Iterator[Web]:
    holder: list[Web] = []
    with (
        StubServer(lambda req: _pages(holder[0], req)) as a,
        StubServer(lambda req: _pages(holder[0], req), host="127.0.0.2") as b,
        StubServer(_api) as api,
    ):
        holder.append(Web(a, b, api))
        monkeypatch.setenv("LCLLM_GITHUB_API_URL", api.url + "/gh")
        monkeypatch.setenv("LCLLM_HF_URL", api.url + "/hf")
        monkeypatch.setenv("LCLLM_HTTP_BACKOFF", "0")
        monkeypatch.setenv("LCLLM_HTTP_RETRIES", "2")
        monkeypatch.setenv("LCLLM_HTTP_TIMEOUT", "0.5")
        monkeypatch.setenv("LCLLM_LINKS_INTERVAL", "0")
        yield holder[0]


def _list_of(tmp_path: Path, urls: list[str], *, papers: list[str] | None = None) -> Path:
    lib = Library(sections=[Section("Papers"), Section("Other")])
    for aid in papers or []:
        lib.entries.append(Entry(kind="paper", title=f"Paper {aid}", arxiv=aid))
    for n, url in enumerate(urls):
        lib.entries.append(Entry(kind="link", title=f"Link {n}", url=url, section="Other"))
    path = tmp_path / "entries.toml"
    store.save(lib, path)
    return path


def _opts(tmp_path: Path, **kw: object) -> LinkOptions:
    kw.setdefault("history", tmp_path / "history.json")
    kw.setdefault("now", 1_000_000.0)
    return LinkOptions.from_env(**kw)


def _verdicts(report: links.LinksReport) -> dict[str, str]:
    return {r.url: r.verdict for r in report.results}


def test_each_kind_of_page_gets_its_verdict(web: Web, tmp_path: Path) -> None:
    urls = {
        "/live/page": "ok",
        "/gone": "broken",
        "/deleted": "broken",
        "/moved": "redirected",
        "/elsewhere": "redirected",
        "/loop-a": "broken",
        "/busy": "ok",
        "/slow": "unknown",
        "/no-head": "ok",
        "/head-404": "ok",
        "/wall": "blocked",
        "/forbidden": "blocked",
        "/always-busy": "unknown",
    }
    path = _list_of(tmp_path, [web.url(p) for p in urls] + ["http://127.0.0.1:9/refused"])
    report = links.run(path, _opts(tmp_path, strict=True))
    got = _verdicts(report)
    for p, verdict in urls.items():
        assert got[web.url(p)] == verdict, (p, report.to_dict())
    assert got["http://127.0.0.1:9/refused"] == "broken"
    by_url = {r.url: r for r in report.results}
    moved, temp = by_url[web.url("/moved")], by_url[web.url("/elsewhere")]
    assert moved.permanent is True and moved.target == web.url("/live/new-home") and moved.fix == moved.target
    assert temp.permanent is False and temp.target == web.url("/live/today") and temp.fix is None
    assert web.hits["/busy"] == 2  # asked again after its Retry-After, and then fine
    no_head = [r.method for r in web.a.requests if r.path == "/no-head"]
    assert no_head == ["HEAD", "GET"]
    assert "GET" not in {r.method for r in web.a.requests if r.path == "/live/page"}  # HEAD is enough
    assert [r.method for r in web.a.requests if r.path == "/gone"] == ["HEAD", "GET"]  # a 404 is confirmed by GET
    assert report.ok is False


def test_redirect_chains_fix_only_what_is_permanent(web: Web, tmp_path: Path) -> None:
    path = _list_of(tmp_path, [web.url("/moved-twice"), web.url("/then-temporary"), web.url("/moved-to-gone")])
    report = links.run(path, _opts(tmp_path, strict=True))
    r = {x.url: x for x in report.results}
    assert r[web.url("/moved-twice")].fix == web.url("/live/new-home")
    assert r[web.url("/moved-twice")].permanent is True
    then_temp = r[web.url("/then-temporary")]
    assert then_temp.verdict == "redirected" and then_temp.permanent is False and then_temp.fix is None
    assert r[web.url("/moved-to-gone")].verdict == "broken"


def test_the_per_host_limit_holds_on_the_servers_log(web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCLLM_LINKS_PER_HOST", "3")
    monkeypatch.setenv("LCLLM_LINKS_CONCURRENCY", "16")
    urls = [web.url(f"/many/{i}", host) for i in range(24) for host in ("a", "b")]
    path = _list_of(tmp_path, urls)
    report = links.run(path, _opts(tmp_path))
    assert {r.verdict for r in report.results} == {"ok"}
    assert len(web.a.requests) == len(web.b.requests) == 24
    assert web.a.peak <= 3 and web.b.peak <= 3
    assert web.a.peak + web.b.peak > 2  # requests did run side by side (no more than the limit, but more than one)
    assert max(report.peak_per_host.values()) <= 3 and set(report.peak_per_host) == {"127.0.0.1", "127.0.0.2"}


def test_hosts_that_refuse_robots_are_not_checked(web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LCLLM_LINKS_SKIP", "127.0.0.2")
    path = _list_of(
        tmp_path, ["https://x.com/someone/status/1", "https://www.linkedin.com/in/someone", web.url("/gone", "b")]
    )
    report = links.run(path, _opts(tmp_path, strict=True))
    assert set(_verdicts(report).values()) == {"not checked"}
    assert report.ok and not web.b.requests


def test_services_check_papers_repositories_and_models(web: Web, arxiv: ArxivStub, tmp_path: Path) -> None:
    arxiv.set_missing("2401.99999")
    arxiv.set_paper("2402.13753", version=3)
    urls = [
        "https://github.com/old-owner/tool",
        "https://github.com/microsoft/llmlingua/tree/main/docs",
        "https://github.com/kept/archived",
        "https://github.com/gone/repo",
        "https://huggingface.co/org/model",
        "https://huggingface.co/org/missing",
        "https://arxiv.org/abs/2402.13753v1",
    ]
    path = _list_of(tmp_path, urls, papers=["2402.13753", "2401.99999"])
    report = links.run(path, _opts(tmp_path, strict=True))
    r = {x.url: x for x in report.results}
    assert r["https://github.com/old-owner/tool"].verdict == "redirected"
    assert r["https://github.com/old-owner/tool"].fix == "https://github.com/new-owner/tool"
    case = r["https://github.com/microsoft/llmlingua/tree/main/docs"]
    assert case.verdict == "ok" and case.fix == "https://github.com/microsoft/LLMLingua/tree/main/docs"
    assert (
        r["https://github.com/kept/archived"].verdict == "ok"
        and "archived" in r["https://github.com/kept/archived"].detail
    )
    assert r["https://github.com/gone/repo"].verdict == "broken"
    assert r["https://huggingface.co/org/model"].verdict == "ok"
    assert r["https://huggingface.co/org/missing"].verdict == "broken"
    assert r["https://arxiv.org/abs/2402.13753"].verdict == "ok"
    assert r["https://arxiv.org/abs/2401.99999"].verdict == "broken"
    assert "v3 is the latest" in r["https://arxiv.org/abs/2402.13753v1"].detail
    assert len(arxiv.requests) == 1  # both papers in one batch
    assert not web.a.requests  # nothing was asked as a page


def test_with_a_token_repositories_go_by_graphql_and_only_the_unresolved_by_rest(
    web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_test")
    urls = [
        "https://github.com/old-owner/tool",
        "https://github.com/microsoft/llmlingua",
        "https://github.com/kept/archived",
        "https://github.com/fine/repo",
        "https://github.com/gone/repo",
    ]
    report = links.run(_list_of(tmp_path, urls), _opts(tmp_path, strict=True))
    got = {r.url: r for r in report.results}
    assert got["https://github.com/old-owner/tool"].fix == "https://github.com/new-owner/tool"
    assert got["https://github.com/microsoft/llmlingua"].fix == "https://github.com/microsoft/LLMLingua"
    assert (
        got["https://github.com/kept/archived"].verdict == "ok"
        and "archived" in got["https://github.com/kept/archived"].detail
    )
    assert got["https://github.com/fine/repo"].verdict == "ok"
    assert got["https://github.com/gone/repo"].verdict == "broken"
    graphql = [r for r in web.api.requests if r.path == "/gh/graphql"]
    rest = sorted(r.path for r in web.api.requests if r.path.startswith("/gh/repos/"))
    assert len(graphql) == 1 and graphql[0].headers["authorization"] == "Bearer ghp_test"
    assert rest == ["/gh/repos/gone/repo", "/gh/repos/old-owner/tool"]


def test_broken_only_after_failing_on_two_runs_a_day_apart(web: Web, tmp_path: Path) -> None:
    url = web.url("/gone")
    path = _list_of(tmp_path, [url, web.url("/live/x")])

    def verdict(now: float, **kw: object) -> links.LinkResult:
        report = links.run(path, _opts(tmp_path, now=now, **kw))
        return next(r for r in report.results if r.url == url)

    t0 = 1_000_000.0
    first = verdict(t0)
    assert first.verdict == "unknown" and first.failures == 1 and "1 of the 2 runs" in first.detail
    assert verdict(t0 + 3600).verdict == "unknown"  # again within the day: not a second run apart
    assert verdict(t0 + DAY).verdict == "broken"
    assert verdict(t0 + DAY + 60).verdict == "broken"
    web.fixed.add("/gone")
    assert verdict(t0 + 2 * DAY).verdict == "ok"  # back: the history starts afresh
    web.fixed.discard("/gone")
    assert verdict(t0 + 3 * DAY).verdict == "unknown"
    assert verdict(t0 + 3 * DAY + 1, strict=True).verdict == "broken"  # --strict: one run is enough


def test_the_deadline_ends_the_run_with_unknowns(web: Web, tmp_path: Path) -> None:
    path = _list_of(tmp_path, [web.url(f"/many/{i}") for i in range(6)])
    report = links.run(path, _opts(tmp_path, deadline=1e-9))
    assert {r.verdict for r in report.results} == {"unknown"}
    assert all("deadline" in r.detail for r in report.results)
    assert not web.a.requests


# ============================================================================================ --fix and output


def _fix_list(web: Web, tmp_path: Path) -> Path:
    lib = Library(sections=[Section("Other")])
    lib.entries = [
        Entry(kind="link", title="Moved", url=web.url("/moved"), section="Other"),
        Entry(kind="link", title="Temporary", url=web.url("/elsewhere"), section="Other"),
        Entry(kind="link", title="Gone", url=web.url("/gone"), section="Other"),
        Entry(
            kind="project",
            title="tool",
            url="https://github.com/old-owner/tool",
            section="Other",
            links=[Link("mirror", web.url("/moved")), Link("slow", web.url("/slow"))],
            citations=Citations(3, "Semantic Scholar", web.url("/elsewhere")),
        ),
    ]
    path = tmp_path / "entries.toml"
    store.save(lib, path)
    return path


def test_fix_rewrites_only_permanent_redirects_and_canonical_names(web: Web, tmp_path: Path) -> None:
    path = _fix_list(web, tmp_path)
    before = path.read_bytes()
    dry = links.run(path, _opts(tmp_path, fix=True, dry_run=True))
    assert path.read_bytes() == before and not dry.fixed
    assert any(line.startswith("+") and "/live/new-home" in line for line in dry.diff)
    report = links.run(path, _opts(tmp_path, fix=True))
    assert report.fixed
    lib = store.load(path)
    assert lib.entries[0].url == web.url("/live/new-home")
    assert lib.entries[1].url == web.url("/elsewhere")  # temporary: left alone
    assert lib.entries[2].url == web.url("/gone")  # broken: never touched
    assert lib.entries[3].url == "https://github.com/new-owner/tool"
    assert [lk.url for lk in lib.entries[3].links] == [web.url("/live/new-home"), web.url("/slow")]  # slow: unknown
    assert lib.entries[3].citations is not None and lib.entries[3].citations.url == web.url("/elsewhere")
    assert {(f.field, f.new) for f in report.fixes} == {
        ("url", web.url("/live/new-home")),
        ("url", "https://github.com/new-owner/tool"),
        ("link 'mirror'", web.url("/live/new-home")),
    }


def test_cli_exit_codes_and_formats(web: Web, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    redirect_only = _list_of(tmp_path, [web.url("/moved"), web.url("/live/a")])
    base = ["--file", str(redirect_only), "check", "--links"]
    assert runner.invoke(app, base).exit_code == 0  # a redirect is a warning
    assert runner.invoke(app, [*base, "--strict"]).exit_code == 1
    data = json.loads(runner.invoke(app, [*base, "--json"]).output)
    assert data["counts"]["redirected"] == 1 and data["counts"]["ok"] == 1 and data["ok"] is True
    md = runner.invoke(app, [*base, "--format", "markdown"]).output
    assert md.startswith("# Link check") and "## Redirected (1)" in md and "| Entry | Line | Link | Details |" in md
    (tmp_path / "gone").mkdir()
    broken = _list_of(tmp_path / "gone", [web.url("/gone")])
    result = runner.invoke(app, ["--file", str(broken), "check", "--links", "--strict"])
    assert result.exit_code == 1 and "broken (1)" in result.output
    bad = runner.invoke(app, ["--file", str(broken), "check", "--strict"])
    assert bad.exit_code == 2 and "go with --links" in bad.output


def test_markdown_report_escapes_titles(web: Web, tmp_path: Path) -> None:
    lib = Library(sections=[Section("Other")])
    lib.entries = [Entry(kind="link", title="A | <b>bold</b> [x](y)", url=web.url("/moved"), section="Other")]
    path = tmp_path / "entries.toml"
    store.save(lib, path)
    md = links.run(path, _opts(tmp_path)).markdown()
    row = next(line for line in md.split("\n") if "bold" in line)
    assert "<b>" not in row and "\\|" in row and "\\[x\\]" in row


def test_no_page_reachable_at_all_is_no_network_not_broken_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LCLLM_HTTP_RETRIES", "0")
    path = _list_of(tmp_path, [f"http://127.0.0.1:9/page/{n}" for n in range(6)])
    report = links.run(path, _opts(tmp_path, strict=True))
    assert {r.verdict for r in report.results} == {"unknown"}
    assert any("no page could be reached" in note for note in report.notes)


def test_the_ci_workflow_uses_only_options_lcllm_has() -> None:
    import re

    from tests.paths import ROOT

    text = (ROOT / "docs" / "workflows" / "lcllm.yml").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*(?:- run: )?(lcllm [^\n>|]+)", text, re.MULTILINE)
    assert "lcllm check" in [c.strip() for c in commands]
    assert any(c.startswith("lcllm check --links") for c in commands)
    help_text = runner.invoke(app, ["check", "--help"]).output
    for command in commands:
        for option in re.findall(r"--[a-z-]+", command):
            assert option in help_text, (command, option)
    assert "~/.cache/lcllm" in text and "actions/cache" in text  # the history is kept between runs
    assert "gh issue create" in text and "gh issue edit" in text
