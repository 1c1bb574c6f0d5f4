"""``lcllm enrich``: citation counts from Semantic Scholar, stars and canonical names from GitHub.

The work runs in three steps, so the list is locked only while it is written:

1. *plan*: read the list and collect what to ask (papers by arXiv id, else DOI; GitHub repositories of project and
   link entries and of repository links on any entry);
2. *fetch*: ask the services through one :class:`~lcllm_cli.sources.http.HttpClient` (cache first). Before any
   request, the GitHub quota is checked against the repositories that need one: a run that would not fit stops
   before it starts, with nothing changed;
3. *apply*: lock, re-read, apply the answers to the entries that still match, write once.

What is written:

* papers: ``citations = {count, source = "Semantic Scholar", url = <paper page>, date = <today>}``. A paper
  Semantic Scholar does not know, or has no count for, keeps whatever it had (an unknown count is never stored);
* project and link entries whose URL is a GitHub repository: ``stars``, ``stars_date``, ``archived`` (set and
  cleared), ``description`` only when the entry has none (a curator's text is never replaced), ``url`` and
  ``owner`` in GitHub's canonical spelling when the repository was renamed or the URL used other letter case
  (``owner`` only when it was empty or named the URL's owner);
* repository links on any entry: the link's ``stars`` and canonical ``url`` (its label too, when the label was
  the old repository name).

Dates (``citations.date``, ``stars_date``) change only when the value they date changes, so a rerun that learns
nothing new leaves the file byte-identical.

When a service fails partway, the answers received before are applied and written, and the error is returned in
:attr:`EnrichReport.errors` for the command to report after the summary.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lcllm_cli.errors import LcllmError, UsageError
from lcllm_cli.model import Citations, Entry, Library, Link

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Change:
    """One field of one entry that changed (or would, with ``--dry-run``)."""

    ident: str
    field: str
    old: Any
    new: Any

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.ident, "field": self.field, "old": self.old, "new": self.new}


@dataclass(slots=True)
class EnrichReport:
    dry_run: bool = False
    papers: int = 0  # papers asked about
    repos: int = 0  # distinct repositories asked about
    changes: list[Change] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # papers without a Semantic Scholar count
    missing_repos: list[str] = field(default_factory=list)  # repositories GitHub does not know
    requests: int = 0
    cache_hits: int = 0
    errors: list[LcllmError] = field(default_factory=list)  # a failed service; what came before still counts

    @property
    def error(self) -> LcllmError | None:
        return self.errors[0] if self.errors else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "papers": self.papers,
            "repositories": self.repos,
            "changes": [c.to_dict() for c in self.changes],
            "unknown_citations": self.unknown,
            "missing_repositories": self.missing_repos,
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "errors": [e.message for e in self.errors],
        }


# --------------------------------------------------------------------------------------------- plan


def s2_id(entry: Entry) -> str | None:
    """How Semantic Scholar's batch endpoint names the paper: ``ARXIV:<id>``, else ``DOI:<doi>``."""
    if entry.kind != "paper":
        return None
    if entry.arxiv:
        return f"ARXIV:{entry.arxiv}"
    if entry.doi:
        return f"DOI:{entry.doi}"
    return None


def entry_repo(entry: Entry) -> tuple[str, str] | None:
    """The GitHub repository a project or link entry is about, if its URL is one."""
    from lcllm_cli.urls import github_repo

    if entry.kind in ("project", "link") and entry.url:
        return github_repo(entry.url)
    return None


FORMER = "former URL"


def link_repos(entry: Entry) -> list[tuple[Link, tuple[str, str]]]:
    from lcllm_cli.urls import github_repo

    out = []
    for link in entry.links:
        if link.label == FORMER:  # a moved repository's old address: kept as it was
            continue
        repo = github_repo(link.url)
        if repo is not None:
            out.append((link, repo))
    return out


