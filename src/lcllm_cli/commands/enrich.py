"""``lcllm enrich``: citation counts and published versions from Semantic Scholar, stars and canonical names
from GitHub.

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
* papers (``--venues``): the published version, ``publication = {venue, source, type, year, doi, volume, pages,
  url, evidence, date}`` and ``venue = "ICLR 2024"`` (the Markdown's venue slot), from the fields the citation
  batch brings anyway (no extra request). When Semantic Scholar names no venue, the paper's DOI (doi.org) or its
  OpenReview forum is asked; a paper with neither an arXiv id nor a DOI is looked up by title. **A match is
  evidence, not a guess**: an identifier link (the record of this arXiv id or DOI, a DOI, an OpenReview forum) is
  applied; a title search only when the normalised titles are equal and the authors overlap; anything else, and a
  published version that contradicts a venue the curator wrote, is a :class:`Suggestion` with its evidence, not
  applied. Preprint servers are never a venue (:mod:`lcllm_cli.venues`); a paper the services know no published
  version of keeps what it had (never a downgrade);
* project and link entries whose URL is a GitHub repository: ``stars``, ``stars_date``, ``archived`` (set and
  cleared), ``description`` only when the entry has none (a curator's text is never replaced), ``url`` and
  ``owner`` in GitHub's canonical spelling when the repository was renamed or the URL used other letter case
  (``owner`` only when it was empty or named the URL's owner);
* project entries that are a Hugging Face model, dataset or Space: ``likes`` and ``downloads`` (last month's);
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
from lcllm_cli.model import Citations, Entry, Library, Link, Publication

Progress = Callable[[str, int, int], None]


@dataclass(slots=True)
class Change:
    """One field of one entry that changed (or would, with ``--dry-run``)."""

    ident: str
    field: str
    old: Any
    new: Any
    evidence: str | None = None  # what the new value rests on (a published version: the identifier it came from)

    def to_dict(self) -> dict[str, Any]:
        out = {"id": self.ident, "field": self.field, "old": self.old, "new": self.new}
        if self.evidence is not None:
            out["evidence"] = self.evidence
        return out


@dataclass(slots=True)
class Suggestion:
    """A published version found without the evidence to apply it (or against a venue the curator wrote)."""

    ident: str
    venue: str  # "ICLR 2024"
    source: str
    evidence: str
    reason: str  # why it was not applied

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.ident,
            "venue": self.venue,
            "source": self.source,
            "evidence": self.evidence,
            "reason": self.reason,
        }


@dataclass(slots=True)
class EnrichReport:
    dry_run: bool = False
    papers: int = 0  # papers asked about
    repos: int = 0  # distinct repositories asked about
    models: int = 0  # distinct Hugging Face models, datasets and Spaces asked about
    changes: list[Change] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # papers without a Semantic Scholar count
    published: int = 0  # papers with a published version (applied, or already stored)
    no_venue: list[str] = field(default_factory=list)  # papers the services know no published version of
    suggestions: list[Suggestion] = field(default_factory=list)  # found, not applied
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
            "models": self.models,
            "changes": [c.to_dict() for c in self.changes],
            "unknown_citations": self.unknown,
            "published": self.published,
            "no_venue": self.no_venue,
            "suggestions": [s.to_dict() for s in self.suggestions],
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


def entry_hub(entry: Entry) -> str | None:
    """The Hugging Face model, dataset or Space a project entry is (``"models/owner/name"``), if its URL is one."""
    from lcllm_cli.sources.things import recognise

    if entry.kind != "project" or not entry.url:
        return None
    thing = recognise(entry.url)
    return thing.key if thing is not None and thing.kind == "hf" else None


def hub_url(key: str) -> str:
    kind, rid = key.split("/", 1)
    return f"https://huggingface.co/{'' if kind == 'models' else kind + '/'}{rid}"


def apply_hub_counts(entry: Entry, model: Any) -> list[Change]:
    """A Hub project's likes and last month's downloads, as the Hub says them now (an unknown count is kept)."""
    changes: list[Change] = []
    for name in ("likes", "downloads"):
        new = getattr(model, name)
        if new is not None and getattr(entry, name) != new:
            changes.append(Change(entry.ident, name, getattr(entry, name), new))
            setattr(entry, name, new)
    return changes


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


# --------------------------------------------------------------------------------------------- venues


@dataclass(slots=True)
class Candidate:
    """A published version one source gives for an entry, with the evidence it rests on."""

    found: Any  # lcllm_cli.venues.Found
    source: str
    evidence: str
    url: str | None
    applied: bool = True  # False: not enough evidence (a title search that does not match): a suggestion
    reason: str = ""


@dataclass(slots=True)
class VenueAnswers:
    """What the fallback sources said: CSL-JSON by DOI, OpenReview venues by forum id, title searches."""

    dois: dict[str, dict[str, Any]] = field(default_factory=dict)
    openreview: dict[str, str | None] = field(default_factory=dict)
    titles: dict[str, Any] = field(default_factory=dict)  # title -> s2.TitleMatch or None


def _is_arxiv_doi(doi: str) -> bool:
    return doi.lower().startswith("10.48550/")


def venue_dois(entry: Entry, paper: Any = None) -> list[str]:
    """DOIs of the published version: the entry's own (arXiv lists it), and the one Semantic Scholar's record
    names; arXiv's own DataCite DOIs are the preprint, not a published version."""
    from lcllm_cli.fieldkinds import is_doi

    out = []
    if entry.doi and is_doi(entry.doi) and not _is_arxiv_doi(entry.doi):
        out.append(entry.doi)
    ext = paper.record.get("externalIds") if paper is not None else None
    if isinstance(ext, dict) and isinstance(ext.get("DOI"), str):
        doi = ext["DOI"].strip()
        if is_doi(doi) and not _is_arxiv_doi(doi) and doi.lower() not in (d.lower() for d in out):
            out.append(doi)
    return out


