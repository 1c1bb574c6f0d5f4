"""``lcllm init``: start an empty list, or make a workspace of the lists an index README links to."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcllm_cli.cli.app import BUILD, command, state
from lcllm_cli.cli.output import print_json, say, shown
from lcllm_cli.errors import UsageError


@command(
    "init",
    panel=BUILD,
    help=(
        "Start an empty list (entries.toml here, or --file) with a title, or, with --workspace --from README.md, "
        "make a workspace of the lists an index links to.\n\n"
        "--workspace --from INDEX follows the index's relative links to .md files, imports each list into its own "
        "entries file (lists/NAME.toml, as `lcllm import` does, nothing lost), writes lcllm.toml beside the index "
        "and puts the lcllm markers into each list's page (after its title and intro) and into the index (around "
        "its links), so that `lcllm export` keeps them all current. Nothing that exists is overwritten.\n\n"
        'Examples: `lcllm init --title "Awesome long-context LLM"` · `lcllm init --workspace --from README.md`'
    ),
)
def init_cmd(
    ctx: typer.Context,
    title: Annotated[str | None, typer.Option("--title", "-t", help="The list's (or the workspace's) title.")] = None,
    workspace: Annotated[
        bool, typer.Option("--workspace", "-w", help="Make a workspace (lcllm.toml) of several lists.")
    ] = False,
    source: Annotated[
        Path | None,
        typer.Option("--from", metavar="INDEX", help="With --workspace: the index README that links the lists."),
    ] = None,
    lists_dir: Annotated[
        str, typer.Option("--lists-dir", help="With --workspace: where the entries files go.")
    ] = "lists",
    as_json: Annotated[bool, typer.Option("--json", help="Print what was written as JSON.")] = False,
) -> None:
    from lcllm_cli.commands import init

    if source is not None and not workspace:
        raise UsageError("--from reads an index of several lists; give --workspace too", hint="or use `lcllm import`")
    if not workspace:
        st = state(ctx)
        path = st.file or Path.cwd() / "entries.toml"
        report = init.empty(path, title)
        if as_json:
            print_json(report.to_dict())
        else:
            say(shown(f"started {report.path}: {report.title!r}, no entries yet; `lcllm add ID` adds the first"))
        return
    if source is None:
        raise UsageError("--workspace needs --from INDEX (the README that links the lists)")
    ws = init.from_index(source, lists_dir=lists_dir, title=title)
    if as_json:
        print_json(ws.to_dict())
        return
    for li in ws.lists:
        problems = f", {len(li.report.problems)} kept with a problem (see `lcllm import --dry-run`)"
        say(
            shown(
                f"{li.name}: imported {len(li.report.added)} entries from {li.source} into {li.entries}"
                + (problems if li.report.problems else "")
            )
        )
    for skipped in ws.skipped:
        say(shown(f"skipped {skipped}"))
    say(shown(f"wrote {ws.workspace} ({len(ws.lists)} lists); `lcllm export` writes their pages and {ws.index}"))