def select(lib: Library, idents: list[str] | None, *, strict: bool = True) -> list[int]:
    """Indexes of the entries to work on: all, or those named (an unknown name is an error before any work).

    With ``strict=False`` (applying answers to a list re-read under the lock) a name no longer there is skipped.
    """
    if not idents:
        return list(range(len(lib.entries)))
    from lcllm_cli.errors import NotFoundError

    chosen: dict[int, None] = {}
    missing = []
    for ident in idents:
        found = lib.find(ident)
        if not found:
            missing.append(ident)
        chosen.update(dict.fromkeys(found))
    if missing and strict:
        raise NotFoundError(
            f"not in the list: {', '.join(missing)}", hint="`lcllm list --search TEXT` finds entries by title"
        )
    return sorted(chosen)


# --------------------------------------------------------------------------------------------- apply


def _today() -> str:
    return datetime.date.today().isoformat()


def apply_citations(entry: Entry, count: int, paper_id: str | None, today: str) -> list[Change]:
    """Store a Semantic Scholar count on ``entry``; return the change (none when it already says so)."""
    from lcllm_cli.sources.s2 import SERVICE, paper_page

    url = paper_page(paper_id) if paper_id else None
    old = entry.citations
    if old is not None and (old.count, old.source, old.url) == (count, SERVICE, url):
        return []
    entry.citations = Citations(count=count, source=SERVICE, url=url, date=today)
    before = f"{old.count} ({old.source})" if old else None
    changes = [Change(entry.ident, "citations", before, f"{count} ({SERVICE})")]
    if old is not None and old.url and old.url != url and all(lk.url != old.url for lk in entry.links):
        # the count's old page (a Google Scholar link the list had) stays in the list, as a link
        entry.links.append(Link(f"citations ({old.source})", old.url))
        changes.append(Change(entry.ident, "links", None, old.url))
    return changes


def apply_repo_to_entry(entry: Entry, asked: tuple[str, str], info: Any, today: str) -> list[Change]:
    """Stars, archived flag, empty description, canonical URL and owner for a project or link entry."""

    ident = entry.ident
    changes: list[Change] = []
    if entry.stars != info.stars:
        changes.append(Change(ident, "stars", entry.stars, info.stars))
        entry.stars = info.stars
        entry.stars_date = today
    elif entry.stars_date is None:
        changes.append(Change(ident, "stars_date", None, today))
        entry.stars_date = today
    if entry.archived != info.archived:
        changes.append(Change(ident, "archived", entry.archived, info.archived))
        entry.archived = info.archived
    if not (entry.description or "").strip() and info.description:
        changes.append(Change(ident, "description", entry.description, info.description))
        entry.description = info.description
    if entry.url and _moved(entry.url, info):
        changes.append(Change(ident, "url", entry.url, info.url))
        _keep_former(entry, entry.url)
        entry.url = info.url
    if entry.owner is None or (  # the owner as written stays, unless the repository moved to another owner
        entry.owner.lower() == asked[0].lower() != info.owner.lower()
    ):
        changes.append(Change(ident, "owner", entry.owner, info.owner))
        entry.owner = info.owner
    return changes


def _keep_former(entry: Entry, url: str) -> None:
    """A URL enrich replaces (the repository moved) stays in the list, as a link ``former URL`` (issue 13: nothing
    enrich does removes a URL); GitHub redirects it, and the curator may remove it with ``lcllm edit``."""
    if all(lk.url != url for lk in entry.links):
        entry.links.append(Link(FORMER, url, no_badge=True))


def _moved(url: str, info: Any) -> bool:
    """The repository was renamed or moved (not only spelled in another letter case): its URL is updated (the
    former one kept as a link). A URL
    that names the repository as GitHub does, in any letter case and form (``/tree/...``, ``?tab=``), stays as
    written."""
    from lcllm_cli.urls import github_repo

    repo = github_repo(url)
    return repo is None or (repo[0].lower(), repo[1].lower()) != (info.owner.lower(), info.name.lower())


def apply_repo_to_link(entry: Entry, link: Link, asked: tuple[str, str], info: Any) -> list[Change]:
    """Stars and canonical URL (and a label that was the old repository name) for a repository link."""

    where = f"link {link.label!r}"
    changes: list[Change] = []
    if link.stars != info.stars:
        changes.append(Change(entry.ident, f"{where} stars", link.stars, info.stars))
        link.stars = info.stars
    if _moved(link.url, info):
        changes.append(Change(entry.ident, f"{where} url", link.url, info.url))
        former, link.url = link.url, info.url
        _keep_former(entry, former)
        if link.label == asked[1] and info.name.lower() != asked[1].lower():  # renamed, not just re-cased
            changes.append(Change(entry.ident, f"{where} label", link.label, info.name))
            link.label = info.name
    return changes


