"""CSL-JSON into entries: what Zotero, pandoc (``pandoc refs.bib -t csljson``) and ``lcllm export --csl-json``
write.

The file is an array of CSL items (an object with an ``items`` array, or one item, is read too). An item with an
arXiv id (``number`` such as ``arXiv:2402.13753`` or a bare id with ``archive``/``publisher`` arXiv, an arxiv.org
``URL``, an arXiv DOI ``10.48550/arXiv.*``, or a ``note``/``container-title`` naming it) becomes a paper with that
id; ``software`` with a URL becomes a project, ``webpage`` (and blog and forum posts) with a URL a link; any other
item a paper (what ``pandoc -t csljson`` makes of lcllm's own .bib is read too: the URL it puts in ``publisher``,
the kind in ``note``). Names are joined from ``given``/particles/``family``/``suffix`` (or taken ``literal``);
``issued`` gives ``published``; ``container-title`` the venue; ``id`` (or ``citation-key``) the citation key when
BibTeX and biber accept it (Zotero's ``http://zotero.org/...`` ids are not keys: such items get one lcllm makes).

lcllm's own fields under ``custom.lcllm`` (see :mod:`lcllm_cli.exporters.csl`) are applied last, each checked
as ``entries.toml`` checks it; a wrong one is reported and left out. Items that are not objects or would be
invalid entries are reported with their line; the rest is imported. A file that is not JSON at all is refused in
one line that says where the JSON breaks.
"""

from __future__ import annotations

import json
import re
from typing import Any

from lcllm_cli.errors import ImportFileError
from lcllm_cli.importers import ImportResult, Problem
from lcllm_cli.keys import valid_key
from lcllm_cli.model import Citations, Entry, Library, Link, Publication, validate_entry

PAPERS_SECTION = "Papers"
CUSTOM = "lcllm"

_LINK_TYPES = frozenset(["webpage", "post-weblog", "post"])
_DATE_TEXT = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
# Zotero's note for an arXiv preprint ("arXiv:2402.13753 [cs]"): nothing the id does not already say
_ARXIV_NOTE = re.compile(r"\s*arXiv:\s*\S+(?:\s*\[[^\]\n]*\])?\s*", re.IGNORECASE)


# CSL's rich-text markup (what Zotero writes for italics, small caps and words kept from case changes): not text
_MARKUP = re.compile(r'</?(?:i|b|sup|sub|sc)>|<span (?:class="nocase"|style="[^"<>]*")>|</span>')


