"""Link health: the offline lint of every ``lcllm check`` and the network check of ``lcllm check --links``.

:func:`lint` (no network) finds what a link's text gets wrong: spaces, trailing punctuation, unbalanced
parentheses, ``http`` where the site serves https (arXiv, GitHub, Hugging Face), empty and placeholder links, a
link given twice in one entry, anything that is not an http(s) URL. Each finding names the entry and its line in
``entries.toml``.

:func:`run` checks every link of the list over the network, each the way its kind allows, all through the run's
one :class:`~lcllm_cli.sources.http.HttpClient`:

* arXiv papers by the API, 100 ids a request (:func:`lcllm_cli.sources.arxiv.fetch`: existence, latest version);
* GitHub repositories: with a token 50 a query by GraphQL (:func:`lcllm_cli.sources.github.fetch_graphql`), the
  ones it cannot resolve (moved, renamed, gone) and all of them without a token by the REST API
  (:func:`lcllm_cli.sources.github.fetch_repos`: moved, renamed, archived, gone). When the REST quota cannot cover
  them, they are checked as pages;
* Hugging Face models, datasets and Spaces by the Hub API (:func:`lcllm_cli.sources.hf.fetch`);
* any other page with HEAD (GET when HEAD is refused with 400, 405 or 501, and to confirm a 403, 404 or 410),
  redirects followed one hop at a time
  (at most :data:`MAX_HOPS`), so a 301 is told from a 302.

Politeness: at most ``LCLLM_LINKS_PER_HOST`` (10, lychee's default) requests in flight to one host and
``LCLLM_LINKS_CONCURRENCY`` (48) in all, starts to one host at least ``LCLLM_LINKS_INTERVAL`` (0.05 s) apart,
429/503 retried after ``Retry-After``, a timeout per request and a deadline for the run (``LCLLM_LINKS_DEADLINE``,
10 minutes). Hosts are told apart by name, not port. Hosts that refuse robots (:data:`SKIP_HOSTS` and
``LCLLM_LINKS_SKIP``) are "not checked".

A link is reported broken only after it failed on ``LCLLM_LINKS_RUNS`` (2) runs at least ``LCLLM_LINKS_APART``
(1 day) apart (``strict``: one run); the history lives in ``<cache>/links/history.json``. Before that it is
"unknown", saying how many failing runs it has.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from lcllm_cli.config import env_number
from lcllm_cli.errors import LcllmError, NetworkError, UsageError
from lcllm_cli.urls import is_web_url

if TYPE_CHECKING:
    from lcllm_cli.model import Entry, Library
    from lcllm_cli.sources.http import Answer, HttpClient

# The verdicts, in the order reports show them.
BROKEN, BLOCKED, UNKNOWN, REDIRECTED, NOT_CHECKED, OK = (
    "broken",
    "blocked",
    "unknown",
    "redirected",
    "not checked",
    "ok",
)
VERDICTS = (BROKEN, BLOCKED, UNKNOWN, REDIRECTED, NOT_CHECKED, OK)

SKIP_HOSTS = ("x.com", "twitter.com", "linkedin.com", "scholar.google.com")  # they refuse robots whatever we do
DEFAULT_PER_HOST = 10
DEFAULT_CONCURRENCY = 48  # more threads cost more than they bring (measured: 128 took 3x as long as 48)
DEFAULT_INTERVAL = 0.05
DEFAULT_DEADLINE = 600.0
DEFAULT_RUNS = 2
DEFAULT_APART = 86400.0
MAX_HOPS = 5
PERMANENT = frozenset({301, 308})
TEMPORARY = frozenset({302, 303, 307})
HEAD_REFUSED = frozenset({400, 405, 501})
GONE = frozenset({404, 410})
# HEAD answers that GET is asked to confirm: HEAD refused, and the answers some servers give only to HEAD
GET_AFTER_HEAD = HEAD_REFUSED | GONE | {403}
WALLS = frozenset({401, 403, 999})
FORMER = "former URL"  # enrich's label for a moved repository's old address: checked, never fixed

_HTTPS_HOSTS = frozenset(
    {"arxiv.org", "www.arxiv.org", "export.arxiv.org", "github.com", "www.github.com", "huggingface.co"}
)
_PLACEHOLDERS = frozenset(
    {"#", "todo", "tbd", "tba", "...", "\u2026", "url", "link", "none", "n/a", "null", "http://", "https://",
     "coming soon", "soon", "xxx"}
)  # fmt: skip
_EXAMPLE_HOSTS = re.compile(r"(?:www\.)?example\.(?:com|org|net)$", re.IGNORECASE)
_TRAILING = ".,;:!?'\"]>*"
# The common case, a clean https URL on a host with a dot: none of the checks below can find anything in it.
_CLEAN = re.compile(
    r"https://(?!(?:www\.)?example\.)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\x00-\x20()<>\"'`\x7f\\]*)?"
)


# ============================================================================================ offline lint


@dataclass(slots=True)
class Finding:
    """Something wrong with one link's text, found without the network."""

    entry: int  # 1-based position in the list
    ident: str
    line: int | None  # the line of entries.toml holding the link (else the entry's header)
    url: str
    problem: str

    def to_dict(self) -> dict[str, object]:
        return {"entry": self.entry, "id": self.ident, "line": self.line, "url": self.url, "problem": self.problem}

    def summary(self, source: str) -> str:
        where = f"{source}:{self.line}" if self.line else source
        return f"{where}: entry #{self.entry} {self.ident}: {self.url!r}: {self.problem}"


