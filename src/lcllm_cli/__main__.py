"""Entry point for ``python -m lcllm_cli`` and the ``lcllm`` console script."""

from __future__ import annotations

from lcllm_cli.commandmap import COMMAND_MODULES  # which module of lcllm_cli.cli registers each command

# Options of the main callback that take a value (see lcllm_cli.cli.app.main).
_VALUE_OPTIONS = ("--file", "-f", "--list", "-l")

# Set by main() before lcllm_cli.cli is imported; read by lcllm_cli.cli (None: register every command).
SELECTED: str | None = None

# `lcllm`, `lcllm --help` and `lcllm -h` print this page without importing typer or any command (~20 ms instead of
# ~130 ms; `lcllm --version` is answered likewise). It is what the typer app gives for its own --help
# (lcllm_cli.cli.app.help_page: usage after the program name, description, then sections of (term, one-line help)),
# kept here as a snapshot: tests/cli/test_help.py checks that the two are equal and, when a command's help changes,
# prints the new value to paste here.
TOP_HELP: tuple[str, str, list[tuple[str, list[tuple[str, str]]]]] = (
    "[OPTIONS] COMMAND [ARGS]...",
    "Keep a curated awesome list of papers as a real bibliography.\n"
    "\n"
    "The list lives in entries.toml (in the current directory or the nearest one above it, or --file "
    "/ LCLLM_FILE); a repository of several lists names them in lcllm.toml (pick one with --list). "
    "Typical session: `lcllm import README.md`, `lcllm add 2402.13753`, `lcllm dedupe`, `lcllm export "
    "--markdown -o README.md`.",
    [
        (
            "Options",
            [
                (
                    "-f, --file <path>",
                    "The entries file to work on (default: entries.toml here or above).  [env var: LCLLM_FILE]",
                ),
                ("-l, --list NAME", "The list of the workspace (lcllm.toml) to work on."),
                ("--version", "Print the version and exit."),
                ("-h, --help", "Show this message and exit."),
            ],
        ),
        (
            "Build the list",
            [
                (
                    "init",
                    "Start an empty list (entries.toml here, or --file) with a title, or, with --workspace --from "
                    "README.md, make a workspace of the lists an index links to.",
                ),
                (
                    "add",
                    "Add papers from arXiv by id or URL (up to 100 ids per request), GitHub repositories, Hugging "
                    "Face models, datasets and Spaces, papers by DOI or OpenReview link, posts on X and web "
                    "pages.",
                ),
                (
                    "inbox",
                    "The new papers this list should consider, ranked: arXiv searches, Hugging Face daily papers "
                    "and Semantic Scholar recommendations, without what the list holds or the curator rejected.",
                ),
                (
                    "edit",
                    "Change entries: title, section, highlight, note, label, description, links. Entries are "
                    "named as `show` names them (arXiv id, URL, citation key or exact title); a name that matches "
                    "several entries is an error listing them.",
                ),
                ("move", "Move entries to another section, after its last entry (or before its first with --top)."),
                (
                    "remove",
                    "Remove entries by arXiv id, URL, citation key or exact title. Ids that are not in the list "
                    "are reported; the others are still removed (exit code 1 if any was missing).",
                ),
                ("import", "Import an awesome-list Markdown file, a BibTeX file or a CSL-JSON file into the list."),
                (
                    "section",
                    "List, add, rename and remove the list's sections (the headings of its Markdown). A section "
                    "is named by its path (Chinese/Foundation) or by a heading text only one section has.",
                ),
            ],
        ),
        (
            "Browse",
            [
                (
                    "list",
                    "List entries as a table (id or kind, title, first author, year, section); piped or "
                    "redirected, as tab-separated lines (the count goes to stderr).",
                ),
                (
                    "show",
                    "Show every field of one entry, named by arXiv id (any form, with or without version), URL, "
                    "citation key or exact title.",
                ),
                (
                    "stats",
                    "Show what the list holds: entries per kind and section, papers per month as a bar chart, the "
                    "most cited and most starred entries, and the share of entries with code (a GitHub project, "
                    "or a link to a repository).",
                ),
            ],
        ),
        (
            "Keep it clean and current",
            [
                ("dedupe", "Find entries that are the same item and merge each group into one."),
                (
                    "check",
                    "Check that entries.toml is valid and has no duplicates, and that each FILE's marked part "
                    "(default: README.md beside entries.toml, when it has the markers) is what `lcllm export "
                    "--markdown --in-place` would write. Exits 0 when all is well, 1 otherwise (saying what "
                    "differs); writes nothing. For CI and pre-commit hooks.",
                ),
                (
                    "enrich",
                    "Add citation counts and published venues (Semantic Scholar), repository stars (GitHub) and "
                    "the likes and downloads of Hugging Face models, datasets and Spaces (the Hub) to the list.",
                ),
                ("refresh", "Re-fetch arXiv metadata for every paper (or those given) and show what changed."),
            ],
        ),
        (
            "Publish",
            [
                (
                    "export",
                    "Write the list as awesome-list Markdown, BibTeX, CSL-JSON or a searchable HTML page (to "
                    "stdout, or -o FILE).",
                )
            ],
        ),
        (
            "Set up",
            [
                (
                    "completion",
                    "Print the shell completion script for bash, zsh, fish or PowerShell; load it in the shell's "
                    "start-up file to complete commands and options with Tab.",
                )
            ],
        ),
    ],
)


def command_module(args: list[str]) -> str | None:
    """The module for the command named in ``args`` (the arguments after the program name), else None."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _VALUE_OPTIONS:
            i += 2
            continue
        if arg.startswith(("--file=", "--list=")) or (arg[:2] in ("-f", "-l") and not arg.startswith("--")):
            i += 1
            continue
        if arg.startswith("-"):
            return None  # --help, --version, anything unexpected: the whole app
        return COMMAND_MODULES.get(arg)
    return None


def help_width() -> int:
    """The width of help pages, as click computes it: the terminal's columns, at most 80, less 2; at least 50."""
    import os
    import sys

    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns or 80, 80) - 2, 50)


