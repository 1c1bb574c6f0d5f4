"""What an identifier field may hold: one definition, checked wherever a value enters lcllm.

A value that ends up verbatim in an export (an arXiv id in a Markdown code span or a BibTeX ``eprint``, a category
in ``primaryClass``, a DOI in ``doi = {...}``) is only safe if it is what its name says. These checks run when a
list is read (:func:`lcllm_cli.model.validate_entry`, so ``lcllm check`` and every command refuse a hand-edited
breakout with its line), when a service answers (a category from arXiv that is not one is dropped), and the writers
rely on them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lcllm_cli.ids import try_parse_arxiv_id
from lcllm_cli.mdsyntax import is_label

# arXiv subject classes: cs.CL, math.GT, hep-th, astro-ph.CO, q-bio.NC, cond-mat.stat-mech
_CATEGORY = re.compile(r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?\Z")
# A DOI: "10." registrant "/" suffix; the suffix may hold most printable characters, never white space, quotes,
# braces or a backslash (none occurs in a registered DOI, and each would end the field it is written in).
_DOI = re.compile(r"10\.\d{1,9}(?:\.\d+)*/[^\s\"{}\\<>\x00-\x1f\x7f]+\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@lru_cache(maxsize=1024)  # a list names a few dozen categories, each on many entries
def is_category(value: str) -> bool:
    return len(value) <= 40 and _CATEGORY.match(value) is not None


def is_doi(value: str) -> bool:
    return len(value) <= 300 and _DOI.match(value) is not None


_DOI_PREFIX = re.compile(r"(?i)^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)")


def doi_of(text: str) -> str | None:
    """The DOI in ``text`` (``10.x/y``, ``doi:10.x/y`` or a doi.org URL), or None when it holds none."""
    value = _DOI_PREFIX.sub("", text.strip())
    return value if is_doi(value) else None


def is_arxiv_id(value: str) -> bool:
    """``value`` is an arXiv id in lcllm's stored form (no version, no prefix): 2402.13753, hep-th/9711200."""
    parsed = try_parse_arxiv_id(value)
    return parsed is not None and parsed.id == value and parsed.version is None


def has_control(value: str) -> bool:
    return _CONTROL.search(value) is not None


def problem(entry: object) -> str | None:
    """What is wrong with the identifier fields of an entry, as a short phrase, or None."""
    arxiv = getattr(entry, "arxiv", None)
    if arxiv is not None and not is_arxiv_id(arxiv):
        return f"arxiv {arxiv!r} is not an arXiv id (like 2402.13753 or hep-th/9711200)"
    category = getattr(entry, "primary_category", None)
    if category is not None and not is_category(category):
        return f"primary_category {category!r} is not an arXiv category (like cs.CL)"
    for c in getattr(entry, "categories", ()):
        if not is_category(c):
            return f"categories holds {c!r}, which is not an arXiv category (like cs.CL)"
    doi = getattr(entry, "doi", None)
    if doi is not None and not is_doi(doi):
        return f"doi {doi!r} is not a DOI (like 10.18653/v1/2023.acl-long.1)"
    for lb in (*getattr(entry, "labels_before", ()), *getattr(entry, "labels", ())):
        if not is_label(lb):
            return f"labels holds {lb!r}, which is not an emoji or a :shortcode:"
    return None  # URLs may hold anything: every writer encodes them for its format