def url_problems(url: str) -> list[str]:
    """What is wrong with the text of one link (empty when nothing is)."""
    if _CLEAN.fullmatch(url) and url[-1] not in _TRAILING:
        return []
    s = url.strip()
    if not s:
        return ["empty link"]
    if s.lower() in _PLACEHOLDERS:
        return ["placeholder link"]
    out: list[str] = []
    if any(c.isspace() for c in url):
        out.append("holds white space" if s == url else "white space around it")
    core = "".join(s.split())
    try:
        parts = urlsplit(core)
        host = (parts.hostname or "").lower()
    except ValueError:
        parts, host = None, ""
    if parts is not None and parts.scheme.lower() not in ("http", "https"):
        out.append("not an http(s) URL" + (" (no scheme)" if not parts.scheme else ""))
    elif not host:
        out.append("no host")
    if _EXAMPLE_HOSTS.fullmatch(host):
        out.append("placeholder link (example host)")
    if parts is not None and parts.scheme.lower() == "http" and host in _HTTPS_HOSTS:
        out.append(f"http:// where {host} serves https")
    if core.count("(") != core.count(")"):
        out.append("unbalanced parentheses")
    if core and core[-1] in _TRAILING:
        out.append(f"ends in {core[-1]!r} (punctuation after the link?)")
    elif core.endswith(")") and core.count("(") < core.count(")"):
        out.append("ends in ')' that opens nowhere")
    if not out and not is_web_url(s):
        out.append("not a link the export can write (quotes, angle brackets or control characters)")
    return out


def _entry_urls(entry: Entry) -> list[str]:
    urls = [entry.url] if entry.url is not None else []
    urls.extend(link.url for link in entry.links)
    if entry.citations and entry.citations.url is not None:
        urls.append(entry.citations.url)
    return urls


def lint(lib: Library, text: str | Callable[[], str | None] | None = None) -> list[Finding]:
    """Every offline finding about the links of ``lib``; ``text`` (the file's, or a function that reads it, called
    only when there is a finding) gives the lines."""
    from lcllm_cli.ids import may_name_arxiv, try_parse_arxiv_id
    from lcllm_cli.urls import url_key

    places = _Places(text, len(lib.entries))
    found: list[Finding] = []
    for i, entry in enumerate(lib.entries):
        seen: dict[str, str] = {}
        urls = _entry_urls(entry)
        for url in urls:
            for problem in url_problems(url):
                found.append(Finding(i + 1, entry.ident, places.line(i, url), url, problem))
            if not url.strip():
                continue
            key = url_key(url) if len(urls) > 1 else url
            if key in seen:
                found.append(Finding(i + 1, entry.ident, places.line(i, url, last=True), url, "repeated in this entry"))
            seen.setdefault(key, url)
            if entry.arxiv and url != (entry.citations.url if entry.citations else None) and may_name_arxiv(url):
                parsed = try_parse_arxiv_id(url)
                if parsed is not None and parsed.id == entry.arxiv and "arxiv.org" in url.lower():
                    found.append(
                        Finding(
                            i + 1,
                            entry.ident,
                            places.line(i, url),
                            url,
                            f"repeats the paper's own arXiv link (the export writes arxiv/pdf links for {entry.arxiv})",
                        )
                    )
    return found


