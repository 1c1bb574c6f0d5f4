"""Citation keys: readable (``ding2024longrope``), valid for BibTeX and biber, unique, and stable.

A key is made once, from the first author's surname, the year and the first significant word of the title, in
lower-case ASCII; clashes get ``a``, ``b``, ... appended. It is then stored with the entry (``key`` in
``entries.toml``) and never recomputed, so adding entries later never changes an existing key.

A stored key need not look like one lcllm makes: any key BibTeX and biber accept is kept as it is (an imported
``DBLP:conf/acl/X24`` stays, so every ``\\cite`` of it in the user's paper still works).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import urlsplit

from lcllm_cli.model import Entry, Library

# A stored key is kept when BibTeX and biber accept it: no white space and none of , { } ( ) " # % ' ~ = or a backslash
# (DBLP's ``DBLP:conf/acl/X24`` is fine). See also :func:`valid_key`, which refuses control characters too.
VALID_KEY = re.compile(r"""[^\s,{}()"#%'~=\\]+\Z""")

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "on",
        "of",
        "in",
        "for",
        "to",
        "with",
        "and",
        "or",
        "is",
        "are",
        "be",
        "as",
        "at",
        "by",
        "from",
        "into",
        "via",
        "vs",
        "versus",
        "do",
        "does",
        "can",
        "how",
        "what",
        "when",
        "why",
        "which",
        "who",
        "toward",
        "towards",
        "your",
        "you",
        "we",
        "our",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "not",
        "no",
        "all",
        "any",
        "more",
        "most",
        "than",
    ]
)
# Letters NFKD leaves whole, spelled out (a str.translate table)
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
                       "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i"})  # fmt: skip
_NAME_SUFFIXES = frozenset(["jr", "jr.", "sr", "sr.", "ii", "iii", "iv"])
_MATH = re.compile(r"\$[^$]*\$")


def valid_key(key: str | None) -> bool:
    """True for a key BibTeX and biber accept (and so one lcllm keeps): not empty, no white space, no control or
    invisible formatting characters, none of ``,{}()"#%'~=\\``."""
    if key is None or VALID_KEY.match(key) is None:
        return False
    if key.isascii():  # the only ASCII characters of category C are the controls, which isprintable() refuses
        return key.isprintable()
    return not any(unicodedata.category(c).startswith("C") for c in key)


def fold(text: str) -> str:
    """The one Unicode fold (citation keys and duplicate detection): case and accents gone, compatibility forms and
    the letters NFKD leaves whole spelled out, other scripts and symbols kept: ``Miłoś`` -> ``milos``, ``ﬁ`` ->
    ``fi``, ``Ærø`` -> ``aero``, ``长上下文`` as it is."""
    if text.isascii():  # most words and names: no letter to fold (_FOLD maps only non-ASCII ones), NFKD changes none
        return text.lower()
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.combining(c))
    return text.casefold()


def ascii_fold(text: str) -> str:
    """:func:`fold`, then lower-case ASCII letters and digits only: ``Miłoś Nowak-Ł.`` -> ``milosnowakl``."""
    return _NOT_ALNUM.sub("", fold(text))


_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def surname(name: str) -> str:
    """The family name of ``First Last``, ``Last, First`` or ``{Organisation}``."""
    name = name.strip().strip("{}")
    if "," in name:
        return name.split(",", 1)[0]
    parts = [p for p in name.split() if p.lower() not in _NAME_SUFFIXES]
    return parts[-1] if parts else name


def title_word(title: str) -> str:
    """The first word of the title that is not a stop word, folded: ``LongRoPE: Extending`` -> ``longrope``."""
    title = _MATH.sub(" ", title)
    for word in title.split():
        folded = ascii_fold(word)
        if folded and folded not in STOPWORDS and not folded.isdigit():
            return folded
    return ""


def _who(entry: Entry) -> str:
    if entry.authors:
        return ascii_fold(surname(entry.authors[0]))
    if entry.owner:
        return ascii_fold(entry.owner)
    url = entry.url or (entry.links[0].url if entry.links else "")
    if url:
        try:
            host = urlsplit(url).netloc.lower().removeprefix("www.")
        except ValueError:  # e.g. a broken IPv6 host "https://[::1/x": no host to name the key after
            return ""
        return ascii_fold(host.split(".")[0])
    return ""


def base_key(entry: Entry) -> str:
    """The key ``entry`` would get before clashes are resolved; never empty, never with '/'."""
    year = entry.year_value
    key = _who(entry)[:24] + (str(year) if year else "") + title_word(entry.title)[:24]
    if not key and entry.arxiv:
        key = "arxiv" + ascii_fold(entry.arxiv)  # hep-th/9711200 -> arxivhepth9711200
    if not key:
        key = "entry"
    if not key[0].isalpha():
        key = "x" + key
    return key


def _suffixes() -> Iterable[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    yield from letters
    for a in letters:
        for b in letters:
            yield a + b
    n = 0
    while True:
        n += 1
        yield f"x{n}"


def unique_key(base: str, taken: set[str]) -> str:
    """``base``, or ``base`` + ``a``, ``b``, ... ``z``, ``aa``, ... : the first that is not taken."""
    if base not in taken:
        return base
    for suffix in _suffixes():
        if base + suffix not in taken:
            return base + suffix
    raise AssertionError("unreachable")


def missing_keys(lib: Library, indexes: Iterable[int] | None = None) -> bool:
    """True when some of the entries (all by default) have no usable key yet: :func:`assign_keys` would change them."""
    seen: set[str] = set()
    want = set(range(len(lib.entries)) if indexes is None else indexes)
    for i, entry in enumerate(lib.entries):
        key = entry.key
        ok = key is not None and valid_key(key) and key not in seen
        if ok and key is not None:
            seen.add(key)
        elif i in want:
            return True
    return False


def assign_keys(lib: Library, indexes: Iterable[int] | None = None) -> list[tuple[int, str]]:
    """Give every entry in ``indexes`` (all by default) that has no usable key a new unique one.

    Usable keys are kept as they are; a key that is invalid or repeats an earlier entry's key is replaced.
    Returns the ``(index, key)`` pairs that were assigned, in list order. Deterministic: same list, same keys.
    """
    want = set(range(len(lib.entries)) if indexes is None else indexes)
    taken: set[str] = set()
    need: list[int] = []
    for i, entry in enumerate(lib.entries):
        key = entry.key
        if key is not None and valid_key(key) and key not in taken:
            taken.add(key)
        elif i in want:
            need.append(i)
    # Keys that are taken case-insensitively clash too: biber and pandoc treat Ding2024 and ding2024 alike.
    taken_ci = {k.lower() for k in taken}
    assigned: list[tuple[int, str]] = []
    for i in need:
        key = unique_key(base_key(lib.entries[i]), taken_ci)
        taken_ci.add(key)
        lib.entries[i].key = key
        assigned.append((i, key))
    return assigned
