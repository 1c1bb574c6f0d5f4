"""``entries.toml``: reading (validated, with line numbers in errors), deterministic writing, atomic saves, locking.

The layout written here is designed for review in pull requests:

* one ``[[entry]]`` table per item, one key per line, keys always in the same order, defaults omitted;
* lists that fit on a line stay on it, longer ones put one item per line; ``links`` is always one link per line;
* entries stay in list order, so adding one entry changes only that entry's lines.

Same data, same bytes: :func:`dumps` depends on nothing but the :class:`~lcllm_cli.model.Library` it is given.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lcllm_cli import files
from lcllm_cli.errors import StoreError
from lcllm_cli.fieldkinds import is_category
from lcllm_cli.gcpause import paused_gc
from lcllm_cli.keys import assign_keys
from lcllm_cli.model import KINDS, Citations, Entry, Library, Link, Publication, Section, validate_entry

try:  # the C string escaper behind json.dumps (importing the json package itself costs ~10 ms of start-up)
    from _json import encode_basestring as _encode_basestring
except ImportError:  # pragma: no cover - an interpreter without the C accelerator
    from json.encoder import py_encode_basestring as _encode_basestring

DEFAULT_FILENAME = "entries.toml"
HEADER = (
    "# The curated list, managed with lcllm (https://pypi.org/project/lcllm/).\n"
    "# Edit it with `lcllm` commands or by hand; the schema: docs/entries-toml.md (lcllm's repository).\n"
)
LINE_WIDTH = 100

# How each entry field is checked on read and formatted on write.
_STR, _INT, _BOOL, _STRLIST, _LINKS, _CITATIONS, _FIELDS = "str", "int", "bool", "strlist", "links", "cit", "fields"
_PUBLICATION = "pub"
# The keys of a publication table, in the order they are written, and which of them are integers.
_PUBLICATION_KEYS: tuple[str, ...] = tuple(Publication.__dataclass_fields__)
_PUBLICATION_INTS = frozenset(["year"])
_KIND_OF_TYPE = {
    "str": _STR,
    "str | None": _STR,
    "int | None": _INT,
    "bool": _BOOL,
    "list[str]": _STRLIST,
    "list[Link]": _LINKS,
    "Citations | None": _CITATIONS,
    "Publication | None": _PUBLICATION,
    "dict[str, str]": _FIELDS,
}
# The schema of an entry, derived from the model (its fields in order, each with how it is checked and written):
# a field added to Entry is read, checked and written with no other change.
ENTRY_FIELDS: dict[str, str] = {name: _KIND_OF_TYPE[str(f.type)] for name, f in Entry.__dataclass_fields__.items()}
_TYPE_NAMES = {
    _STR: "a string",
    _INT: "an integer",
    _BOOL: "true or false",
    _STRLIST: "a list of strings",
    _LINKS: "a list of {label, url[, stars, no_badge]} tables",
    _CITATIONS: "a {count, source, url, date} table",
    _PUBLICATION: "a {venue, source[, type, year, doi, volume, pages, url, evidence, date]} table",
    _FIELDS: "a table of strings",
}


def find_file(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The list to work on: ``--file``, else ``$LCLLM_FILE``, else the nearest ``lcllm.toml`` (its only list) or
    ``entries.toml`` in the current directory or above, else ``./entries.toml`` (see :mod:`lcllm_cli.workspace`,
    which also takes ``--list``)."""
    from lcllm_cli.workspace import entries_path

    return entries_path(explicit)


# --------------------------------------------------------------------------------------------- reading


# "[[entry]]" with spaces allowed inside the brackets; a header when only spaces and tabs come before it on its line.
# (Searched for from its "[[", which the regex engine finds fast, rather than from a "^": a pattern that starts at a
# line start is tried at every character, 38 ms for a 10,000-entry list.)
_ENTRY_HEADER_ANYWHERE = re.compile(r"\[\[[ \t]*entry[ \t]*\]\]")