# --------------------------------------------------------------------------------------------- the command


def run(
    path: Path,
    *,
    citations: bool = True,
    stars: bool = True,
    idents: list[str] | None = None,
    config: Any = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: str | None = None,
) -> EnrichReport:
    """Fetch citation counts and/or repository facts for the list at ``path`` and store them (one write).

    ``config`` is an :class:`~lcllm_cli.sources.http.HttpConfig` (default: from the environment).
    ``progress(task, done, total)`` is called as batches and repositories complete.
    Raises before any work for a list that cannot be read, unknown ``idents``, or a GitHub quota too small.
    """
    from lcllm_cli.commands.workflow import fetch_then_apply
    from lcllm_cli.sources import github, s2
    from lcllm_cli.sources.http import HttpClient, HttpConfig

    if not citations and not stars:
        raise UsageError("nothing to do", hint="give --citations, --stars, or neither for both")
    today = today or _today()
    report = EnrichReport(dry_run=dry_run)

    def fetch(lib: Library) -> tuple[Any, Any]:
        chosen = select(lib, idents)
        paper_ids: list[str] = []
        repos: list[tuple[str, str]] = []
        for i in chosen:
            entry = lib.entries[i]
            if citations and (sid := s2_id(entry)):
                paper_ids.append(sid)
            if stars:
                if repo := entry_repo(entry):
                    repos.append(repo)
                repos.extend(repo for _, repo in link_repos(entry))
        paper_ids = list(dict.fromkeys(paper_ids))
        report.papers = len(paper_ids)
        report.repos = len({github.repo_key(*r) for r in repos})

        cit_result = None
        repo_result = None
        with HttpClient(config or HttpConfig.from_env()) as client:
            try:
                watch = 0
                if repos:  # before anything else: a quota that cannot cover the work stops the run here
                    todo = len(github.uncached(client, repos))
                    if github.check_quota(client, todo) is None and not client.config.offline:
                        watch = todo  # quota unknown: the first answer's X-RateLimit-Remaining decides
                if paper_ids:
                    cit_result = s2.fetch_citations(
                        paper_ids, client, progress=(lambda d, t: progress("citations", d, t)) if progress else None
                    )
                    if cit_result.error:
                        report.errors.append(cit_result.error)
                if repos:
                    repo_result = github.fetch_repos(
                        repos,
                        client,
                        progress=(lambda d, t: progress("stars", d, t)) if progress else None,
                        watch=watch,
                    )
                    if repo_result.error:
                        report.errors.append(repo_result.error)
            finally:
                report.requests = client.requests
                report.cache_hits = client.cache_hits
        return cit_result, repo_result

    def apply(target: Library, got: tuple[Any, Any]) -> None:
        cit_result, repo_result = got
        unknown = set(cit_result.unknown) if cit_result is not None else set()
        for i in select(target, idents, strict=False):
            entry = target.entries[i]
            if cit_result is not None and (sid := s2_id(entry)):
                paper = cit_result.papers.get(sid)
                if paper is not None and paper.citation_count is not None:
                    report.changes.extend(apply_citations(entry, paper.citation_count, paper.paper_id, today))
                elif sid in unknown or paper is not None:
                    report.unknown.append(entry.ident)
            if repo_result is not None:
                if (repo := entry_repo(entry)) and (info := repo_result.repos.get(github.repo_key(*repo))):
                    report.changes.extend(apply_repo_to_entry(entry, repo, info, today))
                for link, repo in link_repos(entry):
                    if info := repo_result.repos.get(github.repo_key(*repo)):
                        report.changes.extend(apply_repo_to_link(entry, link, repo, info))
        if repo_result is not None:
            report.missing_repos = [f"https://github.com/{key}" for key in repo_result.missing]

    fetch_then_apply(path, fetch, apply, dry_run=dry_run, worth_writing=lambda got: got != (None, None))
    return report