class _Places:
    """Lines of entries and of the links inside them, from the file's text."""

    def __init__(self, text: str | Callable[[], str | None] | None, count: int) -> None:
        self._text = text
        self._count = count
        self._heads: list[tuple[int, int]] | None = None  # worked out on the first question: most lists have none
        self.text = ""

    @property
    def heads(self) -> list[tuple[int, int]]:
        """(line, offset) of each entry's header; empty when the text cannot tell them."""
        if self._heads is None:
            from lcllm_cli.store import entry_heads

            text = self._text() if callable(self._text) else self._text
            heads = entry_heads(text) if text is not None else []
            self._heads = heads if len(heads) == self._count else []
            self.text = text or ""
        return self._heads

    def head(self, i: int) -> int | None:
        return self.heads[i][0] if self.heads else None

    def line(self, i: int, url: str, *, last: bool = False) -> int | None:
        """The line of ``url`` inside entry ``i`` (its last mention with ``last``), else the entry's header."""
        from lcllm_cli.store import toml_str

        heads = self.heads
        if not heads:
            return None
        head, start = heads[i]
        end = heads[i + 1][1] if i + 1 < len(heads) else len(self.text)
        quoted = toml_str(url)  # (no line break in it: written on one line)
        at = self.text.rfind(quoted, start, end) if last else self.text.find(quoted, start, end)
        return head if at < 0 else head + self.text.count("\n", start, at)


# ============================================================================================ settings


@dataclass(slots=True)
class LinkOptions:
    """How ``check --links`` runs. :meth:`from_env` reads the ``LCLLM_LINKS_*`` variables."""

    strict: bool = False
    per_host: int = DEFAULT_PER_HOST
    concurrency: int = DEFAULT_CONCURRENCY
    interval: float = DEFAULT_INTERVAL
    deadline: float = DEFAULT_DEADLINE  # seconds for the whole run
    timeout: float | None = None  # per request (None: LCLLM_HTTP_TIMEOUT)
    skip: tuple[str, ...] = SKIP_HOSTS
    runs: int = DEFAULT_RUNS
    apart: float = DEFAULT_APART
    fix: bool = False
    dry_run: bool = False
    history: Path | None = None  # default: <cache>/links/history.json
    now: float | None = None  # the run's wall-clock time (tests)

    @classmethod
    def from_env(cls, **given: Any) -> LinkOptions:
        from lcllm_cli.sources.http import parse_duration

        extra = tuple(h.strip().lower() for h in _env_text("LCLLM_LINKS_SKIP").split(",") if h.strip())
        opts = cls(
            per_host=int(env_number("LCLLM_LINKS_PER_HOST", DEFAULT_PER_HOST, integer=True, positive=True)),
            concurrency=int(env_number("LCLLM_LINKS_CONCURRENCY", DEFAULT_CONCURRENCY, integer=True, positive=True)),
            interval=env_number("LCLLM_LINKS_INTERVAL", DEFAULT_INTERVAL, unit="seconds"),
            deadline=env_number("LCLLM_LINKS_DEADLINE", DEFAULT_DEADLINE, parse=parse_duration, positive=True),
            runs=int(env_number("LCLLM_LINKS_RUNS", DEFAULT_RUNS, integer=True, positive=True)),
            apart=env_number("LCLLM_LINKS_APART", DEFAULT_APART, parse=parse_duration),
            skip=SKIP_HOSTS + extra,
        )
        for name, value in given.items():
            if value is not None:
                setattr(opts, name, value)
        return opts


def _env_text(name: str) -> str:
    import os

    return os.environ.get(name, "")


def skipped(url: str, hosts: Iterable[str]) -> bool:
    """True when ``url``'s host is one of ``hosts`` or under one (``www.linkedin.com``)."""
    from urllib.parse import urlsplit

    try:
        host = (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return False
    return any(host == h or host.endswith("." + h) for h in hosts)


# ============================================================================================ results


@dataclass(slots=True)
class Place:
    entry: int  # 1-based
    ident: str
    title: str
    line: int | None

    def to_dict(self) -> dict[str, object]:
        return {"entry": self.entry, "id": self.ident, "title": self.title, "line": self.line}


@dataclass(slots=True)
class LinkResult:
    """What one URL of the list came to."""

    url: str
    kind: str  # arxiv, github, hf, page
    verdict: str = UNKNOWN
    status: int | None = None  # the last HTTP status seen
    detail: str = ""
    target: str | None = None  # where a redirect ends, or the canonical address
    permanent: bool | None = None  # a redirect: all hops permanent (301/308)
    fix: str | None = None  # the address --fix writes instead (certain verdicts only)
    failures: int = 0  # failing runs counted by the history
    places: list[Place] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "url": self.url,
            "kind": self.kind,
            "verdict": self.verdict,
            "status": self.status,
            "detail": self.detail,
            "target": self.target,
            "permanent": self.permanent,
            "fix": self.fix,
            "failures": self.failures,
            "places": [p.to_dict() for p in self.places],
        }


