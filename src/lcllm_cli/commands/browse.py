"""Looking at the list: filtering, lookup by id, field-by-field descriptions, removal."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lcllm_cli.errors import NotFoundError, UsageError
from lcllm_cli.model import Entry, Library, entry_to_dict


def filter_entries(
    lib: Library, *, section: str | None = None, search: str | None = None, kind: str | None = None
) -> list[Entry]:
    """Entries in list order, restricted to a section, a kind, and a case-insensitive text in title or authors."""
    needle = search.casefold() if search else None
    section_cf = section.casefold() if section else None
    out: list[Entry] = []
    for entry in lib.entries:
        if section_cf is not None and entry.section.casefold() != section_cf:
            continue
        if kind is not None and entry.kind != kind:
            continue
        if needle is not None:
            hay = " ".join([entry.title, *entry.authors, entry.owner or ""]).casefold()
            if needle not in hay:
                continue
        out.append(entry)
    return out


def rows(entries: list[Entry]) -> list[tuple[str, str, str, str, str]]:
    """Table rows: id (arXiv id, else the kind), title, first author, year, section."""
    out = []
    for e in entries:
        ident = e.arxiv if e.arxiv else e.kind
        year = e.year_value
        out.append((ident, e.title, e.first_author, str(year) if year else "", e.section))
    return out


def several(lib: Library, ident: str, found: list[int], hint: str) -> UsageError:
    """The error for a name that matches several entries: it lists them (at most five)."""
    shown = "; ".join(f"#{i + 1} {lib.entries[i].ident}" for i in found[:5])
    return UsageError(f"{ident!r} names {len(found)} entries: {shown}", hint=hint)


def one(lib: Library, ident: str, *, what: str = "") -> int:
    """The index of the one entry ``ident`` names (as ``show`` names entries); a name that matches none or several
    is an error (``what`` leads the message, e.g. ``"--to: "``)."""
    found = lib.find(ident)
    if not found:
        raise NotFoundError(f"{what}not in the list: {ident}", hint="`lcllm list --search TEXT` finds entries by title")
    if len(found) > 1:
        raise several(lib, ident, found, "name it by its id or URL")
    return found[0]


def lookup(lib: Library, ident: str) -> list[Entry]:
    found = lib.find(ident)
    if not found:
        raise NotFoundError(f"not in the list: {ident}", hint="`lcllm list --search TEXT` finds entries by title")
    return [lib.entries[i] for i in found]


def describe(entry: Entry) -> list[tuple[str, str]]:
    """(field, value) pairs for every field the entry has, in schema order, values as text."""
    pairs: list[tuple[str, str]] = []
    for name, value in entry_to_dict(entry).items():
        if name == "links":
            text = "\n".join(f"{link['label']}: {link['url']}" for link in value)  # type: ignore[attr-defined]
        elif name == "citations":
            c = value  # type: ignore[assignment]
            text = f"{c['count']} ({c['source']}" + (f", {c['date']}" if c.get("date") else "") + ")"  # type: ignore[index]
            if c.get("url"):  # type: ignore[union-attr]
                text += f" {c['url']}"  # type: ignore[index]
        elif name == "publication":
            text = _publication_text(value)  # type: ignore[arg-type]
        elif name in ("authors", "categories", "labels_before", "labels"):
            text = (" " if name.startswith("labels") else ", ").join(value)  # type: ignore[arg-type]
            if name == "authors" and entry.authors_elided:
                text += ", ... (list elided in the source)"
        elif name == "fields":
            text = "\n".join(f"{k} = {v}" for k, v in value.items())  # type: ignore[attr-defined]
        else:
            text = str(value).lower() if isinstance(value, bool) else str(value)
        pairs.append((name, text))
    return pairs


def _publication_text(p: dict[str, object]) -> str:
    """``ICLR 2024 (conference), Semantic Scholar 2026-12-02: Semantic Scholar record of arXiv 2309.00071`` and the
    DOI, volume, pages and record URL on their own lines."""
    from lcllm_cli.venues import label

    year = p.get("year")
    head = label(str(p["venue"]), year if isinstance(year, int) else None)
    if p.get("type"):
        head += f" ({p['type']})"
    head += f", {p['source']}" + (f" {p['date']}" if p.get("date") else "")
    if p.get("evidence"):
        head += f": {p['evidence']}"
    lines = [head] + [f"{k}: {p[k]}" for k in ("doi", "volume", "pages", "url") if p.get(k)]
    return "\n".join(lines)


def cached_extras(entry: Entry) -> dict[str, str]:
    """What this machine's cache knows beyond entries.toml: the abstract fetched by ``add`` or ``refresh``."""
    if not entry.arxiv:
        return {}
    from lcllm_cli.sources.arxiv import load_abstract

    abstract = load_abstract(entry.arxiv)
    return {"abstract": abstract} if abstract else {}


def remove(lib: Library, idents: list[str], *, every: bool = False) -> tuple[list[Entry], list[str]]:
    """Remove the entry each ident names. Returns (removed entries, idents that matched nothing). A name that
    matches several entries removes none of them (a :class:`UsageError` listing them) unless ``every``."""
    drop: set[int] = set()
    missing: list[str] = []
    for ident in idents:
        found = lib.find(ident)
        if not found:
            missing.append(ident)
        if len(found) > 1 and not every:
            raise several(lib, ident, found, "name each by its id or URL, or give --all")
        drop.update(found)
    removed = [lib.entries[i] for i in sorted(drop)]
    lib.entries[:] = [e for i, e in enumerate(lib.entries) if i not in drop]
    return removed, missing


@dataclass(slots=True)
class RemoveReport:
    """What ``lcllm remove`` did (or would, with ``dry_run``)."""

    removed: list[Entry] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # names that matched nothing
    empty_sections: list[str] = field(default_factory=list)  # sections the removal left without entries
    dry_run: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "removed": [{"id": e.ident, "title": e.title} for e in self.removed],
            "missing": self.missing,
            "empty_sections": self.empty_sections,
        }


def remove_entries(path: Path, idents: list[str], *, every: bool = False, dry_run: bool = False) -> RemoveReport:
    """Remove the named entries from the list at ``path`` (one write; none with ``dry_run``)."""
    from lcllm_cli import store

    report = RemoveReport(dry_run=dry_run)

    def work(lib: Library) -> None:
        before = {e.section for e in lib.entries}
        report.removed, report.missing = remove(lib, idents, every=every)
        used = {e.section for e in lib.entries}
        paths = lib.section_paths()
        report.empty_sections = [paths.get(s, s) for s in lib.section_names() if s in before - used]

    if dry_run:
        work(store.load(path))
    else:
        with store.edit(path) as lib:
            work(lib)
    return report
