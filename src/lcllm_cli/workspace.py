"""A workspace: one repository that keeps several lists and their index, named by ``lcllm.toml``.

::

    [workspace]
    title = "Awesome LLM plaza"
    description = "Reading lists on large language models."
    index = "README.md"          # its marked part is the index: every list, its sections (and counts)
    counts = false               # print entry counts in the index
    cross_listing = "allow"      # or "forbid": `lcllm check` fails on a paper listed in several lists

    [[list]]
    name = "long-context"        # used with --list
    entries = "lists/long-context.toml"
    markdown = "docs/llm_long_context.md"
    title = "Long context"       # the link text in the index (default: the list's own title)

Paths are relative to the directory of ``lcllm.toml``. lcllm finds the file as git finds its repository: in the
current directory, then in each directory above it; a directory with ``entries.toml`` and no ``lcllm.toml`` is a
single list. ``--file`` / ``LCLLM_FILE`` name one list directly and skip the search.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lcllm_cli.errors import StoreError, UsageError

FILENAME = "lcllm.toml"
CROSS_LISTING = ("allow", "forbid")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_WORKSPACE_KEYS = {"title": str, "description": str, "index": str, "counts": bool, "cross_listing": str}
_LIST_KEYS = {"name": str, "entries": str, "markdown": str, "title": str}


@dataclass(slots=True)
class ListSpec:
    """One list of the workspace: its name, its entries file and its Markdown page (absolute paths)."""

    name: str
    entries: Path
    markdown: Path | None = None
    title: str | None = None  # the link text in the index (None: the list's own title)


@dataclass(slots=True)
class Workspace:
    path: Path  # lcllm.toml itself
    title: str = "Awesome lists"
    description: str | None = None
    index: Path | None = None
    counts: bool = False
    cross_listing: str = "allow"
    lists: list[ListSpec] = field(default_factory=list)

    @property
    def root(self) -> Path:
        return self.path.parent

    def names(self) -> list[str]:
        return [spec.name for spec in self.lists]

    def get(self, name: str) -> ListSpec:
        for spec in self.lists:
            if spec.name == name:
                return spec
        raise UsageError(f"no list {name!r} in {self.path}", hint=f"use one of: {', '.join(self.names()) or '-'}")

    def one(self, name: str | None) -> ListSpec:
        """The list a command that works on one list should use: ``name``, or the only list there is."""
        if name is not None:
            return self.get(name)
        if len(self.lists) == 1:
            return self.lists[0]
        if not self.lists:
            raise UsageError(f"{self.path} names no list", hint="add a [[list]] with name and entries")
        raise UsageError(
            f"{self.path} has {len(self.lists)} lists; say which with --list NAME: {', '.join(self.names())}",
            hint=f"for example: lcllm --list {self.lists[0].name} ...",
        )


def _bad(path: Path, what: str) -> StoreError:
    return StoreError(f"{path}: {what}", hint=f"fix {FILENAME} (docs/workspace.md has its schema)")


def _typed(path: Path, table: dict[str, Any], keys: dict[str, type], where: str) -> None:
    for key, value in table.items():
        if key not in keys:
            raise _bad(path, f"unknown key {key!r} in {where} (known: {', '.join(keys)})")
        if not isinstance(value, keys[key]):
            raise _bad(path, f"{where}.{key} must be a {'boolean' if keys[key] is bool else 'string'}")


def _relative(root: Path, value: str, path: Path, where: str) -> Path:
    if not value.strip():
        raise _bad(path, f"{where} is empty")
    return root / value


def loads(text: str, path: Path) -> Workspace:
    """Parse and validate the text of ``lcllm.toml`` at ``path``; a mistake is a StoreError of one line."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _bad(path, f"not valid TOML: {exc}") from None
    unknown = set(data) - {"workspace", "list"}
    if unknown:
        raise _bad(path, f"unknown table {sorted(unknown)[0]!r} (known: [workspace], [[list]])")
    head = data.get("workspace", {})
    if not isinstance(head, dict):
        raise _bad(path, "[workspace] must be a table")
    _typed(path, head, _WORKSPACE_KEYS, "workspace")
    root = path.parent
    ws = Workspace(path=path)
    ws.title = head.get("title", ws.title)
    ws.description = head.get("description")
    ws.counts = head.get("counts", False)
    ws.cross_listing = head.get("cross_listing", "allow")
    if ws.cross_listing not in CROSS_LISTING:
        raise _bad(path, f"workspace.cross_listing must be one of {', '.join(CROSS_LISTING)}")
    if "index" in head:
        ws.index = _relative(root, head["index"], path, "workspace.index")
    lists = data.get("list", [])
    if not isinstance(lists, list) or not all(isinstance(t, dict) for t in lists):
        raise _bad(path, "list must be an array of tables: [[list]]")
    seen: dict[str, int] = {}
    entries_seen: dict[str, str] = {}
    for n, table in enumerate(lists, 1):
        where = f"list #{n}"
        _typed(path, table, _LIST_KEYS, where)
        for required in ("name", "entries"):
            if required not in table:
                raise _bad(path, f"{where} has no {required}")
        name = table["name"]
        if not _NAME.match(name):
            raise _bad(path, f"{where}: name {name!r} must be letters, digits, '.', '_' or '-'")
        if name in seen:
            raise _bad(path, f"{where}: name {name!r} is also list #{seen[name]}")
        seen[name] = n
        entries = _relative(root, table["entries"], path, f"{where}.entries")
        key = os.path.normpath(entries)
        if key in entries_seen:
            raise _bad(path, f"{where}: entries {table['entries']!r} is also the file of list {entries_seen[key]!r}")
        entries_seen[key] = name
        markdown = _relative(root, table["markdown"], path, f"{where}.markdown") if "markdown" in table else None
        ws.lists.append(ListSpec(name, entries, markdown, table.get("title")))
    _distinct_files(ws)
    return ws