def entry_heads(text: str) -> list[tuple[int, int]]:
    """(line number, 1-based; offset in ``text``) of each ``[[entry]]`` header of an entries file's text, in order
    (for messages that name an entry's place, like ``lcllm check``'s link findings)."""
    heads: list[tuple[int, int]] = []
    line, pos = 1, 0
    for m in _ENTRY_HEADER_ANYWHERE.finditer(text):
        start = m.start()
        if text[text.rfind("\n", 0, start) + 1 : start].strip(" \t"):
            continue  # not the first thing on its line
        line += text.count("\n", pos, start)
        pos = start
        heads.append((line, start))
    return heads


def _check(value: Any, kind: str) -> bool:
    if kind == _STR:
        return isinstance(value, str)
    if kind == _INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == _BOOL:
        return isinstance(value, bool)
    if kind == _STRLIST:
        return isinstance(value, list) and all(map(_is_str, value))
    if kind == _LINKS:
        return _links(value) is not None
    if kind == _CITATIONS:
        return (
            isinstance(value, dict)
            and isinstance(value.get("count"), int)
            and not isinstance(value.get("count"), bool)
            and isinstance(value.get("source"), str)
            and set(value) <= {"count", "source", "url", "date"}
            and all(isinstance(value[k], str) for k in ("url", "date") if k in value)
        )
    if kind == _FIELDS:
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if kind == _PUBLICATION:
        return (
            isinstance(value, dict)
            and {"venue", "source"} <= set(value) <= set(_PUBLICATION_KEYS)
            and all((type(v) is int) if k in _PUBLICATION_INTS else isinstance(v, str) for k, v in value.items())
        )
    raise AssertionError(kind)


_LINK_KEYS = frozenset(["label", "url", "stars", "no_badge"])
_is_str = str.__instancecheck__  # isinstance(v, str), called from C by map(): no Python frame per list item


def _link(v: Any) -> Link | None:
    """One ``{label, url[, stars, no_badge]}`` table of an entry's links as a Link; None when it is not one."""
    if type(v) is not dict or not _LINK_KEYS.issuperset(v):
        return None
    label, url, stars, no_badge = v.get("label"), v.get("url"), v.get("stars"), v.get("no_badge", False)
    if type(label) is not str or type(url) is not str or type(no_badge) is not bool:
        return None
    if "stars" in v and type(stars) is not int:  # (a parser's integers are int, its booleans bool; JSON has null)
        return None
    return Link(label, url, stars, no_badge)


def _links(value: Any) -> list[Link] | None:
    """An entry's ``links`` array as Link objects; None when it is not an array of such tables."""
    if type(value) is not list:
        return None
    links = list(map(_link, value))
    return None if None in links else links


_SIMPLE_TYPES: dict[str, type] = {_STR: str, _INT: int, _BOOL: bool}


_SIMPLE_FIELD_TYPES: dict[str, type] = {n: _SIMPLE_TYPES[k] for n, k in ENTRY_FIELDS.items() if k in _SIMPLE_TYPES}


def _entry_from_dict(data: dict[str, Any], where: str) -> Entry:
    links: list[Link] | None = None  # the links, checked and built in one pass
    for name, value in data.items():
        # The common cases inline (this loop runs for every field of every entry), the rest in _check.
        simple = _SIMPLE_FIELD_TYPES.get(name)
        if simple is not None and type(value) is simple:
            continue  # most fields: a string, an integer or a boolean, of the right type
        kind = ENTRY_FIELDS.get(name)
        if kind is None:
            raise StoreError(
                f"{where}: unknown field {name!r}", hint="see the entries.toml schema (docs/entries-toml.md)"
            )
        if simple is not None:
            ok = False
        elif kind == _STRLIST:
            ok = type(value) is list and all(map(_is_str, value))
        elif kind == _LINKS:
            links = _links(value)
            ok = links is not None
        else:
            ok = _check(value, kind)
        if not ok:
            raise StoreError(f"{where}: field {name!r} must be {_TYPE_NAMES[kind]}, not {value!r:.60}")
    if "kind" not in data:
        raise StoreError(f"{where}: no kind (expected one of: {', '.join(KINDS)})")
    if "title" not in data:
        raise StoreError(f"{where}: no title")
    kwargs = dict(data)
    if links is not None:
        kwargs["links"] = links
    _objects(kwargs)
    if "fields" in kwargs:
        kwargs["fields"] = dict(kwargs["fields"])
    entry = Entry(**kwargs)
    problem = validate_entry(entry)
    if problem:
        raise StoreError(f"{where}: {problem}")
    return entry


