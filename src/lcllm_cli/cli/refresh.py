"""``lcllm refresh`` and ``lcllm enrich``: keep the list's metadata, citation counts and stars current."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lcllm_cli.cli.app import CLEAN, command, state
from lcllm_cli.cli.output import console, print_json

if TYPE_CHECKING:
    from lcllm_cli.enriching import Change

OfflineOpt = Annotated[
    bool,
    typer.Option("--offline", help="Answer from the cache alone (answers of any age); fail if one is missing."),
]
TtlOpt = Annotated[
    str | None,
    typer.Option(
        "--ttl",
        metavar="DURATION",
        help="Reuse cached answers younger than this (3600, 30m, 12h, 7d; 0 asks again). "
        "Default 1d, or LCLLM_CACHE_TTL.",
        show_default=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would change; write nothing.")]
IdsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[ID...]", help="Only these entries (arXiv id, URL, citation key or title).", show_default=False
    ),
]


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr (only on a terminal): yields ``update(task, done, total)``."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    tasks: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:

        def update(task: str, done: int, total: int) -> None:
            if task not in tasks:
                tasks[task] = bar.add_task(task, total=total)
            bar.update(tasks[task], completed=done, total=total)

        yield update


def _http_config(ttl: str | None, offline: bool) -> Any:
    from lcllm_cli.sources.http import HttpConfig, parse_duration

    return HttpConfig.from_env(ttl=parse_duration(ttl) if ttl is not None else None, offline=offline)


def _short(value: Any) -> str:
    if value is None or value == []:
        return "-"
    if isinstance(value, list):
        return f"{len(value)} names" if value and isinstance(value[0], str) else str(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _changes_table(changes: list[Change]) -> None:
    from rich.table import Table

    table = Table(header_style="bold", box=None, pad_edge=False)
    table.add_column("id", overflow="fold", max_width=40)
    table.add_column("field")
    table.add_column("old -> new", overflow="fold")
    last = None
    for c in changes:
        table.add_row(c.ident if c.ident != last else "", c.field, f"{_short(c.old)} -> {_short(c.new)}")
        last = c.ident
    console().print(table)


@command(
    "enrich",
    panel=CLEAN,
    help=(
        "Add citation counts (Semantic Scholar) and repository stars (GitHub) to the list.\n\n"
        "With neither --citations nor --stars, does both. Citations are looked up by arXiv id (else DOI), "
        "500 papers per request; a paper Semantic Scholar does not know keeps what it had. Stars, the archived "
        "flag, an empty description and the canonical owner/name are taken for project entries and for GitHub "
        "links on any entry (a renamed repository's URL is updated). S2_API_KEY and GITHUB_TOKEN are used when "
        "set; without a token, a GitHub quota too small for the work is reported before anything is asked. "
        "Answers are cached (--ttl) so a rerun makes no request.\n\n"
        "Example: `lcllm enrich --citations --stars`"
    ),
)
def enrich_cmd(
    ctx: typer.Context,
    idents: IdsArg = None,
    citations: Annotated[bool, typer.Option("--citations", help="Citation counts from Semantic Scholar.")] = False,
    stars: Annotated[bool, typer.Option("--stars", help="Stars and canonical names from GitHub.")] = False,
    offline: OfflineOpt = False,
    ttl: TtlOpt = None,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    from lcllm_cli.enriching import enrich

    both = not citations and not stars
    config = _http_config(ttl, offline)
    path = state(ctx).path
    with progress_bar(not as_json) as update:
        report = enrich(
            path,
            citations=citations or both,
            stars=stars or both,
            idents=idents or None,
            config=config,
            dry_run=dry_run,
            progress=update,
        )
    if as_json:
        print_json(report.to_dict())
    else:
        if report.changes:
            _changes_table(report.changes)
        verb = "would change" if dry_run else "changed"
        asked = []
        if citations or both:
            asked.append(f"{report.papers} papers")
        if stars or both:
            asked.append(f"{report.repos} repositories")
        typer.echo(
            f"{verb} {len(report.changes)} fields; asked about {' and '.join(asked)} "
            f"({report.requests} requests, {report.cache_hits} answers from the cache)"
        )
        if report.unknown:
            typer.echo(f"no Semantic Scholar count for {len(report.unknown)} papers (left as they were)", err=True)
        for url in report.missing_repos:
            typer.echo(f"not found on GitHub: {url}", err=True)
    if report.errors:
        _raise_all(report.errors)


def _raise_all(errors: list[Any]) -> None:
    from lcllm_cli.cli.app import report_error

    for exc in errors:
        report_error(exc)
    raise typer.Exit(errors[0].exit_code)
