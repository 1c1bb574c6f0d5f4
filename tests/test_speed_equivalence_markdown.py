"""The Markdown parser's latest shortcuts, held to the reference parser on the inputs they touch.

``tests/test_markdown_equivalence.py`` compares whole documents; these cases aim at what changed since: the bullet
pattern no longer reads the rest of the line, author elisions are only matched against names short enough to be
one, texts starting with a digit (new-style ids, years) skip the id cache, and the extra links of an item are read
with ``finditer``.
"""

from __future__ import annotations

import pytest

from tests.test_markdown_equivalence import assert_same

AUTHORS = [
    "A, B, et al",
    "A, B, et al.",
    "A, B, ET AL.",
    "A, B, Et Al",
    "A, B, and others",
    "A, B, AND OTHERS",
    "A, B, and other\u017f",  # the long s matches "s" when case is ignored
    "A, B, and  others",
    "A, B, ...",
    "A, B, \u2026",
    "A, B, ....",
    "Ananya Yoon, Emily Anderson, Ethan Abbeel, Ali Et",
    "Alexander Andersonsmith, Eleanor Etalmanson, E, A, .",
    "et al, A",
    "A, Bob Smith et al",
    "A, Bob Smith et al.",
]


@pytest.mark.parametrize("authors", AUTHORS)
def test_author_elisions_as_before(authors: str) -> None:
    result = assert_same(
        "## S\n- **A Title**, `arXiv, 2402.13753`, [arxiv](https://arxiv.org/abs/2402.13753v1), "
        f"[pdf](https://arxiv.org/pdf/2402.13753v1)\n\n  *{authors}*\n"
    )
    assert result.library.entries[0].arxiv == "2402.13753"


VENUES = ["arXiv, 2402.13753", "2024, 2402.13753", "2402.13753, 2024", "1 ICLR, 2402.13753v2", "2402.13753v0", "12"]


@pytest.mark.parametrize("venue", VENUES)
def test_venues_starting_with_a_digit_as_before(venue: str) -> None:
    assert_same(f"## S\n- **A Title**, `{venue}`\n\n  *A, B*\n")
    assert_same(f"## S\n- **A Title**, `{venue}`, [paper](https://example.org/{venue[:4]})\n")


BULLETS = ["-", "*", "+", "1.", "12)", "123.", "1234.", "-\t", "- ", "-x", "  -", "\t-", " \t -"]


@pytest.mark.parametrize("bullet", BULLETS)
def test_bullets_as_before(bullet: str) -> None:
    assert_same(f"## S\n{bullet} [A link](https://example.org/a) text\r\n{bullet}\n{bullet}   **Bold** \u00a0\n")


EXTRAS = [
    " · ([repo](https://github.com/o/r) - o) ![Star](https://img.shields.io/github/stars/o/r.svg) · ([blog](https://b.org/p))",
    " ([repo](https://github.com/o/r)) stars: **1,234** · ([x](https://x.org)) ([y](https://y.org) - y)",
    " · ([repo](https://github.com/o/r) - o) ![Star](https://img.shields.io/github/stars/o/r.svg) stars: **12**",
    " · ([a](https://arxiv.org/abs/2402.13753))",
    " · ([repo](https://github.com/o/r) - o) trailing",
]


@pytest.mark.parametrize("extras", EXTRAS)
def test_extra_links_as_before(extras: str) -> None:
    assert_same(
        "## S\n- **A Title**, `arXiv, 2402.13753`, [arxiv](https://arxiv.org/abs/2402.13753v1), "
        f"[pdf](https://arxiv.org/pdf/2402.13753v1)\n\n  *A, B*{extras}\n"
        f"- [**Project**](https://github.com/o/p) - o ![Star](https://img.shields.io/x.svg) · stars: **3**{extras}"
        " *What it does.*\n"
    )
