"""The sped-up key building of duplicate detection gives exactly the keys it gave before, for every input.

``dedupe.title_tokens`` gained a quick path for ASCII titles, ``dedupe._fold`` one for ASCII text,
``dedupe._canonical_token`` skips its five spelling patterns for words without any of their endings, and
``dedupe._surname`` splits with ``str.split`` and skips the clean-up of a name made of letters and digits only.
Below, those functions as they were before, copied verbatim, are the oracle: each function is compared on every
title and author of the seed list and of a synthetic list, on odd cases and on hypothesis-made text; then the keys of
whole lists (``entry_keys``) and the duplicate groups found in them are compared with the old functions put back.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import astuple
from functools import cache

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lcllm_cli import dedupe
from lcllm_cli.dedupe import (
    _ARTICLES,
    _BRITISH,
    _LATEX_CMD,
    _NAME_SUFFIXES,
    _NON_WORD,
    _latex_symbol,
    entry_keys,
    find_groups,
)
from lcllm_cli.importers.markdown import parse
from lcllm_cli.model import Entry, Library
from tests.paths import FIXTURES
from tests.synthetic import synthetic_library

SEED_TEXT = (FIXTURES / "awesome-long-context-llm.md").read_text(encoding="utf-8")

# ------------------------------------------------------------------------------- the oracle: dedupe.py before


def old_fold(text: str) -> str:
    """Casefolded, compatibility-decomposed text without accents: ``ﬁ`` -> ``fi``, ``é`` -> ``e``."""
    decomposed = unicodedata.normalize("NFKD", text)
    if not decomposed.isascii():
        decomposed = "".join(c for c in decomposed if not unicodedata.combining(c))
    return decomposed.casefold()


def old_title_tokens(title: str) -> list[str]:
    """The words of a title: LaTeX markup, punctuation and letter case gone, symbols like ``∞`` kept."""
    s = title
    if "\\" in s or "$" in s or "{" in s:
        s = _LATEX_CMD.sub(_latex_symbol, s).replace("\\", " ").replace("{", "").replace("}", "")  # {A}ttention
    return _NON_WORD.sub(" ", old_fold(s).replace("_", " ")).split()


_OLD_CANONICAL: dict[str, str] = {}


def old_canonical_token(token: str) -> str:
    """A spelling-tolerant form of one title word: US spelling, no plural ``s``."""
    known = _OLD_CANONICAL.get(token)
    if known is None:
        known = _OLD_CANONICAL[token] = old__canonical_token(token) if len(token) >= 4 and token.isalpha() else token
    return known


def old__canonical_token(token: str) -> str:
    for pattern, repl in _BRITISH:
        token = pattern.sub(repl, token)
    if token.endswith("ies") and len(token) > 4:
        return token[:-3] + "y"
    if token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def old__canonical(tokens: list[str]) -> list[str]:
    cache = _OLD_CANONICAL
    return [cache.get(t) or old_canonical_token(t) for t in tokens if t not in _ARTICLES]


_OLD_SURNAMES: dict[str, str] = {}


def old_surname(author: str) -> str:
    """The family name of an author as written (``Hao Liu``, ``Liu, Hao``, ``H. Liu``), folded for comparison."""
    known = _OLD_SURNAMES.get(author)
    if known is None:
        known = _OLD_SURNAMES[author] = old__surname(author)
    return known


def old__surname(author: str) -> str:
    name = author.strip()
    if "," in name:
        name = name.split(",", 1)[0]
        parts = [name]
    else:
        parts = [p for p in re.split(r"\s+", name) if p]
        while len(parts) > 1 and parts[-1].strip(".").casefold() in _NAME_SUFFIXES:
            parts.pop()
    last = parts[-1] if parts else ""
    return re.sub(r"[^\w]", "", old_fold(last))


# ------------------------------------------------------------------------------------------------ comparing


def assert_title_same(title: str) -> None:
    new, old = dedupe.title_tokens(title), old_title_tokens(title)
    assert new == old, repr(title)
    assert dedupe._canonical(new) == old__canonical(old), repr(title)
    for token in [*old, title, title.strip()]:
        assert dedupe._canonical_token(token) == old__canonical_token(token), repr(token)
        assert dedupe.canonical_token(token) == old_canonical_token(token), repr(token)


def assert_text_same(text: str) -> None:
    assert dedupe._fold(text) == old_fold(text), repr(text)
    assert dedupe._surname(text) == old__surname(text), repr(text)
    assert dedupe.surname(text) == old_surname(text), repr(text)


@cache
def synth_library(n: int = 1000, seed: int = 1000) -> Library:
    return synthetic_library(n, seed)


def seed_library() -> Library:
    return parse(SEED_TEXT, "<seed>").library


def texts_of(lib: Library) -> tuple[list[str], list[str]]:
    titles = [e.title for e in lib.entries]
    names = [a for e in lib.entries for a in e.authors] + [e.owner or "" for e in lib.entries]
    return titles, names


@pytest.mark.parametrize("which", ["seed", "synth"])
def test_titles_and_names_of_real_lists_as_before(which: str) -> None:
    lib = seed_library() if which == "seed" else synth_library()
    titles, names = texts_of(lib)
    assert len(titles) >= 60 and len(names) >= 100
    assert any(not t.isascii() for t in titles) or which == "seed"
    for title in titles:
        assert_title_same(title)
        assert_text_same(title)
    for name in names:
        assert_text_same(name)


# ------------------------------------------------------------------------------------------- odd cases

ODD_TITLES = [
    "",
    " ",
    "Attention Is All You Need",
    "{A}ttention with $\\infty$ context",
    "\\textbf{Bold} \\alpha-\\beta",
    "snake_case_title and CamelCase",
    "Tab\tand\x1fUnit\x1cseparators\x0bvt\x0cff",
    "Non\u00a0breaking space",
    "Ｆｕｌｌ-width ＴＩＴＬＥ",
    "ﬁne-tuning ligatures",
    "Café naïve façade",
    "ΣΑΣ Greek capitals",
    "Straße",
    "İstanbul and ı",
    "Kelvin \u212a and long \u017f",
    "Emoji 🌟 title ✨",
    "digits 128K tokens 1,000,000 and 3.5",
    "Organisations Modelling Behaviour Analysed Colour Labelling",
    "analyses analysed paralyse organise organised organising organiser organisers wise",
    "series species bus status analysis studies ties",
    "a an the The A",
    "trailing punctuation!!! ??? ...",
    "\x00nul\x7fdel",
    "x" * 300,
]


@pytest.mark.parametrize("title", ODD_TITLES)
def test_odd_titles_as_before(title: str) -> None:
    assert_title_same(title)
    assert_text_same(title)


ODD_NAMES = [
    "",
    " ",
    "Hao Liu",
    "Liu, Hao",
    "H. Liu",
    "Martin Luther King Jr.",
    "Martin Luther King, Jr.",
    "John Smith III",
    "III",
    "Jr",
    "Jean-Pierre Dupont",
    "O'Brien",
    "Mary  Ann\tSmith",
    "Ana\u00a0García",
    "Zoë Ünal",
    "Łukasz Kaiser",
    "李 明",
    "Ji-ho Luo",
    "Snake_Case",
    "José ",
    "\u2003Em\u2003Space\u2003",
    "Name\x1cSep",
    "ﬁnn",
    "Straße",
    "..",
    "A. B. C.",
    "Kelvin \u212a",
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_names_as_before(name: str) -> None:
    assert_text_same(name)


# ------------------------------------------------------------------------------------------- hypothesis

_WORDS = [
    "Attention",
    "organisation",
    "modelling",
    "colour",
    "analyse",
    "analyses",
    "studies",
    "the",
    "a",
    "{A}",
    "$\\infty$",
    "\\alpha",
    "snake_case",
    "Café",
    "ﬁne",
    "Straße",
    "ı",
    "\u212a",
    "128K",
    "LLMs",
    "-",
    ":",
    "Jr.",
    "III",
    ",",
]
_CHARS = st.characters(blacklist_categories=("Cs",))


@st.composite
def titles(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(_CHARS, max_size=6)), max_size=10))
    seps = draw(st.lists(st.sampled_from([" ", "  ", "\t", "-", "\u00a0", "\n", ", ", ""]), min_size=len(parts)))
    return "".join(p + s for p, s in zip(parts, seps, strict=False))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=titles())
@example(title="Organisations of Behaviour")
def test_generated_titles_and_names_as_before(title: str) -> None:
    assert_title_same(title)
    assert_text_same(title)


@settings(max_examples=800, deadline=None)
@given(text=st.text(_CHARS, max_size=40))
def test_any_text_as_before(text: str) -> None:
    assert_title_same(text)
    assert_text_same(text)


@settings(max_examples=800, deadline=None)
@given(text=st.text(st.characters(max_codepoint=127), max_size=40))
def test_any_ascii_text_as_before(text: str) -> None:
    assert_title_same(text)
    assert_text_same(text)


# ------------------------------------------------------------------------------------------- whole lists


@pytest.fixture
def old_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    """dedupe with the functions before the speed-up (and empty caches)."""
    monkeypatch.setattr(dedupe, "title_tokens", old_title_tokens)
    monkeypatch.setattr(dedupe, "_fold", old_fold)
    monkeypatch.setattr(dedupe, "_canonical_token", old__canonical_token)
    monkeypatch.setattr(dedupe, "_surname", old__surname)
    monkeypatch.setattr(dedupe, "_CANONICAL", {})
    monkeypatch.setattr(dedupe, "_SURNAMES", {})


def libraries() -> list[Library]:
    synth = synth_library()
    odd = Library(
        entries=[
            Entry(kind="paper", title=t, authors=list(ODD_NAMES[i % len(ODD_NAMES) :][:3]))
            for i, t in enumerate(ODD_TITLES + [t.upper() for t in ODD_TITLES])
        ]
    )
    return [seed_library(), synth, synth_library(400, seed=7), odd]


def keys_and_groups(lib: Library) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    keys = [astuple(k) for k in entry_keys(lib.entries)]  # type: ignore[call-overload]
    groups = [(tuple(g.indexes), tuple(g.reasons)) for g in find_groups(lib)]
    return keys, groups


@pytest.fixture(scope="module")
def new_results() -> list[tuple[list[tuple[object, ...]], list[tuple[object, ...]]]]:
    dedupe._CANONICAL.clear()
    dedupe._SURNAMES.clear()
    return [keys_and_groups(lib) for lib in libraries()]


def test_keys_and_groups_of_whole_lists_as_before(new_results: list[object], old_functions: None) -> None:
    assert dedupe.title_tokens is old_title_tokens  # the old functions really are in place
    old_results = [keys_and_groups(lib) for lib in libraries()]
    assert sum(len(groups) for _, groups in old_results) > 20  # groups were really compared
    for new, old in zip(new_results, old_results, strict=True):
        assert new[0] == old[0]
        assert new[1] == old[1]