# From this size up, the text is parsed by toml-rs (compiled Rust: 75 ms instead of tomli's 0.28 s and rtoml's
# 0.14 s on a 6 MB list of 10,000 entries, each in a fresh process; benchmarks/bench_toml.py). Small files stay with
# tomli, which imports faster. Any text toml-rs refuses is parsed again by tomli, whose message names the line and
# column, so both parsers must accept a text for it to load; both follow TOML 1.1 alike.
FAST_PARSE_MIN_CHARS = 64 * 1024


def _fast_loads() -> Callable[[str], dict[str, Any]] | None:
    try:
        import toml_rs
    except ImportError:  # a platform without a toml-rs wheel: tomli does the work
        return None
    return toml_rs.loads


def _toml_module() -> Any:
    """tomli (compiled, ~3x faster than the standard library's tomllib on large lists), imported on first use."""
    try:
        import tomli
    except ImportError:  # pragma: no cover - tomli is a declared dependency
        import tomllib as tomli
    return tomli


# In one go, toml-rs holds its own document beside the Python objects it builds (0.9 GB for a 60 MB list of 100,000
# entries; tomli: 0.5 GB) and is slower. Fed small pieces, it peaks at what tomli does and is as fast.
FAST_PARSE_PIECE_ENTRIES = 16
# toml-rs recurses on the machine stack, about 1.3 KB a level of nesting, and a text nested deep enough overflows it:
# the process dies (SIGSEGV, no exception) at 6,000 levels on an 8 MB stack, 250 on 512 KB. A piece holding at most
# this many '[' and '{' cannot nest deeper than that; a piece with more (or a whole text, when it is parsed whole)
# goes to tomli, whose recursion Python bounds. A piece of 16 entries as lcllm writes them has about 110.
FAST_PARSE_MAX_OPENERS = 256
# A header line as lcllm writes it, found from the newline before it (see _ENTRY_HEADER_ANYWHERE).
_ENTRY_HEADER = re.compile(r"\n\[\[entry\]\][ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE)


def _pieces(text: str, fast: Callable[[str], dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The parses of the pieces of ``text`` cut before ``[[entry]]`` header lines, in order, each by ``fast`` or,
    when it holds more than FAST_PARSE_MAX_OPENERS brackets and braces, by tomli.

    Cutting is sound because every piece after the first starts at a ``[[entry]]`` header: what follows a header
    until the next one belongs to that entry, or to another top-level table the header names, which the callers'
    merge checks. Only a multi-line string can hold a line that looks like a header without being one: with one,
    the text is one piece. A construct left open at a cut (an array, an inline table) makes its piece invalid, as it
    makes the whole: any error means tomli reparses the whole text for its message.
    """

    def loads(piece: str) -> dict[str, Any]:
        shallow = piece.count("[") + piece.count("{") <= FAST_PARSE_MAX_OPENERS
        return fast(piece) if shallow else _toml_module().loads(piece)

    if '"""' in text or "'''" in text:
        yield loads(text)
        return
    step = FAST_PARSE_PIECE_ENTRIES
    # (never before the first header found: the first piece holds an entry, so "entry" is a list to extend)
    cuts = [0] + [m.start() + 1 for i, m in enumerate(_ENTRY_HEADER.finditer(text)) if i and not i % step]
    for start, end in zip(cuts, [*cuts[1:], len(text)], strict=True):
        yield loads(text[start:end])


def _merged_pieces(
    text: str, fast: Callable[[str], dict[str, Any]], take_entries: Callable[[list[Any]], object]
) -> dict[str, Any] | None:
    """The top-level tables of the :func:`_pieces` of ``text`` but the entries, merged, each piece's ``entry``
    array handed to ``take_entries`` as it comes; None when a piece adds a top-level key another piece has, or an
    ``entry`` that is not an array (tomli then parses the whole, with TOML's own rules)."""
    top: dict[str, Any] = {}
    for piece in _pieces(text, fast):
        for key, value in piece.items():
            if key == "entry":
                if type(value) is not list:
                    return None
                take_entries(value)
            elif key in top:
                return None
            else:
                top[key] = value
    return top


def _parse_in_pieces(text: str, fast: Callable[[str], dict[str, Any]]) -> dict[str, Any] | None:
    """The parse of ``text`` from its :func:`_pieces`, merged (None as :func:`_merged_pieces` says)."""
    arrays: list[list[Any]] = []
    data = _merged_pieces(text, fast, arrays.append)
    if data is not None and arrays:
        data["entry"] = [raw for array in arrays for raw in array]
    return data


def _library_in_pieces(text: str, source: str) -> Library | None:
    """The library of a big text, each piece's entries built as soon as the piece is parsed, so that the parse of
    the whole list is never held beside the list (a 100,000-entry list: 120 MB less at the peak, a third fewer page
    faults, 0.5-1 s less); what it gives is what ``_library_from_data(_parse_toml(text))`` gives. None when toml-rs
    is not there or anything is wrong (a parse error, an invalid entry, a key given twice): the whole-text path
    then says what, as it always did."""
    fast = _fast_loads()
    if fast is None:
        return None
    entries: list[Entry] = []

    def build(array: list[Any]) -> None:
        if not all(type(raw) is dict for raw in array):
            raise ValueError("an entry that is not a table")
        entries.extend([_entry_from_dict(raw, _WHERE) for raw in array])

    try:
        top = _merged_pieces(text, fast, build)
    except Exception:  # (StoreError from an entry included: the whole-text path names its line)
        return None
    if top is None:
        return None
    lib, names = _library_shell(top, source)
    lib.entries = entries
    _add_entry_sections(lib, names)
    return lib


def _parse_toml(text: str, source: str) -> dict[str, Any]:
    if _fast_parse_for(text):
        fast = _fast_loads()
        if fast is not None:
            try:
                data = _parse_in_pieces(text, fast)
            except Exception:  # tomli, below, explains what is wrong (or disagrees and parses it)
                data = None
            if data is not None:
                return data
    toml = _toml_module()
    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise StoreError(
            f"{source} is not valid TOML: {exc}", hint="fix the file by hand (git diff shows what changed)"
        ) from None
    except RecursionError:  # tomli's own bound: arrays or tables nested hundreds deep
        raise StoreError(
            f"{source} is not an entries file: its arrays or tables are nested hundreds of levels deep",
            hint="fix the file by hand (git diff shows what changed)",
        ) from None


def _fast_parse_for(text: str) -> bool:
    """Whether toml-rs reads ``text``: a big one, without the byte order mark toml-rs skips and TOML refuses."""
    return len(text) >= FAST_PARSE_MIN_CHARS and not text.startswith("\ufeff")


def loads(text: str, source: str = DEFAULT_FILENAME) -> Library:
    """Parse and validate the text of an entries file. Raises :class:`StoreError` naming what is wrong."""
    if _fast_parse_for(text):
        lib = _library_in_pieces(text, source)
        if lib is not None:
            return lib
    return _library_from_data(_parse_toml(text, source), source, text)


def _library_from_data(data: dict[str, Any], source: str, text: str | None) -> Library:
    """Build the library from parsed TOML, validating every field. Consumes ``data``: its entry tables are
    dropped as the entries are built."""
    lib, names = _library_shell(data, source)
    raw_entries = data.get("entry", [])
    if not isinstance(raw_entries, list):
        raise StoreError(f"{source}: 'entry' must be [[entry]] tables")

    # Where an entry is (its number, and its line when the headers can be counted) is only worked out for an entry
    # that is wrong: finding the line of every header costs a regex pass over the whole file.
    def where(i: int) -> str:
        heads = entry_heads(text) if text is not None else []
        return f"{source}, entry #{i + 1}" + (f" (line {heads[i][0]})" if len(heads) == len(raw_entries) else "")

    for i, raw in enumerate(raw_entries):
        if not isinstance(raw, dict):
            raise StoreError(f"{where(i)}: must be a table")
        try:
            lib.entries.append(_entry_from_dict(raw, _WHERE))
        except StoreError as exc:
            if not exc.message.startswith(_WHERE):
                raise
            raise StoreError(where(i) + exc.message[len(_WHERE) :], hint=exc.hint) from None
        # The parsed table is done with: freed now, its memory holds the next entries (tomli's parse of a big list
        # is not held whole beside the list).
        raw_entries[i] = None
    _add_entry_sections(lib, names)
    return lib


def _add_entry_sections(lib: Library, names: set[str]) -> None:
    """A section for each section name the entries use that no [[section]] table gave."""
    for entry in lib.entries:
        if entry.section not in names:
            names.add(entry.section)
            lib.sections.append(Section(entry.section))


def _library_shell(data: dict[str, Any], source: str) -> tuple[Library, set[str]]:
    """The library of the top-level tables but the entries (checked first, in this order: the top-level keys,
    [list], the [[section]] tables), with the names of its sections."""
    unknown = set(data) - {"list", "section", "entry"}
    if unknown:
        raise StoreError(f"{source}: unknown top-level key(s): {', '.join(sorted(unknown))}")
    meta = data.get("list", {})
    if not isinstance(meta, dict) or set(meta) - {"title", "intro", "star_counts", "newest_first"}:
        raise StoreError(f"{source}: [list] may only hold 'title', 'intro', 'star_counts' and 'newest_first'")
    if not all(isinstance(meta.get(k, ""), str) for k in ("title", "intro")):
        raise StoreError(f"{source}: [list] title and intro must be strings")
    for flag in ("star_counts", "newest_first"):
        if not isinstance(meta.get(flag, False), bool):
            raise StoreError(f"{source}: [list] {flag} must be true or false")
    lib = Library(
        title=meta.get("title", "Awesome list"),
        intro=meta.get("intro") or None,
        star_counts=meta.get("star_counts", False),
        newest_first=meta.get("newest_first", False),
    )

    sections = data.get("section", [])
    if not isinstance(sections, list):
        raise StoreError(f"{source}: 'section' must be [[section]] tables")
    names: set[str] = set()
    for i, sec in enumerate(sections, 1):
        if not isinstance(sec, dict) or not isinstance(sec.get("name"), str) or set(sec) - _SECTION_KEYS:
            raise StoreError(
                f"{source}: section #{i} must have a name (and optionally a level, a heading, a query and categories)"
            )
        level = sec.get("level", 2)
        if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
            raise StoreError(f"{source}: section {sec['name']!r}: level must be an integer from 1 to 6")
        heading = sec.get("heading")
        if heading is not None and not isinstance(heading, str):
            raise StoreError(f"{source}: section {sec['name']!r}: heading must be a string")
        if sec["name"] in names:
            raise StoreError(f"{source}: section {sec['name']!r} is listed twice")
        query = sec.get("query")
        if query is not None and (not isinstance(query, str) or not query.strip()):
            raise StoreError(f"{source}: section {sec['name']!r}: query must be a non-empty string")
        categories = sec.get("categories", [])
        if not isinstance(categories, list) or not all(isinstance(c, str) and is_category(c) for c in categories):
            raise StoreError(
                f'{source}: section {sec["name"]!r}: categories must be a list of arXiv categories ("cs.CL")'
            )
        names.add(sec["name"])
        lib.sections.append(Section(sec["name"], level, heading or None, query, list(categories)))
    return lib, names


_SECTION_KEYS = frozenset({"name", "level", "heading", "query", "categories"})
_WHERE = "\x00where\x00"  # stands for the entry's place in messages until an error needs the real one


def _objects(kwargs: dict[str, Any]) -> None:
    """The citations and publication tables of an entry's data as the model's objects, in place."""
    if "citations" in kwargs:
        kwargs["citations"] = Citations(**kwargs["citations"])
    if "publication" in kwargs:
        kwargs["publication"] = Publication(**kwargs["publication"])


def load(path: Path) -> Library:
    """Read and check ``path``. A missing, unreadable or invalid file raises :class:`StoreError` (exit code 2)."""
    try:
        data = files.read_regular(path)
    except files.NotRegular:
        raise StoreError(f"{path} is not a regular file (a device, pipe or socket)") from None
    except FileNotFoundError:
        raise StoreError(
            f"no list at {path}",
            hint="run `lcllm import LIST.md` or `lcllm add ID` to start one, or point --file / LCLLM_FILE at it",
        ) from None
    except IsADirectoryError:
        raise StoreError(f"{path} is a directory, not an entries file") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StoreError(f"{path} is not UTF-8 text (byte {exc.start})") from None
    del data  # a 100,000-entry list: do not hold its bytes beside its text and its parse
    with paused_gc():  # the list's objects, built in bulk
        return loads(text, str(path))


# --------------------------------------------------------------------------------------------- writing

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _esc(match: re.Match[str]) -> str:
    c = match.group()
    return _ESCAPES.get(c) or f"\\u{ord(c):04x}"


def toml_str(value: str) -> str:
    """A TOML basic string. Control characters (NUL, newlines, DEL) are escaped, so nothing can break out.

    The json module's C escaper writes exactly these escapes (``\\"``, ``\\\\``, ``\\b\\t\\n\\f\\r``, else
    ``\\u00xx``) for every character TOML wants escaped but DEL, which JSON leaves alone: strings with a DEL take the
    regex path. tests/store/test_store.py checks both paths against each other.
    """
    if "\x7f" in value:
        return '"' + _NEEDS_ESCAPE.sub(_esc, value) + '"'
    return _encode_basestring(value)


def _key(name: str) -> str:
    return name if _BARE_KEY.fullmatch(name) else toml_str(name)  # fullmatch: '$' would let "a\n" through


def _inline_table(pairs: list[tuple[str, Any]]) -> str:
    """``{ a = 1, b = "x" }`` of the pairs whose value is set; the names are lcllm's own, all bare keys."""
    return "{ " + ", ".join(f"{k} = {_scalar(v)}" for k, v in pairs if v is not None) + " }"


def _scalar(value: Any) -> str:
    if type(value) is str:
        return toml_str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return toml_str(value)
    raise TypeError(f"cannot write {type(value).__name__}")


def _array(name: str, items: list[str], *, always_multiline: bool = False) -> list[str]:
    one_line = f"{name} = [" + ", ".join(items) + "]"
    if not always_multiline and len(one_line) <= LINE_WIDTH:
        return [one_line]
    return [f"{name} = ["] + [f"    {item}," for item in items] + ["]"]


def _string_array(name: str, values: list[str]) -> list[str]:
    items = list(map(_encode_basestring, values))  # toml_str of each, when no value holds a DEL (see toml_str)
    if any("\x7f" in item for item in items):
        items = [toml_str(v) for v in values]
    return _array(name, items)


def _link_table(link: Link) -> str:
    label, url, stars = link.label, link.url, link.stars
    if link.no_badge:
        return _inline_table([("label", label), ("url", url), ("stars", stars), ("no_badge", True)])
    if type(label) is str and type(url) is str and (stars is None or type(stars) is int):  # the usual link, written
        # out (this runs per link); the C escaper leaves DEL alone, so a text holding one takes toml_str's path
        text = f"{{ label = {_encode_basestring(label)}, url = {_encode_basestring(url)}"
        text += " }" if stars is None else f", stars = {stars} }}"
        if "\x7f" not in text:
            return text
    return _inline_table([("label", label), ("url", url), ("stars", stars)])


def _field_lines(name: str, kind: str, value: Any, out: list[str], tail: list[str]) -> None:
    """The TOML lines of one entry field: appended to ``out``, or for the ``fields`` table to ``tail`` (it comes
    after the entry's keys). Unset fields (None, False, empty list or table) write nothing, but ``kind`` and
    ``title`` are always written."""
    # `not value` first, as the exact test is only needed for falsy values
    if not value and (value is None or value is False or value == [] or value == {}):
        if name in ("kind", "title"):
            out.append(f"{name} = {toml_str(value or '')}")
        return
    if kind in (_STR, _INT, _BOOL):
        out.append(f"{name} = {_scalar(value)}")
    elif kind == _STRLIST:
        out.extend(_string_array(name, value))
    elif kind == _LINKS:
        out.extend(_array(name, [_link_table(link) for link in value], always_multiline=True))
    elif kind == _CITATIONS:
        out.append(
            f"{name} = "
            + _inline_table(
                [("count", value.count), ("source", value.source), ("url", value.url), ("date", value.date)]
            )
        )
    elif kind == _PUBLICATION:
        out.append(f"{name} = " + _inline_table([(k, getattr(value, k)) for k in _PUBLICATION_KEYS]))
    elif kind == _FIELDS:
        tail.append(f"[entry.{name}]")
        tail.extend(f"{_key(k)} = {toml_str(v)}" for k, v in sorted(value.items()))


@functools.cache  # compiled on first use
def _compile_entry_writer() -> Callable[[Entry, list[str], list[str]], None]:
    """Compile the function that writes an entry's fields: ``write(entry, out, tail)`` appends what
    :func:`_field_lines` would for each field of :data:`ENTRY_FIELDS` in turn.

    It is generated from :data:`ENTRY_FIELDS`, as :mod:`dataclasses` generates ``__init__``: straight-line code
    reading each field by name, with the common values (a string, an integer, true, an unset field) written inline
    and everything else handed to :func:`_field_lines`. A loop over the fields doing the same took 1.5 times as long
    (``dumps`` of 100,000 entries: 1.4 s against 0.9 s), and every write of the list renders all of it.
    """
    code = ["def write(e, out, tail):", "    append = out.append"]
    for name, kind in ENTRY_FIELDS.items():
        lines = [f"v = e.{name}"]
        rest = f"field({name!r}, {kind!r}, v, out, tail)"
        if kind == _STR:  # a string with DEL takes toml_str's other path (see toml_str)
            lines += [
                "if type(v) is str and '\\x7f' not in v:",
                f"    append({name + ' = '!r} + quote(v))",
                "else:" if name in ("kind", "title") else "elif v is not None:",
                f"    {rest}",
            ]
        elif kind == _INT:
            lines += [
                "if type(v) is int:",
                f"    append({name + ' = '!r} + str(v))",
                "elif v is not None:",
                f"    {rest}",
            ]
        elif kind == _BOOL:
            lines += [
                "if v is True:",
                f"    append({name + ' = true'!r})",
                "elif v is not False and v is not None:",
                f"    {rest}",
            ]
        elif kind in (_STRLIST, _LINKS):  # unset: the empty list, or None
            lines += [
                "if type(v) is list:",
                "    if v:",
                f"        out.extend(string_array({name!r}, v))"
                if kind == _STRLIST
                else f"        out.extend(array({name!r}, [link(x) for x in v], always_multiline=True))",
                "elif v is not None:",
                f"    {rest}",
            ]
        else:  # a table: unset is None, or the empty table
            lines += ["if v or v is not None and type(v) is not dict:", f"    {rest}"]
        code += ["    " + line for line in lines]
    namespace: dict[str, Any] = {
        "quote": _encode_basestring,
        "string_array": _string_array,
        "array": _array,
        "link": _link_table,
        "field": _field_lines,
    }
    exec(compile("\n".join(code) + "\n", "<lcllm_cli.store entry writer>", "exec"), namespace)
    return namespace["write"]  # type: ignore[no-any-return]


def dumps(lib: Library) -> str:
    """The exact text of ``entries.toml`` for ``lib``: deterministic, diff-friendly."""
    parts: list[str] = [HEADER, "[list]", f"title = {toml_str(lib.title)}"]
    if lib.intro:
        parts.append(f"intro = {toml_str(lib.intro)}")
    if lib.star_counts:
        parts.append("star_counts = true")
    if lib.newest_first:
        parts.append("newest_first = true")
    used = {e.section for e in lib.entries}
    for sec in lib.sections:
        parts.append("")
        parts.append("[[section]]")
        parts.append(f"name = {toml_str(sec.name)}")
        if sec.level != 2:
            parts.append(f"level = {sec.level}")
        if sec.heading:
            parts.append(f"heading = {toml_str(sec.heading)}")
        if sec.query:
            parts.append(f"query = {toml_str(sec.query)}")
        if sec.categories:
            parts.extend(_string_array("categories", sec.categories))
    missing = sorted(used - set(lib.section_names()))
    for name in missing:  # an entry whose section was never declared: declare it rather than lose it
        parts.extend(["", "[[section]]", f"name = {toml_str(name)}"])
    write, append, tail = _compile_entry_writer(), parts.append, list[str]()
    for entry in lib.entries:
        append("")
        append("[[entry]]")
        write(entry, parts, tail)
        if tail:
            parts.extend(tail)
            tail.clear()
    parts.append("")  # the final newline, joined in: adding it after would copy the whole text once more
    return "\n".join(parts)


write_atomic = files.write_atomic  # the one atomic write (lcllm_cli.files); kept here for its callers


def save(lib: Library, path: Path) -> None:
    write_atomic(path, dumps(lib))


# --------------------------------------------------------------------------------------------- locking


locked = files.locked


@contextlib.contextmanager
def edit(path: Path, *, create: bool = False, title: str | None = None) -> Iterator[Library]:
    """Lock, read, hand the library to the caller, and write it back atomically if it changed.

    If the block raises, nothing is written. With ``create``, a missing file starts as an empty list.
    """
    with locked(path):
        if create and not path.exists():
            lib = Library(title=title or "Awesome list")
            before = None
        else:
            lib = load(path)
            # A list from before keys were stored gets them in memory (as export does): stored with the next change
            # the caller makes, and counted as no change when it makes none.
            assign_keys(lib)
            # What the list was, to tell whether the caller changed it: a digest of its text, not the text (a
            # 100,000-entry list need not be held twice while the caller works). The text, not the file's bytes:
            # a file laid out by hand is rewritten only when its data changes.
            before = _digest(dumps(lib))
        yield lib
        assign_keys(lib)  # every entry has its citation key from the moment it enters the list
        after = dumps(lib)
        try:  # encoded once, for the comparison and the file (100k entries: 60 MB)
            data: str | bytes = after.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: compared as text; writing it fails, as it always did
            data = after
        if before is None or (_digest_bytes(data) if isinstance(data, bytes) else _digest(data)) != before:
            _refuse_invalid(lib, path)
            write_atomic(path, data)


def _digest(text: str) -> bytes:
    return _digest_bytes(text.encode("utf-8", "surrogatepass"))


def _digest_bytes(data: bytes) -> bytes:
    import hashlib

    return hashlib.blake2b(data, digest_size=32).digest()


def _refuse_invalid(lib: Library, path: Path) -> None:
    """Never write a list that :func:`load` would refuse (e.g. an imported entry with no title): the old file stays."""
    for i, entry in enumerate(lib.entries):
        problem = validate_entry(entry)
        if problem:
            shown = (entry.key or entry.arxiv or entry.url or entry.title or "")[:60]
            raise StoreError(
                f"{path} was not written: entry #{i + 1}{f' ({shown})' if shown else ''} would be invalid: {problem}",
                hint="nothing was changed; please report this as a bug, with the input that led to it",
            )
