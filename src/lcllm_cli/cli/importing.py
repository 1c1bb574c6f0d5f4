"""``lcllm import``: bring an existing awesome-list Markdown file, a .bib or a CSL-JSON file into the list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lcllm_cli.cli.app import BUILD, command, state
from lcllm_cli.cli.output import print_json, say, shown

MAX_LINES = 200  # item lines shown at most; --json has them all


@command(
    "import",
    panel=BUILD,
    help=(
        "Import an awesome-list Markdown file, a BibTeX file or a CSL-JSON file into the list.\n\n"
        "Every item becomes an entry (items lcllm could not fully understand are kept with their raw text and "
        "reported with their line). An item that duplicates an entry the list already holds (same arXiv id, DOI, "
        "URL, or title with agreeing authors, as `lcllm dedupe` sees it) is not added; items that repeat each "
        "other within the file are named with the reason. --dedupe merges both on the way in. "
        "The format follows the suffix (.md, .bib, .json) or the content unless --format says otherwise. CSL-JSON is "
        "what Zotero's 'CSL JSON' export, `pandoc -t csljson` and `lcllm export --csl-json` write.\n\n"
        "Example: `lcllm import awesome-long-context-llm.md`, `lcllm import other-list.md --dedupe`, "
        "`lcllm import zotero.json`"
    ),
)
def import_cmd(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="The Markdown, BibTeX or CSL-JSON file to read (- for stdin).")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="markdown, bibtex or csl (default: from the suffix).")
    ] = None,
    section: Annotated[
        str | None, typer.Option("--section", "-s", help="Put every imported item in this section.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be imported; write nothing.")] = False,
    dedupe: Annotated[
        bool,
        typer.Option(
            "--dedupe",
            help="Merge items that repeat each other, and items already in the list into their entries.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    from lcllm_cli.commands.importing import run

    path = state(ctx).path
    report = run(path, source, fmt=fmt, section=section, dedupe=dedupe, dry_run=dry_run)
    _print_report(report, source, path, as_json=as_json, dry_run=dry_run)


def _print_report(report, source: Path, path: Path, *, as_json: bool, dry_run: bool) -> None:  # type: ignore[no-untyped-def]
    counts = report.counts()
    if as_json:
        print_json({"file": str(path), "dry_run": dry_run, **report.to_dict()})
        return
    # Plain lines (no rich: nothing here is styled, and importing rich costs ~25 ms of every import).
    verb = "would import" if dry_run else "imported"
    say(
        f"{verb} {len(report.added)} entries from {source} into {path}: "
        f"{counts['papers']} papers, {counts['projects']} projects, {counts['links']} links"
        + (f" ({counts['raw']} kept with raw text)" if counts["raw"] else "")
    )
    lines: list[str] = []
    for p in report.already_present:
        did = "merged into" if p.merged else "already in the list as"
        lines.append(
            f"  line {p.line}: {did} entry #{p.position} {p.existing.ident} ({p.reason}): {p.entry.title[:60]}"
        )
    for rep in report.repeats:
        did = "merged into" if rep.merged else "repeats"
        lines.append(f"  line {rep.line}: {did} line {rep.first_line} ({rep.what})")
    lines.extend(f"  line {prob.line}: {prob.message}: {prob.text}" for prob in report.problems)
    if len(lines) > MAX_LINES:  # re-importing a list of 12,000 items should not flood the terminal
        hidden = len(lines) - MAX_LINES + 1
        lines[MAX_LINES - 1 :] = [f"  ... and {hidden} more (--json lists them all)"]
    for line in lines:
        say(shown(line))
    unmerged_repeats = any(not r.merged for r in report.repeats)
    unmerged_present = any(not p.merged for p in report.already_present)
    if unmerged_repeats:
        say("run `lcllm dedupe` to merge the repeats (or import with --dedupe to merge on the way in)")
    elif unmerged_present:
        say("import with --dedupe to merge what those items add into the entries already there")
