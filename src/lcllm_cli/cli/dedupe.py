"""``lcllm dedupe``: show the groups of duplicate entries with the reason for each, then merge them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from lcllm_cli.cli.app import CLEAN, command, state
from lcllm_cli.cli.output import console, is_terminal, print_json, say, shown

if TYPE_CHECKING:
    from collections.abc import Callable

    from lcllm_cli.commands.dedupe import DedupeReport
    from lcllm_cli.model import Entry

MAX_TABLE_GROUPS = 500  # a list with more groups than this gets one plain line per group: fast and greppable


@command(
    "dedupe",
    panel=CLEAN,
    help=(
        "Find entries that are the same item and merge each group into one.\n\n"
        "Duplicates are: the same arXiv id (any version, also as DOI 10.48550/arXiv.ID), the same DOI, the "
        "same repository or page URL (letter case, http/https, www., trailing slash, .git, ?tab= ignored), a "
        "project that only repeats a paper's code link, and the same title (after normalisation, or with one "
        "typo) with agreeing authors and year. Each group is shown with its reasons; merging keeps the position "
        "of the first member, the newest version, every link and every field.\n\n"
        "On a terminal it asks before merging; elsewhere pass --yes. --dry-run only shows, --check exits 1 "
        "when duplicates exist (for CI).\n\n"
        "--across (in a workspace, lcllm.toml) reports the items that several lists hold, by the same rules; it "
        "changes nothing, since listing a paper in two lists is the curator's choice (--check exits 1 on them).\n\n"
        "Example: `lcllm dedupe --dry-run`, `lcllm dedupe --yes`, `lcllm dedupe --check`, `lcllm dedupe --across`"
    ),
)
def dedupe_cmd(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Merge without asking.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show the groups; change nothing.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; exit 1 when duplicates exist (for CI).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the groups (and what was done) as JSON.")] = False,
    across: Annotated[
        bool, typer.Option("--across", help="Report the items that appear in several lists of the workspace.")
    ] = False,
) -> None:
    from lcllm_cli.commands.dedupe import run

    if across:
        _across(ctx, as_json=as_json, check=check)
        return
    merge = not (dry_run or check)
    confirm = None if yes or not merge else _confirmer(as_json)
    report = run(state(ctx).path, merge=merge, confirm=confirm)
    if as_json:
        print_json({**report.to_dict(), "dry_run": not merge})
    elif not report.merged or confirm is None:  # a confirmed merge has shown its table already
        _show(report)
    if report.merged:
        if not as_json:
            say(
                f"merged {_n(len(report.groups), 'group')}: {report.entries} entries -> "
                f"{report.entries - report.removed}"
            )
        return
    if check and report.groups:
        if not as_json:
            sys.stderr.write("duplicates found; run `lcllm dedupe` to merge them\n")
        raise typer.Exit(1)


def _confirmer(as_json: bool) -> Callable[[DedupeReport], bool]:
    """Show the groups and ask on a terminal; refuse (exit 2) where no one can answer."""

    def confirm(report: DedupeReport) -> bool:
        if not as_json:
            _show(report)
        if not can_ask():
            from lcllm_cli.errors import UsageError

            raise UsageError(
                f"found {_n(len(report.groups), 'group')} of duplicates but cannot ask before merging (no terminal); "
                "nothing was changed",
                hint="pass --yes to merge them, or --dry-run to only look",
            )
        ok = typer.confirm(
            f"Merge {'this group' if len(report.groups) == 1 else f'these {len(report.groups)} groups'} "
            f"({_n(report.duplicates, 'entry', 'entries')} go{'es' if report.duplicates == 1 else ''} away)?",
            default=False,
            err=True,
        )
        if not ok:
            typer.echo("nothing was changed", err=True)
        return ok

    return confirm


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else many or one + 's'}"


def can_ask() -> bool:
    """Whether someone can answer a question: standard input is a terminal."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdin
        return False


def _show(report: DedupeReport) -> None:
    if not report.groups:
        say(f"no duplicates among the {report.entries} entries of {report.path}")
        return
    if len(report.groups) > MAX_TABLE_GROUPS or not is_terminal():
        _show_plain(report)  # piped, or too many groups for a table: plain lines, and rich is never imported
    else:
        from rich.table import Table
        from rich.text import Text

        out = console()

        table = Table(header_style="bold", show_lines=True, pad_edge=False)
        table.add_column("#", justify="right")
        table.add_column("entries (first is kept)", overflow="fold", ratio=3)
        table.add_column("why", overflow="fold", ratio=2)
        for n, (group, members) in enumerate(zip(report.groups, report.members, strict=True), 1):
            lines = [_member(i, e) for i, e in zip(group.indexes, members, strict=True)]
            table.add_row(str(n), Text("\n".join(lines)), Text(shown("\n".join(group.reasons))))
        out.print(table)
    say(
        f"{_n(len(report.groups), 'group')}: {report.duplicates} of {report.entries} entries "
        f"duplicate{'s' if report.duplicates == 1 else ''} another"
    )


def _member(index: int, entry: Entry) -> str:
    version = f"v{entry.version}" if entry.arxiv and entry.version else ""
    ident = entry.arxiv + version if entry.arxiv else (entry.url or entry.key or "")
    title = entry.title if len(entry.title) <= 80 else entry.title[:77] + "..."
    return shown(f"#{index + 1} {entry.kind} {ident} {title}".replace("  ", " "))


def _show_plain(report: DedupeReport) -> None:
    lines: list[str] = []
    for n, (group, members) in enumerate(zip(report.groups, report.members, strict=True), 1):
        lines.append(f"group {n}: " + shown("; ".join(group.reasons)))
        for k, (i, e) in enumerate(zip(group.indexes, members, strict=True)):
            lines.append(("  keep " if k == 0 else "  fold ") + _member(i, e))
    sys.stdout.write("\n".join(lines) + "\n")


def _across(ctx: typer.Context, *, as_json: bool, check: bool) -> None:
    from lcllm_cli.commands.workspace import across
    from lcllm_cli.errors import UsageError
    from lcllm_cli.workspace import FILENAME, current

    ws = current(state(ctx).file)
    if ws is None:
        raise UsageError(f"--across needs a workspace ({FILENAME}); none was found here or above")
    report = across(ws)
    if as_json:
        print_json(report.to_dict())
    elif not report.groups:
        say(f"no item appears in more than one of the {report.lists} lists ({report.entries} entries)")
    else:
        say(f"in several of the {report.lists} lists: {_n(len(report.groups), 'item')}")
        for group in report.groups:
            say(shown(f"  {group.line()}"))
    if check and report.groups:
        raise typer.Exit(1)