def openreview_ids(entry: Entry) -> list[str]:
    """The OpenReview forums the entry links to (its URL, its links)."""
    from lcllm_cli.sources.things import recognise

    out: list[str] = []
    for url in [entry.url, *(lk.url for lk in entry.links)]:
        thing = recognise(url) if url else None
        if thing is not None and thing.kind == "openreview" and thing.key not in out:
            out.append(thing.key)
    return out


def _s2_candidate(entry: Entry, sid: str, paper: Any) -> Candidate | None:
    from lcllm_cli import venues
    from lcllm_cli.sources.s2 import SERVICE, paper_page

    found = venues.from_s2(paper.record)
    if found is None:
        return None
    what = f"arXiv {sid[6:]}" if sid.startswith("ARXIV:") else f"DOI {sid[4:]}"
    url = paper_page(paper.paper_id) if paper.paper_id else None
    cand = Candidate(found, SERVICE, f"Semantic Scholar record of {what}", url)
    ext = paper.record.get("externalIds")
    listed = ext.get("ArXiv") if isinstance(ext, dict) else None
    if entry.arxiv and isinstance(listed, str) and listed.strip() and listed.strip() != entry.arxiv:
        cand.applied, cand.reason = False, f"the record names another arXiv id ({listed.strip()})"
    return cand


def _title_candidate(entry: Entry, match: Any) -> Candidate | None:
    """A title search's answer: applied only when the normalised titles are equal and the authors overlap."""
    from lcllm_cli import venues
    from lcllm_cli.dedupe import surname, title_key
    from lcllm_cli.sources.s2 import SERVICE, paper_page

    found = venues.from_s2(match.paper.record)
    if found is None:
        return None
    url = paper_page(match.paper.paper_id) if match.paper.paper_id else None
    common = ({surname(a) for a in entry.authors} & {surname(a) for a in match.authors}) - {""}
    evidence = f"Semantic Scholar title search: {match.title!r}"
    cand = Candidate(found, SERVICE, evidence, url)
    if not match.title or title_key(entry.title) != title_key(match.title):
        cand.applied, cand.reason = False, "the title found is not the entry's"
    elif not common:
        cand.applied, cand.reason = False, "no author in common" if entry.authors else "the entry names no authors"
    else:
        cand.evidence += f", same title and {len(common)} of the authors"
    return cand


def candidate(entry: Entry, cit_result: Any, answers: VenueAnswers) -> Candidate | None:
    """The published version of ``entry``: Semantic Scholar's record, else its DOI, else its OpenReview forum,
    else (a paper without arXiv id or DOI) a title search."""
    from lcllm_cli import venues

    if entry.kind != "paper":
        return None
    sid = s2_id(entry)
    paper = cit_result.papers.get(sid) if sid and cit_result is not None else None
    if paper is not None and sid is not None:
        found = _s2_candidate(entry, sid, paper)
        if found is not None:
            return found
    for doi in venue_dois(entry, paper):
        record = answers.dois.get(doi)
        found = venues.from_csl(record, doi) if record is not None else None
        if found is not None:
            whose = "the entry's DOI" if doi == entry.doi else "the DOI of Semantic Scholar's record"
            return Candidate(found, "doi.org", f"DOI {doi} ({whose})", f"https://doi.org/{doi}")
    for note in openreview_ids(entry):
        found = venues.from_openreview(answers.openreview.get(note))
        if found is not None:
            url = f"https://openreview.net/forum?id={note}"
            return Candidate(found, "OpenReview", f"OpenReview forum {note}", url)
    if sid is None and (match := answers.titles.get(entry.title)) is not None:
        return _title_candidate(entry, match)
    return None


