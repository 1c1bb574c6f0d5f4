"""``lcllm add``: papers from arXiv by id or URL, many per request."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from lcllm_cli.cli.app import BUILD, command, report_error, state
from lcllm_cli.cli.output import console, print_json, progress_bar, shown

if TYPE_CHECKING:
    from lcllm_cli.commands.add import AddReport


@command(
    "add",
    panel=BUILD,
    help=(
        "Add papers from arXiv by id or URL (up to 100 ids per request), GitHub repositories, Hugging Face models, "
        "datasets and Spaces, papers by DOI or OpenReview link, posts on X and web pages.\n\n"
        "Accepts bare ids (2402.13753, 2402.13753v2, 0704.0001), arXiv:2402.13753, abs/pdf/html URLs and pages "
        "that show a paper by its id (huggingface.co/papers, alphaXiv, ar5iv, semanticscholar.org/arxiv, "
        "papers.cool), the DOI 10.48550/arXiv.2402.13753 and old-style ids (hep-th/9711200, math.GT/0309136); "
        "github.com/OWNER/NAME in any form (/tree/..., ?tab=, .git) as a project with its stars; "
        "huggingface.co/OWNER/NAME, /datasets/..., /spaces/... as a project with the 🤗 label, likes and downloads; "
        "a DOI (10.18653/v1/2023.acl-long.1, https://doi.org/..., aclanthology.org/ID) as a paper with its venue "
        "and year; openreview.net/forum?id=... (or /pdf?id=...) as a paper with its venue; a post on x.com or "
        "twitter.com as a link titled from the post (oEmbed), labelled 𝕏; any other http(s) page as a link titled "
        "from the page (og:title, else <title>; at most its first 1 MB is read). "
        "An entry already in the list is updated (a newer arXiv version or title, new counts), otherwise "
        "reported as already present. Exit code 0 when everything is in the list, 1 when some failed, 2 for usage "
        "errors.\n\n"
        "Example: `lcllm add 2402.13753 https://arxiv.org/abs/2307.03172 --section Survey`\n\n"
        "Example: `lcllm add https://github.com/FranxYao/Long-Context-Data-Engineering "
        "https://huggingface.co/acme/tiny-long-7b 10.18653/v1/2023.acl-long.1`\n\n"
        "Example: `lcllm add --from ids.txt --json`\n\n"
        "Example: `lcllm add https://github.com/FranxYao/Long-Context-Data-Engineering --to 2402.10171`"
    ),
)
def add_cmd(
    ctx: typer.Context,
    ids: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="THING...",
            help="arXiv ids or URLs, repositories, Hugging Face pages, DOIs, OpenReview links, posts, web pages.",
            show_default=False,
        ),
    ] = None,
    from_file: Annotated[
        str | None,
        typer.Option(
            "--from",
            metavar="FILE",
            help="Also read ids from FILE, one a line (- for stdin); blank lines and # comments are ignored.",
        ),
    ] = None,
    section: Annotated[
        str | None,
        typer.Option(
            "--section",
            "-s",
            help="Section for new entries: a path (A/B) or a unique name; one the list does not have is an error "
            "naming the closest, unless --new-section (default: the list's main paper section).",
        ),
    ] = None,
    new_section: Annotated[
        bool, typer.Option("--new-section", help="Create the --section when the list has none of that name.")
    ] = False,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            metavar="ENTRY",
            help="Attach the THINGs as links of this entry (named as `show` names it) instead of adding entries.",
        ),
    ] = None,
    highlight: Annotated[bool, typer.Option("--highlight", help="Mark the new entries with 🌟.")] = False,
    top: Annotated[
        bool | None,
        typer.Option(
            "--top/--bottom",
            help="Put the new entries at the top of their section, or after its last entry (default: the top when "
            "the list says newest_first = true, else the bottom).",
            show_default=False,
        ),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", metavar="TEXT", help="A note on each new entry.")] = None,
    label: Annotated[
        str | None,
        typer.Option(
            "--label",
            metavar="TEXT",
            help="An emoji or :shortcode: after each new entry (with --to: the link's label).",
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", metavar="TEXT", help="Use TEXT instead of the fetched title.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch and show what would change; write nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    offline: Annotated[
        bool, typer.Option("--offline", help="Ask no service: add from the answers earlier runs left in the cache.")
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            metavar="SECONDS",
            min=0.001,
            help="Give up on an arXiv request after SECONDS (default 30, or LCLLM_HTTP_TIMEOUT).",
            show_default=False,
        ),
    ] = None,
) -> None:
    from lcllm_cli.commands.add import AddOptions, run

    path = state(ctx).path
    with _progress_bar() as progress:
        opts = AddOptions(
            highlight=highlight,
            note=note,
            label=label,
            title=title,
            to=to,
            top=top,
            new_section=new_section,
            offline=offline,
            dry_run=dry_run,
        )
        report = run(path, ids or [], section, from_file=from_file, timeout=timeout, progress=progress, options=opts)
    if as_json:
        print_json(report.to_dict())
    else:
        _print_table(report)
    if report.error is not None:
        report_error(report.error)
    if report.exit_code:
        raise typer.Exit(report.exit_code)


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """The shared progress bar (on a terminal only), as the ``progress(done, total)`` that fetching calls."""
    with progress_bar(True) as update:
        yield (lambda done, total: update("fetching from arXiv", done, total)) if update else None


def _print_table(report: AddReport) -> None:
    from rich.table import Table
    from rich.text import Text

    from lcllm_cli.commands.add import ADDED, FAILED, PRESENT, UPDATED

    out = console(stderr=False)
    styles = {ADDED: "green", UPDATED: "yellow", PRESENT: "dim", FAILED: "red"}
    if report.outcomes:
        table = Table(box=None, header_style="bold", pad_edge=False)
        table.add_column("result", no_wrap=True)
        table.add_column("arXiv", no_wrap=True)
        table.add_column("title / detail", overflow="fold")
        for o in report.outcomes:
            if o.status == FAILED:
                detail = o.reason or ""
            elif o.status == UPDATED:
                detail = "; ".join(
                    f"{c.field}: {c.old!r} -> {c.new!r}" if c.field == "title" else f"{c.field}: {c.old} -> {c.new}"
                    for c in o.changes
                ) + (f" ({o.reason})" if o.reason else "")
            else:
                detail = (o.entry.title if o.entry else "") + (f" ({o.reason})" if o.reason else "")
            ident = f"{o.arxiv}v{o.entry.version}" if o.entry is not None and o.entry.version else (o.arxiv or "")
            # Titles and ids come from outside (arXiv, the user): plain Text, never rich markup.
            table.add_row(Text(o.status, style=styles[o.status]), Text(ident), Text(shown(detail)), end_section=False)
        out.print(table)
    counts = report.counts()
    where = f" in {report.path}" if report.written else f"; {report.path} unchanged"
    if report.dry_run:
        where = f"; --dry-run: {report.path} unchanged"
    out.print(
        f"{counts['added']} added, {counts['updated']} updated, {counts['already_present']} already present, "
        f"{counts['failed']} failed{where}",
        markup=False,
    )
