"""``lcllm section list|add|rename|remove``: the list's sections (its headings) without editing the TOML by hand,
and :func:`resolve`, the one way every command (``add``, ``edit``, ``move``, ``section``) names a section."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path

from lcllm_cli.errors import UsageError
from lcllm_cli.model import Library, Section


def resolve(lib: Library, wanted: str, *, new_section: bool = False, option: str = "--section") -> str:
    """The key of the section ``wanted`` names: its key, its path (``"Chinese/Foundation"``) or a heading text only
    one section has, the same ignoring case when nothing matches exactly. A name no section has is an error naming
    the closest ones, unless ``new_section`` (or the list has no section yet): then it is the new section's key."""
    wanted = " ".join(wanted.split())
    if not wanted:
        raise UsageError(f"{option} needs a name", hint='e.g. --section "Papers"')
    try:
        key = lib.resolve_section(wanted)
    except ValueError as err:
        raise UsageError(
            f"{option} {wanted!r} names several sections: {err}", hint="give its path, e.g. 'A/B'"
        ) from None
    names = lib.section_names()
    if key in names:
        return key
    paths = lib.section_paths()
    folded = wanted.casefold()
    loose = [s.name for s in lib.sections if folded in (s.name.casefold(), paths[s.name].casefold(), s.text.casefold())]
    if len(loose) == 1:
        return loose[0]
    if new_section or not names:
        return key
    close = difflib.get_close_matches(wanted, list(paths.values()), n=3, cutoff=0.5)
    raise UsageError(
        f"no section {wanted!r}" + (f"; did you mean {', '.join(map(repr, close))}?" if close else ""),
        hint="give an existing section (`lcllm section list` shows them), or add --new-section to create it",
    )


@dataclass(slots=True)
class SectionRow:
    """One section as ``lcllm section list`` shows it."""

    key: str
    path: str
    level: int
    entries: int

    def to_dict(self) -> dict[str, object]:
        return {"key": self.key, "path": self.path, "level": self.level, "entries": self.entries}


@dataclass(slots=True)
class SectionReport:
    """What a ``section`` command did: the sections after it, and a sentence per change."""

    sections: list[SectionRow] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    moved: int = 0  # entries that changed section

    def to_dict(self) -> dict[str, object]:
        return {"sections": [s.to_dict() for s in self.sections], "changes": self.changes, "moved": self.moved}


def rows(lib: Library) -> list[SectionRow]:
    counts: dict[str, int] = {}
    for entry in lib.entries:
        counts[entry.section] = counts.get(entry.section, 0) + 1
    paths = lib.section_paths()
    return [SectionRow(s.name, paths[s.name], s.level, counts.get(s.name, 0)) for s in lib.sections]


def listing(path: Path) -> SectionReport:
    from lcllm_cli import store

    return SectionReport(sections=rows(store.load(path)))


def _subtree_end(lib: Library, index: int) -> int:
    """The index after the last section of the subtree that starts at ``index``."""
    level = lib.sections[index].level
    end = index + 1
    while end < len(lib.sections) and lib.sections[end].level > level:
        end += 1
    return end


