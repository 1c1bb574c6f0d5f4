"""``lcllm edit`` and ``lcllm move``: change entries without editing the TOML by hand (one write each)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lcllm_cli.errors import UsageError
from lcllm_cli.model import Entry, Library, Link


@dataclass(slots=True)
class EditReport:
    """What changed, entry by entry: ``(id, field, old, new)``."""

    changes: list[tuple[str, str, str, str]] = field(default_factory=list)
    empty_sections: list[str] = field(default_factory=list)  # sections a move left without entries

    def to_dict(self) -> dict[str, object]:
        return {
            "changes": [{"id": i, "field": f, "old": o, "new": n} for i, f, o, n in self.changes],
            "empty_sections": self.empty_sections,
        }


@dataclass(slots=True)
class Edits:
    title: str | None = None
    section: str | None = None
    highlight: bool | None = None
    note: str | None = None
    label: str | None = None
    description: str | None = None
    add_links: list[str] = field(default_factory=list)
    remove_links: list[str] = field(default_factory=list)


def _entries(lib: Library, idents: list[str]) -> list[int]:
    """The one entry each name names (as ``show`` names them), each once; a missing or ambiguous name is an error."""
    from lcllm_cli.commands.browse import one

    return list(dict.fromkeys(one(lib, ident) for ident in idents))


def place(lib: Library, index: int, section: str, top: bool) -> None:
    """Put the entry at ``index`` into ``section``: after its last entry, or before its first with ``top``."""
    entry = lib.entries.pop(index)
    entry.section = section
    lib.ensure_section(section)
    if top:
        first = next((i for i, e in enumerate(lib.entries) if e.section == section), None)
        if first is not None:
            lib.entries.insert(first, entry)
            return
    lib.add_entries([entry])


def _empty(lib: Library, before: set[str]) -> list[str]:
    used = {e.section for e in lib.entries}
    paths = lib.section_paths()
    return [paths.get(s, s) for s in sorted(before - used)]


def move(path: Path, idents: list[str], section: str, *, top: bool = False, new_section: bool = False) -> EditReport:
    """Move the named entries to ``section`` (in the order named)."""
    from lcllm_cli import store
    from lcllm_cli.commands.section import resolve

    report = EditReport()
    with store.edit(path) as lib:
        target = resolve(lib, section, new_section=new_section)
        chosen = [lib.entries[i] for i in _entries(lib, idents)]
        before = {e.section for e in lib.entries}
        for entry in reversed(chosen) if top else chosen:
            old = entry.section
            place(lib, next(i for i, e in enumerate(lib.entries) if e is entry), target, top)
            report.changes.append((entry.ident, "section", old, target))
        report.empty_sections = _empty(lib, before)
    if top:
        report.changes.reverse()
    return report


def edit(path: Path, idents: list[str], edits: Edits, *, new_section: bool = False) -> EditReport:
    """Apply ``edits`` to each named entry."""
    from lcllm_cli import store
    from lcllm_cli.commands.section import resolve
    from lcllm_cli.mdsyntax import is_label
    from lcllm_cli.urls import is_web_url, url_key

    if edits.label is not None and not is_label(edits.label):
        raise UsageError(f"--label {edits.label!r} is not an emoji or a :shortcode:", hint="e.g. --label 🔥")
    for url in edits.add_links:
        if not is_web_url(url):
            raise UsageError(f"--add-link {url!r} is not an http(s) URL")
    report = EditReport()
    with store.edit(path) as lib:
        target = resolve(lib, edits.section, new_section=new_section) if edits.section is not None else None
        chosen = [lib.entries[i] for i in _entries(lib, idents)]
        before = {e.section for e in lib.entries}
        for entry in chosen:
            ident = entry.ident

            def change(name: str, old: object, new: object, entry: Entry = entry, ident: str = ident) -> None:
                if old != new:
                    setattr(entry, name, new)
                    report.changes.append((ident, name, "" if old is None else str(old), str(new)))

            if edits.title is not None:
                change("title", entry.title, " ".join(edits.title.split()))
            if edits.highlight is not None:
                change("highlight", entry.highlight, edits.highlight)
            if edits.note is not None:
                change("notes", entry.notes, edits.note.strip() or None)
            if edits.description is not None:
                change("description", entry.description, edits.description.strip() or None)
            if edits.label is not None and edits.label not in entry.labels:
                change("labels", list(entry.labels), [*entry.labels, edits.label])
            for url in edits.add_links:
                if all(url_key(u) != url_key(url) for u in entry.all_urls()):
                    entry.links.append(Link("link", url))
                    report.changes.append((ident, "links", "", url))
            for url in edits.remove_links:
                kept = [lk for lk in entry.links if url_key(lk.url) != url_key(url)]
                if len(kept) == len(entry.links):
                    raise UsageError(f"{ident} has no link {url}", hint="`lcllm show` lists an entry's links")
                entry.links = kept
                report.changes.append((ident, "links", url, ""))
            if target is not None and entry.section != target:
                old = entry.section
                place(lib, next(i for i, e in enumerate(lib.entries) if e is entry), target, False)
                report.changes.append((ident, "section", old, target))
        report.empty_sections = _empty(lib, before)
    return report
