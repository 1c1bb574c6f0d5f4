"""``lcllm export`` (Markdown, BibTeX) and ``lcllm check`` (is the published list up to date?)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from lcllm_cli.cli.app import CLEAN, PUBLISH, command, state
from lcllm_cli.cli.output import info, print_json, shown
from lcllm_cli.errors import UsageError


@command(
    "export",
    panel=PUBLISH,
    help=(
        "Write the list as awesome-list Markdown or as BibTeX (to stdout, or -o FILE).\n\n"
        "--markdown renders the seed's layout (title, contents, sections; papers with venue, id, arxiv/pdf links, "
        "citation counts, authors, extra links with star badges). --in-place README.md replaces only the part "
        "between `<!-- lcllm:start -->` and `<!-- lcllm:end -->`.\n\n"
        "--bibtex writes @misc/@article/@inproceedings entries with eprint, archivePrefix, primaryClass, url and doi "
        "for pdflatex+bibtex, biblatex+biber and pandoc. Entries without a citation key get one "
        "(ding2024longrope), stored in entries.toml so it never changes. --ascii writes accents as LaTeX commands "
        "for classic BibTeX.\n\n"
        "In a workspace (lcllm.toml), `lcllm export` with no format writes every list's Markdown page (its marked "
        "part, or the whole page when it has no markers) and the index; with --list, that list's page and the "
        "index.\n\n"
        "Examples: `lcllm export --markdown --in-place README.md` · `lcllm export --bibtex -o refs.bib` · "
        "`lcllm export --bibtex --kind paper --ascii`"
    ),
)
def export_cmd(
    ctx: typer.Context,
    markdown: Annotated[
        bool, typer.Option("--markdown", "--md", help="Write awesome-list Markdown (default).")
    ] = False,
    bibtex: Annotated[bool, typer.Option("--bibtex", "--bib", help="Write BibTeX.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (atomically) instead of stdout.")
    ] = None,
    in_place: Annotated[
        Path | None,
        typer.Option("--in-place", "-i", metavar="FILE", help="Replace the part of FILE between the lcllm markers."),
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Only paper, project or link entries.")] = None,
    ascii_: Annotated[
        bool, typer.Option("--ascii", help="BibTeX: accents as LaTeX commands ({\\'e}) for classic BibTeX.")
    ] = False,
    stars: Annotated[
        bool | None,
        typer.Option(
            "--stars/--no-stars",
            help="Markdown: print star counts beside the live badges (default: as the imported list did).",
        ),
    ] = None,
) -> None:
    from lcllm_cli.commands.export import ExportOptions, run

    if not (markdown or bibtex or output or in_place or kind or ascii_) and _export_workspace(ctx, stars):
        return
    if markdown and bibtex:
        raise UsageError("give --markdown or --bibtex, not both")
    opts = ExportOptions(
        fmt="bibtex" if bibtex else "markdown",
        output=output,
        in_place=in_place,
        kind=kind,
        ascii=ascii_,
        star_counts=stars,
    )
    path = state(ctx).path
    report = run(path, opts)
    if report.keys_assigned:
        info(
            f"{len(report.keys_assigned)} entries have no citation key in {path}; the export gave them the keys "
            "the next change of the list stores"
        )
    for key, chars in report.lost:
        info(f"warning: {key}: classic BibTeX cannot write {chars!r}; written as '?' (drop --ascii and use biber)")
    if report.text is not None:
        sys.stdout.write(report.text)
        return
    what = "entries" if report.count != 1 else "entry"
    if report.changed:
        info(f"wrote {report.count} {what} to {report.written}")
    else:
        info(f"{report.written} is already up to date ({report.count} {what})")


def _export_workspace(ctx: typer.Context, stars: bool | None) -> bool:
    """`lcllm export` with no format in a workspace: every list's page and the index (with --list: that list's
    page and the index). False when there is no workspace (the list goes to stdout, as before)."""
    from lcllm_cli.commands.workspace import export_all
    from lcllm_cli.workspace import current

    st = state(ctx)
    ws = current(st.file)
    if ws is None:
        return False
    if st.list_name is not None:
        ws.get(st.list_name)  # an unknown name is an error naming the lists
    report = export_all(ws, only=st.list_name, star_counts=stars)
    for f in report.files:
        what = f"{f.list}: {f.path}" if f.list else f"index {f.path}"
        info(f"wrote {what}" if f.changed else f"{what} is already up to date")
    return True


def _check_workspace(ctx: typer.Context, as_json: bool, quiet: bool) -> bool:
    """`lcllm check` in a workspace: every list, its page and the index, each finding with its list's name."""
    from lcllm_cli.commands.workspace import check_all
    from lcllm_cli.workspace import current

    st = state(ctx)
    ws = current(st.file)
    if ws is None:
        return False
    if st.list_name is not None:
        ws.get(st.list_name)  # an unknown name is an error naming the lists
    report = check_all(ws, only=st.list_name)
    if as_json:
        print_json(report.to_dict())
        if not report.ok:
            raise typer.Exit(1)
        return True

    def out(text: str, err: bool = False) -> None:
        typer.echo(shown(text), err=err)

    def diff(lines: list[str]) -> None:
        if not quiet:
            for line in lines:
                out("  " + line)

    for name, r in report.lists:
        if not r.valid:
            out(f"{name}: error: {r.error}", err=True)
            continue
        out(f"{name}: {r.entries_file}: valid, {r.entries} entries")
        if r.duplicates:
            out(f"{name}: {len(r.duplicates)} group(s) of duplicates; run `lcllm --list {name} dedupe`")
            for line in r.duplicates:
                out(f"  {line}")
        for status in r.files:
            if status.up_to_date:
                out(f"{name}: {status.path}: up to date")
            else:
                out(f"{name}: {status.path}: out of date (+{status.added} -{status.removed} lines); run `lcllm export`")
                diff(status.diff)
    if report.index is not None:
        if report.index.up_to_date:
            out(f"index: {report.index.path}: up to date")
        else:
            added, removed = report.index.added, report.index.removed
            out(f"index: {report.index.path}: out of date (+{added} -{removed} lines); run `lcllm export`")
            diff(report.index.diff)
    if report.cross:
        verdict = 'forbidden by cross_listing = "forbid"' if report.cross_forbidden else "allowed"
        out(f"{len(report.cross)} item(s) appear in several lists ({verdict}); see `lcllm dedupe --across`")
        for line in report.cross:
            out(f"  {line}")
    if not report.ok:
        raise typer.Exit(1)
    return True