def _heading(text: str, what: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise UsageError(f"{what} needs a name", hint='e.g. lcllm section add "Long-Context Benchmarks"')
    if any(ord(ch) < 32 or ch == "\x7f" for ch in text):
        raise UsageError(f"{what} {text!r} holds control characters")
    return text


def _key_for(lib: Library, text: str, parent_path: str | None, *, besides: str | None = None) -> str:
    """The key a section headed ``text`` gets: the text, or its path when another section already uses the text."""
    taken = {s.name for s in lib.sections if s.name != besides} | {
        p for k, p in lib.section_paths().items() if k != besides
    }
    key = text if text not in taken else (f"{parent_path}/{text}" if parent_path else text)
    if key in taken:
        raise UsageError(f"the list already has a section {key!r}", hint="choose another name, or --under a section")
    return key


def add(
    path: Path, name: str, *, under: str | None = None, after: str | None = None, level: int | None = None
) -> SectionReport:
    """Add a section headed ``name``: the last subsection of ``under``, right after the subtree of ``after``, or
    at the end of the list (at ``level``, default the level of the list's top sections, ``##``)."""
    from lcllm_cli import store

    text = _heading(name, "a section")
    if under is not None and after is not None:
        raise UsageError("give --under or --after, not both")
    if level is not None and not 1 <= level <= 6:
        raise UsageError(f"--level must be from 1 to 6, not {level}")
    report = SectionReport()
    with store.edit(path, create=True) as lib:
        names = lib.section_names()
        paths = lib.section_paths()
        parent_path: str | None = None
        if under is not None:
            parent = resolve(lib, under, option="--under")
            at = names.index(parent)
            new_level = lib.sections[at].level + 1
            if new_level > 6:
                raise UsageError(f"{paths[parent]!r} is at the deepest heading level (######)")
            if level is not None and level != new_level:
                raise UsageError(f"a subsection of {paths[parent]!r} is at level {new_level}, not {level}")
            insert_at, parent_path = _subtree_end(lib, at), paths[parent]
        elif after is not None:
            sibling = resolve(lib, after, option="--after")
            at = names.index(sibling)
            new_level = level if level is not None else lib.sections[at].level
            insert_at = _subtree_end(lib, at)
            parent_path = paths[sibling].rpartition("/")[0] or None
        else:
            top = min((s.level for s in lib.sections), default=2)
            new_level = level if level is not None else max(top, 2)
            insert_at = len(lib.sections)
        key = _key_for(lib, text, parent_path)
        lib.sections.insert(insert_at, Section(key, new_level, text if key != text else None))
        report.changes.append(f"added section {lib.section_paths()[key]!r}")
        report.sections = rows(lib)
    return report


def rename(path: Path, old: str, new: str) -> SectionReport:
    """Give a section a new heading; its entries follow it."""
    from lcllm_cli import store

    text = _heading(new, "the new name")
    report = SectionReport()
    with store.edit(path) as lib:
        key = resolve(lib, old, option="section")
        index = lib.section_names().index(key)
        sec = lib.sections[index]
        before = lib.section_paths()[key]
        parent_path = before.rpartition("/")[0] or None
        new_key = _key_for(lib, text, parent_path, besides=key)
        # the same section under its new heading (its arXiv query and categories, if any, stay with it)
        lib.sections[index] = replace(sec, name=new_key, heading=text if new_key != text else None)
        for entry in lib.entries:
            if entry.section == key:
                entry.section = new_key
                report.moved += 1
        report.changes.append(f"renamed section {before!r} to {lib.section_paths()[new_key]!r}")
        report.sections = rows(lib)
    return report


def remove(path: Path, name: str, *, to: str | None = None) -> SectionReport:
    """Remove a section. One that holds entries is refused unless ``to`` names the section they move to (at its
    end); one with subsections is refused (remove or move them first)."""
    from lcllm_cli import store
    from lcllm_cli.commands.edit import place

    report = SectionReport()
    with store.edit(path) as lib:
        key = resolve(lib, name, option="section")
        paths = lib.section_paths()
        index = lib.section_names().index(key)
        children = [paths[s.name] for s in lib.sections[index + 1 : _subtree_end(lib, index)]]
        if children:
            raise UsageError(
                f"section {paths[key]!r} has subsections: {', '.join(map(repr, children))}",
                hint="remove or rename them first",
            )
        held = [e for e in lib.entries if e.section == key]
        if held and to is None:
            raise UsageError(
                f"section {paths[key]!r} holds {len(held)} {'entry' if len(held) == 1 else 'entries'}",
                hint="give --to SECTION to move them there, or move or remove them first",
            )
        if held:
            target = resolve(lib, to or "", option="--to")
            if target == key:
                raise UsageError("--to names the section being removed")
            for entry in held:
                place(lib, next(i for i, e in enumerate(lib.entries) if e is entry), target, False)
            report.moved = len(held)
            report.changes.append(f"moved {len(held)} {'entry' if len(held) == 1 else 'entries'} to {paths[target]!r}")
        del lib.sections[index]
        report.changes.append(f"removed section {paths[key]!r}")
        report.sections = rows(lib)
    return report
