"""Bring an imported list into the entries file: what goes in, what is already there, what repeats."""

from __future__ import annotations

from dataclasses import dataclass, field

from lcllm_cli.importers import ImportResult, Problem
from lcllm_cli.model import Entry, Library
from lcllm_cli.urls import url_key


@dataclass(slots=True)
class Repeat:
    """An item of the imported file that repeats an earlier item of the same file."""

    line: int
    first_line: int
    what: str


@dataclass(slots=True)
class ImportReport:
    added: list[Entry] = field(default_factory=list)
    already_present: list[tuple[int, Entry]] = field(default_factory=list)  # (line, entry) skipped
    repeats: list[Repeat] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        by_kind = {"paper": 0, "project": 0, "link": 0}
        for entry in self.added:
            by_kind[entry.kind] = by_kind.get(entry.kind, 0) + 1
        return {
            "papers": by_kind["paper"],
            "projects": by_kind["project"],
            "links": by_kind["link"],
            "raw": sum(1 for e in self.added if e.raw is not None),
            "already_present": len(self.already_present),
            "repeats": len(self.repeats),
            "problems": len(self.problems),
        }


def _identity(entry: Entry) -> str | None:
    if entry.arxiv:
        return f"arXiv {entry.arxiv}"
    if entry.url:
        return f"URL {url_key(entry.url)}"
    return None


def find_repeats(result: ImportResult) -> list[Repeat]:
    """Items that repeat an earlier item of the same file (same arXiv id, or same URL ignoring noise)."""
    seen: dict[str, int] = {}
    repeats: list[Repeat] = []
    for entry, line in zip(result.library.entries, result.lines, strict=False):
        ident = _identity(entry)
        if ident is None:
            continue
        if ident in seen:
            repeats.append(Repeat(line, seen[ident], ident))
        else:
            seen[ident] = line
    return repeats


def import_into(target: Library, result: ImportResult, *, section: str | None = None) -> ImportReport:
    """Add every imported item to ``target``, except items whose arXiv id ``target`` already holds.

    Import is faithful to its source: repeats within the file are all imported (and reported); merging them
    is ``lcllm dedupe``'s job. ``section`` overrides the sections of the file.
    """
    report = ImportReport(problems=list(result.problems), repeats=find_repeats(result))
    src = result.library
    if not target.entries and not target.sections:
        if target.title in ("", "Awesome list"):
            target.title = src.title
        target.intro = target.intro or src.intro
    if section is None:
        for sec in src.sections:
            target.ensure_section(sec.name, sec.level)
    known_ids = {e.arxiv for e in target.entries if e.arxiv}
    lines = result.lines or [0] * len(src.entries)
    new: list[Entry] = []
    for entry, line in zip(src.entries, lines, strict=False):
        if entry.arxiv and entry.arxiv in known_ids:
            report.already_present.append((line, entry))
            continue
        if section is not None:
            entry.section = section
        new.append(entry)
    target.add_entries(new)
    report.added = new
    return report