@dataclass(slots=True)
class Fix:
    entry: int
    ident: str
    field: str
    old: str
    new: str

    def to_dict(self) -> dict[str, object]:
        return {"entry": self.entry, "id": self.ident, "field": self.field, "old": self.old, "new": self.new}


@dataclass(slots=True)
class LinksReport:
    entries_file: str
    strict: bool = False
    results: list[LinkResult] = field(default_factory=list)
    requests: int = 0
    peak_per_host: dict[str, int] = field(default_factory=dict)
    per_host: int = DEFAULT_PER_HOST
    seconds: float = 0.0
    fixes: list[Fix] = field(default_factory=list)
    diff: list[str] = field(default_factory=list)
    fixed: bool = False  # the fixes were written
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)  # a service that failed as a whole, a fallback taken
    findings: list[Finding] = field(default_factory=list)  # the offline lint's, found before the network

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(VERDICTS, 0)
        for r in self.results:
            out[r.verdict] += 1
        return out

    def by_verdict(self, verdict: str) -> list[LinkResult]:
        return [r for r in self.results if r.verdict == verdict]

    @property
    def ok(self) -> bool:
        """False (exit 1) when a link is broken; with ``strict`` also when one is redirected or unknown."""
        bad = {BROKEN, REDIRECTED, UNKNOWN} if self.strict else {BROKEN}
        return not self.findings and not any(r.verdict in bad for r in self.results)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "entries_file": self.entries_file,
            "strict": self.strict,
            "counts": self.counts(),
            "links": [r.to_dict() for r in self.results],
            "requests": self.requests,
            "peak_per_host": self.peak_per_host,
            "per_host_limit": self.per_host,
            "seconds": round(self.seconds, 3),
            "fixes": [f.to_dict() for f in self.fixes],
            "fixed": self.fixed,
            "dry_run": self.dry_run,
            "diff": self.diff,
            "notes": self.notes,
            "findings": [f.to_dict() for f in self.findings],
        }

    def markdown(self) -> str:
        """The report as Markdown, ready to paste into a GitHub issue (text from outside escaped)."""
        counts = self.counts()
        lines = [
            "# Link check",
            "",
            f"`{_md(self.entries_file)}`: {len(self.results)} links checked in {self.seconds:.0f} s "
            f"({self.requests} requests). " + ", ".join(f"{n} {v}" for v, n in counts.items() if n) + ".",
            "",
        ]
        lines += [f"> {_md(note)}" for note in self.notes] + ([""] if self.notes else [])
        if self.findings:
            lines += [
                f"## Malformed ({len(self.findings)})",
                "",
                "| Entry | Line | Link | Problem |",
                "|---|---|---|---|",
            ]
            lines += [
                f"| {_md(f.ident)} | {f.line or ''} | {_md(repr(f.url))} | {_md(f.problem)} |" for f in self.findings
            ]
            lines.append("")
        for verdict in VERDICTS:
            if verdict == OK or not counts[verdict]:
                continue
            lines += [f"## {verdict.capitalize()} ({counts[verdict]})", "", "| Entry | Line | Link | Details |"]
            lines.append("|---|---|---|---|")
            for r in self.by_verdict(verdict):
                for p in r.places:
                    lines.append(f"| {_md(p.title)} | {p.line or ''} | <{_md_url(r.url)}> | {_md(_details(r))} |")
            lines.append("")
        if self.fixes:
            lines += ["## Fixes" + (" (not written: dry run)" if not self.fixed else ""), "", "```diff"]
            lines += [d.replace("```", "`\u200b``") for d in self.diff]
            lines += ["```", ""]
        return "\n".join(lines)


def _details(r: LinkResult) -> str:
    parts = [r.detail] if r.detail else []
    if r.target and r.verdict == REDIRECTED:
        parts.append(f"{'permanent' if r.permanent else 'temporary'} -> {r.target}")
    if r.fix:
        parts.append(f"--fix writes {r.fix}")
    return "; ".join(parts)


def details(r: LinkResult) -> str:
    """One line on what the check found, for tables."""
    return _details(r)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _md_url(url: str) -> str:
    return re.sub(r"[\s<>|]", lambda m: f"%{ord(m.group(0)):02X}", url)


# ============================================================================================ history


