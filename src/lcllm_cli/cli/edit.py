"""``lcllm edit`` and ``lcllm move``: change entries instead of editing entries.toml by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from lcllm_cli.cli.app import BUILD, command, state
from lcllm_cli.cli.output import info, print_json, say, shown

if TYPE_CHECKING:
    from lcllm_cli.commands.edit import EditReport

NewSectionOpt = Annotated[
    bool, typer.Option("--new-section", help="Create the section when the list has none of that name.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")]


def _render(report: EditReport, as_json: bool) -> None:
    if as_json:
        print_json(report.to_dict())
        return
    for ident, name, old, new in report.changes:
        say(
            shown(
                f"{ident}: {name}: {old!r} -> {new!r}"
                if name in ("title", "notes")
                else f"{ident}: {name}: {old} -> {new}"
            )
        )
    if not report.changes:
        say("nothing changed")
    for sec in report.empty_sections:
        info(f"note: section {sec!r} has no entries any more (it stays in the list and its table of contents)")


@command(
    "edit",
    panel=BUILD,
    help=(
        "Change entries: title, section, highlight, note, label, description, links. Entries are named as `show` "
        "names them (arXiv id, URL, citation key or exact title); a name that matches several entries is an "
        "error listing them.\n\n"
        'Example: `lcllm edit 2402.13753 --highlight --note "The reference method" --add-link '
        "https://github.com/microsoft/LongRoPE`"
    ),
)
def edit_cmd(
    ctx: typer.Context,
    idents: Annotated[list[str], typer.Argument(metavar="ENTRY...", help="Entries to change.")],
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="A new title.")] = None,
    section: Annotated[
        str | None, typer.Option("--section", "-s", help="Move to this section (a path or a unique name).")
    ] = None,
    highlight: Annotated[
        bool | None, typer.Option("--highlight/--no-highlight", help="Mark or unmark with 🌟.", show_default=False)
    ] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="The entry's note (empty: none).")] = None,
    label: Annotated[
        str | None, typer.Option("--label", metavar="TEXT", help="Add an emoji or :shortcode: label.")
    ] = None,
    description: Annotated[
        str | None, typer.Option("--description", metavar="TEXT", help="The description (empty: none).")
    ] = None,
    add_link: Annotated[list[str] | None, typer.Option("--add-link", metavar="URL", help="Add a link.")] = None,
    remove_link: Annotated[
        list[str] | None, typer.Option("--remove-link", metavar="URL", help="Remove a link.")
    ] = None,
    new_section: NewSectionOpt = False,
    as_json: JsonOpt = False,
) -> None:
    from lcllm_cli.commands.edit import Edits, edit

    edits = Edits(title, section, highlight, note, label, description, add_link or [], remove_link or [])
    _render(edit(state(ctx).path, idents, edits, new_section=new_section), as_json)


@command(
    "move",
    panel=BUILD,
    help=(
        "Move entries to another section, after its last entry (or before its first with --top).\n\n"
        'Example: `lcllm move 2402.13753 2401.18079 --section "Papers/Positional encoding" --top`'
    ),
)
def move_cmd(
    ctx: typer.Context,
    idents: Annotated[list[str], typer.Argument(metavar="ENTRY...", help="Entries to move.")],
    section: Annotated[str, typer.Option("--section", "-s", help="The section (a path or a unique name).")],
    top: Annotated[
        bool, typer.Option("--top", help="At the top of the section (lists that run newest first).")
    ] = False,
    new_section: NewSectionOpt = False,
    as_json: JsonOpt = False,
) -> None:
    from lcllm_cli.commands.edit import move

    _render(move(state(ctx).path, idents, section, top=top, new_section=new_section), as_json)