def wrap_words(text: str, width: int) -> list[str]:
    """Words of ``text`` in lines of at most ``width`` characters (a longer word gets a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines


def help_text(prog: str, page: tuple[str, str, list[tuple[str, list[tuple[str, str]]]]], width: int) -> str:
    """A top-level help page in click's plain layout, with each section of commands under its own heading.

    Terms are aligned across the command sections (the options align among themselves); a term wider than 30
    columns puts its help on the next line, as click does. (No textwrap: it imports re, ~5 ms.)
    """
    usage, description, sections = page
    lines = [f"Usage: {prog} {usage}", ""]
    for paragraph in description.split("\n\n"):
        lines += ["  " + line for line in wrap_words(paragraph, width - 2)]
        lines.append("")
    commands = [term for title, rows in sections if title != "Options" for term, _ in rows]
    command_column = min(max(map(len, commands), default=0), 30)
    for title, rows in sections:
        if not rows:
            continue
        column = min(max(len(term) for term, _ in rows), 30) if title == "Options" else command_column
        lines.append(f"{title}:")
        for term, text in rows:
            wrapped = wrap_words(text, max(width - column - 4, 10)) or [""]
            if len(term) > column:
                lines.append(f"  {term}")
            else:
                lines.append(f"  {term.ljust(column)}  {wrapped.pop(0)}".rstrip())
            lines += [" " * (column + 4) + line for line in wrapped]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _answered_without_typer(args: list[str]) -> bool:
    """Print the top-level help (``lcllm``, ``lcllm --help``, ``lcllm -h``) or the version (``lcllm --version``)
    without importing typer, as the typer app would; False for anything else."""
    import os
    import sys

    if args == ["--version"]:
        from lcllm_cli import __version__

        sys.stdout.write(f"lcllm {__version__}\n")  # lcllm_cli.cli.app._version
        sys.stdout.flush()
        return True
    if args not in ([], ["--help"], ["-h"]):
        return False
    package = getattr(sys.modules.get("__main__"), "__package__", None)  # as click names the program
    prog = f"python -m {package}" if package else os.path.basename(sys.argv[0])
    text = help_text(prog, TOP_HELP, help_width())
    if args:
        sys.stdout.write(text)
        sys.stdout.flush()
        return True
    sys.stderr.write(text)  # no command at all: the help, on stderr, and exit code 2 (a usage error), as click does
    raise SystemExit(2)


def main() -> None:
    import sys

    _tolerant_output()
    try:
        if _completing():
            _complete()
        elif not _answered_without_typer(sys.argv[1:]):
            _run_command(sys.argv[1:])
    except SystemExit as exc:  # click ends every command this way
        _finish(exc.code)
    except OSError as exc:  # the output itself could not be written: a full disk, a closed pipe
        _output_failed(exc)
    _finish(0)


def _completing() -> bool:
    """Whether the shell is asking for completions (the script of ``lcllm completion SHELL`` sets the variable)."""
    import os

    return bool(os.environ.get("_LCLLM_COMPLETE"))  # lcllm_cli.cli.completion.COMPLETE_VAR


def _complete() -> None:
    """Answer the shell's completion request with typer's completion, over every command."""
    from typer._completion_classes import completion_init

    completion_init()  # typer's completion classes (bash, zsh, fish, PowerShell), as add_completion would load them
    from lcllm_cli.cli import run

    run()


def _run_command(argv: list[str]) -> None:
    import gc

    # A 100,000-entry list is millions of long-lived objects, and the default thresholds make the cyclic collector
    # walk them over and over while they are built (half the time of `list --json` at 100k). Young cycles are
    # still collected, every 100,000 allocations instead of 700; full collections become rare.
    gc.set_threshold(100_000, 50, 100)
    from lcllm_cli import gcpause

    gcpause.FREEZE_AFTER = True  # one command, then the process ends: what a bulk step builds is kept to the end
    global SELECTED
    SELECTED = command_module(argv)
    from lcllm_cli.cli import run

    run()


def _tolerant_output() -> None:
    """A terminal or pipe whose encoding cannot show a character gets it as an escape (\\u00e9), never a
    traceback: LC_ALL=C, PYTHONIOENCODING=ascii."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def _output_failed(exc: OSError) -> None:  # never returns
    """One line for a standard output that cannot be written (an OSError no command turned into a message)."""
    import errno
    import os
    import sys

    if exc.errno == errno.EPIPE:  # the reader is gone (`lcllm list | head`): nothing to say, as other tools
        os._exit(0)
    hint = "free some disk space and run the command again" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else None
    try:
        sys.stderr.write(f"error: cannot write the output: {exc.strerror or exc}\n")
        if hint:
            sys.stderr.write(f"hint: {hint}\n")
        sys.stderr.flush()
    except OSError:
        pass
    os._exit(1)


def _finish(code: object) -> None:  # never returns
    """Exit without the interpreter's teardown, which frees every object one by one: ~1 s after a command on a
    100,000-entry list (~0.1 s at 10,000), for nothing. By now every file lcllm writes is written and closed (writes
    are atomic and finished inside the command) and no thread is left; output is flushed here."""
    import contextlib
    import os
    import sys

    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # what sys.exit("message") does
        sys.stderr.write(f"{code}\n")
        status = 1
    try:
        sys.stdout.flush()
    except OSError as exc:  # what was still buffered could not be written: said, not lost silently
        _output_failed(exc)
    except ValueError:  # a closed stream
        pass
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    main()
