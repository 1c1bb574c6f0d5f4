"""Bring an imported list into the entries file: what goes in, what is already there, what repeats.

Duplicates are found by :mod:`lcllm_cli.dedupe`, the same detection ``lcllm dedupe`` uses: an item that
duplicates an entry already in the file is never added (with ``dedupe`` it is merged into that entry instead),
and items that repeat each other within the imported file are named with the reason (with ``dedupe`` they are
merged before they go in).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lcllm_cli.dedupe import DuplicateIndex, entry_keys, find_groups_keyed, merge_entries, merge_groups
from lcllm_cli.gcpause import paused_gc
from lcllm_cli.importers import ImportResult, Problem
from lcllm_cli.model import Entry, Library

if TYPE_CHECKING:
    from lcllm_cli.dedupe import _Keys


@dataclass(slots=True)
class Repeat:
    """An item of the imported file that repeats an earlier item of the same file."""

    line: int
    first_line: int
    what: str  # why they are one item: "same arXiv id 2310.01889, v3 and v4"
    merged: bool = False  # merged into the earlier item on the way in (import --dedupe)


@dataclass(slots=True)
class Present:
    """An imported item that duplicates an entry the file already holds."""

    line: int
    entry: Entry  # the imported item
    existing: Entry  # the entry of the file it duplicates (after the merge, with ``merged``)
    position: int  # 1-based position of that entry in the file before the import
    reason: str
    merged: bool = False  # its links and fields were merged into the existing entry (import --dedupe)


@dataclass(slots=True)
class ImportReport:
    added: list[Entry] = field(default_factory=list)
    already_present: list[Present] = field(default_factory=list)
    repeats: list[Repeat] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    added_lines: list[int] = field(default_factory=list)  # the source line of each added entry

    def to_dict(self) -> dict[str, object]:
        """The report for ``--json``: the counts, then what was read line by line."""
        return {
            **self.counts(),
            "items": [
                {"line": line, "kind": e.kind, "title": e.title, "section": e.section, "id": e.ident}
                for line, e in zip(self.added_lines, self.added, strict=True)
            ],
            "already_present_items": [
                {
                    "line": p.line,
                    "id": p.entry.ident,
                    "title": p.entry.title,
                    "existing_position": p.position,
                    "existing_id": p.existing.ident,
                    "reason": p.reason,
                    "merged": p.merged,
                }
                for p in self.already_present
            ],
            "repeated_items": [
                {"line": r.line, "first_line": r.first_line, "reason": r.what, "merged": r.merged} for r in self.repeats
            ],
            "problem_items": [{"line": p.line, "message": p.message, "text": p.text} for p in self.problems],
        }

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
            "merged_into_existing": sum(1 for p in self.already_present if p.merged),
            "repeats": len(self.repeats),
            "repeats_merged": sum(1 for r in self.repeats if r.merged),
            "problems": len(self.problems),
        }


def find_repeats(result: ImportResult, *, merge: bool = False) -> list[Repeat]:
    """Items that repeat an earlier item of the same file, with the reason; with ``merge``, merge them there.

    Merging changes ``result`` in place: the repeats leave ``result.library.entries`` (and ``result.lines``),
    folded into the first item of their group.
    """
    return _find_repeats(result, merge, entry_keys(result.library.entries))[0]


def _find_repeats(result: ImportResult, merge: bool, keys: list[_Keys]) -> tuple[list[Repeat], list[_Keys]]:
    """:func:`find_repeats` given the detection keys of ``result``'s entries; also returns the keys of the
    entries as they are afterwards (merged entries get new ones, the others keep theirs)."""
    entries = result.library.entries
    lines = result.lines if len(result.lines) == len(entries) else list(range(1, len(entries) + 1))
    groups = find_groups_keyed(entries, keys)
    repeats: list[Repeat] = []
    for group in groups:
        first = lines[group.indexes[0]]
        why = "; ".join(group.reasons)
        repeats.extend(Repeat(lines[i], first, why, merged=merge) for i in group.indexes[1:])
    repeats.sort(key=lambda r: r.line)
    if merge and groups:
        dropped = {i for g in groups for i in g.indexes[1:]}
        kept_lines = [ln for i, ln in enumerate(lines) if i not in dropped]
        before = list(entries)
        by_entry = {id(e): k for e, k in zip(before, keys, strict=True)}
        merge_groups(result.library, groups)
        result.lines = kept_lines
        # an entry merge_groups left alone is the same object with the same keys; a merged one is new
        keys = [by_entry[id(e)] if id(e) in by_entry else _keys_of(e) for e in result.library.entries]
    return repeats, keys


def _keys_of(entry: Entry) -> _Keys:
    return entry_keys([entry])[0]


def import_into(
    target: Library, result: ImportResult, *, section: str | None = None, dedupe: bool = False
) -> ImportReport:
    """Add every imported item to ``target`` except those that duplicate an entry ``target`` already holds.

    Without ``dedupe``, import is faithful to its source: repeats within the file are all imported (and
    reported; merging them is ``lcllm dedupe``'s job), items already in the file are skipped and reported. With
    ``dedupe``, repeats are merged before they go in and items already in the file are merged into the entry
    there (which keeps its position and section). ``section``, a section key (as
    :func:`lcllm_cli.commands.section.resolve` gives it), overrides the sections of the file.
    """
    with paused_gc():  # 100,000s of small objects: the cyclic collector's passes cost ~15% of the step, freeing nothing
        return _import_into(target, result, section=section, dedupe=dedupe)


def _import_into(target: Library, result: ImportResult, *, section: str | None, dedupe: bool) -> ImportReport:
    # Detection keys of the imported items, worked out once for the repeats, the vocabulary and the lookups.
    repeats, keys = _find_repeats(result, dedupe, entry_keys(result.library.entries))
    report = ImportReport(problems=list(result.problems), repeats=repeats)
    src = result.library
    if not target.entries and not target.sections:
        if target.title in ("", "Awesome list"):
            target.title = src.title
        target.intro = target.intro or src.intro
    if section is None:
        for sec in src.sections:
            target.ensure_section(sec.name, sec.level, sec.heading)
    lines = result.lines if len(result.lines) == len(src.entries) else [0] * len(src.entries)
    new: list[Entry] = []
    new_lines: list[int] = []
    index: DuplicateIndex | None = None
    if target.entries:  # into an empty list (the first import) nothing can be present already
        index = DuplicateIndex(target.entries)
        index.count_words(src.entries, keys)
    for entry, line, k in zip(src.entries, lines, keys, strict=True):
        found = index.explain(entry, k) if index is not None else None
        if found is not None:
            j, reason = found
            if dedupe:
                target.entries[j] = merge_entries([target.entries[j], entry])
            report.already_present.append(Present(line, entry, target.entries[j], j + 1, reason, merged=dedupe))
            continue
        if section is not None:
            entry.section = section
        new.append(entry)
        new_lines.append(line)
    target.add_entries(new)
    report.added, report.added_lines = new, new_lines
    # A repeat that was not added (its entry was already in the list) leaves nothing to merge: it is reported once,
    # as already present.
    skipped = {p.line for p in report.already_present if not p.merged}
    report.repeats = [r for r in report.repeats if r.merged or r.line not in skipped]
    return report
