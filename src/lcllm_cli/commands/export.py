"""``lcllm export``: the list as awesome-list Markdown, BibTeX, CSL-JSON or a searchable HTML page, to stdout, a
file or a README's marked part.

:func:`run` reads ``entries.toml`` (and never writes it: entries get their citation key when they enter the list;
an older list without keys gets them in memory, the same ones its next write stores), renders, and writes the result
to a file (atomically; a device or pipe is written into), into the markers of a README, or returns it for stdout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lcllm_cli.errors import LcllmError, UsageError
from lcllm_cli.model import KINDS, Entry, Library

FORMATS = ("markdown", "bibtex", "csl", "html")
# the formats whose items are named by citation key (the page's anchors are the keys)
KEYED = ("bibtex", "csl", "html")


class MarkersMissing(LcllmError):
    """``--in-place`` was given a file without the two marker comments."""

    exit_code = 1


@dataclass(slots=True)
class ExportOptions:
    fmt: str = "markdown"
    output: Path | None = None  # None: return the text (stdout)
    in_place: Path | None = None
    kind: str | None = None
    ascii: bool = False
    star_counts: bool | None = None  # Markdown: print star counts (None: as the list says)


@dataclass(slots=True)
class ExportReport:
    text: str | None  # the rendered text when it goes to stdout, else None
    count: int
    written: Path | None = None
    changed: bool = True  # for --in-place / -o: whether the file's content changed
    keys_assigned: list[tuple[str, str]] = field(default_factory=list)  # (ident, key) made for this export only
    lost: list[tuple[str, str]] = field(default_factory=list)  # (key, characters) --ascii replaced by '?'


def select(lib: Library, kind: str | None) -> list[int]:
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
    return [i for i, e in enumerate(lib.entries) if kind is None or e.kind == kind]


def render_markdown(
    lib: Library, entries: list[Entry] | None = None, *, full: bool = True, star_counts: bool | None = None
) -> str:
    from lcllm_cli.exporters.markdown import render

    return render(lib, entries, full=full, star_counts=star_counts)


def in_place_text(
    current: str, lib: Library, entries: list[Entry] | None, target: Path, star_counts: bool | None = None
) -> str:
    """``current`` (a README) with its marked part replaced by the rendered list."""
    from lcllm_cli.exporters.markdown import replace_between_markers
    from lcllm_cli.mdsyntax import MARKER_END, MARKER_START

    new = replace_between_markers(current, render_markdown(lib, entries, full=False, star_counts=star_counts))
    if new is None:
        raise MarkersMissing(
            f"{target} has no {MARKER_START} ... {MARKER_END} markers",
            hint=f"put the two lines {MARKER_START} and {MARKER_END} where the list should go, then run again",
        )
    return new


def _read(path: Path) -> str:
    from lcllm_cli.files import read_regular

    try:
        return read_regular(path).decode("utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def run(path: Path, opts: ExportOptions) -> ExportReport:
    """Export the list at ``path`` as ``opts`` says. See the module docstring."""
    from lcllm_cli import files, keys, store

    if opts.fmt not in FORMATS:
        raise UsageError(f"unknown format {opts.fmt!r}", hint="use --markdown, --bibtex, --csl-json or --html")
    if opts.in_place is not None and opts.fmt != "markdown":
        raise UsageError("--in-place works with --markdown only", hint="use -o FILE for BibTeX, CSL-JSON and HTML")
    if opts.in_place is not None and opts.output is not None:
        raise UsageError("give either -o FILE or --in-place FILE, not both")
    if opts.ascii and opts.fmt != "bibtex":
        raise UsageError("--ascii applies to --bibtex only")
    if opts.star_counts is not None and opts.fmt != "markdown":
        raise UsageError("--stars applies to --markdown only")
    for target in (opts.output, opts.in_place):
        if target is not None and files.same_file(target, path):
            raise UsageError(
                f"{target} is the list itself; an export never writes over entries.toml",
                hint="give another file to -o / --in-place",
            )
    lib = store.load(path)
    indexes = select(lib, opts.kind)
    # Export only reads. A list from before keys were stored with every entry gets them here, in memory: the same
    # keys the next write of the list stores (store.edit assigns them the same way, in list order).
    assigned = [(lib.entries[i].ident, key) for i, key in keys.assign_keys(lib)] if opts.fmt in KEYED else []
    entries = [lib.entries[i] for i in indexes]
    lost: list[tuple[str, str]] = []
    if opts.fmt == "bibtex":
        from lcllm_cli.exporters.bibtex import render

        result = render(entries, ascii=opts.ascii)
        text, lost = result.text, result.lost
    elif opts.fmt == "csl":
        from lcllm_cli.exporters.csl import render as render_csl

        text = render_csl(entries).text
    elif opts.fmt == "html":
        from lcllm_cli.exporters.html import render as render_html

        text = render_html(lib, entries)
    elif opts.in_place is not None:
        current = _read(opts.in_place)
        text = in_place_text(current, lib, entries if opts.kind else None, opts.in_place, opts.star_counts)
        changed = text != current
        if changed:
            store.write_atomic(opts.in_place, text)
        return ExportReport(None, len(entries), opts.in_place, changed, assigned, lost)
    else:
        text = render_markdown(lib, entries if opts.kind else None, star_counts=opts.star_counts)
    if opts.output is not None:
        try:  # a device, pipe or terminal is never read (reading /proc/self/fd/1 waits for input)
            changed = files.read_regular(opts.output).decode("utf-8") != text
        except (OSError, UnicodeDecodeError):
            changed = True
        if changed:
            store.write_atomic(opts.output, text)
        return ExportReport(None, len(entries), opts.output, changed, assigned, lost)
    return ExportReport(text, len(entries), None, True, assigned, lost)
