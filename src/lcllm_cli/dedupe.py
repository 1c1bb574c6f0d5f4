"""Duplicate entries: find them by normalised keys, explain each group, merge without losing anything.

Detection never compares all pairs. Every entry is reduced to a few keys, and hash maps over those keys give
the candidates to look at:

* the arXiv id, whatever the version, also when given as arXiv's DOI ``10.48550/arXiv.<id>`` or as an arXiv URL;
* the DOI (case-insensitive, with or without ``https://doi.org/``);
* the entry's own URL, by :func:`~lcllm_cli.urls.url_key` (letter case of GitHub owner/name, scheme, ``www.``,
  trailing slash, ``.git`` and ``?tab=...`` noise ignored);
* for a project or link item, the link URLs of papers: an item that only repeats a repository already attached to
  a paper is folded into that paper;
* for papers, the title after normalisation (case, Unicode forms and accents, LaTeX markup such as ``$\\infty$``,
  punctuation, whitespace, hyphenation), then a spelling-tolerant form of it (plurals, British spellings,
  articles), each only with agreeing authors or year;
* for papers, blocks of titles sharing first-author surname, word count and the first or the second half of
  their words, inside which a one-letter typo in a single rare word is tolerated, only with strong author and
  year agreement.

Two entries with different arXiv ids (or different non-arXiv DOIs) are never grouped, whatever else they share;
two papers that merely share a code link are never grouped; a false merge is worse than a missed one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from lcllm_cli.gcpause import paused_gc as _no_gc
from lcllm_cli.ids import may_name_arxiv, try_parse_arxiv_id
from lcllm_cli.keys import fold
from lcllm_cli.keys import surname as family_name
from lcllm_cli.model import Entry, Library, Link
from lcllm_cli.urls import host_label, url_key

# ----------------------------------------------------------------------------------------------- normalising

_LATEX_SYMBOLS = {
    "infty": "∞",
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "sigma": "σ",
    "tau": "τ",
    "theta": "θ",
    "phi": "φ",
    "omega": "ω",
    "times": "×",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "approx": "≈",
    "rightarrow": "→",
    "to": "→",
}
_LATEX_CMD = re.compile(r"\\([A-Za-z]+)\s*")
_NON_WORD = re.compile(r"[^\w∞αβγδεθλμπστφω×≤≥≈→]+")
_ARTICLES = frozenset({"a", "an", "the"})


def _latex_symbol(match: re.Match[str]) -> str:
    return _LATEX_SYMBOLS.get(match.group(1), " ")


def title_tokens(title: str) -> list[str]:
    """The words of a title: LaTeX markup, punctuation and letter case gone, symbols like ``∞`` kept."""
    s = title
    if "\\" in s or "$" in s or "{" in s:
        s = _LATEX_CMD.sub(_latex_symbol, s).replace("\\", " ").replace("{", "").replace("}", "")  # {A}ttention
    return _NON_WORD.sub(" ", fold(s).replace("_", " ")).split()


def title_key(title: str) -> str:
    """Two titles with the same key are the same title: case, punctuation, whitespace and hyphenation ignored."""
    return "".join(title_tokens(title))


_BRITISH = (
    (re.compile(r"isation(s?)$"), r"ization\1"),
    (re.compile(r"(?<!w)is(e|ed|es|ing|er|ers)$"), r"iz\1"),
    (re.compile(r"ell(ing|ed|er|ers)$"), r"el\1"),
    (re.compile(r"(?<=\w{3})our$"), "or"),
    (re.compile(r"(?<=\w{3})yse(s|d)?$"), r"yze\1"),
)


# Memos of the per-word and per-name work (a list repeats its words and authors), emptied when they reach _MEMO
# items, so that a long-lived caller does not grow them without end (functools.lru_cache with a bound costs
# half the time of duplicate detection again).
_MEMO = 1 << 17
_CANONICAL: dict[str, str] = {}


def canonical_token(token: str) -> str:
    """A spelling-tolerant form of one title word: US spelling, no plural ``s``."""
    known = _CANONICAL.get(token)
    if known is None:
        if len(_CANONICAL) >= _MEMO:
            _CANONICAL.clear()
        known = _CANONICAL[token] = _canonical_token(token) if len(token) >= 4 and token.isalpha() else token
    return known


# What a word must end with for one of _BRITISH to change it (a word ending in none of these is left as it is).
_BRITISH_ENDINGS = ("ise", "ised", "ises", "ising", "iser", "isers", "isation", "isations", "elling", "elled",
                    "eller", "ellers", "our", "yse", "yses", "ysed")  # fmt: skip


def _canonical_token(token: str) -> str:
    if token.endswith(_BRITISH_ENDINGS):
        for pattern, repl in _BRITISH:
            token = pattern.sub(repl, token)
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def canonical_tokens(title: str) -> list[str]:
    return _canonical(title_tokens(title))


def _canonical(tokens: list[str]) -> list[str]:
    cache = _CANONICAL
    return [cache.get(t) or canonical_token(t) for t in tokens if t not in _ARTICLES]


_SURNAMES: dict[str, str] = {}


def surname(author: str) -> str:
    """The family name of an author as written (``Hao Liu``, ``Liu, Hao``, ``H. Liu``), folded for comparison."""
    known = _SURNAMES.get(author)
    if known is None:
        if len(_SURNAMES) >= _MEMO:
            _SURNAMES.clear()
        known = _SURNAMES[author] = _surname(author)
    return known


_NOT_WORD_CHAR = re.compile(r"[^\w]")


def _surname(author: str) -> str:
    return _NOT_WORD_CHAR.sub("", fold(family_name(author)))  # the one reading of a name, as citation keys


_ROUGH_URL = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9+.-]*://)?(?:[wW]{3}\.)?([^/?#:]*)(?::(?:80|443))?([^?#]*)")


def _rough_url(url: str) -> str:
    """A coarser key than :func:`url_key` (for web URLs, equal url_keys give equal rough keys: the property test in
    tests/dedupe holds it; white space inside a URL or a ``/.git`` segment can break it), cheap enough for every link:
    the URL without scheme, ``www.``, default port, query, fragment, final slash or ``.git``, in one letter case. A
    GitHub URL deeper than owner/name (``/tree/BRANCH``) or ending in a dot is a repository's page that url_key reads
    in its own way, so it is keyed by url_key itself."""
    m = _ROUGH_URL.match(url)
    if m is None:  # pragma: no cover - the pattern matches any string
        return url.casefold()
    rough = (m[1] + m[2]).casefold().rstrip().rstrip("/").removesuffix(".git").rstrip("/")  # ".GIT" too
    if rough.startswith("github.com/") and (rough.count("/") > 2 or rough.endswith(".")):
        return url_key(url)
    return rough


def doi_key(doi: str) -> str:
    s = doi.strip()
    s = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", s, flags=re.IGNORECASE)
    return s.casefold()


def _arxiv_of(entry: Entry) -> tuple[str, str] | None:
    """(arXiv id, how the entry gives it) from the arxiv field, an arXiv DOI or an arXiv URL."""
    if entry.arxiv:
        return entry.arxiv, f"v{entry.version}" if entry.version else "no version"
    if entry.doi and "10.48550/arxiv." in entry.doi.casefold():
        parsed = try_parse_arxiv_id(entry.doi)
        if parsed is not None:
            return parsed.id, f"DOI {entry.doi.strip()}"
    if entry.url and may_name_arxiv(entry.url):  # arxiv.org or a mirror (Hugging Face papers, alphaXiv, ar5iv ...)
        parsed = try_parse_arxiv_id(entry.url)
        if parsed is not None:
            return parsed.id, f"v{parsed.version}" if parsed.version else "its URL"
    return None


# ----------------------------------------------------------------------------------------------- keys


@dataclass(slots=True)
class _Keys:
    """What detection knows about one entry."""

    kind: str
    arxiv: str | None = None
    arxiv_form: str = ""
    doi: str | None = None  # non-arXiv DOI, folded
    url: str | None = None  # url_key of the entry's own URL
    url_rough: str | None = None
    links: tuple[str, ...] = ()  # rough keys of a paper's links (url_key only when they meet another URL)
    link_urls: tuple[str, ...] = ()
    title: str = ""  # title_key (papers only)
    canon: str = ""  # spelling-tolerant title key (papers only)
    canon_tokens: tuple[str, ...] = ()
    # (what the entry was when its keys were worked out: add updates entries in place while an index holds them)
    title_text: str = ""
    authors: Sequence[str] = ()
    first: str = ""  # first author's surname
    surnames_: tuple[str, ...] | None = None
    blocks: tuple[tuple[str, int, str], tuple[str, int, str]] | None = None
    year: int | None = None
    label: str = ""


def _keys(entry: Entry) -> _Keys:
    k = _Keys(kind=entry.kind)
    arx = _arxiv_of(entry)
    if arx is not None:
        k.arxiv, k.arxiv_form = arx
    if entry.doi and "10.48550/arxiv." not in entry.doi.casefold():
        k.doi = doi_key(entry.doi)
    if entry.url:
        k.url = url_key(entry.url)
        k.url_rough = _rough_url(entry.url)
    if entry.kind == "paper":
        if entry.links:
            k.link_urls = urls = tuple([link.url for link in entry.links])
            k.links = tuple([_rough_url(u) for u in urls])
        words = title_tokens(entry.title)
        tokens = _canonical(words)
        k.title = "".join(words)
        k.canon_tokens = tuple(tokens)
        k.title_text = entry.title
        k.canon = "".join(tokens)
        if entry.authors:
            k.authors = entry.authors
            k.first = _SURNAMES.get(entry.authors[0]) or surname(entry.authors[0])
        k.year = entry.year_value
    k.label = _label(entry)
    return k


def _surnames(k: _Keys) -> tuple[str, ...]:
    """All authors' surnames, worked out only when two entries are compared."""
    if k.surnames_ is None:
        k.surnames_ = tuple([s for s in map(surname, k.authors) if s])
    return k.surnames_


