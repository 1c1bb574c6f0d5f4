"""``lcllm dedupe``: find the entries that are one item and merge each group into one (one write)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lcllm_cli.dedupe import DuplicateGroup, entry_keys, find_groups_keyed, merge_groups
from lcllm_cli.errors import LcllmError
from lcllm_cli.gcpause import keep
from lcllm_cli.gcpause import paused_gc as _no_gc
from lcllm_cli.model import Entry, Library


@dataclass(slots=True)
class DedupeReport:
    """What ``lcllm dedupe`` found (and did): the groups with their members as they were, the counts."""

    path: str
    entries: int
    groups: list[DuplicateGroup]
    members: list[list[Entry]]
    merged: bool = False
    removed: int = 0

    @property
    def duplicates(self) -> int:
        """How many entries would go away (or went away)."""
        return sum(len(g.indexes) - 1 for g in self.groups)

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.path,
            "entries": self.entries,
            "groups": [
                {
                    "kept": g.indexes[0] + 1,
                    "members": [
                        {"position": i + 1, "kind": e.kind, "id": e.ident, "title": e.title}
                        for i, e in zip(g.indexes, members, strict=True)
                    ],
                    "reasons": g.reasons,
                }
                for g, members in zip(self.groups, self.members, strict=True)
            ],
            "duplicates": self.duplicates,
            "merged": self.merged,
            "removed": self.removed,
            "entries_after": self.entries - self.duplicates,  # after the merge (done, or as it would be)
        }


def _signature(groups: Sequence[DuplicateGroup]) -> list[list[int]]:
    return [g.indexes for g in groups]


def run(
    path: Path,
    *,
    merge: bool,
    confirm: Callable[[DedupeReport], bool] | None = None,
) -> DedupeReport:
    """Find the duplicate groups of the list at ``path`` and, with ``merge``, merge them in one atomic write.

    With ``confirm``, the groups are found first and shown to it; only if it says yes is the file locked, the
    groups found again (a list changed in between is refused, nothing written) and merged. Without it, finding
    and merging happen under one lock.
    """
    from lcllm_cli import store

    def report_for(lib: Library, *, to_the_end: bool = False) -> DedupeReport:
        keys = entry_keys(lib.entries)
        if to_the_end:  # the list and its detection keys live to the end: freeing them would only cost time
            keep(lib, keys)
        groups = find_groups_keyed(lib.entries, keys)
        members = [[lib.entries[i] for i in g.indexes] for g in groups]
        return DedupeReport(str(path), len(lib.entries), groups, members)

    if not merge:
        with _no_gc():
            lib = store.load(path)
        return report_for(lib, to_the_end=True)
    seen: DedupeReport | None = None
    if confirm is not None:
        with _no_gc():
            lib = store.load(path)
        seen = report_for(lib)
        if not seen.groups or not confirm(seen):
            return seen
    with _no_gc(), store.edit(path) as lib:
        report = report_for(lib)
        if seen is not None and _signature(report.groups) != _signature(seen.groups):
            raise LcllmError(
                f"{path} changed while you were deciding; nothing was merged",
                hint="run `lcllm dedupe` again to see the groups as they are now",
            )
        if report.groups:
            report.removed = merge_groups(lib, report.groups).removed
            report.merged = True
    return report
