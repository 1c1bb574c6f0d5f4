"""``lcllm import``: bring an existing awesome-list Markdown file or a .bib into the list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcllm_cli.cli.app import BUILD, command, state
from lcllm_cli.cli.output import console, print_json


@command(
    "import",
    panel=BUILD,
    help=(
        "Import an awesome-list Markdown file or a BibTeX file into the list.\n\n"
        "Every item becomes an entry (items lcllm could not fully understand are kept with their raw text and "
        "reported with their line); papers whose arXiv id the list already holds are skipped. "
        "The format follows the suffix (.md, .bib) unless --format says otherwise.\n\n"
        "Example: `lcllm import awesome-long-context-llm.md`"
    ),
)
def import_cmd(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="The Markdown or BibTeX file to read (- for stdin).")],
    fmt: Annotated[str | None, typer.Option("--format", help="markdown or bibtex (default: from the suffix).")] = None,
    section: Annotated[
        str | None, typer.Option("--section", "-s", help="Put every imported item in this section.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    from lcllm_cli import importers, store
    from lcllm_cli.importers.apply import import_into

    result = importers.read(source, fmt)
    path = state(ctx).path
    if dry_run:
        target = store.load(path) if path.exists() else store.Library()
        report = import_into(target, result, section=section)
    else:
        with store.edit(path, create=True, title=result.library.title) as target:
            report = import_into(target, result, section=section)
    _print_report(report, source, path, as_json=as_json, dry_run=dry_run)


def _print_report(report, source: Path, path: Path, *, as_json: bool, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    counts = report.counts()
    if as_json:
        print_json(
            {
                "file": str(path),
                "dry_run": dry_run,
                **counts,
                "already_present_items": [{"line": ln, "arxiv": e.arxiv} for ln, e in report.already_present],
                "repeated_items": [
                    {"line": r.line, "first_line": r.first_line, "what": r.what} for r in report.repeats
                ],
                "problem_items": [{"line": p.line, "message": p.message, "text": p.text} for p in report.problems],
            }
        )
        return
    out = console(stderr=False)
    verb = "would import" if dry_run else "imported"
    out.print(
        f"{verb} {len(report.added)} entries from {source} into {path}: "
        f"{counts['papers']} papers, {counts['projects']} projects, {counts['links']} links"
        + (f" ({counts['raw']} kept with raw text)" if counts["raw"] else "")
    )
    for line, entry in report.already_present:
        out.print(f"  line {line}: already in the list: arXiv {entry.arxiv} ({entry.title[:60]})", markup=False)
    for rep in report.repeats:
        out.print(f"  line {rep.line}: repeats line {rep.first_line} ({rep.what})", markup=False)
    for prob in report.problems:
        out.print(f"  line {prob.line}: {prob.message}: {prob.text}", markup=False)
    if report.repeats:
        out.print("run `lcllm dedupe` to merge the repeats", markup=False)
