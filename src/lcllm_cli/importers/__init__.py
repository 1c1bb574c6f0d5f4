"""Importers turn a file people already have into a :class:`~lcllm_cli.model.Library`.

Each format is one module with a ``parse(text, source) -> ImportResult`` function, found by file suffix (or by
sniffing the content when the suffix says nothing). Items an importer could not fully understand are still
imported (as a link, or with their raw text kept) and listed in ``ImportResult.problems`` with their line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lcllm_cli.errors import ImportFileError
from lcllm_cli.model import Library


@dataclass(slots=True)
class Problem:
    """Something in the input that was imported only in part (or not at all), with where it was."""

    line: int
    message: str
    text: str = ""


@dataclass(slots=True)
class ImportResult:
    library: Library
    problems: list[Problem] = field(default_factory=list)
    # line numbers of the items, parallel to library.entries
    lines: list[int] = field(default_factory=list)


Parser = Callable[[str, str], ImportResult]

SUFFIXES = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".json": "csl",
    ".csljson": "csl",
}
FORMATS = ("markdown", "bibtex", "csl")
# --format spellings of CSL-JSON
FORMAT_ALIASES = {"csl-json": "csl", "csljson": "csl", "json": "csl", "md": "markdown", "bib": "bibtex"}
# A text that starts like a JSON array of objects, or an object with a key: CSL-JSON (no Markdown list starts so)
_JSON_START = re.compile(r'\s*(?:\[\s*[{\]]|\{\s*")')
MAX_BYTES = 200 * 1024 * 1024


def _parser(fmt: str) -> Parser:
    if fmt == "markdown":
        from lcllm_cli.importers.markdown import parse
    elif fmt == "csl":
        from lcllm_cli.importers.csl import parse  # type: ignore[no-redef]
    else:
        from lcllm_cli.importers.bibtex import parse  # type: ignore[no-redef]
    return parse


def detect_format(path: Path, text: str) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt:
        return fmt
    if _JSON_START.match(text):
        return "csl"
    stripped = text.lstrip()
    if stripped.startswith("@") or ("\n@" in text[:20000] and "{" in text[:20000]):
        return "bibtex"
    return "markdown"


def read_text(path: Path) -> str:
    """Read an input file as UTF-8 text, refusing binary files and unreadable paths with a clear message.

    At most :data:`MAX_BYTES` are read, from a file or from stdin (``-``): ``/dev/zero`` or an endless pipe ends
    in a clear error, not in a full memory. Only regular files are opened (a FIFO would wait for a writer).
    """
    import stat

    if str(path) == "-":
        import sys

        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        try:
            st = path.stat()
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError
            if not stat.S_ISREG(st.st_mode):
                raise ImportFileError(
                    f"{path} is not a regular file (a device, pipe or socket)",
                    hint="save the list to a file first, or pipe it in as `lcllm import -`",
                )
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            with open(fd, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise ImportFileError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise ImportFileError(f"{path} is a directory; give the Markdown, BibTeX or CSL-JSON file itself") from None
        except OSError as exc:
            raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ImportFileError(f"{path} is larger than {MAX_BYTES // 2**20} MB; is it really a list?")
    if b"\x00" in data[:8192]:
        raise ImportFileError(f"{path} looks like a binary file, not Markdown, BibTeX or CSL-JSON")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{path} is not UTF-8 text (invalid byte at offset {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read(path: Path, fmt: str | None = None, *, require_items: bool = False) -> ImportResult:
    """Read ``path`` (``-`` for stdin) with the importer for its format.

    With ``require_items``, a file in which the importer found no item at all (prose, an empty file, a list of
    something else) is refused with :class:`ImportFileError`, so that importing it creates no empty list.
    """
    text = read_text(path)
    if fmt is not None:
        fmt = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
    fmt = fmt or detect_format(path, text)
    if fmt not in FORMATS:
        raise ImportFileError(f"unknown format {fmt!r}; use markdown, bibtex or csl (CSL-JSON)")
    result = _parser(fmt)(text, str(path))  # each parser pauses the cyclic GC while it builds its objects
    if require_items and not result.library.entries:
        what = {"bibtex": "BibTeX entries", "csl": "CSL items"}.get(fmt, "list items")
        found = ""
        if result.problems:
            first = result.problems[0]
            found = f" ({len(result.problems)} could not be read; line {first.line}: {first.message})"
        raise ImportFileError(
            f"no {what} found in {path}{found}: nothing was imported",
            hint="lcllm imports awesome lists (Markdown bullet items with links), .bib files and CSL-JSON",
        )
    return result
