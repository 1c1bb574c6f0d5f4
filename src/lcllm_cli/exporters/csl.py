"""The list as CSL-JSON: the bibliography format of pandoc ``--citeproc``, Zotero and every CSL processor.

One CSL item per entry, its ``id`` the entry's citation key (the same keys the BibTeX export writes):

- a paper is ``article`` (CSL's type for preprints) with the arXiv id as ``number`` (``arXiv:2402.13753``, as
  Zotero writes it) and ``archive: arXiv``, or ``paper-conference`` / ``article-journal`` with the venue as
  ``container-title`` when a published venue is known (``venue`` or ``journal_ref``, classified as the BibTeX export
  does); ``URL`` (the versioned arXiv page), ``DOI`` when known;
- a project is ``software`` with its owner as a literal author and its description as ``abstract``;
- a link is ``webpage``.

TeX math in a title (``$\\infty$Bench``) is wrapped in ``<span class="nocase">`` (CSL's rich-text markup), so
that a style's title casing leaves it alone. Authors are ``family``/``given`` (split as the BibTeX export splits
them; ``suffix`` for Jr. and the like), or a ``literal`` name when a split would not give the name back exactly as
written. ``issued`` is
``{"date-parts": [[year, month, day]]}`` from ``published`` (or the year alone).

What CSL has no variable for (the section, labels, links, notes, citation counts, stars, the exact ``published``
time, ...) goes under ``custom.lcllm`` (CSL-JSON's own place for data of other programs; CSL processors ignore it):
exactly the fields that reading the item's standard variables would not give back, so that ``lcllm import
refs.json`` of an export is the identity on entries, while the standard variables alone are what other tools see.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from lcllm_cli import fieldkinds
from lcllm_cli.model import Citations, Entry, Link, Publication
from lcllm_cli.urls import github_repo, is_web_url

CUSTOM = "lcllm"  # the key under an item's "custom" object that holds lcllm's own fields

_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
# Control characters (C0 but tab and newline, DEL, C1) have no place in a published bibliography: the standard
# variables drop them (custom keeps the exact value), and the file writes the C1 ones as escapes, as JSON does C0.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_C1 = re.compile(r"[\x7f-\x9f]")


def _clean(text: str) -> str:
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


@dataclass(slots=True)
class CslResult:
    text: str
    count: int


def csl_name(name: str) -> dict[str, str]:
    """A name as CSL ``family``/``given`` (and ``suffix``), or ``{"literal": name}`` when no split gives it back."""
    from lcllm_cli.exporters.bibtex import bib_name

    if "," not in name and "{" not in name and "$" not in name:
        split = bib_name(name)  # "Last, First" or "Last, Jr., First"; a single word stays as it is
        parts = [p.strip() for p in split.split(",")] if "," in split else []
        out: dict[str, str] = {}
        if len(parts) == 2:
            out = {"family": parts[0], "given": parts[1]}
        elif len(parts) == 3:
            out = {"family": parts[0], "given": parts[2], "suffix": parts[1]}
        if out and join_name(out) == name:
            return out
    return {"literal": name}


def join_name(name: dict[str, Any]) -> str:
    """A CSL name object as one ``First von Last Jr.`` string ('' when it holds no text)."""
    literal = name.get("literal")
    if isinstance(literal, str) and literal.strip():
        return literal
    parts = (name.get(k) for k in ("given", "dropping-particle", "non-dropping-particle", "family", "suffix"))
    return " ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def rich_title(title: str) -> str:
    """``title`` without control characters, its TeX math protected from title casing
    (``<span class="nocase">$x$</span>``)."""
    from lcllm_cli.latex import MATH

    title = _clean(title)
    return MATH.sub(lambda m: f'<span class="nocase">{m.group()}</span>', title) if "$" in title else title


def arxiv_url(entry: Entry) -> str:
    assert entry.arxiv
    return f"https://arxiv.org/abs/{entry.arxiv}" + (f"v{entry.version}" if entry.version else "")


def _issued(entry: Entry) -> dict[str, Any] | None:
    m = _DATE.match(entry.published or "")
    if m:
        parts = [int(g) for g in m.groups() if g is not None]
        if len(parts) > 1 and not 1 <= parts[1] <= 12:
            parts = parts[:1]
        if len(parts) > 2 and not 1 <= parts[2] <= 31:
            parts = parts[:2]
        if entry.year is None or entry.year == parts[0]:
            return {"date-parts": [parts]}
    year = entry.year_value
    return {"date-parts": [[year]]} if year else None


def item(entry: Entry, key: str) -> dict[str, Any]:
    """The standard CSL variables of ``entry`` (without ``custom``)."""
    from lcllm_cli.exporters.bibtex import known_venue, publication_kind

    out: dict[str, Any] = {"id": key}
    url = entry.url if entry.url and is_web_url(entry.url) else None
    if entry.kind == "paper":
        pub = entry.publication
        if pub is not None:  # the published version found by enrich: its own name, kind, year, volume and pages
            venue, kind = pub.venue, publication_kind(pub)
        else:
            venue, kind = known_venue(entry)
            if venue is None and entry.venue and entry.venue.strip().lower() != "arxiv":
                venue = entry.venue
        out["type"] = {"inproceedings": "paper-conference", "article": "article-journal"}.get(kind or "", "article")
        out["title"] = rich_title(entry.title)
        parts = entry.author_parts()  # elided: the head only (custom holds the known tail)
        kept = entry.authors if parts is None else parts[0]
        names = [csl_name(_clean(a)) for a in kept if _clean(a).strip()]
        if names:
            out["author"] = names
        if venue and _clean(venue).strip():
            out["container-title"] = _clean(venue)
        issued = _issued(entry) if pub is None or pub.year is None else {"date-parts": [[pub.year]]}
        if issued:
            out["issued"] = issued
        if pub is not None and pub.volume and _clean(pub.volume).strip():
            out["volume"] = _clean(pub.volume)
        if pub is not None and pub.pages and _clean(pub.pages).strip():
            out["page"] = _clean(pub.pages)
        arxiv_id = entry.arxiv if entry.arxiv and fieldkinds.is_arxiv_id(entry.arxiv) else None
        if arxiv_id:
            out["number"] = f"arXiv:{arxiv_id}"
            out["archive"] = "arXiv"
            url = arxiv_url(entry)
        doi = pub.doi if pub is not None and pub.doi and fieldkinds.is_doi(pub.doi) else entry.doi
        if doi and fieldkinds.is_doi(doi):
            out["DOI"] = doi
    else:
        out["type"] = "software" if entry.kind == "project" else "webpage"
        out["title"] = rich_title(entry.title)
        if entry.kind == "project":
            repo = github_repo(entry.url) if entry.url else None
            owner = entry.owner or (repo[0] if repo else None)
            if owner and _clean(owner).strip():
                out["author"] = [{"literal": _clean(owner)}]
        issued = {"date-parts": [[entry.year]]} if entry.year else None
        if issued:
            out["issued"] = issued
        if entry.kind == "project" and entry.description:
            out["abstract"] = _clean(entry.description)
    if url:
        out["URL"] = url
    return out


def _plain(value: object) -> object:
    """A field value as JSON data in the shape ``entries.toml`` gives it (what the importer checks)."""
    if isinstance(value, Link):
        link: dict[str, object] = {"label": value.label, "url": value.url}
        if value.stars is not None:
            link["stars"] = value.stars
        if value.no_badge:
            link["no_badge"] = True
        return link
    if isinstance(value, Publication):
        return {k: v for k, v in ((f, getattr(value, f)) for f in value.__dataclass_fields__) if v is not None}
    if isinstance(value, Citations):
        return {k: v for k, v in (("count", value.count), ("source", value.source), ("url", value.url),
                                  ("date", value.date)) if v is not None}  # fmt: skip
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return dict(value)
    return value


_FIELD_NAMES: tuple[str, ...] = tuple(Entry.__dataclass_fields__)


def custom_fields(entry: Entry, standard: dict[str, Any]) -> dict[str, object]:
    """The fields of ``entry`` that reading ``standard`` back would not give (each with ``entry``'s value)."""
    from lcllm_cli.importers.csl import entry_of_item

    back = entry_of_item(standard)
    return {
        name: _plain(getattr(entry, name))
        for name in _FIELD_NAMES
        if back is None or getattr(back, name) != getattr(entry, name)
    }


def csl_item(entry: Entry) -> dict[str, Any]:
    """The complete CSL item of ``entry`` (which must have its key): standard variables, then ``custom``."""
    assert entry.key, "assign keys before rendering"
    out = item(entry, entry.key)
    extra = custom_fields(entry, out)
    if extra:
        out["custom"] = {CUSTOM: extra}
    return out


def render(entries: list[Entry]) -> CslResult:
    """The entries (each with its key) as a CSL-JSON array, in list order: UTF-8, two-space indent, one item per
    entry, the same text for the same list."""
    items = [csl_item(e) for e in entries]
    keys = [i["id"] for i in items]
    if len(set(keys)) != len(keys):
        seen: set[str] = set()
        dup = next(k for k in keys if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise ValueError(f"the citation key {dup!r} is given to more than one entry")
    text = json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    if _C1.search(text):  # only inside strings (JSON's own syntax is ASCII), where \u escapes mean the same
        text = _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return CslResult(text, len(items))