class History:
    """Failing runs per URL: ``{url: [time of each failing run counted]}``. A run counts when it is at least
    ``apart`` seconds after the last one counted; a link seen ok (or redirected) starts afresh."""

    def __init__(self, path: Path | None = None) -> None:
        from lcllm_cli.files import cache_dir

        self.path = path or cache_dir() / "links" / "history.json"
        self.data: dict[str, list[float]] = {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        if isinstance(raw, dict):
            for url, times in raw.get("failures", {}).items():
                if isinstance(times, list) and all(isinstance(t, int | float) for t in times):
                    self.data[str(url)] = [float(t) for t in times]

    def observe(self, url: str, failed: bool | None, now: float, apart: float) -> int:
        """Record this run's outcome (``None``: no evidence either way) and return the failing runs counted."""
        times = self.data.get(url, [])
        if failed is None:
            return len(times)
        if not failed:
            self.data.pop(url, None)
            return 0
        if not times or now - times[-1] >= apart:
            times = [*times, now]
            self.data[url] = times
        return len(times)

    def save(self) -> None:
        from lcllm_cli.files import replace_file

        text = json.dumps({"version": 1, "failures": self.data}, indent=0, sort_keys=True)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            replace_file(self.path, text + "\n", durable=False)
        except OSError as exc:
            import sys

            print(f"warning: cannot keep the link history in {self.path}: {exc.strerror or exc}", file=sys.stderr)


# ============================================================================================ the check


@dataclass(slots=True)
class _Work:
    results: dict[str, LinkResult] = field(default_factory=dict)  # url -> result
    arxiv: dict[str, list[str]] = field(default_factory=dict)  # canonical id -> urls
    github: dict[str, tuple[tuple[str, str], list[str]]] = field(default_factory=dict)  # repo key -> (repo, urls)
    hf: dict[str, list[str]] = field(default_factory=dict)  # "models/owner/name" -> urls
    pages: list[str] = field(default_factory=list)


def collect(lib: Library, text: str | None, opts: LinkOptions) -> _Work:
    """Every URL of the list with where it stands, sorted by the way it is checked."""
    from lcllm_cli.ids import is_mirror_url, may_name_arxiv, try_parse_arxiv_id
    from lcllm_cli.sources.github import repo_key
    from lcllm_cli.sources.things import recognise
    from lcllm_cli.urls import github_repo, is_web_url

    work = _Work()
    places = _Places(text, len(lib.entries))

    def add(url: str, kind: str, place: Place) -> LinkResult | None:
        known = work.results.get(url)
        if known is not None:
            known.places.append(place)
            return None
        work.results[url] = result = LinkResult(url, kind, places=[place])
        return result

    for i, entry in enumerate(lib.entries):
        if entry.arxiv:
            url = f"https://arxiv.org/abs/{entry.arxiv}"
            if add(url, "arxiv", Place(i + 1, entry.ident, entry.title, places.head(i))):
                work.arxiv.setdefault(entry.arxiv, []).append(url)
        for url in _entry_urls(entry):
            place = Place(i + 1, entry.ident, entry.title, places.line(i, url))
            if not is_web_url(url.strip()):
                if (r := add(url, "page", place)) is not None:
                    r.verdict, r.detail = NOT_CHECKED, "not a web URL (see `lcllm check`)"
                continue
            if skipped(url, opts.skip):
                if (r := add(url, "page", place)) is not None:
                    r.verdict, r.detail = NOT_CHECKED, "the host refuses robots"
                continue
            parsed = try_parse_arxiv_id(url) if may_name_arxiv(url) and not is_mirror_url(url) else None
            repo = github_repo(url)
            thing = recognise(url) if parsed is None and repo is None else None
            if parsed is not None:
                if add(url, "arxiv", place):
                    work.arxiv.setdefault(parsed.id, []).append(url)
            elif repo is not None:
                if add(url, "github", place):
                    work.github.setdefault(repo_key(*repo), (repo, []))[1].append(url)
            elif thing is not None and thing.kind == "hf":
                if add(url, "hf", place):
                    work.hf.setdefault(thing.key, []).append(url)
            elif add(url, "page", place):
                work.pages.append(url)
    return work


def _unknown_all(results: Iterable[LinkResult], why: str) -> None:
    for r in results:
        if r.verdict == UNKNOWN and not r.detail:
            r.detail = why


def _check_arxiv(work: _Work, client: HttpClient, notes: list[str]) -> None:
    from lcllm_cli.ids import try_parse_arxiv_id
    from lcllm_cli.sources import arxiv

    if not work.arxiv:
        return
    ids = [aid for i in work.arxiv if (aid := try_parse_arxiv_id(i)) is not None]
    got = arxiv.fetch(ids, config=arxiv.ArxivConfig.from_env(timeout=client.config.timeout), http=client)
    missing = set(got.missing)
    for aid, urls in work.arxiv.items():
        for url in urls:
            r = work.results[url]
            if aid in got.entries:
                paper = got.entries[aid]
                r.verdict, r.status = OK, 200
                asked = try_parse_arxiv_id(url)
                if asked and asked.version and paper.version and asked.version < paper.version:
                    r.detail = f"v{paper.version} is the latest version"
            elif aid in missing:
                r.verdict, r.status, r.detail = BROKEN, None, "arXiv has no such paper"
            else:
                r.detail = f"arXiv: {got.error.message}" if got.error else "arXiv did not answer"
    if got.error:
        notes.append(f"arXiv: {got.error.message}")


def _canonical_github(url: str, owner: str, name: str) -> str:
    """``url`` with its owner/name as GitHub spells them now (the rest of the URL kept)."""
    from lcllm_cli.urls import _GITHUB_REPO

    m = _GITHUB_REPO.match(url.strip())
    if m is None:
        return f"https://github.com/{owner}/{name}"
    return url[: m.start("owner")] + f"{owner}/{name}" + url[m.end("name") :]


def _check_github(work: _Work, client: HttpClient, notes: list[str]) -> list[str]:
    """Check the repositories by the API; returns the URLs left to check as pages (quota used up)."""
    from lcllm_cli.sources import github
    from lcllm_cli.sources.http import RateLimitError

    if not work.github:
        return []
    # With a token, GraphQL answers 50 repositories a query; what it cannot resolve under the name asked (moved,
    # renamed, gone: GraphQL follows no renames) is asked by REST, which answers a moved repository with a 301.
    graph = github.fetch_graphql([repo for repo, _ in work.github.values()], client)
    if graph.error is not None:
        notes.append(f"GitHub GraphQL: {graph.error.message}: those repositories were asked one by one")
    rest = [work.github[key][0] for key in graph.unresolved]
    got = github.RepoResult()
    noted = False
    try:
        if rest:
            github.check_quota(client, len(github.uncached(client, rest)))
            got = github.fetch_repos(rest, client)
    except RateLimitError as exc:
        notes.append(f"{exc.message}: the repositories were checked as pages instead")
        got.error, noted = exc, True
    except NetworkError as exc:
        notes.append(f"GitHub: {exc.message}: the repositories were checked as pages instead")
        got.error, noted = exc, True
    infos = {**graph.repos, **got.repos}
    left: list[str] = []
    for key, ((owner, name), urls) in work.github.items():
        info = infos.get(key)
        for url in urls:
            r = work.results[url]
            r.kind = "github"
            if info is not None:
                r.status = 200
                if (owner.lower(), name.lower()) != (info.owner.lower(), info.name.lower()):
                    r.verdict, r.permanent = REDIRECTED, True
                    r.target = r.fix = _canonical_github(url, info.owner, info.name)
                    r.detail = f"moved to {info.owner}/{info.name}"
                else:
                    r.verdict = OK
                    if (owner, name) != (info.owner, info.name):
                        r.fix = _canonical_github(url, info.owner, info.name)
                        r.detail = f"GitHub spells it {info.owner}/{info.name}"
                if info.archived:
                    r.detail = "; ".join(filter(None, [r.detail, "archived"]))
            elif key in got.missing:
                status = got.statuses.get(key, 404)
                r.status = status
                if status in GONE:
                    r.verdict, r.detail = BROKEN, "GitHub has no such repository"
                else:
                    r.verdict, r.detail = BLOCKED, f"GitHub answered HTTP {status}"
            else:
                left.append(url)
    if got.error is not None and left and not noted:
        notes.append(f"GitHub: {got.error.message}: {len(left)} repositories were checked as pages instead")
    return left


def _check_hf(work: _Work, client: HttpClient, notes: list[str]) -> None:
    from lcllm_cli.sources import hf

    if not work.hf:
        return
    got = hf.fetch(list(work.hf), client)
    for key, urls in work.hf.items():
        info = got.repos.get(key)
        asked = key.split("/", 1)[1]
        for url in urls:
            r = work.results[url]
            if info is not None:
                r.status = 200
                if info.id.lower() != asked.lower():
                    r.verdict, r.permanent, r.target = REDIRECTED, True, info.url
                    r.detail = f"the Hub names it {info.id}"
                    if url.rstrip("/").lower() == f"https://huggingface.co/{key.removeprefix('models/')}".lower():
                        r.fix = info.url
                else:
                    r.verdict = OK
            elif key in got.missing:
                r.verdict, r.detail = BROKEN, "the Hub has no such repository (or it is private)"
            else:
                r.detail = f"Hugging Face: {got.error.message}" if got.error else "the Hub did not answer"
    if got.error:
        notes.append(f"Hugging Face: {got.error.message}")


_ACCEPT = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"}


def _ask(client: HttpClient, url: str) -> Answer:
    """HEAD ``url`` (GET, reading one byte, where HEAD is refused or answers 403, 404 or 410: some servers answer
    HEAD so and GET fine), redirects left to the caller."""
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url
    answer = client.request("HEAD", url, service=host, headers=_ACCEPT, follow_redirects=False)
    if answer.status in GET_AFTER_HEAD:
        answer = client.request("GET", url, service=host, headers=_ACCEPT, follow_redirects=False, prefix=1)
    return answer


def check_page(client: HttpClient, url: str) -> LinkResult:
    """One page's verdict: redirects followed one hop at a time (at most :data:`MAX_HOPS`)."""
    import httpx

    from lcllm_cli.sources.http import RateLimitError, RequestFailed

    r = LinkResult(url, "page")
    current, seen, hops = url.strip(), {url.strip()}, []
    try:
        for _ in range(MAX_HOPS + 1):
            answer = _ask(client, current)
            r.status = answer.status
            location = answer.headers.get("location")
            if answer.status not in PERMANENT | TEMPORARY or not location:
                break
            nxt = str(httpx.URL(current).join(location))
            hops.append((answer.status, nxt))
            if nxt in seen:
                r.verdict, r.detail = BROKEN, f"redirect loop ({len(hops)} hops back to {nxt})"
                return r
            seen.add(nxt)
            current = nxt
        else:
            r.verdict, r.detail = UNKNOWN, f"more than {MAX_HOPS} redirects"
            return r
    except RequestFailed as exc:
        r.status = exc.status
        if exc.failure == "connect":
            r.verdict, r.detail = BROKEN, _reason(exc.message)
        elif exc.failure == "status" and exc.status in WALLS:
            r.verdict, r.detail = BLOCKED, f"HTTP {exc.status} after retries"
        elif exc.failure == "deadline":
            r.verdict, r.detail = UNKNOWN, "not checked before the run's deadline"
        else:
            r.verdict, r.detail = UNKNOWN, _reason(exc.message)
        return r
    except RateLimitError as exc:
        r.verdict, r.detail = UNKNOWN, _reason(exc.message)
        return r
    except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError) as exc:
        r.verdict, r.detail = BROKEN, f"not a URL httpx can ask ({str(exc)[:80]})"
        return r
    except LcllmError as exc:
        r.verdict, r.detail = UNKNOWN, _reason(exc.message)
        return r
    status = r.status or 0
    via = f" (via {len(hops)} redirect{'s' if len(hops) != 1 else ''})" if hops else ""
    if 200 <= status < 300:
        if hops:
            r.verdict, r.target = REDIRECTED, current
            r.permanent = all(s in PERMANENT for s, _ in hops)
            lead = [u for s, u in _leading_permanent(hops)]
            r.fix = lead[-1] if lead and r.permanent else None
            if lead and not r.permanent:
                r.detail = f"permanent first, to {lead[-1]}, then temporary"
        else:
            r.verdict = OK
    elif status in GONE:
        r.verdict, r.detail = BROKEN, f"HTTP {status}{via}"
    elif status in WALLS:
        r.verdict, r.detail = BLOCKED, f"HTTP {status}{via} (a bot wall?)"
    else:
        r.verdict, r.detail = UNKNOWN, f"HTTP {status}{via}"
    if hops and r.verdict != REDIRECTED:
        r.target = current
    return r