def _label(entry: Entry) -> str:
    if entry.arxiv:
        return f"{entry.kind} {entry.arxiv}"
    short = entry.title if len(entry.title) <= 50 else entry.title[:47] + "..."
    return f"{entry.kind} {short!r}"


# ----------------------------------------------------------------------------------------------- evidence


def _year_text(a: _Keys, b: _Keys) -> str:
    if a.year is not None and a.year == b.year:
        return f"year {a.year}"
    if a.year is not None and b.year is not None:
        return f"years {min(a.year, b.year)} and {max(a.year, b.year)}"
    return ""


def _authors_evidence(a: _Keys, b: _Keys) -> str | None:
    """Why two papers with the same title are one paper, or None when their authors and years do not agree."""
    if a.year is not None and b.year is not None and abs(a.year - b.year) > 2:
        return None
    sa, sb = _surnames(a), _surnames(b)
    if sa and sb:
        shared = set(sa) & set(sb)
        fewer = min(len(set(sa)), len(set(sb)))
        # one shared surname (Wang and Wang) is not enough where both lists name more people
        if len(shared) < min(2, fewer):
            return None
        if sa[0] != sb[0] and len(shared) * 2 < fewer:
            return None
        if sa[0] == sb[0]:
            text = f"same first author ({sa[0].title()})"
        else:
            text = "shared authors (" + ", ".join(sorted(s.title() for s in shared)[:3]) + ")"
        year = _year_text(a, b)
        return f"{text}, {year}" if year else text
    if a.year is not None and a.year == b.year:
        return f"same year {a.year}"
    return None


