"""``lcllm refresh`` and ``lcllm enrich``: keep the list's metadata, citation counts and stars current."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lcllm_cli.cli.app import CLEAN, command, http_config, lists_to_work_on
from lcllm_cli.cli.output import console, print_json, progress_bar, shown

if TYPE_CHECKING:
    from pathlib import Path

    from lcllm_cli.commands.enrich import Change, EnrichReport
    from lcllm_cli.commands.refresh import RefreshReport

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
TimeoutOpt = Annotated[
    float | None,
    typer.Option("--timeout", metavar="SECONDS", help="Per-request timeout (default 30, or LCLLM_HTTP_TIMEOUT)."),
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would change; write nothing.")]
AllOpt = Annotated[
    bool,
    typer.Option(
        "--all",
        "-a",
        help="Every list of the workspace (lcllm.toml), one after the other; a paper several lists hold is asked "
        "about once (the cache answers for the others).",
    ),
]
IdsArg = Annotated[
    list[str] | None,
    typer.Argument(
        metavar="[ID...]", help="Only these entries (arXiv id, URL, citation key or title).", show_default=False
    ),
]


def _short(value: Any, name: str) -> str:
    if value is None or value == []:
        return "-"
    if name == "authors" and isinstance(value, list):
        return f"{len(value)} authors ({value[0]}, ...)" if len(value) > 1 else f"1 author ({value[0]})"
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _changes_table(changes: list[Change]) -> None:
    from rich.table import Table
    from rich.text import Text

    evidence = any(c.evidence for c in changes)
    table = Table(header_style="bold", box=None, pad_edge=False)
    table.add_column("id", overflow="fold", max_width=40)
    table.add_column("field")
    table.add_column("old -> new", overflow="fold")
    if evidence:
        table.add_column("evidence", overflow="fold")
    last = None
    for c in changes:
        row = [  # titles and ids come from outside: plain Text, never rich markup
            Text(shown(c.ident) if c.ident != last else ""),
            Text(c.field),
            Text(shown(f"{_short(c.old, c.field)} -> {_short(c.new, c.field)}")),
        ]
        if evidence:
            row.append(Text(shown(c.evidence or "")))
        table.add_row(*row)
        last = c.ident
    console().print(table)


def _suggestions_table(suggestions: list[Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title="suggested, not applied", header_style="bold", box=None, pad_edge=False)
    for name in ("id", "venue", "evidence", "why not"):
        table.add_column(name, overflow="fold")
    for s in suggestions:
        table.add_row(Text(shown(s.ident)), Text(shown(s.venue)), Text(shown(s.evidence)), Text(shown(s.reason)))
    console().print(table)


@command(
    "enrich",
    panel=CLEAN,
    help=(
        "Add citation counts and published venues (Semantic Scholar), repository stars (GitHub) and the likes and "
        "downloads of Hugging Face models, datasets and Spaces (the Hub) to the list.\n\n"
        "With none of --citations, --venues and --stars, does all three. Citations are looked up by arXiv id (else "
        "DOI), 500 papers per request; a paper Semantic Scholar does not know keeps what it had. The published "
        "version (--venues: `ICLR 2024` in the list, @inproceedings in the BibTeX) comes in the same requests; "
        "when Semantic Scholar names none, the paper's DOI (doi.org) or OpenReview forum is asked, and a paper "
        "with neither arXiv id nor DOI is searched by title. Only identifier-backed matches are applied (a title "
        "match only with the same title and authors in common); the rest, and a venue that contradicts the one "
        "the list has, are shown as suggestions. Preprint servers (arXiv.org, CoRR, bioRxiv) are never a venue, "
        "and a venue once found is never removed. Stars, the archived "
        "flag, an empty description and the canonical owner/name are taken for project entries and for GitHub "
        "links on any entry (a renamed repository's URL is updated); --stars also brings a Hub project's likes and "
        "last month's downloads. S2_API_KEY, GITHUB_TOKEN and HF_TOKEN are used when "
        "set; without a token, a GitHub quota too small for the work is reported before anything is asked. "
        "Answers are cached (--ttl) so a rerun makes no request.\n\n"
        "Example: `lcllm enrich --venues --dry-run` (every change with its evidence), `lcllm enrich --citations "
        "--stars`"
    ),
)
def enrich_cmd(
    ctx: typer.Context,
    idents: IdsArg = None,
    citations: Annotated[bool, typer.Option("--citations", help="Citation counts from Semantic Scholar.")] = False,
    venues: Annotated[
        bool, typer.Option("--venues", help="Published versions (conference, journal) from Semantic Scholar.")
    ] = False,
    stars: Annotated[
        bool,
        typer.Option("--stars", help="Stars and canonical names from GitHub; likes and downloads from the Hub."),
    ] = False,
    offline: OfflineOpt = False,
    ttl: TtlOpt = None,
    timeout: TimeoutOpt = None,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
    all_lists: AllOpt = False,
) -> None:
    def one(path: Path) -> EnrichReport:
        return _enrich_one(path, idents, citations, venues, stars, offline, ttl, timeout, dry_run, as_json)

    reports = _each_list(ctx, all_lists, idents, as_json, one)
    _raise_all([exc for report in reports for exc in report.errors])


def _enrich_one(
    path: Any,
    idents: list[str] | None,
    citations: bool,
    venues: bool,
    stars: bool,
    offline: bool,
    ttl: str | None,
    timeout: float | None,
    dry_run: bool,
    as_json: bool,
) -> EnrichReport:
    from lcllm_cli.commands.enrich import run

    both = not citations and not stars and not venues
    config = http_config(ttl, offline, timeout)
    with progress_bar(not as_json) as update:
        report = run(
            path,
            citations=citations or both,
            stars=stars or both,
            venues=venues or both,
            idents=idents or None,
            config=config,
            dry_run=dry_run,
            progress=update,
        )
    if not as_json:
        if report.changes:
            _changes_table(report.changes)
        if report.suggestions:
            _suggestions_table(report.suggestions)
        verb = "would change" if dry_run else "changed"
        asked = []
        if citations or venues or both:
            asked.append(f"{report.papers} papers")
        if stars or both:
            asked.append(f"{report.repos} repositories")
            if report.models:
                asked.append(f"{report.models} Hugging Face projects")
        typer.echo(
            f"{verb} {len(report.changes)} fields; asked about {' and '.join(asked)} "
            f"({report.requests} requests, {report.cache_hits} answers from the cache)"
        )
        if report.unknown:
            typer.echo(f"no Semantic Scholar count for {len(report.unknown)} papers (left as they were)", err=True)
        if venues or both:
            typer.echo(
                f"published versions: {report.published} papers; none known for {len(report.no_venue)}"
                + (f"; {len(report.suggestions)} suggestions not applied" if report.suggestions else "")
            )
        for url in report.missing_repos:
            where = "the Hugging Face Hub" if url.startswith("https://huggingface.co/") else "GitHub"
            typer.echo(f"not found on {where}: {url}", err=True)
    return report


def _each_list(
    ctx: typer.Context, all_lists: bool, idents: list[str] | None, as_json: bool, one: Callable[[Path], Any]
) -> list[Any]:
    """The reports of ``one`` (entries file -> report, its text printed) on the list, or with --all on every list
    of the workspace, each named first; with --json, prints them (for --all, a JSON list with each list's name)."""
    done: list[tuple[str | None, Any]] = []
    for name, path in lists_to_work_on(ctx, all_lists, idents):
        if name is not None and not as_json:
            typer.echo(f"{name}: {path}")
        done.append((name, one(path)))
    if as_json and all_lists:
        print_json([{"list": name, **report.to_dict()} for name, report in done])
    elif as_json:
        print_json(done[0][1].to_dict())
    return [report for _, report in done]


def _raise_all(errors: list[Any]) -> None:
    """Report every error, then exit with the first one's code; nothing when there is none."""
    from lcllm_cli.cli.app import report_error

    if not errors:
        return
    for exc in errors:
        report_error(exc)
    raise typer.Exit(errors[0].exit_code)


@command(
    "refresh",
    panel=CLEAN,
    help=(
        "Re-fetch arXiv metadata for every paper (or those given) and show what changed.\n\n"
        "Fills full author lists, dates, categories, DOI, journal reference and comment; notices new versions and "
        "changed titles. Fields set by hand (section, highlight, notes, links, citation key, citations, fields) are "
        "never touched. Batches of up to 100 ids, one request every 3 s (LCLLM_ARXIV_DELAY); answers are cached "
        "(--ttl), so a repeated refresh asks arXiv nothing. Exit code 1 if a paper is not on arXiv.\n\n"
        "Example: `lcllm refresh --dry-run` or `lcllm refresh 2402.13753`"
    ),
)
def refresh_cmd(
    ctx: typer.Context,
    idents: IdsArg = None,
    dry_run: DryRunOpt = False,
    offline: OfflineOpt = False,
    ttl: TtlOpt = None,
    timeout: TimeoutOpt = None,
    as_json: JsonOpt = False,
    all_lists: AllOpt = False,
) -> None:
    def one(path: Path) -> RefreshReport:
        return _refresh_one(path, idents, dry_run, offline, ttl, timeout, as_json)

    reports = _each_list(ctx, all_lists, idents, as_json, one)
    _raise_all([report.error for report in reports if report.error is not None])
    if any(report.missing for report in reports):
        raise typer.Exit(1)


def _refresh_one(
    path: Any,
    idents: list[str] | None,
    dry_run: bool,
    offline: bool,
    ttl: str | None,
    timeout: float | None,
    as_json: bool,
) -> RefreshReport:
    from lcllm_cli.commands.refresh import run
    from lcllm_cli.sources.arxiv import ArxivConfig

    config = http_config(ttl, offline, timeout)
    arxiv_config = ArxivConfig.from_env(timeout=timeout)
    with progress_bar(not as_json) as update:
        report = run(
            path,
            idents=idents or None,
            dry_run=dry_run,
            config=config,
            arxiv_config=arxiv_config,
            progress=update,
        )
    if not as_json:
        if report.changes:
            _changes_table(report.changes)
        verb = "would change" if dry_run else "changed"
        notes = []
        if report.new_versions:
            notes.append(f"{len(report.new_versions)} new versions")
        if report.retitled:
            notes.append(f"{len(report.retitled)} new titles")
        typer.echo(
            f"checked {report.papers} papers: {verb} {report.changed_papers}"
            + (f" ({', '.join(notes)})" if notes else "")
            + f"; {report.requests} requests, {report.cache_hits} answers from the cache"
        )
        for ident in report.skipped:
            typer.echo(f"not an arXiv paper, skipped: {shown(ident)}", err=True)
        for arxiv_id in report.missing:
            typer.echo(f"not on arXiv: {arxiv_id}", err=True)
    return report
