"""``lcllm inbox``: the new papers this list should consider, ranked; add or reject them by number."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from lcllm_cli.cli.app import BUILD, command, http_config, lists_to_work_on, report_error, state
from lcllm_cli.cli.output import Column, dim, is_terminal, print_json, progress_bar, shown, styled, table_lines

if TYPE_CHECKING:
    from pathlib import Path

    from lcllm_cli.commands.inbox import InboxReport

_FLAT = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
_COLUMNS = (
    Column("#", overflow="none", right=True),
    Column("id", overflow="none"),
    Column("title", overflow="wrap"),
    Column("first author", max_width=20),
    Column("date", overflow="none"),
    Column("section", max_width=16),
    Column("why", overflow="wrap"),
)


@command(
    "inbox",
    panel=BUILD,
    help=(
        "The new papers this list should consider, ranked: arXiv searches, Hugging Face daily papers and Semantic "
        "Scholar recommendations, without what the list holds or the curator rejected.\n\n"
        "arXiv is searched once per section, with the section's `query` (and `categories`) from entries.toml, or "
        "a query made of the distinctive words of its titles (the listing says which); Semantic Scholar is asked "
        "once per section for papers like the section's and unlike the rejected ones; the Hub once per day. A "
        "candidate goes to the section it fits best; the ranking adds a query match (1), a recommendation (1 to "
        "0.5 by rank), shared title words (up to 0.5) and upvotes (up to 1 at 100), ties newest first; --json "
        "gives every signal. Answers are cached (--ttl), so a second run the same morning asks nothing. One "
        "source failing is a warning (exit code 0); every source failing is exit code 1.\n\n"
        "--since takes a day (YYYY-MM-DD) or a span back from today (2d, 1w); default 2d (arXiv announces a day's "
        "submissions the next evening and its search index may lag a day). `--add N...` adds "
        "the candidates numbered N in the last listing (or arXiv ids) through `lcllm add`, to the section shown "
        "(or --section); `--reject N...` records them in entries.rejected.toml beside the list, so they never "
        "come back and steer the recommendations away. On a terminal, -i goes through the candidates one key at "
        "a time (a: add, r: reject, s: skip, o: open, q: quit).\n\n"
        "Example: `lcllm inbox --since 2d`\n\n"
        "Example: `lcllm inbox --add 1 4`\n\n"
        "Example: `lcllm inbox --reject 2 3`\n\n"
        "Example: `lcllm inbox --source arxiv,hf --section Papers --json`"
    ),
)
def inbox_cmd(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="WHEN", help="From this day (YYYY-MM-DD, 2d, 1w; default 2d)."),
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="Up to this day (default today, UTC).")
    ] = None,
    source: Annotated[
        str, typer.Option("--source", metavar="LIST", help="Which sources, comma-separated: arxiv, hf, s2.")
    ] = "arxiv,hf,s2",
    section: Annotated[
        str | None,
        typer.Option("--section", "-s", help="Only this section's candidates; with --add, the section to add to."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-l", metavar="N", min=1, help="Show at most this many candidates.")
    ] = 30,
    picks: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[PICK...]",
            help="With --add or --reject: numbers of the last listing, or arXiv ids (or DOIs).",
            show_default=False,
        ),
    ] = None,
    add: Annotated[bool, typer.Option("--add", help="Add the candidates named (through `lcllm add`).")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the candidates named: never offered again.")] = False,
    interactive: Annotated[
        bool,
        typer.Option("--interactive", "-i", help="On a terminal: go through the candidates one key at a time."),
    ] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Answer from the cache alone; a source without answers fails.")
    ] = False,
    ttl: Annotated[
        str | None,
        typer.Option(
            "--ttl",
            metavar="DURATION",
            help="Reuse cached answers younger than this (30m, 12h; 0 asks again). Default 1d, or LCLLM_CACHE_TTL.",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", metavar="SECONDS", help="Per-request timeout (default 30).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the candidates and every signal as JSON.")] = False,
    all_lists: Annotated[
        bool,
        typer.Option(
            "--all",
            "-a",
            help="Every list of the workspace (lcllm.toml), one after the other, each with its own numbers "
            "(`lcllm -l NAME inbox --add N` then adds from that list's).",
        ),
    ] = False,
) -> None:
    from lcllm_cli.commands import inbox
    from lcllm_cli.errors import UsageError
    from lcllm_cli.sources.arxiv import ArxivConfig

    named = [p for v in picks or [] for p in v.replace(",", " ").split()]
    if add and reject:
        raise UsageError("--add and --reject name the same candidates", hint="run one, then the other")
    if named and not (add or reject):
        raise UsageError(
            f"what to do with {' '.join(named[:3])}?",
            hint="say `lcllm inbox --add N...` or `lcllm inbox --reject N...`",
        )
    if (add or reject) and not named:
        raise UsageError("name the candidates", hint="e.g. `lcllm inbox --add 1 3` (the numbers of the last listing)")
    picks, rejects = (named, []) if add else ([], named)
    if interactive and (picks or rejects or as_json):
        raise UsageError("-i goes through the candidates itself", hint="give -i without --add, --reject or --json")
    if interactive and not (is_terminal() and is_terminal(sys.stdin)):
        raise UsageError("-i needs a terminal", hint="use --add N and --reject N instead")
    arxiv_config = ArxivConfig.from_env(timeout=timeout)

    def listing(path: Path) -> InboxReport:
        """The candidates for the list at ``path``, with a progress bar on a terminal."""
        with progress_bar(not as_json) as update:
            return inbox.gather(
                path,
                since=since,
                until=until,
                sources=source.split(","),
                section=section,
                config=http_config(ttl, offline, timeout),
                arxiv_config=arxiv_config,
                progress=update,
            )

    if all_lists:
        if picks or rejects or interactive:
            raise UsageError(
                "--all lists the candidates of every list", hint="add or reject with `lcllm -l NAME inbox`"
            )
        _every_list(ctx, listing, limit, as_json)
    path = state(ctx).path
    if picks or rejects:
        report = inbox.decide(
            path, add=picks, reject=rejects, section=section, arxiv_config=arxiv_config, timeout=timeout
        )
        if as_json:
            print_json(report.to_dict())
        else:
            _print_decisions(report)
        raise typer.Exit(report.exit_code)
    report = listing(path)
    if as_json:
        print_json(report.to_dict())
    elif interactive:
        _summary(report, limit)
        _warn(report)
        done = go_through(report, limit)
        _print_decisions(done)
        raise typer.Exit(max(report.exit_code, done.exit_code))
    else:
        _render(report, limit)
    _warn(report)
    raise typer.Exit(report.exit_code)


def _every_list(ctx: typer.Context, listing: Callable[[Path], InboxReport], limit: int, as_json: bool) -> None:
    """`inbox --all`: each list of the workspace in turn (a source that fails for one list is named for it)."""

    reports = []
    for name, path in lists_to_work_on(ctx, True, None):
        report = listing(path)
        reports.append((name, report))
        if not as_json:
            sys.stdout.write(f"{'' if len(reports) == 1 else chr(10)}== {shown(str(name))}\n")
            _render(report, limit)
            _warn(report)
    if as_json:
        print_json([{"list": name, **report.to_dict()} for name, report in reports])
    raise typer.Exit(max(report.exit_code for _, report in reports))


def _print_decisions(report: InboxReport) -> None:
    for d in report.decisions:
        where = f" ({shown(d.section)})" if d.section else ""
        title = f": {shown(d.title)}" if d.title else ""
        reason = f" - {shown(d.reason)}" if d.reason and d.action == "failed" else ""
        sys.stdout.write(f"{d.action} {shown(d.ident)}{where}{title}{reason}\n")
    sys.stdout.flush()


def _cells(report: InboxReport, limit: int) -> list[list[str]]:
    rows = []
    for c in report.candidates[:limit]:
        rows.append(
            [
                str(c.number),
                c.ident,
                c.title,
                c.first_author,
                c.date or "",
                c.section or "",
                "; ".join(c.why()),
            ]
        )
    return rows


def _render(report: InboxReport, limit: int) -> None:
    rows = _cells(report, limit)
    if not is_terminal():
        # Piped: one tab-separated line per candidate (number, id, title, first author, date, section, why).
        for row in rows:
            sys.stdout.write(shown("\t".join(cell.translate(_FLAT) for cell in row)) + "\n")
        sys.stdout.flush()
        _summary(report, limit, stream=sys.stderr)
        return
    style = styled()
    from lcllm_cli.cli.output import terminal_width

    for line in table_lines(_COLUMNS, [[shown(c) for c in row] for row in rows], terminal_width(), style=style):
        sys.stdout.write(line + "\n")
    _summary(report, limit, style=style)


def _summary(report: InboxReport, limit: int, *, stream: object = None, style: bool = False) -> None:
    out = stream or sys.stdout
    lines = []
    shown_n = min(limit, len(report.candidates))
    left = []
    if report.in_list:
        left.append(f"{report.in_list} already in the list")
    if report.rejected_before:
        left.append(f"{report.rejected_before} rejected before")
    if report.too_old:
        left.append(f"{report.too_old} dated outside {report.since}..{report.until}")
    if report.off_topic:
        left.append(f"{report.off_topic} daily papers no section fits")
    lines.append(
        f"{shown_n} of {len(report.candidates)} candidates, {report.since} to {report.until}"
        + (f" ({'; '.join(left)} left out)" if left else "")
        + f"; {report.requests} requests, {report.cache_hits} answers from the cache"
    )
    asked_arxiv = any(s.name == "arxiv" for s in report.sources)
    for plan in report.plans:
        if asked_arxiv and plan.query:
            origin = "derived from its titles" if plan.derived else "from entries.toml"
            cats = f" in {', '.join(plan.categories)}" if plan.categories else ""
            lines.append(f"query of {plan.section} ({origin}){cats}: {plan.query}")
    if report.candidates:
        lines.append("add with `lcllm inbox --add N...`, reject with `lcllm inbox --reject N...`")
    for line in lines:
        out.write(dim(shown(line), style) + "\n")  # type: ignore[attr-defined]


def _warn(report: InboxReport) -> None:
    from lcllm_cli.commands.inbox import SOURCE_NAMES

    failed = report.failed_sources
    if failed and len(failed) == len(report.sources):
        for s in failed:
            assert s.error is not None
            report_error(s.error)
        return
    for s in failed:
        assert s.error is not None
        typer.echo(f"warning: {SOURCE_NAMES[s.name]} failed: {shown(s.error.message)}", err=True)


# --------------------------------------------------------------------------------------------- -i


def read_key() -> str:
    """One key from the terminal, without waiting for Enter (the terminal's mode is restored after)."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd, termios.TCSANOW)  # keys typed ahead are kept
        return sys.stdin.read(1)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def open_url(url: str) -> None:
    import webbrowser

    webbrowser.open(url)


KEYS = "a: add  r: reject  s: skip  o: open  q: quit"


def go_through(
    report: InboxReport,
    limit: int,
    *,
    key: Callable[[], str] = read_key,
    browse: Callable[[str], None] = open_url,
    decide: Callable[..., InboxReport] | None = None,
) -> InboxReport:
    """Show the candidates one at a time and take one key for each (add, reject, skip, open, quit); then apply
    the adds and rejections in one go (:func:`lcllm_cli.commands.inbox.decide`). Returns its report (no decisions
    when every candidate was skipped)."""
    from lcllm_cli.commands import inbox

    adds: list[str] = []
    rejects: list[str] = []
    style = styled()
    shown_ones = report.candidates[:limit]
    for c in shown_ones:
        sys.stdout.write(
            f"\n{c.number}/{len(shown_ones)}  {shown(c.ident)}  {shown(c.title)}\n"
            f"    {shown(c.first_author or '-')} · {c.date or '-'} · {shown(c.section or '-')}\n"
            f"    {shown('; '.join(c.why()))}\n" + dim(f"    {KEYS} ", style)
        )
        sys.stdout.flush()
        while True:
            pressed = key().lower()
            if pressed == "o":
                url = f"https://arxiv.org/abs/{c.arxiv}" if c.arxiv else f"https://doi.org/{c.doi}"
                browse(url)
                continue
            if pressed in ("a", "r", "s", " ", "\r", "\n", "q", "\x03", "\x04", ""):
                break
        sys.stdout.write(
            {"a": "add", "r": "reject", "q": "quit", "\x03": "quit", "\x04": "quit", "": "quit"}.get(pressed, "skip")
            + "\n"
        )
        if pressed == "a":
            adds.append(str(c.number))
        elif pressed == "r":
            rejects.append(str(c.number))
        elif pressed in ("q", "\x03", "\x04", ""):
            break
    sys.stdout.flush()
    if not adds and not rejects:
        return inbox.InboxReport(path=report.path)
    return (decide or inbox.decide)(report.path, add=adds, reject=rejects)
