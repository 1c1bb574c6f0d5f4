"""``lcllm export`` (Markdown, BibTeX, CSL-JSON, HTML) and ``lcllm check`` (is the published list up to date?)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from lcllm_cli.cli.app import CLEAN, PUBLISH, command, state
from lcllm_cli.cli.output import info, print_json, shown
from lcllm_cli.errors import UsageError


@command(
    "export",
    panel=PUBLISH,
    help=(
        "Write the list as awesome-list Markdown, BibTeX, CSL-JSON or a searchable HTML page (to stdout, or -o "
        "FILE).\n\n"
        "--markdown renders the seed's layout (title, contents, sections; papers with venue, id, arxiv/pdf links, "
        "citation counts, authors, extra links with star badges). --in-place README.md replaces only the part "
        "between `<!-- lcllm:start -->` and `<!-- lcllm:end -->`.\n\n"
        "--bibtex writes @misc/@article/@inproceedings entries with eprint, archivePrefix, primaryClass, url and doi "
        "for pdflatex+bibtex, biblatex+biber and pandoc. Entries without a citation key get one "
        "(ding2024longrope), stored in entries.toml so it never changes. --ascii writes accents as LaTeX commands "
        "for classic BibTeX.\n\n"
        "--csl-json writes an array of CSL items for pandoc --citeproc and Zotero (article for preprints with the "
        "arXiv id as number, paper-conference/article-journal when a venue is known, software for projects, "
        "webpage for links; id is the citation key). What CSL has no variable for (section, links, notes, "
        "counts, ...) goes under custom.lcllm, so `lcllm import refs.json` reads an export back unchanged.\n\n"
        "--html writes one self-contained page (styles and script inline, nothing fetched when viewed) with every "
        "entry, a search box that filters as you type, a section filter, sorting by date, citations or stars, and "
        "an anchor per entry; without JavaScript it is a plain list. For GitHub Pages: docs/pages.md.\n\n"
        "In a workspace (lcllm.toml), `lcllm export` with no format writes every list's Markdown page (its marked "
        "part, or the whole page when it has no markers) and the index; with --list, that list's page and the "
        "index.\n\n"
        "Examples: `lcllm export --markdown --in-place README.md` · `lcllm export --bibtex -o refs.bib` · "
        "`lcllm export --bibtex --kind paper --ascii` · `lcllm export --csl-json -o refs.json` · "
        "`lcllm export --html -o site/index.html`"
    ),
)
def export_cmd(
    ctx: typer.Context,
    markdown: Annotated[
        bool, typer.Option("--markdown", "--md", help="Write awesome-list Markdown (default).")
    ] = False,
    bibtex: Annotated[bool, typer.Option("--bibtex", "--bib", help="Write BibTeX.")] = False,
    csl_json: Annotated[
        bool, typer.Option("--csl-json", "--csl", help="Write CSL-JSON (pandoc --citeproc, Zotero).")
    ] = False,
    html: Annotated[bool, typer.Option("--html", help="Write a self-contained searchable HTML page.")] = False,
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

    if not (markdown or bibtex or csl_json or html or output or in_place or kind or ascii_) and _export_workspace(
        ctx, stars
    ):
        return
    if markdown + bibtex + csl_json + html > 1:
        raise UsageError("give one of --markdown, --bibtex, --csl-json and --html")
    opts = ExportOptions(
        fmt="bibtex" if bibtex else "csl" if csl_json else "html" if html else "markdown",
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


def _workspace(ctx: typer.Context) -> tuple[Any, str | None] | None:
    """The workspace the command runs in and the --list it names (an unknown name is an error naming the lists),
    or None outside a workspace."""
    from lcllm_cli.workspace import current

    st = state(ctx)
    ws = current(st.file)
    if ws is None:
        return None
    if st.list_name is not None:
        ws.get(st.list_name)
    return ws, st.list_name


def _export_workspace(ctx: typer.Context, stars: bool | None) -> bool:
    """`lcllm export` with no format in a workspace: every list's page and the index (with --list: that list's
    page and the index). False when there is no workspace (the list goes to stdout, as before)."""
    from lcllm_cli.commands.workspace import export_all

    found = _workspace(ctx)
    if found is None:
        return False
    report = export_all(found[0], only=found[1], star_counts=stars)
    for f in report.files:
        what = f"{f.list}: {f.path}" if f.list else f"index {f.path}"
        info(f"wrote {what}" if f.changed else f"{what} is already up to date")
    return True


def _check_workspace(ctx: typer.Context, as_json: bool, quiet: bool) -> bool:
    """`lcllm check` in a workspace: every list, its page and the index, each finding with its list's name."""
    from lcllm_cli.commands.workspace import check_all

    found = _workspace(ctx)
    if found is None:
        return False
    report = check_all(found[0], only=found[1])
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
        "Links are checked offline too: spaces, trailing punctuation, unbalanced parentheses, http where the "
        "site serves https, empty and placeholder links, a link repeated in one entry; each with its line.\n\n"
        "--links checks every link over the network instead (arXiv papers by the API in batches, GitHub and "
        "Hugging Face repositories by their APIs, other pages with HEAD, redirects followed one hop at a time), "
        "at most LCLLM_LINKS_PER_HOST (10) requests to one host at once. Verdicts: ok, redirected, broken, "
        "blocked, unknown, not checked (hosts that refuse robots: x.com, linkedin.com, ...; more in "
        "LCLLM_LINKS_SKIP or --skip). A link is broken only after failing on 2 runs a day apart (--strict: "
        "one run; then redirects and unknowns fail too). Exits 1 when a link is broken. --fix rewrites "
        "permanent redirects and GitHub's canonical names in entries.toml (one write, shown as a diff).\n\n"
        "Examples: `lcllm check README.md` · `lcllm check --links` · "
        "`lcllm check --links --format markdown > report.md` · `lcllm check --links --fix --dry-run`"
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
    links: Annotated[bool, typer.Option("--links", help="Check every link over the network.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="--links: broken after one failing run; redirects and unknowns fail.")
    ] = False,
    fix: Annotated[
        bool, typer.Option("--fix", help="--links: rewrite permanent redirects and GitHub's canonical names.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="--fix: show the diff, write nothing.")] = False,
    fmt: Annotated[
        str, typer.Option("--format", metavar="FORMAT", help="--links: table, markdown (for an issue) or json.")
    ] = "table",
    skip: Annotated[
        list[str] | None,
        typer.Option("--skip", metavar="HOST", help="--links: do not check this host (repeat for more)."),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", metavar="SECONDS", help="--links: per-request timeout (default LCLLM_HTTP_TIMEOUT)."),
    ] = None,
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", metavar="DURATION", help="--links: end the run after this (default 10m)."),
    ] = None,
) -> None:
    from lcllm_cli.commands.check import run

    if links or fix or strict or dry_run or fmt != "table" or skip or deadline or timeout is not None:
        if not links:
            raise UsageError("--strict, --fix, --dry-run, --format, --skip, --timeout and --deadline go with --links")
        if files:
            raise UsageError("--links checks the links of entries.toml; give no FILE with it")
        _check_links(ctx, strict, fix, dry_run, "json" if as_json else fmt, skip or [], timeout, deadline)
        return

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
    if report.links:
        out(f"{report.entries_file}: {len(report.links)} malformed link(s)")
        for finding in report.links:
            out("  " + finding.summary(report.entries_file))
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


def _check_links(
    ctx: typer.Context,
    strict: bool,
    fix: bool,
    dry_run: bool,
    fmt: str,
    skip: list[str],
    timeout: float | None,
    deadline: str | None,
) -> None:
    from lcllm_cli.cli.output import Column, say, styled, table_lines, terminal_width
    from lcllm_cli.commands.links import OK, VERDICTS, LinkOptions, details, run
    from lcllm_cli.sources.http import parse_duration

    if fmt not in ("table", "markdown", "json"):
        raise UsageError(f"unknown --format {fmt!r}", hint="give table, markdown or json")
    if timeout is not None and not timeout > 0:
        raise UsageError(f"the timeout must be more than 0 seconds, not {timeout:g}")
    opts = LinkOptions.from_env(
        strict=strict,
        fix=fix,
        dry_run=dry_run,
        timeout=timeout,
        deadline=parse_duration(deadline) if deadline is not None else None,
    )
    opts.skip = tuple(dict.fromkeys([*opts.skip, *(h.strip().lower() for h in skip if h.strip())]))
    report = run(state(ctx).path, opts)
    if fmt == "json":
        print_json(report.to_dict())
    elif fmt == "markdown":
        sys.stdout.write(shown(report.markdown()) + "\n")
    else:
        counts = report.counts()
        for finding in report.findings:
            say(shown("malformed: " + finding.summary(report.entries_file)))
        columns = [
            Column("line", overflow="none", right=True),
            Column("entry", max_width=40),
            Column("link"),
            Column("details", "wrap"),
        ]
        for verdict in VERDICTS:
            if verdict == OK or not counts[verdict]:
                continue
            say(f"{verdict} ({counts[verdict]})")
            rows = [
                [str(p.line or ""), shown(p.title), shown(r.url), shown(details(r))]
                for r in report.by_verdict(verdict)
                for p in r.places
            ]
            for line in table_lines(columns, rows, terminal_width() - 2, style=styled()):
                say("  " + line)
        for note in report.notes:
            info(shown(f"note: {note}"))
        if report.diff:
            say("")
            for line in report.diff:
                say(shown(line))
        peak = max(report.peak_per_host.values(), default=0)
        summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n) or "no links"
        info(
            f"{report.entries_file}: {len(report.results)} links: {summary}; {report.requests} requests in "
            f"{report.seconds:.1f} s, at most {peak} at once to one host (limit {report.per_host})"
        )
        if report.fixes:
            what = f"{len(report.fixes)} link(s)"
            info(f"fixed {what} in {report.entries_file}" if report.fixed else f"--dry-run: would fix {what}")
    if not report.ok:
        raise typer.Exit(1)
