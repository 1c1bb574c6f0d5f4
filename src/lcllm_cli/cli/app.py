"""The Typer application, global options, and the error boundary every command goes through."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from lcllm_cli import __version__
from lcllm_cli.errors import LcllmError

if TYPE_CHECKING:
    import click  # typer's click (vendored as typer._click by recent typer): only for the annotations

F = TypeVar("F", bound=Callable[..., Any])

# Panels group the commands in --help.
BUILD = "Build the list"
CLEAN = "Keep it clean and current"
BROWSE = "Browse"
PUBLISH = "Publish"
SETUP = "Set up"


class _Group(TyperGroup):
    """The root command: its --help lists the commands under their panels' headings, each with its whole first
    paragraph of help (click's own list cuts them to fit one line)."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from lcllm_cli.__main__ import help_text, help_width

        formatter.write(help_text(ctx.command_path, help_page(self, ctx), help_width()))


class _Command(TyperCommand):
    """A command whose help paragraphs wrap between words only (click also breaks words at hyphens:
    ``hep-`` / ``th/9711200``, ``--in-`` / ``place``)."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from lcllm_cli.__main__ import wrap_words

        if not self.help:
            return
        indent = " " * (formatter.current_indent + 2)
        width = formatter.width - len(indent)
        paragraphs = ["".join(f"{indent}{line}\n" for line in wrap_words(p, width)) for p in self.help.split("\n\n")]
        formatter.write_paragraph()
        formatter.write("\n".join(paragraphs))


def help_page(group: click.Group, ctx: click.Context) -> tuple[str, str, list[tuple[str, list[tuple[str, str]]]]]:
    """What the root help shows: usage after the program name, description, sections of (term, one-line help).

    ``lcllm_cli.__main__.TOP_HELP`` is a snapshot of this for the ``lcllm --help`` that imports no typer.
    """
    options = [record for param in group.get_params(ctx) if (record := param.get_help_record(ctx))]
    sections: dict[str, list[tuple[str, str]]] = {"Options": options}
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if cmd is None or cmd.hidden:
            continue
        summary = cmd.short_help or (cmd.help or "").split("\n\n")[0]
        panel = getattr(cmd, "rich_help_panel", None) or "Commands"
        sections.setdefault(panel, []).append((name, " ".join(summary.split())))
    usage = " ".join(group.collect_usage_pieces(ctx))
    return usage, (group.help or "").strip(), list(sections.items())


app = typer.Typer(
    name="lcllm",
    cls=_Group,
    help=(
        "Keep a curated awesome list of papers as a real bibliography.\n\n"
        "The list lives in entries.toml (in the current directory or the nearest one above it, or --file / "
        "LCLLM_FILE); a repository of several lists names them in lcllm.toml (pick one with --list). "
        "Typical session: `lcllm import README.md`, `lcllm add 2402.13753`, `lcllm dedupe`, "
        "`lcllm export --markdown -o README.md`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help (click's layout, no rich): rich's help renderer cost ~50 ms of every --help, and usage errors
    # are one plain "Error: ..." line under the usage. The panels still group the commands in `lcllm --help`.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass(slots=True)
class State:
    """Options given before the command, shared with every command through ``ctx.obj``."""

    file: Path | None = None
    list_name: str | None = None  # --list: which list of the workspace (lcllm.toml)

    @property
    def path(self) -> Path:
        """The entries file of the one list the command works on (see lcllm_cli.workspace.entries_path)."""
        from lcllm_cli.workspace import entries_path

        return entries_path(self.file, self.list_name)


def state(ctx: typer.Context) -> State:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, State) else State()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lcllm {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            envvar="LCLLM_FILE",
            help="The entries file to work on (default: entries.toml here or above).",
            show_default=False,
        ),
    ] = None,
    list_name: Annotated[
        str | None,
        typer.Option(
            "--list",
            "-l",
            metavar="NAME",
            help="The list of the workspace (lcllm.toml) to work on.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = State(file=file, list_name=list_name)


def report_error(exc: LcllmError) -> None:
    """Print ``error: ...`` (and ``hint: ...``) on stderr: one clear line, no traceback."""
    from lcllm_cli.cli.output import shown  # messages quote input: its control characters are shown, not obeyed

    typer.echo(f"error: {shown(exc.message)}", err=True)
    if exc.hint:
        typer.echo(f"hint: {shown(exc.hint)}", err=True)


def guarded(func: F) -> F:
    """Turn lcllm's own errors and Ctrl-C into a message and an exit code instead of a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except LcllmError as exc:
            report_error(exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("interrupted: nothing was written that had not been completed", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:  # `lcllm list | head`
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper  # type: ignore[return-value]


def command(name: str | None = None, *, panel: str, **kwargs: Any) -> Callable[[F], F]:
    """Register a command on ``app`` in a help panel, behind the error boundary."""

    def decorator(func: F) -> F:
        app.command(name, cls=_Command, rich_help_panel=panel, **kwargs)(guarded(func))
        return func

    return decorator


def lists_to_work_on(ctx: typer.Context, all_lists: bool, idents: list[str] | None) -> list[tuple[str | None, Any]]:
    """(name, entries file) of each list to work on: with --all, every list of the workspace; else the one list."""
    if not all_lists:
        return [(None, state(ctx).path)]
    from lcllm_cli.errors import UsageError
    from lcllm_cli.workspace import FILENAME, current

    if idents:
        raise UsageError("--all works on every paper of every list; give IDs with --list NAME instead")
    ws = current(state(ctx).file)
    if ws is None:
        raise UsageError(f"--all needs a workspace ({FILENAME}); none was found here or above")
    return [(spec.name, spec.entries) for spec in ws.lists]


def http_config(ttl: str | None, offline: bool, timeout: float | None) -> Any:
    from lcllm_cli.sources.http import HttpConfig, parse_duration

    return HttpConfig.from_env(ttl=parse_duration(ttl) if ttl is not None else None, offline=offline, timeout=timeout)