def _strong_evidence(a: _Keys, b: _Keys) -> str | None:
    """Stricter agreement for fuzzy titles: same first author, another shared author (if any), years within one."""
    sa, sb = _surnames(a), _surnames(b)
    if not sa or not sb or sa[0] != sb[0]:
        return None
    if a.year is None or b.year is None or abs(a.year - b.year) > 1:
        return None
    shared = set(sa) & set(sb)
    need = min(2, len(set(sa)), len(set(sb)))
    if len(shared) < need:
        return None
    return f"same first author ({sa[0].title()}), {len(shared)} shared authors, {_year_text(a, b)}"


def _word(title: str, n: int) -> str:
    """The ``n``-th word of a title as detection counts words (articles left out), as written."""
    words = [w for w in title_tokens(title) if w not in _ARTICLES]
    return words[n] if n < len(words) else ""


def _one_typo(x: str, y: str) -> bool:
    """True when ``x`` and ``y`` differ by one inserted, deleted, replaced or transposed letter."""
    if x == y or abs(len(x) - len(y)) > 1:
        return False
    i = 0
    while i < min(len(x), len(y)) and x[i] == y[i]:
        i += 1
    if len(x) == len(y):
        if x[i + 1 :] == y[i + 1 :]:
            return True
        return i + 1 < len(x) and x[i] == y[i + 1] and x[i + 1] == y[i] and x[i + 2 :] == y[i + 2 :]
    longer, shorter = (x, y) if len(x) > len(y) else (y, x)
    return longer[i + 1 :] == shorter[i:]


def _holds_link(paper: _Keys, rough: str, key: str) -> bool:
    """Whether one of the paper's links is the page ``key`` (compared by url_key; rough keys narrow it first)."""
    return any(r == rough and url_key(u) == key for r, u in zip(paper.links, paper.link_urls, strict=True))


