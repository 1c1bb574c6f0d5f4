"""``lcllm refresh``: bring papers up to date with arXiv (new versions, changed titles, full author lists).

Papers are fetched with :func:`lcllm_cli.sources.arxiv.fetch` (batches of up to 100 ids, arXiv's politeness,
retries, timeouts), always without a version so arXiv answers the latest one. What arXiv says replaces the
fetched fields below; an empty answer never erases a value (a DOI added by hand stays when arXiv has none).

Refreshed: title, authors (the full list: ``authors_elided`` is cleared), version, published, updated,
primary_category, categories, doi, journal_ref, comment.
Never touched: section, highlight, notes, links, key, citations, fields, url, venue, year, and every field of
projects and links.

Each paper's answer is cached (the cache of :mod:`lcllm_cli.sources.http`, same time-to-live and ``--offline``), so
a refresh repeated within the TTL asks arXiv nothing. The list is read, the papers fetched without holding the
lock, and the answers applied in one :func:`lcllm_cli.store.edit` (re-reading the list, so an edit made meanwhile
is kept). When arXiv fails partway, the papers fetched before are still applied and the error is returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lcllm_cli.commands.enrich import Change, select
from lcllm_cli.errors import LcllmError
from lcllm_cli.model import ARXIV_FIELDS, Entry, Library

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class RefreshReport:
    dry_run: bool = False
    papers: int = 0  # distinct arXiv ids checked
    changes: list[Change] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)  # arXiv ids with a newer version
    retitled: list[str] = field(default_factory=list)  # arXiv ids whose title changed
    missing: list[str] = field(default_factory=list)  # arXiv does not know them
    skipped: list[str] = field(default_factory=list)  # named entries that are not arXiv papers
    requests: int = 0
    cache_hits: int = 0
    error: LcllmError | None = None

    @property
    def changed_papers(self) -> int:
        return len({c.ident for c in self.changes})

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "papers": self.papers,
            "changed_papers": self.changed_papers,
            "changes": [c.to_dict() for c in self.changes],
            "new_versions": self.new_versions,
            "retitled": self.retitled,
            "missing": self.missing,
            "skipped": self.skipped,
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "errors": [self.error.message] if self.error else [],
        }


def apply_fetched(entry: Entry, fetched: Entry) -> list[Change]:
    """Copy the refreshed fields from ``fetched`` onto ``entry``; return what changed, field by field."""
    ident = entry.arxiv or entry.ident
    changes: list[Change] = []
    for name in ARXIV_FIELDS:
        new = getattr(fetched, name)
        if new is None or new == [] or new == "":
            continue  # arXiv says nothing: keep what the list has
        old = getattr(entry, name)
        if name == "authors" and entry.authors_elided:
            entry.authors_elided, entry.authors_head = False, None
            if old == new:
                changes.append(Change(ident, "authors_elided", True, False))
        if old == new:
            continue
        changes.append(Change(ident, name, list(old) if isinstance(old, list) else old, new))
        setattr(entry, name, list(new) if isinstance(new, list) else new)
    return changes


def run(
    path: Path,
    *,
    idents: list[str] | None = None,
    dry_run: bool = False,
    config: Any = None,
    arxiv_config: Any = None,
    progress: Progress | None = None,
) -> RefreshReport:
    """Refresh the arXiv papers of the list at ``path`` (all, or those named by ``idents``); one write.

    ``config`` is an :class:`~lcllm_cli.sources.http.HttpConfig` (cache TTL, offline), ``arxiv_config`` an
    :class:`~lcllm_cli.sources.arxiv.ArxivConfig` (both default to the environment). Unknown ``idents`` raise
    :class:`~lcllm_cli.errors.NotFoundError` before any request.
    """
    from lcllm_cli.commands.workflow import fetch_then_apply
    from lcllm_cli.ids import ArxivId
    from lcllm_cli.sources import arxiv
    from lcllm_cli.sources.http import HttpClient, HttpConfig, OfflineError, scale_budget

    report = RefreshReport(dry_run=dry_run)

    def fetch(lib: Library) -> dict[str, Entry]:
        ids: list[str] = []
        for i in select(lib, idents):
            entry = lib.entries[i]
            if entry.kind == "paper" and entry.arxiv:
                ids.append(entry.arxiv)
            elif idents:
                report.skipped.append(entry.ident)
        ids = list(dict.fromkeys(ids))
        report.papers = len(ids)

        http_config = config or HttpConfig.from_env()
        acfg = arxiv_config or arxiv.ArxivConfig.from_env()
        scale_budget(http_config, -(-len(ids) // max(1, acfg.batch_size)), acfg.delay + 15.0)  # a batch's share
        http = HttpClient(http_config)  # the run's one client: its cache, and arXiv's requests
        with http:
            result = arxiv.fetch_cached(
                [ArxivId(i) for i in ids],
                http,
                config=acfg,
                progress=(lambda d, t: progress("arXiv", d, t)) if progress else None,
            )
        report.cache_hits, report.requests, report.error = http.cache_hits, result.requests, result.error
        if isinstance(result.error, OfflineError):
            report.error = OfflineError(
                result.error.message, hint="run `lcllm refresh` once without --offline to fill the cache"
            )
        if result.abstracts and not dry_run:
            arxiv.save_abstracts(result.abstracts)
        fetched, missing = result.entries, result.missing
        absent = set(missing)
        report.missing = [i for i in ids if i in absent]
        return fetched

    def apply(target: Library, fetched: dict[str, Entry]) -> None:
        for i in select(target, idents, strict=False):
            entry = target.entries[i]
            paper = fetched.get(entry.arxiv or "") if entry.kind == "paper" else None
            if paper is None:
                continue
            old_version, old_title = entry.version, entry.title
            changes = apply_fetched(entry, paper)
            report.changes.extend(changes)
            ident = entry.arxiv or entry.ident
            newer = old_version is not None and entry.version is not None and entry.version > old_version
            if newer and ident not in report.new_versions:
                report.new_versions.append(ident)
            if entry.title != old_title and ident not in report.retitled:
                report.retitled.append(ident)

    fetch_then_apply(path, fetch, apply, dry_run=dry_run)
    return report
