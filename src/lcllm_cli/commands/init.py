"""``lcllm init``: start an empty list, or move a family of lists and their index into a workspace.

:func:`empty` writes an ``entries.toml`` with a title and no entry. :func:`from_index` reads an index README, follows
its relative links to ``.md`` files (each one list), imports each into its own entries file (``lists/NAME.toml``;
the import is the faithful one of ``lcllm import``), writes ``lcllm.toml`` beside the index, and puts the lcllm
markers into each list's page (after its title and intro, to its end) and into the index (around its links to the
lists). Everything is read and imported before the first file is written; nothing that exists is overwritten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lcllm_cli.errors import UsageError

if TYPE_CHECKING:
    from lcllm_cli.importers.apply import ImportReport

_TITLE = re.compile(r"^ {0,3}# +(.*?)[ \t#]*$")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]")
_TOC_ITEM = re.compile(r"^\s*[-*+][ \t]+\[[^\]]*\]\(#")
_COUNT_AFTER_LINK = re.compile(r"\)[ \t]*\(\d+\)[ \t]*$")


@dataclass(slots=True)
class InitReport:
    path: str
    title: str

    def to_dict(self) -> dict[str, object]:
        return {"file": self.path, "title": self.title}


def empty(path: Path, title: str | None) -> InitReport:
    """Write an empty list at ``path`` with ``title``; an existing file is refused."""
    from lcllm_cli import store
    from lcllm_cli.model import Library

    if path.exists():
        raise UsageError(f"{path} already exists", hint="lcllm init starts a new list; edit that one instead")
    lib = Library(title=title or "Awesome list")
    path.parent.mkdir(parents=True, exist_ok=True)
    store.save(lib, path)
    return InitReport(str(path), lib.title)


@dataclass(slots=True)
class ImportedList:
    name: str
    source: str  # the list's Markdown page
    entries: str  # its new entries file
    title: str  # the link text in the index
    report: ImportReport
    markers_added: bool


@dataclass(slots=True)
class WorkspaceInitReport:
    workspace: str
    index: str
    title: str
    lists: list[ImportedList] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # links that lead to no list, with the reason
    index_markers_added: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "workspace": self.workspace,
            "index": self.index,
            "title": self.title,
            "lists": [
                {
                    "name": li.name,
                    "markdown": li.source,
                    "entries": li.entries,
                    "title": li.title,
                    "imported": len(li.report.added),
                    "problems": [{"line": p.line, "message": p.message, "text": p.text} for p in li.report.problems],
                    "markers_added": li.markers_added,
                }
                for li in self.lists
            ],
            "skipped": self.skipped,
            "index_markers_added": self.index_markers_added,
        }


def _name(stem: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-._") or "list"
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


@dataclass(slots=True)
class _Link:
    path: Path
    title: str
    lines: list[int]  # the index's lines that link to it (0-based)


def index_links(index: Path, text: str) -> tuple[list[_Link], list[str]]:
    """The ``.md`` files the index links to (relative links, in order of first appearance) and the links that
    name a file that does not exist."""
    from urllib.parse import unquote

    from lcllm_cli.mdsyntax import INLINE_LINK, unescape

    found: dict[Path, _Link] = {}
    missing: list[str] = []
    for n, line in enumerate(text.split("\n")):
        for m in INLINE_LINK.finditer(line):
            url = m["url"]
            if m["image"] or not url or url.startswith("#") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url):
                continue
            target = url.partition("#")[0]
            target = unquote(target.split("?", 1)[0])
            if not target.lower().endswith(".md"):
                continue
            path = (index.parent / target).resolve()
            if path == index.resolve():
                continue
            if not path.is_file():
                if url not in missing:
                    missing.append(url)
                continue
            title = unescape(m["text"]).strip()
            if path not in found:  # the first link's text names the list; the others are its sections
                found[path] = _Link(path, title, [n])
            else:
                found[path].lines.append(n)
    return list(found.values()), missing


def list_with_markers(text: str) -> str | None:
    """A list's page with the markers put after its title and intro (before its contents or first heading) and at
    its end; None when it has them already."""
    from lcllm_cli.exporters.markdown import marker_span
    from lcllm_cli.mdsyntax import MARKER_END, MARKER_START

    if marker_span(text.replace("\r\n", "\n")) is not None:
        return None
    crlf = "\r\n" in text
    lines = text.replace("\r\n", "\n").split("\n")
    start = 0
    for i, line in enumerate(lines):
        if _TITLE.match(line):
            start = i + 1
            break
    at = next(
        (i for i in range(start, len(lines)) if _TOC_ITEM.match(lines[i]) or _HEADING.match(lines[i])), len(lines)
    )
    end = len(lines)
    while end > at and not lines[end - 1].strip():
        end -= 1
    out = [*lines[:at], MARKER_START, "", *lines[at:end], "", MARKER_END, ""]
    joined = "\n".join(out)
    return joined.replace("\n", "\r\n") if crlf else joined


def index_with_markers(text: str, link_lines: list[int]) -> str | None:
    """The index with the markers around the lines that link to the lists; None when it has them already."""
    from lcllm_cli.exporters.markdown import marker_span
    from lcllm_cli.mdsyntax import MARKER_END, MARKER_START

    if marker_span(text.replace("\r\n", "\n")) is not None or not link_lines:
        return None
    crlf = "\r\n" in text
    lines = text.replace("\r\n", "\n").split("\n")
    first, last = min(link_lines), max(link_lines)
    out = [*lines[:first], MARKER_START, "", *lines[first : last + 1], "", MARKER_END, *lines[last + 1 :]]
    joined = "\n".join(out)
    return joined.replace("\n", "\r\n") if crlf else joined


def _title_and_description(text: str, first_link: int) -> tuple[str | None, str | None]:
    from lcllm_cli.mdsyntax import unescape

    lines = text.replace("\r\n", "\n").split("\n")
    title = None
    for i, line in enumerate(lines[:first_link]):
        m = _TITLE.match(line)
        if m:
            title = unescape(m[1]).strip()
            for after in lines[i + 1 : first_link]:
                plain = after.strip()
                if plain and not re.match(r"^(?:[-*+>#<!\[|]|\d+[.)])", plain):
                    return title, unescape(plain)
            break
    return title, None


def _rel(path: Path, root: Path) -> str:
    import os

    return Path(os.path.relpath(path, root)).as_posix()


def from_index(index: Path, *, lists_dir: str = "lists", title: str | None = None) -> WorkspaceInitReport:
    """Make a workspace of the lists ``index`` links to. See the module docstring."""
    from lcllm_cli import files, importers, store
    from lcllm_cli.importers.apply import import_into
    from lcllm_cli.model import Library
    from lcllm_cli.workspace import FILENAME

    try:
        text = files.read_regular(index).decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {index}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {index}: {getattr(exc, 'strerror', None) or exc}") from None
    root = index.parent.absolute()
    ws_path = root / FILENAME
    if ws_path.exists():
        raise UsageError(f"{ws_path} already exists", hint="this directory is a workspace already")
    links, missing = index_links(index.absolute(), text)
    if not links:
        raise UsageError(
            f"{index} links to no Markdown file of this repository",
            hint="the index should link each list as a relative link, e.g. [Long context](docs/long-context.md)",
        )
    taken: set[str] = set()
    plans: list[tuple[str, _Link, Path]] = []
    for link in links:
        name = _name(link.path.stem, taken)
        entries = root / lists_dir / f"{name}.toml"
        if entries.exists():
            raise UsageError(f"{entries} already exists", hint="move it away, or give another --lists-dir")
        plans.append((name, link, entries))
    # Read every list before writing anything: a page that cannot be read stops the move with nothing written.
    imported = []
    for name, link, entries in plans:
        result = importers.read(link.path, "markdown")
        lib = Library(title=result.library.title)
        report = import_into(lib, result)
        imported.append((name, link, entries, lib, report))
    first_link = min(n for link in links for n in link.lines)
    found_title, description = _title_and_description(text, first_link)
    ws_title = title or found_title or "Awesome lists"
    counts = bool(_COUNT_AFTER_LINK.search(text.split("\n")[links[0].lines[0]].rstrip("\r")))
    out = WorkspaceInitReport(str(ws_path), str(index), ws_title, skipped=[f"{u}: no such file" for u in missing])
    toml = ["[workspace]", f"title = {store.toml_str(ws_title)}"]
    if description:
        toml.append(f"description = {store.toml_str(description)}")
    toml += [f"index = {store.toml_str(_rel(index.absolute(), root))}", f"counts = {'true' if counts else 'false'}"]
    toml.append('cross_listing = "allow"')
    for name, link, entries, lib, report in imported:
        entries.parent.mkdir(parents=True, exist_ok=True)
        with store.edit(entries, create=True, title=lib.title) as target:
            target.title, target.intro, target.star_counts = lib.title, lib.intro, lib.star_counts
            target.newest_first, target.sections, target.entries = lib.newest_first, lib.sections, lib.entries
        page = files.read_regular(link.path).decode("utf-8")
        marked = list_with_markers(page)
        if marked is not None:
            store.write_atomic(link.path, marked)
        toml += [
            "",
            "[[list]]",
            f"name = {store.toml_str(name)}",
            f"entries = {store.toml_str(_rel(entries, root))}",
            f"markdown = {store.toml_str(_rel(link.path, root))}",
        ]
        if link.title and link.title != lib.title:
            toml.append(f"title = {store.toml_str(link.title)}")
        out.lists.append(
            ImportedList(name, str(link.path), str(entries), link.title or lib.title, report, marked is not None)
        )
    marked_index = index_with_markers(text, [n for link in links for n in link.lines])
    if marked_index is not None:
        store.write_atomic(index, marked_index)
        out.index_markers_added = True
    store.write_atomic(ws_path, "\n".join(toml) + "\n")
    return out
