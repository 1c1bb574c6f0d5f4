"""Output helpers shared by commands: plain-text tables, rich consoles (imported lazily), JSON.

Nothing here imports rich or the json package at module level: ``lcllm list`` on a terminal draws its table with
:func:`table_lines` (no rich), and JSON is written only by the commands that are asked for it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

try:  # the C escaper json.dumps uses with ensure_ascii=False, without importing the json package (~1.5 ms)
    from _json import encode_basestring as _escape
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    from json.encoder import py_encode_basestring as _escape

if TYPE_CHECKING:
    from rich.console import Console


# Characters a terminal acts on instead of showing: C0/C1 controls (ESC starts colour, cursor and title sequences)
# and the bidirectional overrides and isolates that reorder what follows them on the line.
_UNSHOWABLE = {c: f"\\x{c:02x}" for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]} | {
    c: f"\\u{c:04x}" for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}


_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")  # the keys above, as ranges


def shown(text: str) -> str:
    """``text`` safe to print on a terminal: controls and bidi overrides written as visible escapes (``\\x1b``)."""
    return text.translate(_UNSHOWABLE) if _NEEDS_ESCAPE.search(text) else text


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


# --------------------------------------------------------------------------------------------- plain-text tables


def styled(stream: Any = None) -> bool:
    """Whether to print bold and dim text on ``stream`` (default stdout): on a terminal, unless ``NO_COLOR`` is set
    (https://no-color.org: to anything but the empty string) or ``TERM`` is ``dumb``. Then no escape codes at all."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return is_terminal(stream)


def is_terminal(stream: Any = None) -> bool:
    """Whether ``stream`` (default stdout) is a terminal."""
    try:
        return bool((stream or sys.stdout).isatty())
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def terminal_width(default: int = 80) -> int:
    """Columns of the terminal on stdout (``COLUMNS`` first, as ``shutil.get_terminal_size`` reads it)."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or default  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return default


_ZERO_WIDTH = frozenset(["Mn", "Me", "Cf"])  # combining marks, enclosing marks, format characters (ZWJ, ZWSP)
_widths: dict[str, int] = {}


def _char_width(char: str) -> int:
    width = _widths.get(char)
    if width is None:
        import unicodedata

        if char == "\xad":  # the soft hyphen: terminals show it
            width = 1
        elif unicodedata.category(char) in _ZERO_WIDTH:
            width = 0
        else:
            width = 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
        _widths[char] = width
    return width


def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: 2 for wide (CJK, most emoji), 0 for combining marks, else 1."""
    if text.isascii():
        return len(text)
    return sum(map(_char_width, text))


def _cut(text: str, width: int, *, progress: bool = True) -> tuple[str, str]:
    """``text`` split after as many characters as fit in ``width`` columns.

    ``progress``: at least one character, even a wide one in a single column (so that cutting a word ends).
    """
    least = 1 if progress else 0
    if text.isascii():
        n = max(width, least)
        return text[:n], text[n:]
    used = 0
    for i, char in enumerate(text):
        used += _char_width(char)
        if used > width and i >= least:
            return text[:i], text[i:]
    return text, ""


def truncate(text: str, width: int, ellipsis: str = "\u2026") -> str:
    """``text`` if it fits in ``width`` columns, else cut to fit with ``ellipsis`` at the end."""
    if cell_width(text) <= width:
        return text
    if width <= cell_width(ellipsis):
        return _cut(ellipsis, width, progress=False)[0]
    return _cut(text, width - cell_width(ellipsis), progress=False)[0].rstrip() + ellipsis


def wrap(text: str, width: int) -> list[str]:
    """``text`` word-wrapped to lines of at most ``width`` columns; words longer than a line are cut."""
    if cell_width(text) <= width:
        return [text]
    width = max(width, 1)
    lines: list[str] = []
    line: list[str] = []
    used = 0
    for word in text.split():
        size = cell_width(word)
        if line and used + 1 + size <= width:
            line.append(word)
            used += 1 + size
            continue
        if line:
            lines.append(" ".join(line))
        while size > width:
            head, word = _cut(word, width)
            lines.append(head)
            size = cell_width(word)
        line, used = [word], size
    if line:
        lines.append(" ".join(line))
    return lines or [""]


class Column(NamedTuple):
    """A column of :func:`table_lines`.

    ``overflow``: what a cell wider than the column does: ``"ellipsis"`` (cut, with an ellipsis), ``"wrap"`` (word
    wrap onto more lines; these columns give up their width first when the table is too wide) or ``"none"`` (the
    column keeps its natural width).
    """

    header: str
    overflow: str = "ellipsis"
    max_width: int | None = None
    right: bool = False  # right-aligned


_GAP = "  "
# How a table too wide for the terminal is narrowed: wrapping columns (titles) down to 30 columns first, then the
# ones that end in an ellipsis (names) down to 10 (or their header's width), then both further.
_NARROWING = (("wrap", 30), ("ellipsis", 10), ("wrap", 10), ("ellipsis", 3), ("wrap", 1), ("ellipsis", 1))


_FLAT = str.maketrans({"\t": " ", "\n": " ", "\r": " "})  # a cell stays on its line


def _flat(cell: str) -> str:
    return cell.translate(_FLAT) if "\n" in cell or "\t" in cell or "\r" in cell else cell


def column_widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int]:
    """Each column's width: its widest cell (capped at ``max_width``), narrowed to fit ``width`` columns in all.

    A table that does not fit even then (a very narrow terminal) is wider than ``width``: its lines wrap.
    """
    widths = [cell_width(c.header) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            size = cell_width(cell)
            if size > widths[i]:
                widths[i] = size
    widths = [min(w, c.max_width) if c.max_width else w for w, c in zip(widths, columns, strict=True)]
    excess = sum(widths) + len(_GAP) * (len(columns) - 1) - width
    for overflow, floor in _NARROWING:
        for i, column in enumerate(columns):
            if excess <= 0:
                return widths
            least = max(floor, cell_width(column.header)) if floor >= 10 else floor  # headers stay whole at first
            if column.overflow == overflow and widths[i] > least:
                give = min(excess, widths[i] - least)
                widths[i] -= give
                excess -= give
    return widths


def table_lines(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int, *, style: bool = False
) -> Iterator[str]:
    """The lines of a table with a header: columns two spaces apart, fitted into ``width`` terminal columns.

    Cells are shown as they are (the caller escapes control characters); tabs and line breaks become spaces.
    ``style``: the header in bold (the caller decides: :func:`styled`). No line ends in spaces.
    """
    rows = [[_flat(cell) for cell in row] for row in rows]
    widths = column_widths(columns, rows, width)
    ellipsis = "\u2026" if _can_encode("\u2026") else "..."

    def layout(cells: Sequence[str]) -> Iterator[str]:
        parts: list[list[str]] = []
        for cell, column, w in zip(cells, columns, widths, strict=True):
            if column.overflow == "wrap":
                parts.append(wrap(cell, w))
            elif column.overflow == "ellipsis":
                parts.append([truncate(cell, w, ellipsis)])
            else:
                parts.append([cell])
        for n in range(max(map(len, parts))):
            out = []
            for lines, column, w in zip(parts, columns, widths, strict=True):
                text = lines[n] if n < len(lines) else ""
                pad = " " * (w - cell_width(text))
                out.append(pad + text if column.right else text + pad)
            yield _GAP.join(out).rstrip()

    for line in layout([c.header for c in columns]):
        yield f"\x1b[1m{line}\x1b[0m" if style else line
    for row in rows:
        yield from layout(row)


def _can_encode(text: str) -> bool:
    try:
        text.encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def labelled(label: str, value: str, width: int | None = None, *, style: bool = False) -> str:
    """``label  value`` as lines of text: the value's lines start under its first one, and are word-wrapped to
    ``width`` columns when it is given (a terminal's). ``style``: the label in bold."""
    pad = " " * cell_width(label)
    room = width - len(pad) - 2 if width else 0
    lines: list[str] = []
    for part in value.split("\n"):
        lines += wrap(part, room) if room >= 20 else [part]  # a terminal too narrow for that: its own wrapping
    head = f"\x1b[1m{label}\x1b[0m" if style else label
    return "".join(f"{head if i == 0 else pad}  {line}".rstrip() + "\n" for i, line in enumerate(lines))


def dim(text: str, style: bool) -> str:
    return f"\x1b[2m{text}\x1b[0m" if style else text


# --------------------------------------------------------------------------------------------- JSON


def print_json(data: Any) -> None:
    sys.stdout.write(_inert_json(dumps_json(data)) + "\n")


def _inert_json(text: str) -> str:
    """JSON text with the characters a terminal acts on that JSON leaves raw (C1 controls such as the one-byte CSI
    U+009B, bidi overrides and isolates, and the line breaks of ``str.splitlines``) written as ``\\uXXXX``: still
    the same JSON (they occur only inside strings), and inert when printed on a terminal."""
    return text.translate(_JSON_INERT) if _JSON_NEEDS.search(text) else text


def print_json_list(items: Iterable[Any]) -> None:
    """A JSON array of ``items`` with one compact item per line (``[``, then ``{...},`` lines, the last without a
    comma, then ``]``), streamed.

    Still one valid JSON document (jq, ``json.load``), and line-oriented for grep, head and readers that take one
    entry at a time (U+0085, U+2028 and U+2029, where ``str.splitlines`` also breaks, are written escaped). Each
    item goes through the json module's C encoder: an indented array needs its pure-Python encoder, or the
    hand-written one of :func:`dumps_json` (about 1.5 times slower at 10,000 entries).
    """
    import json

    encode = json.JSONEncoder(ensure_ascii=False).encode
    write = sys.stdout.write
    lines: list[str] = []
    head = "["
    for item in items:
        line = _inert_json(encode(item))  # line breaks to str.splitlines() and terminal controls: escaped
        lines.append(line)
        if len(lines) == 1024:
            write(head + "\n" + ",\n".join(lines))
            head, lines = ",", []
    if lines:
        write(head + "\n" + ",\n".join(lines))
    elif head == "[":
        write("[]\n")
        return
    write("\n]\n")


_JSON_INERT = {c: f"\\u{c:04x}" for c in [*range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]} | {
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}
_JSON_NEEDS = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class _Unusual(Exception):
    """A value the fast writer leaves to the json module (floats, subclasses, non-string keys)."""


def dumps_json(data: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=2)``, the same text, several times faster.

    With ``indent`` the json module falls back to its pure-Python encoder; ``list --json`` on 100,000 entries
    spent seconds there. Strings go through the same C escaper json uses; anything but dicts with string keys,
    lists, tuples, strings, ints, booleans and None is left to ``json.dumps`` itself.
    """
    parts: list[str] = []
    try:
        _encode(data, "\n", parts)
    except (_Unusual, RecursionError):
        import json

        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return "".join(parts)


_LITERALS = {None: "null", True: "true", False: "false"}


def _leaf(value: Any) -> str | None:
    """The JSON text of a string, int, boolean or None; None for containers."""
    kind = type(value)
    if kind is str:
        return _escape(value)
    if kind is int:
        return int.__repr__(value)
    if value is None or kind is bool:
        return _LITERALS[value]
    if kind is dict or kind is list or kind is tuple:
        return None
    raise _Unusual


def _encode(value: Any, newline: str, parts: list[str]) -> None:
    text = _leaf(value)
    if text is not None:
        parts.append(text)
        return
    if not value:
        parts.append("{}" if type(value) is dict else "[]")
        return
    inner = newline + "  "
    after = "," + inner
    if type(value) is dict:
        parts.append("{" + inner)
        first = True
        for key, item in value.items():
            if type(key) is not str:
                raise _Unusual
            if not first:
                parts.append(after)
            first = False
            text = _leaf(item)
            if text is not None:
                parts.append(f"{_escape(key)}: {text}")
            else:
                parts.append(_escape(key) + ": ")
                _encode(item, inner, parts)
        parts.append(newline + "}")
        return
    if all(type(item) is str for item in value):
        parts.append("[" + inner + after.join(map(_escape, value)) + newline + "]")
        return
    parts.append("[" + inner)
    first = True
    for item in value:
        if not first:
            parts.append(after)
        first = False
        _encode(item, inner, parts)
    parts.append(newline + "]")


def info(message: str) -> None:
    """A status line on stderr, so stdout stays clean for data (JSON, BibTeX, Markdown)."""
    sys.stderr.write(message + "\n")


def say(message: str) -> None:
    """A line of a report on stdout, as it is (no markup, no wrapping: piped, it stays one line)."""
    sys.stdout.write(message + "\n")


@contextlib.contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A rich progress bar on stderr (only on a terminal): yields ``update(task, done, total)``. While a request has
    had no answer for a few seconds, a line says which service lcllm is waiting for, and for how long."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    import threading

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    tasks: dict[str, Any] = {}
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console(stderr=True),
        transient=True,
    ) as bar:

        def update(task: str, done: int, total: int) -> None:
            if task not in tasks:
                tasks[task] = bar.add_task(task, total=total)
            bar.update(tasks[task], completed=done, total=total)

        stop = threading.Event()
        watcher = threading.Thread(target=_say_who_is_silent, args=(bar, stop), daemon=True)
        watcher.start()
        try:
            yield update
        finally:
            stop.set()
            watcher.join(1.0)


SILENT_AFTER = 3.0  # seconds without an answer before the progress bar names the service


def _say_who_is_silent(bar: Any, stop: Any) -> None:
    from rich.markup import escape

    from lcllm_cli.sources.http import waiting

    line = None
    while not stop.wait(0.5):
        silent = waiting()
        if silent is not None and silent[1] >= SILENT_AFTER:
            text = escape(f"waiting for {silent[0]}: no answer for {silent[1]:.0f} s")
            if line is None:
                line = bar.add_task(text, total=None)
            else:
                bar.update(line, description=text)
        elif line is not None:
            bar.remove_task(line)
            line = None