def _same_venue(written: str, found: Any) -> bool:
    """A venue the curator wrote names the venue found ("ICLR", "ICLR 2024" for ICLR 2024)."""
    from lcllm_cli import venues

    mine = venues.canonical(written)
    return mine is not None and mine.name == found.venue and venues.year_in(written) in (None, found.year)


def _undated(pub: Publication) -> tuple[Any, ...]:
    return (pub.venue, pub.source, pub.type, pub.year, pub.doi, pub.volume, pub.pages, pub.url, pub.evidence)


def apply_publication(entry: Entry, cand: Candidate, today: str) -> tuple[list[Change], Suggestion | None]:
    """Store the published version ``cand`` on ``entry`` (and its label in ``venue``), or say why not."""
    from lcllm_cli import venues

    found = cand.found
    shown = found.label
    if not cand.applied:
        return [], Suggestion(entry.ident, shown, cand.source, cand.evidence, cand.reason)
    old = entry.publication
    old_label = venues.label(old.venue, old.year) if old is not None else None
    written = entry.venue
    mine = bool(written) and not venues.is_preprint(written) and written not in (old_label, shown)
    if mine and not _same_venue(written or "", found):  # the curator's venue stays: what was found is shown
        return [], Suggestion(entry.ident, shown, cand.source, cand.evidence, f"the list says {written!r}")
    pub = Publication(
        venue=found.venue,
        source=cand.source,
        type=found.kind,
        year=found.year,
        doi=found.doi,
        volume=found.volume,
        pages=found.pages,
        url=cand.url,
        evidence=cand.evidence,
        date=today,
    )
    if old is not None and (old.venue, old.year) == (pub.venue, pub.year):  # never a downgrade: what was known stays
        pub.type = pub.type or old.type
        pub.doi = pub.doi or old.doi
        pub.volume = pub.volume or old.volume
        pub.pages = pub.pages or old.pages
    changes: list[Change] = []
    if old is None or _undated(old) != _undated(pub):
        entry.publication = pub
        changes.append(Change(entry.ident, "publication", old_label, shown, cand.evidence))
    if entry.venue != shown:
        changes.append(Change(entry.ident, "venue", entry.venue, shown, cand.evidence))
        entry.venue = shown
    return changes, None


def fetch_venue_answers(
    entries: list[Entry], cit_result: Any, client: Any, errors: list[LcllmError], progress: Progress | None
) -> VenueAnswers:
    """Ask the fallback sources, in turn, for the papers still without a published version: doi.org for a DOI,
    OpenReview for a forum, Semantic Scholar's title search for a paper with neither arXiv id nor DOI. A failing
    source stops the lookups (its error goes to ``errors``); what was learned before counts."""
    from lcllm_cli.sources import doi, openreview, s2

    answers = VenueAnswers()
    papers = [e for e in entries if e.kind == "paper"]

    def pending() -> list[Entry]:
        return [e for e in papers if candidate(e, cit_result, answers) is None]

    def paper_of(entry: Entry) -> Any:
        sid = s2_id(entry)
        return cit_result.papers.get(sid) if sid and cit_result is not None else None

    dois = list(dict.fromkeys(d for e in pending() for d in venue_dois(e, paper_of(e))))
    if dois:
        got = doi.fetch(dois, client)
        answers.dois.update({k: v for k, v in got.records.items() if isinstance(v, dict)})
        if got.error is not None:
            errors.append(got.error)
            return answers
    notes = list(dict.fromkeys(n for e in pending() for n in openreview_ids(e)))
    titles = list(dict.fromkeys(e.title for e in pending() if s2_id(e) is None and e.title.strip()))
    total, done = len(notes) + len(titles), 0
    try:
        for note in notes:
            paper = openreview.fetch(note, client)
            answers.openreview[note] = paper.venue if paper is not None else None
            done += 1
            if progress:
                progress("venues", done, total)
        for title in titles:
            answers.titles[title] = s2.match_title(title, client)
            done += 1
            if progress:
                progress("venues", done, total)
    except LcllmError as exc:
        errors.append(exc)
    return answers


# --------------------------------------------------------------------------------------------- the command


