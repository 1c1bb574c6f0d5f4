"""``lcllm list``, ``lcllm show``, ``lcllm remove``: look at the list and take entries out of it."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from lcllm_cli.cli.app import BROWSE, BUILD, command, state
from lcllm_cli.cli.output import (
    Column,
    dim,
    is_terminal,
    labelled,
    print_json,
    print_json_list,
    shown,
    styled,
    table_lines,
    terminal_width,
)

if TYPE_CHECKING:
    from lcllm_cli.model import Entry

_FLAT = str.maketrans({"\t": " ", "\n": " ", "\r": " "})  # a cell of the tab-separated output stays one cell
_LIST_COLUMNS = (
    Column("id", overflow="none"),
    Column("title", overflow="wrap"),
    Column("first author", max_width=24),
    Column("year", overflow="none", right=True),
    Column("section", max_width=18),
)


@command(
    "list",
    panel=BROWSE,
    help=(
        "List entries as a table (id or kind, title, first author, year, section); piped or redirected, as "
        "tab-separated lines (the count goes to stderr).\n\n"
        "--all (in a workspace, lcllm.toml) lists the entries of every list, with a column naming the list.\n\n"
        "Example: `lcllm list --section Papers --search rope`, `lcllm list --all --search rope`"
    ),
)
def list_cmd(
    ctx: typer.Context,
    section: Annotated[str | None, typer.Option("--section", "-s", help="Only this section.")] = None,
    search: Annotated[
        str | None,
        typer.Option("--search", "-q", help="Only entries whose title or authors contain this text (any case)."),
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only paper, project or link.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the entries as a JSON array, one entry per line.")
    ] = False,
    all_lists: Annotated[
        bool, typer.Option("--all", "-a", help="Every list of the workspace (lcllm.toml), with a list column.")
    ] = False,
) -> None:
    from lcllm_cli import store
    from lcllm_cli.commands import browse
    from lcllm_cli.commands.section import resolve
    from lcllm_cli.model import entry_to_dict

    if all_lists:
        _list_all(ctx, section=section, search=search, kind=kind, as_json=as_json)
        return
    lib = store.load(state(ctx).path)
    if section:  # a path ("Chinese/Foundation") or a heading text only one section has
        section = resolve(lib, section)
    entries = browse.filter_entries(lib, section=section, search=search, kind=kind)
    if as_json:
        print_json_list(entry_to_dict(e) for e in entries)
        return
    if not is_terminal():
        # Piped or redirected: one tab-separated line per entry (id, title, first author, year, section), streamed,
        # for grep/cut/sort; the count goes to stderr. The table below is for people at a terminal.
        write = sys.stdout.write
        for row in browse.rows(entries):
            write(shown("\t".join(cell.translate(_FLAT) for cell in row)) + "\n")  # tab is not escaped
        sys.stdout.flush()
        sys.stderr.write(f"{len(entries)} of {len(lib.entries)} entries\n")
        return
    # On a terminal: a table fitted to its width (titles wrap, long names end in an ellipsis), header in bold.
    style = styled()
    lines = table_lines(
        _LIST_COLUMNS, [[shown(cell) for cell in row] for row in browse.rows(entries)], terminal_width(), style=style
    )
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.write(dim(f"{len(entries)} of {len(lib.entries)} entries", style) + "\n")
    sys.stdout.flush()


def _list_all(ctx: typer.Context, *, section: str | None, search: str | None, kind: str | None, as_json: bool) -> None:
    from lcllm_cli import store
    from lcllm_cli.commands import browse
    from lcllm_cli.commands.section import resolve
    from lcllm_cli.errors import UsageError
    from lcllm_cli.model import entry_to_dict
    from lcllm_cli.workspace import FILENAME, current

    ws = current(state(ctx).file)
    if ws is None:
        raise UsageError(f"--all needs a workspace ({FILENAME}); none was found here or above")
    found: list[tuple[str, list[Entry]]] = []
    total = 0
    for spec in ws.lists:
        lib = store.load(spec.entries)
        total += len(lib.entries)
        wanted = section
        if section:
            try:
                wanted = resolve(lib, section)
            except UsageError:  # a name this list has no section of, or several: as typed
                wanted = section
        found.append((spec.name, browse.filter_entries(lib, section=wanted, search=search, kind=kind)))
    count = sum(len(entries) for _, entries in found)
    if as_json:
        print_json_list({"list": name, **entry_to_dict(e)} for name, entries in found for e in entries)
        return
    rows = [[name, *row] for name, entries in found for row in browse.rows(entries)]
    if not is_terminal():
        for row in rows:
            sys.stdout.write(shown("\t".join(cell.translate(_FLAT) for cell in row)) + "\n")
        sys.stdout.flush()
        sys.stderr.write(f"{count} of {total} entries in {len(ws.lists)} lists\n")
        return
    style = styled()
    columns = (Column("list", max_width=20), *_LIST_COLUMNS)
    lines = table_lines(columns, [[shown(cell) for cell in row] for row in rows], terminal_width(), style=style)
    sys.stdout.write("".join(line + "\n" for line in lines))
    sys.stdout.write(dim(f"{count} of {total} entries in {len(ws.lists)} lists", style) + "\n")
    sys.stdout.flush()


@command(
    "show",
    panel=BROWSE,
    help=(
        "Show every field of one entry, named by arXiv id (any form, with or without version), "
        "URL, citation key or exact title.\n\nExample: `lcllm show 2402.13753`"
    ),
)
def show_cmd(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="arXiv id or URL, project URL, or citation key.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the entry as JSON (entries that share the ID: an array of them).")
    ] = False,
) -> None:
    from lcllm_cli import store
    from lcllm_cli.commands import browse
    from lcllm_cli.model import entry_to_dict

    lib = store.load(state(ctx).path)
    entries = browse.lookup(lib, ident)
    if as_json:
        data = [{**entry_to_dict(e), **browse.cached_extras(e)} for e in entries]
        if len(data) > 1:
            print_json_list(data)  # several entries: an array of them, one a line, as `list --json` prints
        else:
            print_json(data[0])
        return
    # One field a line, names right-aligned; on a terminal, long values wrap under their first line.
    style = styled()
    width = terminal_width() if is_terminal() else None
    out = []
    for n, entry in enumerate(entries):
        if n:
            out.append("\n")
        for name, value in [*browse.describe(entry), *browse.cached_extras(entry).items()]:
            out.append(labelled(f"{name:>16}", shown(value), width, style=style))
    sys.stdout.write("".join(out))


@command(
    "remove",
    panel=BUILD,
    help=(
        "Remove entries by arXiv id, URL, citation key or exact title. Ids that are not in the list are "
        "reported; the others are still removed (exit code 1 if any was missing).\n\n"
        "Example: `lcllm remove 2310.01889 https://github.com/microsoft/LLMLingua`"
    ),
)
def remove_cmd(
    ctx: typer.Context,
    idents: Annotated[list[str], typer.Argument(metavar="ID...", help="Entries to remove.")],
    every: Annotated[bool, typer.Option("--all", help="A name that matches several entries removes them all.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be removed; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print what was removed as JSON.")] = False,
) -> None:
    from lcllm_cli.commands.browse import remove_entries

    report = remove_entries(state(ctx).path, idents, every=every, dry_run=dry_run)
    verb = "would remove" if dry_run else "removed"
    if as_json:
        print_json(report.to_dict())
    else:
        sys.stdout.write("".join(shown(f"{verb} {entry.ident}: {entry.title}") + "\n" for entry in report.removed))
        sys.stdout.flush()
        sys.stderr.write("".join(shown(f"not in the list: {ident}") + "\n" for ident in report.missing))
        for sec in report.empty_sections:
            sys.stderr.write(
                shown(f"note: section {sec!r} has no entries any more (it stays in the list and its table of contents)")
                + "\n"
            )
    if report.missing:
        raise typer.Exit(1)