_FUZZY_MIN_WORDS = 4  # shorter titles get no typo tolerance
_FUZZY_MIN_LETTERS = 24


def _fuzzy_blocks(k: _Keys) -> tuple[tuple[str, int, str], tuple[str, int, str]]:
    """Two block keys: first author, number of words, and the first or the second half of the words.

    Titles that differ in one word (what typo tolerance allows) have as many words, and one half in common.
    """
    if k.blocks is None:
        words = k.canon_tokens
        half = len(words) // 2
        k.blocks = (k.first, len(words), "<".join(words[:half])), (k.first, len(words), ">".join(words[half:]))
    return k.blocks


# ----------------------------------------------------------------------------------------------- the index


@dataclass(slots=True)
class _Match:
    index: int
    reason: str
    how: str  # "arxiv": same arXiv id; "fold": an item repeating a paper's link; "key": any other evidence


class DuplicateIndex:
    """Hash maps over the keys of a list's entries; answers "which entries would this one duplicate?".

    Build it once (``DuplicateIndex(entries)``) and ask :meth:`explain` for many entries: each question looks
    only at the entries sharing one of its keys.
    """

    MAX_BLOCK = 200  # title blocks larger than this (a list of 500 "Introduction"s) are only partly compared

    def __init__(self, entries: Sequence[Entry] = (), *, vocabulary: Counter[str] | None = None) -> None:
        self.keys: list[_Keys] = []
        self.by_arxiv: dict[str, list[int]] = {}
        self.by_doi: dict[str, list[int]] = {}
        self.by_url: dict[str, list[int]] = {}
        self.by_item_url: dict[str, list[int]] = {}  # rough URL of project and link items
        self.by_paper_link: dict[str, list[int]] = {}  # rough URL of papers' links
        self.by_title: dict[str, list[int]] = {}
        self.by_canon: dict[str, list[int]] = {}
        self.by_fuzzy: dict[tuple[str, int, str], list[int]] = {}  # see _fuzzy_blocks
        self.vocabulary: Counter[str] = vocabulary if vocabulary is not None else Counter()
        self._own_vocabulary = vocabulary is None
        for entry in entries:
            self.add(entry)

    def count_words(self, entries: Iterable[Entry], keys: Sequence[_Keys] | None = None) -> None:
        """Count the title words of entries not in the index (an import's items): a typo is a word no one uses.

        ``keys``: the entries' keys (:func:`entry_keys`) when the caller has them, so titles are not read twice.
        """
        if keys is not None:
            for k in keys:
                if k.kind == "paper":
                    self.vocabulary.update(set(k.canon_tokens))
            return
        for entry in entries:
            if entry.kind == "paper":
                self.vocabulary.update(set(canonical_tokens(entry.title)))

    def add(self, entry: Entry, keys: _Keys | None = None) -> int:
        k = keys or _keys(entry)
        i = len(self.keys)
        self.keys.append(k)
        if k.arxiv:
            self.by_arxiv.setdefault(k.arxiv, []).append(i)
        if k.doi:
            self.by_doi.setdefault(k.doi, []).append(i)
        if k.url:
            self.by_url.setdefault(k.url, []).append(i)
            if k.url_rough is not None and k.kind in ("project", "link"):
                self.by_item_url.setdefault(k.url_rough, []).append(i)
        for link in k.links:
            self.by_paper_link.setdefault(link, []).append(i)
        if k.kind == "paper" and k.title:
            self.by_title.setdefault(k.title, []).append(i)
            if k.canon != k.title:
                self.by_canon.setdefault(k.canon, []).append(i)
            if self._own_vocabulary:
                self.vocabulary.update(set(k.canon_tokens))
            if k.first and len(k.canon_tokens) >= _FUZZY_MIN_WORDS and len(k.canon) >= _FUZZY_MIN_LETTERS:
                for block in _fuzzy_blocks(k):
                    self.by_fuzzy.setdefault(block, []).append(i)
        return i

    # -- questions

    def explain(self, entry: Entry, keys: _Keys | None = None) -> tuple[int, str] | None:
        """The entry of the index that ``entry`` duplicates (strongest evidence first) and why, or None.

        ``keys``: ``entry``'s keys (:func:`entry_keys`) when the caller already has them.
        """
        found = self.matches(keys if keys is not None else _keys(entry))
        return (found[0].index, found[0].reason) if found else None

    def matches(self, k: _Keys) -> list[_Match]:
        """Entries of the index that an entry with keys ``k`` duplicates, strongest evidence first.

        Entries sharing an id or URL already form one group, so a few of them are enough to join it: a list holding
        one item 1,000 times costs 1,000 steps, not a million.
        """
        found: list[_Match] = []
        seen: set[int] = set()

        def hit(j: int, reason: str, how: str = "key") -> None:
            if j not in seen:
                seen.add(j)
                found.append(_Match(j, reason, how))

        def first_compatible(candidates: list[int], reason: str, limit: int = 3) -> None:
            for j in candidates:
                if self._ids_compatible(k, self.keys[j]):
                    hit(j, reason)
                    limit -= 1
                    if not limit:
                        return

        if k.arxiv:
            same = self.by_arxiv.get(k.arxiv)
            if same:
                hit(same[0], f"same arXiv id {k.arxiv}", "arxiv")
        if k.doi:
            first_compatible(self.by_doi.get(k.doi, []), f"same DOI {k.doi}")
        if k.url:
            first_compatible(self.by_url.get(k.url, []), f"same URL {k.url}")
            if k.kind in ("project", "link") and k.url_rough is not None:
                # every paper holding the link, up to a bound: one held by papers of two groups is ambiguous
                for j in self.by_paper_link.get(k.url_rough, [])[: self.MAX_BLOCK]:
                    paper = self.keys[j]
                    if self._ids_compatible(k, paper) and _holds_link(paper, k.url_rough, k.url):
                        hit(j, f"the {k.kind} only repeats the link {k.url} of {paper.label}", "fold")
        if k.kind == "paper":
            for rough in k.links if self.by_item_url else ():
                for j in self.by_item_url.get(rough, [])[: self.MAX_BLOCK]:
                    item = self.keys[j]
                    if item.url and self._ids_compatible(k, item) and _holds_link(k, rough, item.url):
                        hit(j, f"the {item.kind} only repeats the link {item.url} of {k.label}", "fold")
            if k.title:
                self._title_matches(k, hit)
        return found

    def _ids_compatible(self, a: _Keys, b: _Keys) -> bool:
        if a.arxiv and b.arxiv and a.arxiv != b.arxiv:
            return False
        return not (a.doi and b.doi and a.doi != b.doi)

    def _title_matches(self, k: _Keys, hit: Callable[[int, str], None]) -> None:
        # A title whose canonical form is itself is filed under by_title only (one map less to fill for most).
        same = self.by_title.get(k.title, [])[: self.MAX_BLOCK]
        alike = self.by_title.get(k.canon, [])[: self.MAX_BLOCK] if k.canon != k.title else []
        alike = alike + self.by_canon.get(k.canon, [])[: self.MAX_BLOCK]
        for j in same:
            other = self.keys[j]
            if self._ids_compatible(k, other):
                why = _authors_evidence(k, other)
                if why:
                    hit(j, f"same title after normalisation, {why}")
        for j in alike:
            other = self.keys[j]
            if other.canon == k.canon and other.title != k.title and self._ids_compatible(k, other):
                why = _authors_evidence(k, other)
                if why:
                    hit(j, f"titles differ only in spelling, plurals, articles or hyphenation; {why}")
        if not k.first or len(k.canon_tokens) < _FUZZY_MIN_WORDS or len(k.canon) < _FUZZY_MIN_LETTERS:
            return
        head, tail = _fuzzy_blocks(k)
        by_fuzzy = self.by_fuzzy
        candidates = by_fuzzy.get(head, [])[: self.MAX_BLOCK]
        more = by_fuzzy.get(tail)
        if more:
            candidates = candidates + more[: self.MAX_BLOCK]
        for j in candidates:
            other = self.keys[j]
            if other.canon == k.canon or not self._ids_compatible(k, other):
                continue
            at = self._typo(k, other)
            if at is None:
                continue
            why = _strong_evidence(k, other)
            if why:
                was, now = _word(other.title_text, at), _word(k.title_text, at)
                hit(j, f"near-identical titles ({was!r} / {now!r}), {why}")

    def _typo(self, k: _Keys, other: _Keys) -> int | None:
        """Where two titles differ in exactly one word, when that is a one-letter typo of a rare word."""
        a, b = k.canon_tokens, other.canon_tokens
        if len(a) != len(b):
            return None
        diff = [n for n, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diff) != 1:
            return None
        x, y = a[diff[0]], b[diff[0]]
        if min(len(x), len(y)) < 5 or not (x.isalpha() and y.isalpha()):
            return None
        # the words as written, too: spelling rules can take a typo further ("blockise" reads as "blockize")
        if not _one_typo(x, y) and not _one_typo(_word(k.title_text, diff[0]), _word(other.title_text, diff[0])):
            return None
        # A typo makes a word that (almost) no other title uses; two words both in use (model / modal) differ.
        rare, common = sorted((self.vocabulary[x], self.vocabulary[y]))
        if rare > 2 and rare * 50 > common:
            return None
        return diff[0]