def run(
    path: Path,
    *,
    citations: bool = True,
    stars: bool = True,
    venues: bool = True,
    idents: list[str] | None = None,
    config: Any = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: str | None = None,
) -> EnrichReport:
    """Fetch citation counts, published versions and/or repository facts for the list at ``path`` and store them
    (one write). Citation counts and venues come from the same Semantic Scholar batch requests.

    ``config`` is an :class:`~lcllm_cli.sources.http.HttpConfig` (default: from the environment).
    ``progress(task, done, total)`` is called as batches and repositories complete.
    Raises before any work for a list that cannot be read, unknown ``idents``, or a GitHub quota too small.
    """
    from lcllm_cli.commands.workflow import fetch_then_apply
    from lcllm_cli.sources import github, hf, s2
    from lcllm_cli.sources.http import HttpClient, HttpConfig, scale_budget

    if not citations and not stars and not venues:
        raise UsageError("nothing to do", hint="give --citations, --venues, --stars, or none of them for all")
    today = today or _today()
    report = EnrichReport(dry_run=dry_run)

    def fetch(lib: Library) -> tuple[Any, Any, Any, Any]:
        chosen = select(lib, idents)
        paper_ids: list[str] = []
        repos: list[tuple[str, str]] = []
        models: list[str] = []
        for i in chosen:
            entry = lib.entries[i]
            if (citations or venues) and (sid := s2_id(entry)):
                paper_ids.append(sid)
            if stars:
                if repo := entry_repo(entry):
                    repos.append(repo)
                repos.extend(repo for _, repo in link_repos(entry))
                if hub := entry_hub(entry):
                    models.append(hub)
        paper_ids = list(dict.fromkeys(paper_ids))
        models = list(dict.fromkeys(models))
        report.papers = len(paper_ids)
        report.repos = len({github.repo_key(*r) for r in repos})
        report.models = len(models)

        cit_result = None
        repo_result = None
        hub_result = None
        venue_answers = None
        http_config = config or HttpConfig.from_env()
        # each Semantic Scholar batch (500 papers, a second apart) and each repository or model its share of time
        scale_budget(http_config, -(-len(paper_ids) // 500), 15.0)
        scale_budget(http_config, len(repos) + len(models), 2.0)
        with HttpClient(http_config) as client:
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
                if venues and not report.errors:
                    venue_answers = fetch_venue_answers(
                        [lib.entries[i] for i in chosen], cit_result, client, report.errors, progress
                    )
                if repos:
                    repo_result = github.fetch_repos(
                        repos,
                        client,
                        progress=(lambda d, t: progress("stars", d, t)) if progress else None,
                        watch=watch,
                    )
                    if repo_result.error:
                        report.errors.append(repo_result.error)
                if models:
                    hub_result = hf.fetch(models, client)
                    if hub_result.error:
                        report.errors.append(hub_result.error)
            finally:
                report.requests = client.requests
                report.cache_hits = client.cache_hits
        return cit_result, repo_result, venue_answers, hub_result

    def apply(target: Library, got: tuple[Any, Any, Any, Any]) -> None:
        cit_result, repo_result, venue_answers, hub_result = got
        unknown = set(cit_result.unknown) if cit_result is not None else set()
        for i in select(target, idents, strict=False):
            entry = target.entries[i]
            if citations and cit_result is not None and (sid := s2_id(entry)):
                paper = cit_result.papers.get(sid)
                if paper is not None and paper.citation_count is not None:
                    report.changes.extend(apply_citations(entry, paper.citation_count, paper.paper_id, today))
                elif sid in unknown or paper is not None:
                    report.unknown.append(entry.ident)
            if venues and entry.kind == "paper" and (cit_result is not None or venue_answers is not None):
                cand = candidate(entry, cit_result, venue_answers or VenueAnswers())
                if cand is not None:
                    changes, suggestion = apply_publication(entry, cand, today)
                    report.changes.extend(changes)
                    if suggestion is not None:
                        report.suggestions.append(suggestion)
                if entry.publication is not None:
                    report.published += 1
                elif cand is None:
                    report.no_venue.append(entry.ident)
            if repo_result is not None:
                if (repo := entry_repo(entry)) and (info := repo_result.repos.get(github.repo_key(*repo))):
                    report.changes.extend(apply_repo_to_entry(entry, repo, info, today))
                for link, repo in link_repos(entry):
                    if info := repo_result.repos.get(github.repo_key(*repo)):
                        report.changes.extend(apply_repo_to_link(entry, link, repo, info))
            if hub_result is not None and (hub := entry_hub(entry)) and (model := hub_result.repos.get(hub)):
                report.changes.extend(apply_hub_counts(entry, model))
        if repo_result is not None:
            report.missing_repos = [f"https://github.com/{key}" for key in repo_result.missing]
        if hub_result is not None:
            report.missing_repos += [hub_url(key) for key in hub_result.missing]

    fetch_then_apply(
        path, fetch, apply, dry_run=dry_run, worth_writing=lambda got: any(part is not None for part in got)
    )
    return report
