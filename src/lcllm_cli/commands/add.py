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
from lcllm_cli.model import ARXIV_FIELDS, DEFAULT_SECTION, Entry, Library

if TYPE_CHECKING:
    from lcllm_cli.sources.arxiv import ArxivConfig, FetchResult

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
        line = line.strip()
        if line:
            inputs.append(line)
    return inputs


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


def resolve_section(lib: Library, requested: str | None) -> str:
    """``--section`` matched to an existing section ignoring case; by default the list's main paper section:
    ``Papers`` if the list has it, else the section holding the most papers, else ``Papers``."""
    names = lib.section_names()
    if requested is not None:
        wanted = " ".join(requested.split())
        if not wanted:
            raise UsageError("--section needs a name", hint='e.g. --section "Papers"')
        from lcllm_cli.importers.apply import section_key  # a path or a unique heading text, as every --section

        key = section_key(lib, wanted)
        if key in names:
            return key
        for name in names:
            if name.casefold() == wanted.casefold():
                return name
        return wanted
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
        raise UsageError("no arXiv ids given", hint="e.g. `lcllm add 2402.13753` or `lcllm add --from ids.txt`")
    good, bad = normalise(texts)
    if not good:
        if len(bad) == 1:
            parse_arxiv_id(bad[0].input)  # raises InvalidIdError with the accepted forms as hint
        shown = ", ".join(o.input[:40] for o in bad[:5]) + (", ..." if len(bad) > 5 else "")
        raise UsageError(
            f"none of the {len(bad)} inputs is an arXiv id or URL: {shown}",
            hint="use forms like 2402.13753, arXiv:2402.13753v2, https://arxiv.org/abs/2402.13753, hep-th/9711200",
        )
    # A broken list, a list that could not be written, or a bad --section fails before any request is made.
    if not path.exists() and not path.parent.is_dir():
        from lcllm_cli.errors import StoreError

        raise StoreError(
            f"cannot write {path}: {path.parent} is not a directory; nothing was fetched",
            hint="point --file / LCLLM_FILE at a file in an existing directory",
        )
    if config is None:
        config = source.ArxivConfig.from_env(timeout=timeout)
    report = AddReport(path=path, section=resolve_section(Library(), section))
    outcomes: dict[str, Outcome] = {}

    def fetch(lib: Library) -> FetchResult:
        report.section = resolve_section(lib, section)  # a bad --section fails before any request
        return source.fetch([aid for _, aid in good], config=config, progress=progress)

    def put(lib: Library, fetched: FetchResult) -> None:
        report.section = resolve_section(lib, section)
        outcomes.update(apply(lib, good, fetched, report.section))

    fetched = fetch_then_apply(path, fetch, put, create=True, worth_writing=lambda f: bool(f.entries))
    report.requests, report.error = fetched.requests, fetched.error
    if fetched.entries:
        report.written = any(o.status in (ADDED, UPDATED) for o in outcomes.values())
        source.save_abstracts(fetched.abstracts)
    missing = set(fetched.missing)
    by_text: dict[str, Outcome] = {o.input: o for o in bad}
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