# ----------------------------------------------------------------------------------------------- groups


@dataclass(slots=True)
class DuplicateGroup:
    """Entries that are one item: ``indexes`` into ``lib.entries`` in list order (the first is kept)."""

    indexes: list[int]
    reasons: list[str] = field(default_factory=list)

    @property
    def kept(self) -> int:
        return self.indexes[0]


class _Components:
    """Union-find over entry indexes that refuses to join what must stay apart.

    Two different arXiv ids never join; two different non-arXiv DOIs join only on the same arXiv id; an item
    folded into a paper never joins two components that each hold a paper (two papers sharing a code link).
    """

    def __init__(self, keys: list[_Keys]) -> None:
        self.parent = list(range(len(keys)))
        self.arxiv: dict[int, str] = {i: k.arxiv for i, k in enumerate(keys) if k.arxiv}
        self.doi: dict[int, str] = {i: k.doi for i, k in enumerate(keys) if k.doi}
        self.paper: set[int] = {i for i, k in enumerate(keys) if k.kind == "paper"}

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, i: int, j: int, how: str) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return False
        if a in self.arxiv and b in self.arxiv and self.arxiv[a] != self.arxiv[b]:
            return False
        if how != "arxiv" and a in self.doi and b in self.doi and self.doi[a] != self.doi[b]:
            return False
        if how == "fold" and a in self.paper and b in self.paper:
            return False
        if b < a:
            a, b = b, a
        self.parent[b] = a  # the root is always the smallest index: the member that is kept
        for ids in (self.arxiv, self.doi):
            if b in ids:
                ids.setdefault(a, ids.pop(b))
        if b in self.paper:
            self.paper.add(a)
        return True


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _arxiv_reason(arxiv_id: str, forms: list[str]) -> str:
    versions = sorted((f for f in forms if re.fullmatch(r"v\d+", f)), key=lambda f: int(f[1:]))
    others = [f for f in forms if not re.fullmatch(r"v\d+", f)]
    shown = list(dict.fromkeys(versions + others))
    if len(shown) == 1:
        return f"same arXiv id {arxiv_id}, {shown[0]} in {'both' if len(forms) == 2 else f'all {len(forms)}'}"
    return f"same arXiv id {arxiv_id}, {_join(shown)}"


