"""Commands over every list of a workspace (``lcllm.toml``): export all, check all, the index, cross-listing.

:func:`export_all` writes each list's Markdown page (its marked part, or the whole file when it has no markers)
and the index (its marked part); :func:`check_all` says, without writing, which of those would change and names
the list of each finding; :func:`across` finds items that several lists hold (the detection of ``lcllm dedupe``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lcllm_cli.errors import UsageError

if TYPE_CHECKING:
    from lcllm_cli.commands.check import CheckReport, FileStatus
    from lcllm_cli.model import Library
    from lcllm_cli.workspace import Workspace

_ATX = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _read(path: Path) -> str | None:
    """The text of ``path`` (line endings as LF), or None when it does not exist."""
    try:
        return path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def headings(lines: list[str]) -> list[str]:
    """The texts of the ATX headings of ``lines`` (outside code fences), as GitHub reads them."""
    from lcllm_cli.mdsyntax import unescape

    out: list[str] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if fence is not None:
            if m and m[1][0] == fence[0] and len(m[1]) >= len(fence):
                fence = None
            continue
        if m:
            fence = m[1]
            continue
        h = _ATX.match(line)
        if h:
            out.append(unescape(h[2]))
    return out


def page_text(lib: Library, current: str | None, star_counts: bool | None = None) -> str:
    """What a list's Markdown page should hold: ``current`` with its marked part rendered, or, when it has no
    markers (or does not exist yet), the whole page."""
    from lcllm_cli.exporters.markdown import marker_span, render, replace_between_markers

    if current is not None and marker_span(current) is not None:
        new = replace_between_markers(current, render(lib, full=False, star_counts=star_counts))
        assert new is not None
        return new
    return render(lib, full=True, star_counts=star_counts)


def section_anchors(lib: Library, page: str) -> list[tuple[int, str, str]]:
    """(level, heading text, anchor) of each section of ``lib`` as ``page`` (its rendered Markdown) shows them.

    The anchors are GitHub's, made unique across the page as GitHub does: the headings above the marked part (or
    the title of a whole page) come first, so a section named like one of them gets its ``-1``.
    """
    from lcllm_cli.exporters.markdown import _sections, marker_span, slug

    used: dict[str, int] = {}
    lines = page.split("\n")
    span = marker_span(page)
    for text in headings(lines[: span[0]]) if span is not None else [lib.title]:
        slug(text, used)
    return [(sec.level, sec.text, slug(sec.text, used)) for sec in _sections(lib, lib.entries)]


def _href(target: Path, base: Path) -> str:
    from urllib.parse import quote

    return quote(Path(os.path.relpath(target, base)).as_posix(), safe="/._-~")


def render_index(ws: Workspace, libs: list[Library], pages: list[str | None]) -> str:
    """The index's marked part: per list its link and its sections as nested links to the list's anchors (and
    entry counts when the workspace asks for them)."""
    from lcllm_cli.exporters.markdown import _sections, escape

    base = (ws.index or ws.path).parent
    out: list[str] = []
    for spec, lib, page in zip(ws.lists, libs, pages, strict=True):
        title = escape(spec.title or lib.title)
        count = f" ({len(lib.entries)})" if ws.counts else ""
        if spec.markdown is None or page is None:
            out.append(f"- {title}{count}")
            continue
        href = _href(spec.markdown, base)
        out.append(f"- [{title}]({href}){count}")
        anchors = section_anchors(lib, page)
        top = min((level for level, _, _ in anchors), default=2)
        per_section: dict[str, int] = {}
        for entry in lib.entries:
            per_section[entry.section] = per_section.get(entry.section, 0) + 1
        for sec, (level, text, anchor) in zip(_sections(lib, lib.entries), anchors, strict=True):
            n = f" ({per_section.get(sec.name, 0)})" if ws.counts else ""
            out.append("  " * (level - top + 1) + f"- [{escape(text)}]({href}#{anchor}){n}")
    return "\n".join(out) + "\n"


def index_text(ws: Workspace, current: str | None, body: str) -> str:
    """The index file: ``current`` with its marked part replaced by ``body``; a new index gets the workspace's title
    and description above the markers. An index without markers is refused (it is the repository's README)."""
    from lcllm_cli.commands.export import MarkersMissing
    from lcllm_cli.exporters.markdown import block_for_markers, escape, replace_between_markers
    from lcllm_cli.mdsyntax import MARKER_END, MARKER_START

    if current is None:
        head = [f"# {escape(ws.title)}", ""]
        if ws.description:
            head += [ws.description.strip(), ""]
        return "\n".join(head) + f"\n{MARKER_START}\n{block_for_markers(body)}{MARKER_END}\n"
    new = replace_between_markers(current, body)
    if new is None:
        raise MarkersMissing(
            f"{ws.index} (the workspace's index) has no {MARKER_START} ... {MARKER_END} markers",
            hint=f"put the two lines {MARKER_START} and {MARKER_END} where the index of the lists should go",
        )
    return new


def _libraries(ws: Workspace) -> list[Library]:
    from lcllm_cli import store

    return [store.load(spec.entries) for spec in ws.lists]


# --------------------------------------------------------------------------------------------- export


@dataclass(slots=True)
class Written:
    path: str
    changed: bool
    list: str | None = None  # None: the index
    entries: int = 0


@dataclass(slots=True)
class WorkspaceExportReport:
    workspace: str
    files: list[Written] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "workspace": self.workspace,
            "files": [{"list": f.list, "path": f.path, "changed": f.changed, "entries": f.entries} for f in self.files],
        }


def _write(path: Path, text: str, current: str | None) -> bool:
    from lcllm_cli import store

    if current == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    store.write_atomic(path, text)
    return True