@command(
    "check",
    panel=CLEAN,
    help=(
        "Check that entries.toml is valid and has no duplicates, and that each FILE's marked part (default: "
        "README.md beside entries.toml, when it has the markers) is what `lcllm export --markdown --in-place` "
        "would write. Exits 0 when all is well, 1 otherwise (saying what differs); writes nothing. "
        "For CI and pre-commit hooks.\n\n"
        "In a workspace (lcllm.toml), with no FILE: every list, its Markdown page and the index, each finding "
        "named by its list; items in several lists are reported, and fail the check only when the workspace says "
        'cross_listing = "forbid". With --list NAME: that list and its page.\n\n'
        "Example: `lcllm check README.md`"
    ),
)
def check_cmd(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(metavar="[FILE...]", help="Markdown files with lcllm markers.", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print problems only, not the diff.")] = False,
) -> None:
    from lcllm_cli.commands.check import run

    if not files and _check_workspace(ctx, as_json, quiet):
        return
    report = run(state(ctx).path, files or None)
    if as_json:
        print_json(report.to_dict())
        if not report.ok:
            raise typer.Exit(1)
        return

    def out(text: str, err: bool = False) -> None:  # README lines and titles may hold terminal escapes
        typer.echo(shown(text), err=err)

    if not report.valid:
        out(f"error: {report.error}", err=True)
        if report.hint:
            out(f"hint: {report.hint}", err=True)
        raise typer.Exit(1)
    out(f"{report.entries_file}: valid, {report.entries} entries")
    if not report.duplicates_checked:
        out("note: duplicate check unavailable (lcllm_cli.dedupe missing)", err=True)
    if report.duplicates:
        out(f"{report.entries_file}: {len(report.duplicates)} group(s) of duplicates; run `lcllm dedupe`")
        for line in report.duplicates:
            out(f"  {line}")
    for status in report.files:
        out(status.summary())
        if not status.up_to_date and not quiet:
            for line in status.diff:
                out("  " + line)
    if not report.ok:
        raise typer.Exit(1)