def find_groups(lib: Library) -> list[DuplicateGroup]:
    """Every group of entries of ``lib`` that are one item, in list order, each with the reasons why."""
    return _find_groups(lib.entries)


def entry_keys(entries: Sequence[Entry]) -> list[_Keys]:
    """What detection knows about each entry, worked out once: pass it to :func:`find_groups_keyed`,
    :meth:`DuplicateIndex.count_words` and :meth:`DuplicateIndex.explain` to read every title only once."""
    with _no_gc():
        return [_keys(e) for e in entries]


def find_groups_keyed(entries: Sequence[Entry], keys: Sequence[_Keys]) -> list[DuplicateGroup]:
    """:func:`find_groups` of ``entries`` whose keys (:func:`entry_keys`) are already known."""
    with _no_gc():
        return _find_groups_in(entries, keys)


def _find_groups(entries: Sequence[Entry]) -> list[DuplicateGroup]:
    with _no_gc():
        return _find_groups_in(entries)


def _find_groups_in(entries: Sequence[Entry], known: Sequence[_Keys] | None = None) -> list[DuplicateGroup]:
    keys = [_keys(e) for e in entries] if known is None else list(known)
    vocabulary: Counter[str] = Counter()
    for k in keys:
        if k.canon_tokens:
            vocabulary.update(set(k.canon_tokens))
    index = DuplicateIndex(vocabulary=vocabulary)
    comps = _Components(keys)
    edges: list[tuple[int, str]] = []
    folds: dict[int, list[tuple[int, str]]] = {}  # project/link index -> (paper index, reason)
    for i, (entry, k) in enumerate(zip(entries, keys, strict=True)):
        for m in index.matches(k):
            if m.how == "fold":
                item, paper = (i, m.index) if k.kind != "paper" else (m.index, i)
                folds.setdefault(item, []).append((paper, m.reason))
            elif comps.union(m.index, i, m.how) and m.how != "arxiv":
                edges.append((i, m.reason))
        index.add(entry, k)
    # An item repeating a link that papers of two different groups hold (a repository shared by a paper and its
    # follow-up) could belong to either: it is left alone.
    for item, candidates in sorted(folds.items()):
        if len({comps.find(paper) for paper, _ in candidates}) == 1:
            paper, reason = candidates[0]
            if comps.union(paper, item, "fold"):
                edges.append((item, reason))
    members: dict[int, list[int]] = {}
    for i in range(len(entries)):
        members.setdefault(comps.find(i), []).append(i)
    groups = {root: DuplicateGroup(idx) for root, idx in members.items() if len(idx) > 1}
    for group in groups.values():
        by_id: dict[str, list[str]] = {}
        for i in group.indexes:
            arxiv_id = keys[i].arxiv
            if arxiv_id:
                by_id.setdefault(arxiv_id, []).append(keys[i].arxiv_form)
        for arxiv_id, forms in by_id.items():
            if len(forms) > 1:
                group.reasons.append(_arxiv_reason(arxiv_id, forms))
    for i, reason in edges:
        group = groups[comps.find(i)]
        if reason not in group.reasons:
            group.reasons.append(reason)
    return [groups[root] for root in sorted(groups)]