def _distinct_files(ws: Workspace) -> None:
    """No page is another list's page, the index, or an entries file: an export would write one over the other."""
    owner: dict[str, str] = {os.path.normpath(spec.entries): f"the entries of list {spec.name!r}" for spec in ws.lists}
    if ws.index is not None:
        key = os.path.normpath(ws.index)
        if key in owner:
            raise _bad(ws.path, f"workspace.index is also {owner[key]}")
        owner[key] = "the index"
    for spec in ws.lists:
        if spec.markdown is None:
            continue
        key = os.path.normpath(spec.markdown)
        if key in owner:
            raise _bad(ws.path, f"the markdown of list {spec.name!r} is also {owner[key]}")
        owner[key] = f"the markdown of list {spec.name!r}"


def load(path: Path) -> Workspace:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise StoreError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return loads(text, path)


def find(start: Path | None = None) -> Path | None:
    """``lcllm.toml`` or ``entries.toml`` in ``start`` (default: the current directory) or the nearest directory
    above it that has one (``lcllm.toml`` first in each directory); None when no directory up to the root has."""
    from lcllm_cli.store import DEFAULT_FILENAME

    here = (start or Path.cwd()).absolute()
    for directory in (here, *here.parents):
        for name in (FILENAME, DEFAULT_FILENAME):
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None


def is_workspace_file(path: Path) -> bool:
    return path.name == FILENAME


def current(explicit: str | os.PathLike[str] | None = None) -> Workspace | None:
    """The workspace commands run in: none when ``--file`` / ``LCLLM_FILE`` names a list, else the one found."""
    named = explicit or os.environ.get("LCLLM_FILE")
    if named:
        path = Path(named)
        return load(path) if is_workspace_file(path) else None
    found = find()
    return load(found) if found is not None and is_workspace_file(found) else None


def entries_path(explicit: str | os.PathLike[str] | None = None, list_name: str | None = None) -> Path:
    """The entries file a command that works on one list should use.

    ``--file`` / ``LCLLM_FILE`` name it (or name an ``lcllm.toml``); else the nearest ``lcllm.toml`` or
    ``entries.toml`` upwards; else ``./entries.toml`` (where a first ``add`` or ``import`` creates it). In a
    workspace of several lists, ``--list`` says which; without it the error names them.
    """
    from lcllm_cli.store import DEFAULT_FILENAME

    named = explicit or os.environ.get("LCLLM_FILE")
    if named:
        path = Path(named)
        if is_workspace_file(path):
            return load(path).one(list_name).entries
        if list_name is not None:
            raise UsageError(
                f"--list {list_name} needs a workspace, but --file / LCLLM_FILE names one list ({path})",
                hint=f"leave out --file, or give it the {FILENAME} of the workspace",
            )
        return path
    found = find()
    if found is not None and is_workspace_file(found):
        return load(found).one(list_name).entries
    if list_name is not None:
        where = f"found {found} instead" if found is not None else "none was found here or above"
        raise UsageError(f"--list {list_name} needs a {FILENAME}; {where}", hint="see docs/workspace.md")
    return found if found is not None else Path.cwd() / DEFAULT_FILENAME
