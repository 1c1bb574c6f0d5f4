"""``lcllm stats``: the list in numbers, with papers per month as a bar chart in the terminal (drawn by rich)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lcllm_cli.cli.app import BROWSE, command, state
from lcllm_cli.cli.output import print_json, shown

if TYPE_CHECKING:
    from lcllm_cli.commands.stats import Ranked, StatsReport


@command(
    "stats",
    panel=BROWSE,
    help=(
        "Show what the list holds: entries per kind and section, papers per month as a bar chart, the most cited "
        "and most starred entries, and the share of entries with code (a GitHub project, or a link to a "
        "repository).\n\n"
        "A paper's month is its published month, else the one its arXiv id gives. --svg FILE also draws papers per "
        "month as an SVG chart for a README (with matplotlib: pip install 'lcllm[charts]').\n\n"
        "Examples: `lcllm stats` · `lcllm stats --json` · `lcllm stats --svg docs/papers-per-month.svg`"
    ),
)
def stats_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False,
    top: Annotated[int, typer.Option("--top", "-n", help="How many most cited and most starred entries.")] = 10,
    svg: Annotated[
        Path | None, typer.Option("--svg", metavar="FILE", help="Also write papers per month as an SVG chart.")
    ] = None,
) -> None:
    from lcllm_cli.commands.stats import run

    report = run(state(ctx).path, top=top, svg=svg)
    if as_json:
        print_json(report.to_dict())
        return
    _render(report)


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f}%)" if whole else "0"


def _render(report: StatsReport) -> None:
    from rich.bar import Bar
    from rich.table import Table
    from rich.text import Text

    from lcllm_cli.cli.output import console

    out = console()
    kinds = report.kinds
    out.print(
        Text(
            f"{report.entries} entries: {kinds.get('paper', 0)} papers, {kinds.get('project', 0)} projects, "
            f"{kinds.get('link', 0)} links; with code: {_share(report.with_code, report.entries)}, "
            f"papers with code: {_share(report.papers_with_code, kinds.get('paper', 0))}"
        )
    )
    sections = Table(title="Entries per section", title_justify="left", show_edge=False)
    sections.add_column("section")
    for name in ("papers", "projects", "links", "all"):
        sections.add_column(name, justify="right")
    for name, counts in report.sections:
        row = [counts.get("paper", 0), counts.get("project", 0), counts.get("link", 0), sum(counts.values())]
        sections.add_row(Text(shown(name)), *(str(n) for n in row))
    out.print(sections)
    if report.months:
        peak = max(n for _, n in report.months) or 1
        width = max(10, min(60, out.width - 20))
        chart = Table(title="Papers per month", title_justify="left", show_header=False, show_edge=False, box=None)
        chart.add_column("month")
        chart.add_column("bar", width=width)
        chart.add_column("papers", justify="right")
        for first, last, n in _runs(report.months):
            if first == last:
                chart.add_row(first, Bar(size=peak, begin=0, end=n, width=width, color="blue"), str(n))
            else:  # a long stretch without papers: one line
                chart.add_row(first, Text(f"... to {last}: none", style="dim"), "0")
        out.print(chart)
    if report.undated:
        out.print(Text(f"{report.undated} papers with no month (no published date, no arXiv id)"))
    _top(out, "Most cited", "citations", report.most_cited, "no citation counts yet: `lcllm enrich`")
    _top(out, "Most starred", "stars", report.most_starred, "no star counts yet: `lcllm enrich --stars`")
    if report.svg is not None:
        out.print(Text(f"wrote the chart to {shown(str(report.svg))}"))


def _runs(months: list[tuple[str, int]], min_gap: int = 3) -> list[tuple[str, str, int]]:
    """(first, last, papers) lines of the chart: one per month, but one for a run of ``min_gap`` or more months
    without papers."""
    out: list[tuple[str, str, int]] = []
    i = 0
    while i < len(months):
        j = i
        while j < len(months) and months[j][1] == 0:
            j += 1
        if j - i >= min_gap:
            out.append((months[i][0], months[j - 1][0], 0))
            i = j
        else:
            out.append((months[i][0], months[i][0], months[i][1]))
            i += 1
    return out


def _top(out: object, title: str, what: str, rows: list[Ranked], empty: str) -> None:
    from rich.table import Table
    from rich.text import Text

    if not rows:
        out.print(Text(f"{title}: {empty}"))  # type: ignore[attr-defined]
        return
    table = Table(title=title, title_justify="left", show_edge=False)
    table.add_column(what, justify="right")
    table.add_column("id", overflow="fold", max_width=30)
    table.add_column("title", overflow="fold")
    for r in rows:
        table.add_row(str(r.count), Text(shown(r.ident)), Text(shown(r.title)))
    out.print(table)  # type: ignore[attr-defined]
