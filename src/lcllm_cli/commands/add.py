"""``lcllm add``: papers from arXiv by id or URL into the list, without duplicates.

:func:`run` reads and normalises every input (malformed ones are reported by name and never sent), fetches
the papers from arXiv in batches (:func:`lcllm_cli.sources.arxiv.fetch`), then opens ``entries.toml`` once and
applies the result: new papers go to the end of their section, papers already in the list are updated when arXiv
has a newer version or a changed title (links, notes, section, highlight, key and citations kept) and otherwise
reported as already present. Nothing is written before the fetch ends; Ctrl-C during the fetch writes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lcllm_cli.errors import LcllmError, UsageError
from lcllm_cli.ids import ArxivId, parse_arxiv_id, try_parse_arxiv_id
from lcllm_cli.model import ARXIV_FIELDS, DEFAULT_SECTION, Entry, Library, Link

if TYPE_CHECKING:
    from lcllm_cli.sources.arxiv import ArxivConfig, FetchResult
    from lcllm_cli.sources.http import HttpClient
    from lcllm_cli.sources.things import Thing

ADDED, UPDATED, PRESENT, FAILED = "added", "updated", "already present", "failed"


@dataclass(slots=True)
class Change:
    field: str
    old: str
    new: str


@dataclass(slots=True)
class Outcome:
    """What happened to one input. ``entry`` is the entry as it now is in the list (None when failed)."""

    input: str
    status: str  # ADDED, UPDATED, PRESENT or FAILED
    arxiv: str | None = None
    entry: Entry | None = None
    changes: list[Change] = field(default_factory=list)
    reason: str | None = None  # why it failed, or a note on an already-present paper

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"input": self.input, "status": self.status, "arxiv": self.arxiv}
        if self.entry is not None:
            data["version"] = self.entry.version
            data["title"] = self.entry.title
            data["section"] = self.entry.section
        if self.changes:
            data["changes"] = [{"field": c.field, "old": c.old, "new": c.new} for c in self.changes]
        if self.reason:
            data["reason"] = self.reason
        return data


@dataclass(slots=True)
class AddReport:
    path: Path
    section: str | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    requests: int = 0
    error: LcllmError | None = None  # the network failure that stopped the fetch, if any
    written: bool = False
    dry_run: bool = False

    def having(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def exit_code(self) -> int:
        """0 when every input is in the list, 1 when some failed."""
        return 1 if self.error is not None or self.having(FAILED) else 0

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.having(ADDED)),
            "updated": len(self.having(UPDATED)),
            "already_present": len(self.having(PRESENT)),
            "failed": len(self.having(FAILED)),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "section": self.section,
            "written": self.written,
            "dry_run": self.dry_run,
            "requests": self.requests,
            **self.counts(),
            "papers": [o.to_dict() for o in self.outcomes],
            "error": None if self.error is None else {"message": self.error.message, "hint": self.error.hint},
        }


# --------------------------------------------------------------------------------------------- inputs


def read_inputs(args: Iterable[str], from_file: str | None = None) -> list[str]:
    """The command-line inputs followed by the lines of ``from_file`` (``-`` for stdin).

    In the file, blank lines and ``#`` comments (a line starting with ``#``, or `` #`` after an id) are ignored.
    """
    inputs = [a.strip() for a in args if a.strip()]
    if from_file is None:
        return inputs
    if from_file == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(from_file, encoding="utf-8") as fh:
                text = fh.read()
        except FileNotFoundError:
            raise UsageError(f"no such file: {from_file}", hint="--from takes a file of ids, one a line") from None
        except IsADirectoryError:
            raise UsageError(f"{from_file} is a directory", hint="--from takes a file of ids, one a line") from None
        except UnicodeDecodeError:
            raise UsageError(f"{from_file} is not UTF-8 text", hint="--from takes a file of ids, one a line") from None
        except OSError as exc:
            raise UsageError(f"cannot read {from_file}: {exc.strerror or exc}") from None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            continue
        for sep in (" #", "\t#"):
            line = line.split(sep, 1)[0]
        line = _from_line(line)
        if line:
            inputs.append(line)
    return inputs


def _from_line(line: str) -> str:
    """The THING of one ``--from`` line, as lists and notes hold them: ``2511.00006,``, ``- 2511.00004``,
    ``2511.00004 Some title`` (the first word, when it is an id or a URL)."""
    line = line.strip().lstrip("-*•").strip().rstrip(",;").strip()
    first = line.split(None, 1)[0] if line else ""
    if first != line and (
        try_parse_arxiv_id(first.rstrip(",;")) is not None or first.startswith(("http://", "https://"))
    ):
        return first.rstrip(",;")
    return line


def normalise(inputs: Iterable[str]) -> tuple[list[tuple[str, ArxivId]], list[Outcome]]:
    """(input, id) pairs, one per paper in input order (a repeated paper is kept once), and failed outcomes
    for inputs that are not arXiv ids."""
    good: list[tuple[str, ArxivId]] = []
    bad: list[Outcome] = []
    seen: set[str] = set()
    for text in inputs:
        parsed = try_parse_arxiv_id(text)
        if parsed is None:
            bad.append(Outcome(text, FAILED, reason=f"not an arXiv id or URL: {text}"))
        elif parsed.id not in seen:
            seen.add(parsed.id)
            good.append((text, parsed))
    return good, bad


def resolve_section(lib: Library, requested: str | None, *, new_section: bool = False) -> str:
    """``--section`` as every command names a section (:func:`lcllm_cli.commands.section.resolve`: an unknown one is
    an error naming the closest, unless ``new_section``); by default the list's main paper section: ``Papers`` if
    the list has it, else the section holding the most papers, else ``Papers``."""
    if requested is not None:
        from lcllm_cli.commands.section import resolve

        return resolve(lib, requested, new_section=new_section)
    names = lib.section_names()
    if DEFAULT_SECTION in names:
        return DEFAULT_SECTION
    counts: dict[str, int] = {}
    for entry in lib.entries:
        if entry.kind == "paper":
            counts[entry.section] = counts.get(entry.section, 0) + 1
    if counts:
        return max(counts, key=lambda name: counts[name])  # first of the largest, in list order
    return DEFAULT_SECTION


# --------------------------------------------------------------------------------------------- adding


def run(
    path: Path,
    inputs: Iterable[str],
    section: str | None = None,
    *,
    from_file: str | None = None,
    timeout: float | None = None,
    config: ArxivConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
    options: AddOptions | None = None,
) -> AddReport:
    """Add the papers named by ``inputs`` (and the lines of ``from_file``) to the list at ``path``.

    Raises :class:`UsageError` when no input is an arXiv id at all, and :class:`StoreError` for an unreadable
    list; everything else (malformed ids among good ones, ids not on arXiv, a network failure) is an outcome
    in the report, and ``report.exit_code`` is 1 when something failed.
    """
    from lcllm_cli.commands.workflow import fetch_then_apply
    from lcllm_cli.sources import arxiv as source

    texts = read_inputs(inputs, from_file)
    if not texts:
        raise UsageError("nothing to add", hint="e.g. `lcllm add 2402.13753 https://github.com/o/r` or `--from FILE`")
    good, bad = normalise(texts)
    things, bad = _recognise(bad)
    if not good and not things:
        if len(bad) == 1:
            parse_arxiv_id(bad[0].input)  # raises InvalidIdError with the accepted forms as hint
        shown = ", ".join(o.input[:40] for o in bad[:5]) + (", ..." if len(bad) > 5 else "")
        raise UsageError(
            f"none of the {len(bad)} inputs is an arXiv id, a repository, a Hugging Face page or a DOI: {shown}",
            hint="use forms like 2402.13753, https://github.com/owner/name, https://huggingface.co/owner/model or "
            "10.18653/v1/2023.acl-long.1",
        )
    # A broken list, a list that could not be written, or a bad --section fails before any request is made.
    if not path.exists() and not path.parent.is_dir():
        from lcllm_cli.errors import StoreError

        raise StoreError(
            f"cannot write {path}: {path.parent} is not a directory; nothing was fetched",
            hint="point --file / LCLLM_FILE at a file in an existing directory",
        )
    opts = options or AddOptions()
    opts.check()
    if config is None:
        config = source.ArxivConfig.from_env(timeout=timeout)
    report = AddReport(path=path, section=resolve_section(Library(), section, new_section=True))
    outcomes: dict[str, Outcome] = {}
    others: dict[str, Outcome] = {}
    sent = [0]  # requests made

    def fetch(lib: Library) -> tuple[FetchResult, _Others]:
        report.section = resolve_section(lib, section, new_section=opts.new_section)  # fails before any request
        if opts.to is not None:
            _target(lib, opts.to)
        from concurrent.futures import ThreadPoolExecutor

        from lcllm_cli.sources.http import HttpClient, HttpConfig, scale_budget

        # What add asks is asked now (ttl 0), and kept: --offline adds from the answers of earlier runs.
        http_config = HttpConfig.from_env(timeout=timeout, offline=opts.offline, ttl=0.0)
        # 45 s, and more for a long --from list: each arXiv batch beyond the first its share
        scale_budget(http_config, -(-len(good) // max(1, config.batch_size)) - 1, config.delay + 15.0)
        if config.sleep is not None:
            http_config.sleep = config.sleep
        with HttpClient(http_config) as client:
            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lcllm-add")  # the others beside arXiv
            try:
                others = pool.submit(_fetch_others, things, client)
                got = source.fetch_cached([aid for _, aid in good], client, config=config, progress=progress)
                rest = others.result()
            finally:
                pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C does not wait for the requests in flight
                sent[0] = client.requests
        return got, rest

    def put(lib: Library, fetched: tuple[FetchResult, _Others]) -> None:
        report.section = resolve_section(lib, section, new_section=opts.new_section)
        if opts.to is not None:
            _attach(lib, _target(lib, opts.to), good, things, fetched, opts, outcomes, others)
            return
        outcomes.update(apply(lib, good, fetched[0], report.section))
        others.update(_apply_others(lib, things, fetched[1], report.section))
        added = [o.entry for o in (*outcomes.values(), *others.values()) if o.status == ADDED and o.entry is not None]
        for entry in added:
            opts.mark(entry)
        if lib.newest_first if opts.top is None else opts.top:
            from lcllm_cli.commands.edit import place

            for entry in reversed(added):  # the first one given ends up first
                place(lib, next(i for i, e in enumerate(lib.entries) if e is entry), entry.section, True)

    both = fetch_then_apply(
        path,
        fetch,
        put,
        create=True,
        dry_run=opts.dry_run,
        worth_writing=lambda f: bool(f[0].entries) or bool(f[1].entries),
    )
    fetched, rest = both
    report.requests, report.error = sent[0], fetched.error or rest.error
    report.written = not opts.dry_run and any(
        o.status in (ADDED, UPDATED) for o in (*outcomes.values(), *others.values())
    )
    report.dry_run = opts.dry_run
    if fetched.entries and not opts.dry_run:
        source.save_abstracts(fetched.abstracts)
    missing = set(fetched.missing)
    by_text: dict[str, Outcome] = {o.input: o for o in bad}
    for text, _ in things:
        by_text[text] = others.get(text) or Outcome(text, FAILED, reason=rest.why.get(text, "not fetched"))
    for text, aid in good:
        if aid.id in outcomes:
            by_text[text] = outcomes[aid.id]
        elif aid.id in missing:
            by_text[text] = Outcome(text, FAILED, aid.id, reason=f"not on arXiv: {aid.id}")
        else:
            by_text[text] = Outcome(text, FAILED, aid.id, reason="not fetched: the arXiv request failed")
    # One line per paper, in input order (a paper named twice, in any form, is reported once).
    report.outcomes = [by_text[text] for text in dict.fromkeys(texts) if text in by_text]
    return report


def apply(lib: Library, wanted: list[tuple[str, ArxivId]], fetched: FetchResult, section: str) -> dict[str, Outcome]:
    """Put the fetched papers into ``lib``: add new ones to ``section``, update or report existing ones.

    A paper is "existing" when an entry has its arXiv id, or (through :mod:`lcllm_cli.dedupe`) when an entry is
    the same paper by other evidence: an arXiv URL or DOI, the same title with agreeing authors.
    """
    by_id: dict[str, int] = {}
    for i, entry in enumerate(lib.entries):
        if entry.arxiv and entry.arxiv not in by_id:
            by_id[entry.arxiv] = i
    papers = [(text, aid, fetched.entries[aid.id]) for text, aid in wanted if aid.id in fetched.entries]
    find_duplicate = _duplicate_finder(lib, [paper for _, aid, paper in papers if aid.id not in by_id])
    new: list[Entry] = []
    outcomes: dict[str, Outcome] = {}
    for text, aid, paper in papers:
        index, why = by_id.get(aid.id), None
        if index is None and find_duplicate is not None:
            found = find_duplicate(paper)
            if found is not None:
                index, why = found
        if index is None:
            paper.section = section
            new.append(paper)
            outcomes[aid.id] = Outcome(text, ADDED, aid.id, paper)
            continue
        existing = lib.entries[index]
        if existing.kind != "paper" or (existing.arxiv and existing.arxiv != aid.id):
            as_what = f"arXiv {existing.arxiv}" if existing.arxiv else f"a {existing.kind}"
            note = f"the list has it as {as_what}: {existing.title[:60]}" + (f" ({why})" if why else "")
            outcomes[aid.id] = Outcome(text, PRESENT, aid.id, existing, reason=note)
            continue
        changes = update_entry(existing, paper)
        reason = f"matched by {why}" if why else None
        outcomes[aid.id] = Outcome(text, UPDATED if changes else PRESENT, aid.id, existing, changes, reason)
    lib.add_entries(new)
    return outcomes


# --------------------------------------------------------------------------------------------- options


@dataclass(slots=True)
class AddOptions:
    """What ``add`` does with what it fetched besides adding it: marks on each new entry, ``--to`` an entry."""

    highlight: bool = False
    note: str | None = None
    label: str | None = None  # an emoji or :shortcode: after the item; with --to, the label of the link
    title: str | None = None  # instead of the fetched title
    to: str | None = None  # attach as links of this entry instead of adding entries
    top: bool | None = None  # new entries at the top of their section (None: as the list says, newest_first)
    new_section: bool = False  # --section may name a section the list does not have yet
    offline: bool = False  # answers from the cache only
    dry_run: bool = False

    def check(self) -> None:
        from lcllm_cli.mdsyntax import is_label

        if self.label is not None and self.to is None and not is_label(self.label):
            raise UsageError(
                f"--label {self.label!r} is not an emoji or a :shortcode:",
                hint="e.g. --label 🔥 or --label :clapper: (with --to, any text names the link)",
            )
        for name in ("note", "title", "label"):
            value = getattr(self, name)
            if value is not None and not value.strip():
                raise UsageError(f"--{name} needs some text")

    def mark(self, entry: Entry) -> None:
        entry.highlight = entry.highlight or self.highlight
        if self.note:
            entry.notes = (entry.notes + "\n" if entry.notes else "") + self.note.strip()
        if self.label and self.label not in entry.labels:
            entry.labels.append(self.label)
        if self.title:
            entry.title = " ".join(self.title.split())


def _target(lib: Library, ident: str) -> Entry:
    """The one entry ``--to`` names (as ``show`` names entries)."""
    from lcllm_cli.commands.browse import one

    return lib.entries[one(lib, ident, what="--to: ")]


def _attach(
    lib: Library,
    target: Entry,
    good: list[tuple[str, ArxivId]],
    things: list[tuple[str, Thing]],
    fetched: tuple[FetchResult, _Others],
    opts: AddOptions,
    outcomes: dict[str, Outcome],
    others: dict[str, Outcome],
) -> None:
    """``--to``: each fetched THING becomes a link of ``target`` (a link it already has is reported, not doubled)."""
    from lcllm_cli.urls import url_key

    have = {url_key(u) for u in target.all_urls()}

    def link(text: str, entry: Entry, url: str) -> Outcome:
        if url_key(url) in have:
            return Outcome(text, PRESENT, entry.arxiv, target, reason=f"already a link of {target.ident}")
        have.add(url_key(url))
        target.links.append(Link(opts.label or " ".join(entry.title.split())[:80] or "link", url))
        return Outcome(text, ADDED, entry.arxiv, target, reason=f"as a link of {target.ident}")

    for text, aid in good:
        paper = fetched[0].entries.get(aid.id)
        if paper is not None:
            outcomes[aid.id] = link(text, paper, f"https://arxiv.org/abs/{aid.id}")
    for text, _ in things:
        entry = fetched[1].entries.get(text)
        if entry is not None and entry.url:
            others[text] = link(text, entry, entry.url)


# --------------------------------------------------------------------------------------------- other kinds


@dataclass(slots=True)
class _Others:
    """What the services of the THINGs that are not arXiv papers gave: the entry each input becomes, or why not."""

    entries: dict[str, Entry] = field(default_factory=dict)  # input -> entry
    why: dict[str, str] = field(default_factory=dict)  # input -> why it was not fetched
    remarks: dict[str, str] = field(default_factory=dict)  # input -> what to say of it (a page without a title)
    error: LcllmError | None = None


def _recognise(bad: list[Outcome]) -> tuple[list[tuple[str, Thing]], list[Outcome]]:
    """Of the inputs that are no arXiv id, those another service knows (repositories, Hub pages, DOIs)."""
    from lcllm_cli.sources.things import recognise

    things: list[tuple[str, Thing]] = []
    still: list[Outcome] = []
    for o in bad:
        thing = recognise(o.input)
        if thing is None:
            o.reason = f"not an arXiv id, a DOI or a web URL: {o.input}"
            still.append(o)
        else:
            things.append((o.input, thing))
    return things, still


def _fetch_others(things: list[tuple[str, Thing]], client: HttpClient) -> _Others:
    """Fetch each THING from its service: GitHub, the Hub, doi.org, OpenReview, oEmbed and pages, every kind side by
    side (and within a kind as many at once as the HTTP layer's limits allow)."""
    out = _Others()
    by_kind: dict[str, list[tuple[str, Thing]]] = {}
    for text, thing in things:
        by_kind.setdefault(thing.kind, []).append((text, thing))
    for part in client.gather(lambda group: _fetch_kind(group[0], group[1], client), list(by_kind.items())):
        if isinstance(part, LcllmError):  # not expected: _fetch_kind keeps its errors in its result
            out.error = out.error or part
            continue
        out.entries.update(part.entries)
        out.why.update(part.why)
        out.remarks.update(part.remarks)
        out.error = out.error or part.error
    return out


def _fetch_kind(kind: str, items: list[tuple[str, Thing]], client: HttpClient) -> _Others:
    """The THINGs of one kind, fetched from their service."""
    import datetime

    from lcllm_cli.sources import doi, github, hf
    from lcllm_cli.sources.http import OfflineError

    out = _Others()
    today = datetime.date.today().isoformat()

    def take(name: str, found: dict[str, Any], error: LcllmError | None, key: Any, make: Any) -> None:
        for text, t in items:
            got_one = found.get(key(t))
            if got_one is None:
                out.why[text] = f"{name} does not know {t.key}" if error is None else "not fetched"
            else:
                out.entries[text] = make(t, got_one)
        out.error = error

    if kind == "github":
        got = github.fetch_repos([tuple(t.key.split("/", 1)) for _, t in items], client)  # type: ignore[misc]
        take(
            "GitHub",
            got.repos,
            got.error,
            lambda t: github.repo_key(*t.key.split("/", 1)),
            lambda t, info: Entry(
                kind="project",
                title=info.name,
                url=t.url or info.url,
                owner=info.owner,
                description=info.description,
                stars=info.stars,
                stars_date=today,
                archived=info.archived,
            ),
        )
    elif kind == "hf":
        got_hf = hf.fetch([t.key for _, t in items], client)
        take(
            "the Hub",
            got_hf.repos,
            got_hf.error,
            lambda t: t.key,
            lambda t, h: Entry(
                kind="project",
                title=h.id.split("/", 1)[1],
                url=t.url or h.url,
                owner=h.author,
                labels=["🤗"],
                likes=h.likes,
                downloads=h.downloads,
            ),
        )
    elif kind == "doi":
        got_doi = doi.fetch([t.key for _, t in items], client)
        take("doi.org", got_doi.papers, got_doi.error, lambda t: t.key, lambda t, paper: paper)
    else:  # OpenReview papers, posts on X, web pages: one request each
        for (text, t), got_one in zip(
            items, client.gather(lambda item: _fetch_one(item[1], client), items), strict=True
        ):
            if isinstance(got_one, OfflineError):
                out.why[text] = "--offline, and the cache holds no answer for it"
            elif isinstance(got_one, LcllmError):  # one page that fails (404, a redirect loop) is that page's outcome
                out.why[text] = got_one.message if t.kind == "page" else "not fetched"
                if t.kind != "page":
                    out.error = out.error or got_one
            elif got_one is None:
                out.why[text] = f"{'OpenReview' if t.kind == 'openreview' else 'oEmbed'} does not know {t.key}"
            else:
                out.entries[text] = got_one
                if t.kind == "page" and got_one.title == t.key:
                    out.remarks[text] = "the page gives no title: its URL is the title"
    return out


def _fetch_one(thing: Thing, client: Any) -> Entry | None:
    """An OpenReview paper, a post on X or a web page as the entry it becomes (a page without a title keeps its URL
    as its title)."""
    from lcllm_cli.sources import oembed, openreview, pages

    if thing.kind == "openreview":
        return openreview.fetch(thing.key, client)
    if thing.kind == "post":
        return oembed.fetch(thing.key, client)
    page = pages.fetch(thing.key, client)
    return Entry(kind="link", title=page.title or thing.key, url=thing.key)


def _apply_others(lib: Library, things: list[tuple[str, Thing]], got: _Others, section: str) -> dict[str, Outcome]:
    """Add the fetched THINGs to ``lib``, or update the entry that is already the same repository, model or DOI."""
    from lcllm_cli.urls import url_key

    by_url: dict[str, int] = {}
    by_doi: dict[str, int] = {}
    for i, e in enumerate(lib.entries):
        for u in e.all_urls():
            by_url.setdefault(url_key(u), i)
        if e.doi:
            by_doi.setdefault(e.doi.lower(), i)
    out: dict[str, Outcome] = {}
    new: list[Entry] = []
    for text, _ in things:
        entry = got.entries.get(text)
        if entry is None:
            continue
        index = by_doi.get(entry.doi.lower()) if entry.doi else None
        if index is None and entry.url:
            index = by_url.get(url_key(entry.url))
        if index is None:
            entry.section = section
            new.append(entry)
            by_url.setdefault(url_key(entry.url or text), len(lib.entries) + len(new) - 1)
            out[text] = Outcome(text, ADDED, entry=entry, reason=got.remarks.get(text))
            continue
        existing = lib.entries[index]
        changes = []
        for name in ("stars", "likes", "downloads", "archived"):
            new_value = getattr(entry, name)
            if existing.kind == entry.kind and new_value not in (None, False) and getattr(existing, name) != new_value:
                changes.append(Change(name, str(getattr(existing, name)), str(new_value)))
                setattr(existing, name, new_value)
        if any(c.field == "stars" for c in changes):
            existing.stars_date = entry.stars_date
        out[text] = Outcome(text, UPDATED if changes else PRESENT, entry=existing, changes=changes)
    lib.add_entries(new)
    return out


def update_entry(existing: Entry, paper: Entry) -> list[Change]:
    """Bring ``existing`` up to date with ``paper`` from arXiv when arXiv has a newer version or another title.

    Returns the changes shown to the user (version, title, arXiv id when a duplicate without id was matched);
    empty when the entry is current, in which case it is left exactly as it was. On update every arXiv field is
    replaced; links, notes, section, highlight, key, citations and the rest stay.
    """
    changes: list[Change] = []
    if existing.arxiv is None:
        changes.append(Change("arxiv", "", paper.arxiv or ""))
    new_version = paper.version is not None and (existing.version is None or paper.version > existing.version)
    if new_version:
        old = f"v{existing.version}" if existing.version else "unknown"
        changes.append(Change("version", old, f"v{paper.version}"))
    if " ".join(existing.title.split()) != paper.title:
        changes.append(Change("title", existing.title, paper.title))
    if not changes:
        return []
    keep_version = existing.version if not new_version else None
    existing.arxiv = paper.arxiv
    for name in ARXIV_FIELDS:
        setattr(existing, name, getattr(paper, name))
    if keep_version is not None:  # never step back to an older version
        existing.version = keep_version
    existing.authors_elided, existing.authors_head = False, None
    return changes


def _duplicate_finder(lib: Library, papers: list[Entry]) -> Callable[[Entry], tuple[int, str] | None] | None:
    """``(index, reason)`` of the entry of ``lib`` a paper duplicates, from :mod:`lcllm_cli.dedupe` when present.

    The dedupe index is built once for the whole list; ``papers`` (the new ones) count towards its word statistics.
    """
    try:
        from lcllm_cli.dedupe import DuplicateIndex
    except ImportError:
        try:
            from lcllm_cli.dedupe import match_existing
        except ImportError:
            return None

        def one_by_one(entry: Entry) -> tuple[int, str] | None:
            i = match_existing(lib, entry)
            return None if i is None else (i, "a duplicate")

        return one_by_one
    if not papers:
        return None
    index = DuplicateIndex(lib.entries)
    index.count_words(papers)
    return index.explain