def export_all(ws: Workspace, *, only: str | None = None, star_counts: bool | None = None) -> WorkspaceExportReport:
    """Write every list's Markdown page (or only the list ``only``'s) and the index. A file already as it should
    be is not written, so a second run changes nothing."""
    report = WorkspaceExportReport(str(ws.path))
    libs = _libraries(ws)
    pages: list[str | None] = []
    for spec, lib in zip(ws.lists, libs, strict=True):
        if spec.markdown is None:
            pages.append(None)
            continue
        current = _read(spec.markdown)
        if only is not None and spec.name != only:  # not written now: its anchors as its page has them (or will)
            pages.append(current if current is not None else page_text(lib, None, star_counts))
            continue
        text = page_text(lib, current, star_counts)
        changed = _write(spec.markdown, text, current)
        report.files.append(Written(str(spec.markdown), changed, spec.name, len(lib.entries)))
        pages.append(text)
    if ws.index is not None:
        current = _read(ws.index)
        text = index_text(ws, current, render_index(ws, libs, pages))
        changed = _write(ws.index, text, current)
        report.files.append(Written(str(ws.index), changed, None, sum(len(lib.entries) for lib in libs)))
    return report


# --------------------------------------------------------------------------------------------- across


@dataclass(slots=True)
class CrossMember:
    list: str
    position: int  # 1-based, in its list
    ident: str
    title: str


@dataclass(slots=True)
class CrossGroup:
    members: list[CrossMember]
    reasons: list[str]

    def line(self) -> str:
        names = ", ".join(f"{m.list} #{m.position} {m.ident}" for m in self.members)
        why = "; ".join(self.reasons)
        return f"{names}: {why}" if why else names


@dataclass(slots=True)
class AcrossReport:
    workspace: str
    lists: int
    entries: int
    groups: list[CrossGroup] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "workspace": self.workspace,
            "lists": self.lists,
            "entries": self.entries,
            "groups": [
                {
                    "members": [
                        {"list": m.list, "position": m.position, "id": m.ident, "title": m.title} for m in g.members
                    ],
                    "reasons": g.reasons,
                }
                for g in self.groups
            ],
        }


def across_libraries(ws: Workspace, libs: list[Library]) -> AcrossReport:
    from lcllm_cli.dedupe import find_groups
    from lcllm_cli.model import Entry, Library

    entries: list[Entry] = []
    origin: list[tuple[str, int]] = []
    for spec, lib in zip(ws.lists, libs, strict=True):
        for i, entry in enumerate(lib.entries):
            entries.append(entry)
            origin.append((spec.name, i + 1))
    report = AcrossReport(str(ws.path), len(ws.lists), len(entries))
    for group in find_groups(Library(entries=entries)):
        if len({origin[i][0] for i in group.indexes}) < 2:
            continue  # the same item twice in one list: `lcllm dedupe` of that list
        members = [CrossMember(*origin[i], entries[i].ident, entries[i].title) for i in group.indexes]
        report.groups.append(CrossGroup(members, group.reasons))
    return report


def across(ws: Workspace) -> AcrossReport:
    """Items that appear in several lists (as ``lcllm dedupe`` sees the same item), each group with its lists."""
    return across_libraries(ws, _libraries(ws))


# --------------------------------------------------------------------------------------------- check


@dataclass(slots=True)
class WorkspaceCheckReport:
    workspace: str
    lists: list[tuple[str, CheckReport]] = field(default_factory=list)
    index: FileStatus | None = None
    cross: list[str] = field(default_factory=list)  # one line per item several lists hold
    cross_forbidden: bool = False

    @property
    def ok(self) -> bool:
        return (
            all(r.ok for _, r in self.lists)
            and (self.index is None or self.index.up_to_date)
            and not (self.cross_forbidden and self.cross)
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "workspace": self.workspace,
            "lists": [{"list": name, **r.to_dict()} for name, r in self.lists],
            "index": None
            if self.index is None
            else {"path": self.index.path, "up_to_date": self.index.up_to_date, "diff": self.index.diff},
            "cross_listed": self.cross,
            "cross_listing": "forbid" if self.cross_forbidden else "allow",
        }


def _page_status(path: Path, current: str | None, want: str) -> FileStatus:
    from lcllm_cli.commands.check import text_status

    if current is None:
        from lcllm_cli.commands.check import FileStatus

        return FileStatus(str(path), False, want.count("\n"), 0, [f"{path} does not exist yet"])
    return text_status(path, current, want)


def check_all(ws: Workspace, *, only: str | None = None) -> WorkspaceCheckReport:
    """Check every list (valid, no duplicates), its Markdown page and the index; write nothing. ``only``: that list
    and its page alone (the index and cross-listing need every list)."""
    from lcllm_cli.commands import check

    report = WorkspaceCheckReport(str(ws.path), cross_forbidden=ws.cross_listing == "forbid")
    libs: list[Library | None] = []
    pages: list[str | None] = []
    for spec in ws.lists:
        if only is not None and spec.name != only:
            continue
        result = check.run(spec.entries, [])
        report.lists.append((spec.name, result))
        lib = result.library  # (None when the list is not valid)
        libs.append(lib)
        if lib is None or spec.markdown is None:
            pages.append(None)
            continue
        current = _read(spec.markdown)
        want = page_text(lib, current)
        result.files.append(_page_status(spec.markdown, current, want))
        pages.append(want)
    if only is None and all(lib is not None for lib in libs):
        good = [lib for lib in libs if lib is not None]
        if ws.index is not None:
            current = _read(ws.index)
            want = index_text(ws, current, render_index(ws, good, pages))
            report.index = _page_status(ws.index, current, want)
        report.cross = [g.line() for g in across_libraries(ws, good).groups]
    return report