def match_existing(lib: Library, entry: Entry) -> int | None:
    """Index of the entry of ``lib`` that ``entry`` would duplicate (the strongest match), or None."""
    found = explain_existing(lib, entry)
    return found[0] if found else None


def explain_existing(lib: Library, entry: Entry) -> tuple[int, str] | None:
    """Like :func:`match_existing`, with the reason: ``(index, "same arXiv id 2310.01889")``.

    To check many entries against one list, build a :class:`DuplicateIndex` once and call its ``explain``.
    """
    index = DuplicateIndex(lib.entries)
    index.count_words([entry])
    return index.explain(entry)


# ----------------------------------------------------------------------------------------------- merging


def _is_arxiv_doi(doi: str | None) -> bool:
    return bool(doi) and "10.48550/arxiv." in (doi or "").casefold()


def _primary(members: list[Entry]) -> int:
    """Which member's data leads: the paper with the newest version (the first of equals), else the first paper."""
    best = 0
    for i, e in enumerate(members):
        b = members[best]
        if e.kind == "paper" and (b.kind != "paper" or (e.version or 0) > (b.version or 0)):
            best = i
    return best


def merge_entries(members: list[Entry]) -> Entry:
    """One entry holding everything ``members`` held (the first member gives the section)."""
    lead_i = _primary(members)
    lead = members[lead_i]
    order = [lead] + [m for i, m in enumerate(members) if i != lead_i]
    out = replace(lead, links=[], categories=list(lead.categories), fields=dict(lead.fields), authors=[])
    out.section = members[0].section
    out.highlight = any(m.highlight for m in members)
    out.archived = any(m.archived for m in members)

    # authors: the fuller list (elided lists count as shorter than a full one of the same length)
    best = max(order, key=lambda m: (len(m.authors) + (0 if m.authors_elided else 0.5), m is lead))
    out.authors = list(best.authors)
    out.authors_elided = best.authors_elided if best.authors else False
    out.authors_head = best.authors_head if out.authors_elided else None

    # the newest version and its data; scalar fields another member had fill the gaps
    out.key = next((m.key for m in members if m.key), None)  # the kept entry's citation key stays valid
    for name in (
        "arxiv",
        "published",
        "updated",
        "year",
        "primary_category",
        "journal_ref",
        "comment",
    ):
        if getattr(out, name) is None:
            setattr(out, name, next((getattr(m, name) for m in order if getattr(m, name) is not None), None))
    versions = [m.version for m in members if m.version is not None and m.arxiv in (None, out.arxiv)]
    out.version = max(versions) if versions and out.arxiv else None
    # the published version enrich found (with its evidence) goes with the venue it wrote
    published = next((m for m in order if m.publication is not None), None)
    if published is not None and published is not lead and lead.publication is None:
        out.publication = replace(published.publication)  # type: ignore[type-var]
        out.venue = published.venue or out.venue
    if not out.venue or out.venue.casefold() == "arxiv":  # a published venue says more than "arXiv"
        venue = next((m.venue for m in order if m.venue and m.venue.casefold() != "arxiv"), None)
        out.venue = venue or out.venue
    dois = list(dict.fromkeys(m.doi for m in order if m.doi))
    published = [d for d in dois if not _is_arxiv_doi(d)]  # the arXiv DOI follows from the arXiv id
    out.doi = published[0] if published else (dois[0] if dois else None)
    if len({doi_key(d) for d in published}) > 1:  # the same arXiv id with two journal DOIs: keep both
        out.fields["doi_alt"] = ", ".join(d for d in published if doi_key(d) != doi_key(published[0]))
    if out.kind == "project":  # a project folded into a paper leaves its owner in the URL, its stars on the link
        out.owner = out.owner or next((m.owner for m in order if m.owner), None)
        stars = [(m.stars, m.stars_date) for m in order if m.stars is not None]
        if stars:
            out.stars, out.stars_date = max(stars, key=lambda s: s[0])
    for m in order:
        for c in m.categories:
            if c not in out.categories:
                out.categories.append(c)

    # citations: a known count with its source, the larger of two
    cits = [m.citations for m in order if m.citations is not None]
    out.citations = replace(max(cits, key=lambda c: c.count)) if cits else None

    # links: the union by normalised URL, first spelling kept; other members' own URLs become links
    seen: dict[str, Link | None] = {}
    if out.url:
        seen[url_key(out.url)] = None
    if out.citations and out.citations.url:
        seen[url_key(out.citations.url)] = None

    def add_link(link: Link) -> None:
        key = url_key(link.url)
        if key not in seen:
            seen[key] = new = replace(link)
            out.links.append(new)
        elif (held := seen[key]) is not None and link.stars is not None and (held.stars or -1) < link.stars:
            held.stars = link.stars

    for m in order:
        for link in m.links:
            add_link(link)
    for m in order:
        if m.url:
            if out.url is None and m.kind == out.kind:
                out.url = m.url
                seen.setdefault(url_key(m.url), None)
            elif m.kind in ("project", "link"):
                add_link(Link(m.title, m.url, m.stars if m.kind == "project" and out.kind != "project" else None))
            else:
                add_link(Link(host_label(m.url), m.url))
        if m.citations is not None and m.citations.url:
            add_link(Link(f"citations ({m.citations.source})", m.citations.url))

    # text: a folded project's description, every distinct note, other citation keys as biblatex aliases
    descriptions = [m.description for m in order if m.description]
    out.description = _join_distinct(descriptions, " ")
    out.notes = _join_distinct([m.notes for m in order if m.notes], "\n\n")
    others_raw = [m.raw for m in order[1:] if m.raw and m.raw != out.raw]
    if others_raw:
        out.notes = _join_distinct([out.notes or "", *(f"merged item: {r}" for r in others_raw)], "\n\n")
    for m in order:
        for name, value in m.fields.items():
            if name not in out.fields:
                out.fields[name] = value
            elif out.fields[name] != value:
                alt = f"{name}_alt"
                out.fields[alt] = _join_distinct([out.fields.get(alt, ""), value], "; ") or value
    aliases = [m.key for m in order if m.key and m.key != out.key]
    if aliases:
        known = [a for a in out.fields.get("ids", "").split(",") if a]
        out.fields["ids"] = ",".join(dict.fromkeys(known + aliases))
    return out


def _join_distinct(texts: Iterable[str], sep: str) -> str | None:
    parts = list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))
    return sep.join(parts) if parts else None


@dataclass(slots=True)
class MergeResult:
    """What :func:`merge_groups` did: the merged entries (one per group) and how many entries went away."""

    merged: list[Entry] = field(default_factory=list)
    removed: int = 0


def merge_groups(lib: Library, groups: Sequence[DuplicateGroup]) -> MergeResult:
    """Merge each group into one entry at the position of its first member; the other members go away."""
    result = MergeResult()
    replace_at: dict[int, Entry] = {}
    drop: set[int] = set()
    for group in groups:
        idx = sorted(set(group.indexes))
        if len(idx) < 2:
            continue
        merged = merge_entries([lib.entries[i] for i in idx])
        replace_at[idx[0]] = merged
        drop.update(idx[1:])
        result.merged.append(merged)
    if not drop:
        return result
    lib.entries[:] = [replace_at.get(i, e) for i, e in enumerate(lib.entries) if i not in drop]
    result.removed = len(drop)
    return result