def _str(value: object) -> str | None:
    """A CSL string variable as text: strings (white space runs made one space), numbers as written; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _date_parts(value: object) -> list[int]:
    """[year, month, day] (as many as known) of a CSL date: ``date-parts`` (numbers or numeric strings), else a
    ``raw`` or ``literal`` text holding ``2024-02-21``; [] when it gives no year."""
    if not isinstance(value, dict):
        return []
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        out: list[int] = []
        for p in parts[0][:3]:
            text = str(p).strip() if isinstance(p, int | str) and not isinstance(p, bool) else ""
            if not text.isdigit():
                break
            out.append(int(text))
        if out and 1 <= out[0] <= 9999:
            return _valid(out)
    for name in ("raw", "literal"):
        text = value.get(name)
        if isinstance(text, str):
            m = _DATE_TEXT.search(text)
            if m:
                return _valid([int(g) for g in m.groups() if g is not None])
    return []


def _valid(parts: list[int]) -> list[int]:
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return parts[:1]
    if len(parts) > 2 and not 1 <= parts[2] <= 31:
        return parts[:2]
    return parts


def _names(value: object) -> list[str]:
    from lcllm_cli.exporters.csl import join_name

    if not isinstance(value, list):
        return []
    names = [join_name(n) for n in value if isinstance(n, dict)]
    return [n for n in names if n.strip()]


def _key(data: dict[str, Any]) -> str | None:
    for name in ("citation-key", "id"):
        value = data.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and valid_key(value) and "://" not in value:
            return value
    return None


def entry_of_item(data: dict[str, Any]) -> Entry | None:
    """The entry the standard CSL variables of ``data`` describe (``custom`` is not read here), unchecked; None
    when the item has neither a title nor a URL."""
    from lcllm_cli.exporters.bibtex import KIND_NOTES, NOTE_GITHUB, NOTE_LINK, NOTE_PROJECT
    from lcllm_cli.fieldkinds import doi_of
    from lcllm_cli.importers.bibtex import arxiv_in_fields, is_arxiv_venue, place_project_or_link
    from lcllm_cli.urls import is_web_url

    ctype = (_str(data.get("type")) or "").lower()
    title = _str(_MARKUP.sub("", t) if isinstance(t := data.get("title"), str) else t) or _str(data.get("title-short"))
    raw_url = _str(data.get("URL"))
    url = raw_url if raw_url and is_web_url(raw_url) else None
    publisher = _str(data.get("publisher"))
    if url is None and publisher and is_web_url(publisher):
        url = publisher  # pandoc's reading of a .bib's howpublished = {\url{...}}
    doi_text = _str(data.get("DOI"))
    doi = doi_of(doi_text) if doi_text else None
    number = _str(data.get("number")) or ""
    archive = (_str(data.get("archive")) or _str(data.get("publisher")) or "").lower()
    container = _str(data.get("container-title"))
    note = _str(data.get("note"))
    fields: dict[str, str] = {}
    if number.lower().startswith("arxiv:"):
        fields["eprint"], archive = number[6:].strip(), "arxiv"
    elif number and archive == "arxiv":
        fields["eprint"] = number
    if fields.get("eprint"):
        fields["archiveprefix"] = "arxiv"
    for name, value in (("url", url), ("doi", doi_text), ("journal", container), ("note", note)):
        if value:
            fields[name] = value
    arxiv = arxiv_in_fields(fields)
    authors = _names(data.get("author"))
    elided = bool(authors) and authors[-1].lower().rstrip(".") in ("others", "et al")
    if elided:
        authors.pop()
    # what lcllm's BibTeX export notes on a project or link (pandoc -t csljson keeps it as the note)
    marker = note if note in KIND_NOTES else None
    if arxiv is None and url and (ctype == "software" or marker in (NOTE_GITHUB, NOTE_PROJECT)):
        kind = "project"
    elif arxiv is None and url and (ctype in _LINK_TYPES or marker == NOTE_LINK or (not ctype and not authors)):
        kind = "link"  # (no type at all: pandoc's reading of a @misc)
    else:
        kind = "paper"
    if not title and not url:
        return None
    entry = Entry(kind=kind, title=title or url or "")
    entry.key = _key(data)
    extra: dict[str, str] = {}
    parts = _date_parts(data.get("issued"))
    year = parts[0] if parts else None
    abstract = data.get("abstract") if isinstance(data.get("abstract"), str) else None
    if kind == "paper":
        entry.section = PAPERS_SECTION
        entry.authors, entry.authors_elided = authors, elided
        if arxiv:
            entry.arxiv, entry.version = arxiv
        else:
            entry.url = url
        venue = container or _str(data.get("event-title")) or _str(data.get("event"))
        if venue and is_arxiv_venue(venue):
            venue = "arXiv" if arxiv else venue
        entry.venue = venue or ("arXiv" if arxiv else None)
        entry.doi = doi
        if doi_text and doi is None:
            extra["doi"] = doi_text  # kept with the entry's other fields (never exported as a doi), not lost
        if len(parts) >= 2:
            entry.published = "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))
        if year and entry.year_value != year:
            entry.year = year
        if abstract and abstract.strip():
            extra["abstract"] = abstract
    else:
        place_project_or_link(entry, url, authors)
        if kind == "project":
            entry.description = _str(abstract)
        elif authors:
            extra["author"] = " and ".join(authors)
        if year:
            entry.year = year
    if note and not (arxiv and _ARXIV_NOTE.fullmatch(note)) and not (marker and kind != "paper"):
        extra["note"] = note
    entry.fields = extra
    return entry


def _apply_custom(entry: Entry, custom: dict[str, Any], line: int, problems: list[Problem]) -> Entry:
    """``entry`` with the fields of ``custom`` (lcllm's own, as ``entries.toml`` holds them), each checked."""
    from dataclasses import replace

    from lcllm_cli.store import ENTRY_FIELDS, _check

    changes: dict[str, object] = {}
    for name, value in custom.items():
        kind = ENTRY_FIELDS.get(name)
        field_type = str(Entry.__dataclass_fields__[name].type) if kind else ""
        if kind is None:
            problems.append(Problem(line, f"custom.{CUSTOM} has an unknown field {name!r}; it was left out"))
            continue
        if value is None and "None" in field_type:
            changes[name] = None
            continue
        if not _check(value, kind):
            problems.append(Problem(line, f"custom.{CUSTOM}.{name} is not {field_type}: {value!r:.60}; left out"))
            continue
        if name == "links":
            value = [Link(v["label"], v["url"], v.get("stars"), v.get("no_badge", False)) for v in value]
        elif name == "citations":
            value = Citations(**value)
        elif name == "publication":
            value = Publication(**value)
        elif isinstance(value, list | dict):
            value = type(value)(value)
        changes[name] = value
    return replace(entry, **changes) if changes else entry  # type: ignore[arg-type]


def _items(text: str, source: str) -> list[tuple[int, object]]:
    """The items of the file with the line each starts on; ImportFileError when it is not JSON or not a list."""
    decoder = json.JSONDecoder()

    def fail(exc: json.JSONDecodeError) -> ImportFileError:
        return ImportFileError(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            hint="CSL-JSON is an array of items, as Zotero's 'CSL JSON' export and `pandoc -t csljson` write it",
        )

    def line_of(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    try:
        start = len(text) - len(text.lstrip())
        if text[start : start + 1] != "[":
            whole = json.loads(text)
            if isinstance(whole, dict) and isinstance(whole.get("items"), list):
                return [(1, value) for value in whole["items"]]
            if isinstance(whole, dict) and ("type" in whole or "title" in whole):
                return [(line_of(start), whole)]
            raise ImportFileError(
                f"{source} is JSON but not CSL-JSON (an array of items)",
                hint="export CSL JSON from Zotero, or run `pandoc refs.bib -t csljson -o refs.json`",
            )
        # the array item by item, to know each item's line
        out: list[tuple[int, object]] = []
        pos = start + 1
        ws = re.compile(r"[ \t\n\r]*")
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] == "]":
            pos += 1
        else:
            while True:
                value, end = decoder.raw_decode(text, pos)
                out.append((line_of(pos), value))
                pos = ws.match(text, end).end()  # type: ignore[union-attr]
                c = text[pos : pos + 1]
                if c == ",":
                    pos = ws.match(text, pos + 1).end()  # type: ignore[union-attr]
                    continue
                if c == "]":
                    pos += 1
                    break
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
        rest = text[pos:].strip()
        if rest:
            raise json.JSONDecodeError("Extra data", text, pos + text[pos:].find(rest[0]))
        return out
    except json.JSONDecodeError as exc:
        raise fail(exc) from None
    except RecursionError:
        raise ImportFileError(f"{source} nests JSON too deeply to be a CSL-JSON file") from None


def parse(text: str, source: str = "<csl-json>") -> ImportResult:
    """Parse a CSL-JSON text into a library; items that cannot be entries become problems with their line."""
    lib = Library(title="Bibliography")
    problems: list[Problem] = []
    lines: list[int] = []
    for line, data in _items(text, source):
        if not isinstance(data, dict):
            problems.append(Problem(line, "not a CSL item (a JSON object); it was not imported", repr(data)[:120]))
            continue
        snippet = (_str(data.get("title")) or _str(data.get("id")) or "")[:120]
        entry = entry_of_item(data)
        custom = data.get("custom")
        own = custom.get(CUSTOM) if isinstance(custom, dict) else None
        if entry is None and not isinstance(own, dict):
            problems.append(Problem(line, "this item has neither a title nor a URL; it was not imported", snippet))
            continue
        if isinstance(own, dict):
            entry = _apply_custom(entry or Entry(kind="paper", title=""), own, line, problems)
        assert entry is not None
        why = validate_entry(entry)
        if why is not None:
            problems.append(Problem(line, f"this item would be an invalid entry ({why}); it was not imported", snippet))
            continue
        lib.ensure_section(entry.section)
        lib.entries.append(entry)
        lines.append(line)
    problems.sort(key=lambda p: p.line)
    return ImportResult(lib, problems, lines)
