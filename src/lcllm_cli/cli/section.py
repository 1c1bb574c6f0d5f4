"""``lcllm section list|add|rename|remove``: the list's sections (headings), without editing entries.toml by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from lcllm_cli.cli.app import BUILD, _Command, _Group, app, guarded, state
from lcllm_cli.cli.output import console, print_json, say, shown

if TYPE_CHECKING:
    from lcllm_cli.commands.section import SectionReport

section_app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(
    section_app,
    name="section",
    rich_help_panel=BUILD,
    help=(
        "List, add, rename and remove the list's sections (the headings of its Markdown). A section is named by "
        "its path (Chinese/Foundation) or by a heading text only one section has.\n\n"
        'Example: `lcllm section add "Long-Context Benchmarks" --under Papers`\n\n'
        'Example: `lcllm section remove "Old stuff" --to Papers`'
    ),
)

F = TypeVar("F", bound=Callable[..., Any])
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the sections and the changes as JSON.")]


def _render(report: SectionReport, as_json: bool, *, table: bool = False) -> None:
    if as_json:
        print_json(report.to_dict())
        return
    for change in report.changes:
        say(shown(change))
    if not table:
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=None, header_style="bold", pad_edge=False)
    grid.add_column("section", overflow="fold")
    grid.add_column("entries", justify="right", no_wrap=True)
    for row in report.sections:
        indent = "  " * max(0, row.level - min(r.level for r in report.sections))
        grid.add_row(Text(indent + shown(row.path.rsplit("/", 1)[-1])), str(row.entries))
    console(stderr=False).print(grid)


def _sub(name: str, help_text: str) -> Callable[[F], F]:
    """Register a subcommand of ``lcllm section`` behind the error boundary."""

    def decorator(func: F) -> F:
        section_app.command(name, cls=_Command, help=help_text)(guarded(func))
        return func

    return decorator


@_sub("list", "Show the sections as a tree, with how many entries each holds.\n\nExample: `lcllm section list`")
def list_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    from lcllm_cli.commands.section import listing

    _render(listing(state(ctx).path), as_json, table=True)


@_sub(
    "add",
    "Add a section: the last subsection of --under, right after --after (and its subsections), or at the end of "
    "the list.\n\nExample: `lcllm section add Benchmarks --under Papers`",
)
def add_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="The heading of the new section.")],
    under: Annotated[
        str | None, typer.Option("--under", metavar="SECTION", help="Make it a subsection of SECTION.")
    ] = None,
    after: Annotated[
        str | None, typer.Option("--after", metavar="SECTION", help="Put it right after SECTION, at its level.")
    ] = None,
    level: Annotated[
        int | None,
        typer.Option("--level", metavar="N", help="Heading level, 1 (#) to 6 (default: that of the top sections)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from lcllm_cli.commands.section import add

    _render(add(state(ctx).path, name, under=under, after=after, level=level), as_json)


@_sub(
    "rename",
    "Give a section a new heading; its entries stay in it.\n\nExample: `lcllm section rename Survey Surveys`",
)
def rename_cmd(
    ctx: typer.Context,
    old: Annotated[str, typer.Argument(metavar="SECTION", help="The section to rename.")],
    new: Annotated[str, typer.Argument(metavar="NAME", help="Its new heading.")],
    as_json: JsonOpt = False,
) -> None:
    from lcllm_cli.commands.section import rename

    _render(rename(state(ctx).path, old, new), as_json)


@_sub(
    "remove",
    "Remove a section. One that holds entries is refused unless --to names the section they move to; one with "
    "subsections is refused.\n\nExample: `lcllm section remove Misc --to Papers`",
)
def remove_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="SECTION", help="The section to remove.")],
    to: Annotated[
        str | None, typer.Option("--to", metavar="SECTION", help="Move its entries to SECTION (at its end).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    from lcllm_cli.commands.section import remove

    _render(remove(state(ctx).path, name, to=to), as_json)
