"""The Typer application, global options, and the error boundary every command goes through."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from lcllm_cli import __version__
from lcllm_cli.errors import LcllmError

F = TypeVar("F", bound=Callable[..., Any])

# Panels group the commands in --help.
BUILD = "Build the list"
CLEAN = "Keep it clean and current"
BROWSE = "Browse"
PUBLISH = "Publish"

app = typer.Typer(
    name="lcllm",
    help=(
        "Keep a curated awesome list of papers as a real bibliography.\n\n"
        "The list lives in entries.toml (in the current directory, or --file / LCLLM_FILE). "
        "Typical session: `lcllm import README.md`, `lcllm add 2402.13753`, `lcllm dedupe`, "
        "`lcllm export --markdown -o README.md`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@dataclass(slots=True)
class State:
    """Options given before the command, shared with every command through ``ctx.obj``."""

    file: Path | None = None

    @property
    def path(self) -> Path:
        from lcllm_cli.store import find_file

        return find_file(self.file)


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
            help="The entries file to work on (default: ./entries.toml).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    ctx.obj = State(file=file)


class _Deferred(type):
    """A stand-in class that imports the real one (module ``_module``, name ``__name__``) when first used."""

    _module: str

    def _real(cls) -> Any:
        import importlib

        return getattr(importlib.import_module(cls._module), cls.__name__)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        return getattr(cls._real(), name)

    def __instancecheck__(cls, obj: Any) -> bool:
        return isinstance(obj, cls._real())


def import_help_renderer() -> None:
    """Import typer's help renderer without the two rich modules it imports but lcllm never uses there.

    ``typer.rich_utils`` imports ``rich.markdown`` (and with it markdown-it and pygments: ~40 ms) and
    ``rich.traceback`` at its top, for help in Markdown mode and for pretty tracebacks; lcllm renders help in rich
    mode and turns pretty tracebacks off. While the renderer is imported those two modules are stand-ins whose
    classes import the real ones if ever used; the stand-ins are taken away right after, so anything importing
    ``rich.markdown`` later gets the real module. Any surprise: the renderer is imported the ordinary way.
    """
    import types

    if "typer.rich_utils" in sys.modules:
        return
    stand_ins: dict[str, types.ModuleType] = {}
    for module, name in (("rich.markdown", "Markdown"), ("rich.traceback", "Traceback")):
        if module in sys.modules:
            continue
        stand_in = types.ModuleType(module)
        setattr(stand_in, name, _Deferred(name, (), {"_module": module}))
        stand_ins[module] = stand_in
    sys.modules.update(stand_ins)
    try:
        import typer.rich_utils  # noqa: F401
    except Exception:
        sys.modules.pop("typer.rich_utils", None)
    finally:
        for module, stand_in in stand_ins.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]


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
        app.command(name, rich_help_panel=panel, **kwargs)(guarded(func))
        return func

    return decorator