def _leading_permanent(hops: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out = []
    for status, url in hops:
        if status not in PERMANENT:
            break
        out.append((status, url))
    return out


def _reason(message: str) -> str:
    return message.split(": ", 1)[1] if ": " in message else message


def _failed(r: LinkResult) -> bool | None:
    """What this run says for the history: True (failed), False (works), None (no evidence)."""
    if r.verdict == BROKEN:
        return True
    if r.verdict in (OK, REDIRECTED):
        return False
    return None


def check(lib: Library, text: str | None, opts: LinkOptions, report: LinksReport) -> None:
    """Check every link of ``lib`` into ``report`` (verdicts after the history rule)."""
    from concurrent.futures import ThreadPoolExecutor

    from lcllm_cli.sources.http import HttpClient, HttpConfig

    started = time.monotonic()
    work = collect(lib, text, opts)
    config = HttpConfig.from_env(ttl=0.0, timeout=opts.timeout, budget=None)  # the run's deadline is its own
    config.concurrency = opts.concurrency
    config.per_host = opts.per_host
    config.host_interval = opts.interval
    config.deadline = started + opts.deadline
    notes = report.notes
    with HttpClient(config) as client:
        with ThreadPoolExecutor(max_workers=3, thread_name_prefix="lcllm-links") as pool:
            services = [
                pool.submit(_check_arxiv, work, client, notes),
                pool.submit(_check_github, work, client, notes),
                pool.submit(_check_hf, work, client, notes),
            ]
            pages = _pages(client, work, work.pages)
            left = [f.result() for f in services][1] or []
        if left:
            pages += _pages(client, work, left)
        report.requests = client.requests
        report.peak_per_host = dict(sorted(client.peak_per_host.items()))
    attempted = [r for r in pages if r.verdict != NOT_CHECKED]
    if len(attempted) >= 5 and all(r.verdict == BROKEN and r.status is None for r in attempted):
        for r in attempted:
            r.verdict, r.detail = UNKNOWN, f"{r.detail} (no page could be reached at all: is the network up?)"
        notes.append("no page could be reached at all: their verdicts are unknown, not broken")
    _unknown_all(work.results.values(), "not checked")
    history = History(opts.history)
    now = opts.now if opts.now is not None else time.time()
    need = 1 if opts.strict else opts.runs
    for r in work.results.values():
        if r.verdict == NOT_CHECKED:
            continue
        r.failures = history.observe(r.url, _failed(r), now, opts.apart)
        if r.verdict == BROKEN and r.failures < need:
            r.verdict = UNKNOWN
            r.fix = None
            r.detail = (
                f"{r.detail}: failed on {r.failures} of the {need} runs at least {_duration(opts.apart)} apart "
                "needed to call it broken"
            )
    history.save()
    report.results = sorted(work.results.values(), key=lambda r: (VERDICTS.index(r.verdict), r.places[0].entry))
    report.seconds = time.monotonic() - started


def _pages(client: HttpClient, work: _Work, urls: list[str]) -> list[LinkResult]:
    out = []
    for url, got in zip(urls, client.gather(lambda u: check_page(client, u), urls), strict=True):
        r = work.results[url]
        if isinstance(got, LcllmError):
            r.verdict, r.detail = UNKNOWN, got.message
        else:
            r.verdict, r.status, r.detail = got.verdict, got.status, got.detail
            r.target, r.permanent, r.fix = got.target, got.permanent, got.fix
        out.append(r)
    return out


def _duration(seconds: float) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{seconds:g} s"


# ============================================================================================ --fix


def apply_fixes(target: Library, fixes: dict[str, str], report: LinksReport) -> None:
    """Rewrite every URL of ``target`` that ``fixes`` maps to a new one (never a ``former URL`` link), recording
    each change and the diff of entries.toml."""
    import difflib

    from lcllm_cli import store

    before = store.dumps(target).split("\n")
    for i, entry in enumerate(target.entries):
        if entry.url in fixes:
            report.fixes.append(Fix(i + 1, entry.ident, "url", entry.url, fixes[entry.url]))
            entry.url = fixes[entry.url]
        for link in entry.links:
            if link.url in fixes and link.label != FORMER:
                report.fixes.append(Fix(i + 1, entry.ident, f"link {link.label!r}", link.url, fixes[link.url]))
                link.url = fixes[link.url]
        if entry.citations and entry.citations.url in fixes:
            old = entry.citations.url
            report.fixes.append(Fix(i + 1, entry.ident, "citations url", old, fixes[old]))  # type: ignore[index]
            entry.citations.url = fixes[old]  # type: ignore[index]
    after = store.dumps(target).split("\n")
    name = report.entries_file
    report.diff = list(difflib.unified_diff(before, after, f"{name} (now)", f"{name} (fixed)", lineterm="", n=1))


def run(path: Path, opts: LinkOptions | None = None, *, progress: Callable[[str], None] | None = None) -> LinksReport:
    """Check the links of the list at ``path``; with ``opts.fix``, rewrite the permanent redirects and GitHub's
    canonical names in one write (``opts.dry_run``: only the diff)."""
    from lcllm_cli import store
    from lcllm_cli.commands.workflow import fetch_then_apply

    opts = opts or LinkOptions.from_env()
    if opts.per_host < 1 or opts.concurrency < 1:
        raise UsageError("the request limits must be 1 or more")
    report = LinksReport(str(path), strict=opts.strict, per_host=opts.per_host, dry_run=opts.dry_run)

    def fetch(lib: Library) -> dict[str, str]:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = None
        report.findings = lint(lib, text)
        check(lib, text, opts, report)
        return {r.url: r.fix for r in report.results if r.fix and r.verdict in (OK, REDIRECTED) and r.fix != r.url}

    if not opts.fix:
        fetch(store.load(path))
        return report
    fetch_then_apply(
        path,
        fetch,
        lambda target, fixes: apply_fixes(target, fixes, report),
        dry_run=opts.dry_run,
        worth_writing=bool,
    )
    report.fixed = bool(report.fixes) and not opts.dry_run
    return report
