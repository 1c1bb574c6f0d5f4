"""The sped-up Markdown importer gives exactly what the parser before the speed-up gave, for every input.

The reference is ``tests/reference_markdown_parser.py``: ``importers/markdown.py`` as it was before the work on
issue 8, copied verbatim. Each test parses one text with both and compares everything an import yields: every
entry field (``model.entry_to_dict`` for a readable diff, then dataclass equality, which also tells 0 from unset),
the title, intro and sections, the problems with their line numbers, and the line of every entry.

Inputs: the seed list, a 1,000-entry synthetic list (benchmarks/synth.py rendered by the Markdown exporter, the
same text ``lcllm import`` reads in the benchmark), hand-written odd cases, and hypothesis-made documents built
from item fragments or mutated from real lines.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lcllm_cli.importers import ImportResult
from lcllm_cli.importers.markdown import _LINK_SCAN, parse
from lcllm_cli.mdsyntax import INLINE_LINK
from lcllm_cli.model import entry_to_dict
from tests import reference_markdown_parser as reference
from tests.synthetic import synthetic_markdown

SEED_TEXT = (Path(__file__).parent / "fixtures" / "awesome-long-context-llm.md").read_text(encoding="utf-8")


def snapshot(result: ImportResult) -> dict[str, object]:
    lib = result.library
    return {
        "title": lib.title,
        "intro": lib.intro,
        "sections": [(s.name, s.level) for s in lib.sections],
        "entries": [entry_to_dict(e) for e in lib.entries],
        "problems": [(p.line, p.message, p.text) for p in result.problems],
        "lines": list(result.lines),
    }


def parse_both(text: str) -> tuple[object, object]:
    """(new, reference) results, or the type of the exception each raised."""
    out: list[object] = []
    for fn in (parse, reference.parse):
        try:
            out.append(fn(text, "<test>"))
        except Exception as exc:  # both must fail alike
            out.append(type(exc))
    return out[0], out[1]


def assert_same(text: str) -> ImportResult:
    new, ref = parse_both(text)
    assert not isinstance(ref, type), f"the reference raised {ref} (add the input to a crash test, not here)"
    assert isinstance(new, ImportResult), f"the new parser raised {new} where the reference did not"
    assert isinstance(ref, ImportResult)
    assert snapshot(new) == snapshot(ref), repr(text[:300])
    # dataclass equality as well: entry_to_dict leaves out 0 and False, this does not
    assert new.library == ref.library
    for a, b in zip(new.library.entries, ref.library.entries, strict=True):
        assert [(type(v), v) for v in vars_of(a)] == [(type(v), v) for v in vars_of(b)]
    return new


def vars_of(entry: object) -> list[object]:
    return [getattr(entry, name) for name in type(entry).__dataclass_fields__]  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------------- real lists


def test_seed_list_as_before() -> None:
    result = assert_same(SEED_TEXT)
    assert len(result.library.entries) >= 60  # the seed really was parsed (not two empty results)


def test_seed_list_with_crlf_and_tabs_as_before() -> None:
    assert_same(SEED_TEXT.replace("\n", "\r\n"))
    assert_same(SEED_TEXT.replace("  ", "\t"))


@pytest.fixture(scope="module")
def synth_markdown() -> str:
    """What the benchmark imports, at 1,000 entries: a synthetic list rendered by the Markdown exporter."""
    return synthetic_markdown(1000, 1000)


def test_synthetic_list_as_before(synth_markdown: str) -> None:
    result = assert_same(synth_markdown)
    kinds = {e.kind for e in result.library.entries}
    assert len(result.library.entries) >= 1000 and kinds == {"paper", "project", "link"}


def test_the_exporters_paper_and_project_items_take_the_fast_path(synth_markdown: str) -> None:
    """Not a speed test: the fast path must apply to what it is for, or a broken pattern would go unnoticed
    (the general path gives the same entries, only slower)."""
    from lcllm_cli.importers import markdown

    taken: dict[str, list[bool]] = {"**": [], "[**": []}
    common_item = markdown._Parser._common_item

    def spy(self: markdown._Parser, text: str) -> object:
        entry = common_item(self, text)
        plain = "\\" not in text and "&" not in text.replace("&label=", "")  # (as the exporter writes badges)
        start = "[**" if text.startswith("[**") else "**" if text.startswith("**") else None
        if plain and start:
            taken[start].append(entry is not None)
        return entry

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(markdown._Parser, "_common_item", spy)
        parse(synth_markdown)
    assert len(taken["**"]) > 500 and all(taken["**"])
    assert len(taken["[**"]) > 50 and all(taken["[**"])


def test_synthetic_list_items_one_by_one_as_before(synth_markdown: str) -> None:
    """Each item alone (no cache of a previous item's link scan to lean on), under a heading."""
    items = synth_markdown.split("\n- ")
    for item in items[1:400]:
        assert_same("## S\n- " + item)


# ------------------------------------------------------------------------------------------- odd cases

ODD = [
    "",
    "\n",
    "just a paragraph\n",
    "# Title only\n",
    "# T\n\nintro\n\n## S\n- [a](https://a.example)\n",
    # wrapped titles and continuation lines
    "## S\n- **A title that\n  wraps**, `arXiv, 2401.00001`, [arxiv](https://arxiv.org/abs/2401.00001v2)\n",
    "## S\n- **A title\nnot indented**, `ICLR 2024`\n\n  *A B, C D*\n",
    "## S\n- **T**, `arXiv, 2401.00001`\n\nnot indented after a blank\n",
    "## S\n- **T**\n",
    "## S\n- **T** ***\n",
    "## S\n- ****, `arXiv`\n",
    "## S\n- **T**, `2401.00001, 2402.00002v3`\n",
    "## S\n- **T**, `NeurIPS 2024, 2401.00001v0`\n",
    "## S\n- **T**, `arXiv, hep-th/9711200v2`, [arxiv](https://arxiv.org/abs/hep-th/9711200v1)\n",
    "## S\n- **T**, [pdf](https://arxiv.org/pdf/2401.00001v2.pdf), [arxiv](https://arxiv.org/abs/2401.00009)\n",
    "## S\n- **T**, [paper](https://openreview.net/forum?id=x), [code](https://github.com/a/b)\n",
    "## S\n- **T**, [Link](https://example.org/x), [url](https://example.org/y)\n",
    "## S\n- **T**, [arxiv](https://ARXIV.org/abs/2401.00001), [abs](https://export.arxiv.org/abs/2401.00002/)\n",
    "## S\n- **T**, [x](https://doi.org/10.48550/arXiv.2401.00001), [y](arXiv:2401.00001)\n",
    # arXiv and GitHub URLs in every spelling, valid or not (and letters that match under re.IGNORECASE)
    "## S\n- **T**, [arxiv](https://arxiv.org/abs/2401.00001v0), [pdf](https://arxiv.org/pdf/0704.00011)"
    ", [abs](https://arxiv.org/abs/1412.12345), [x](https://export.arxiv.org/pdf/2401.00001v2)"
    ", [y](http://www.arxiv.org/abs/1501.0001), [z](https://arxiv.org/abs/2401.00001v2/)\n",
    "## S\n- **T**, [arxiv](https://arxıv.org/abs/2401.00001), [code](https://gıthub.com/o/r)"
    ", [](HTTPS://GITHUB.COM/O/R) ![Star](https://img.shields.io/x) stars: **5**, [r](https://GitHub.com/o/r.git)\n",
    "## S\n- **T**, `arXiv, 2401.00001`, [arxiv](https://ARXIV.ORG/ABS/2401.00001V2)\n",
    "## S\n- **T**, `arXiv`, CITATION: [3](https://x.example)\n- **U**, `arXiv`, cıtation: [4](https://y.example)\n",
    "## S\n- **T**, `ICLR 2024, arXiv, 2401.00001`\n- **U**, `ICLR 2024, 2401.00001v2`\n- **V**, `ICLR 2024`\n",
    # the exporter's paper layout, with one thing out of the ordinary each
    "## S\n- **T**, `ICLR 2024`\n\n  *A B* · ([ ](https://github.com/o/r) - o) ![Star](https://img.shields.io/x)\n",
    "## S\n- **T**, `ICLR 2024`, [ paper ](https://p.example)\n\n  *A B* · ([ Link ](https://l.example))\n",
    "## S\n- **T**, `ICLR 2024`, [paper](#x)\n- **T** ([a](#b))\n- **T**, `V` ([a](#b)) ![Star](https://img.shields.io/x)\n",
    "## S\n- **T**, `V`\n\n  *A* · ([blog](https://b.example)) ![Star](https://img.shields.io/x) stars: **5**\n",
    "## S\n- **T**, `V`\n\n  *A* · ([code](https://github.com/o/r)) ![Star](https://example.org/x.svg) stars: **5**\n",
    "## S\n- **T**, `V`\n\n  *A* · ([code](https://github.com/o/r)) stars: **5** · ([c](https://github.com/o/s) - o)\n",
    "## S\n- **T**, `2401.00002`, [arxiv](https://arxiv.org/abs/2401.00001), [pdf](https://arxiv.org/pdf/2401.00001)\n",
    "## S\n- **T**, `V`, [arxiv](https://arxiv.org/abs/2401.0001), [pdf](https://arxiv.org/pdf/2401.0001)\n",
    "## S\n- **T**, [paper](https://arxiv.org/abs/2401.00001), citation: [**3**](ftp://x.example)\n",
    "## S\n- **T** *A* ([x](https://x.example/arxiv/1)) · ([Paper](https://p.example)) · ([url](https://u.example))\n",
    # the exporter's project layout, with one thing out of the ordinary each
    "## S\n- [**P**](https://github.com/o/p) ![Star](https://img.shields.io/x) · ([c](https://c.example))"
    " stars: **5**\n",
    "## S\n- [** P **](https://x.example/p) - o * desc *\n- [**Q**](https://x.example/q) - a&b\n",
    "## S\n- [**P**](https://x.example/*a*) - o\n\n  *Does.*\n- [**Q**](ftp://x.example/q) - o\n",
    "## S\n- [**P**](https://gitlab.com/o/p)\n\n  *Does.*\n- [**Q**](https://github.com/o/q) stars: **3**\n",
    "## S\n- [**P**](https://github.com/o/p) · stars: **1,234** · ([a](https://a.example) - o)"
    " ![Star](https://img.shields.io/y) stars: **9** · ([ b ](ftp://b.example)) · ([](https://e.example))"
    " · ([ _c_ ](https://c2.example))\n\n  *Does.*\n",
    "## S\n- 🌟 :fire: [**P**](https://github.com/o/p) - o\n- [**P**](https://github.com/o/p) – o\n",
    "## S\n- [**P**](https://github.com/o/p) - o ![Star](https://img.shields.io/x) · stars: **2** *x*\n",
    # nested bullets: detail links, own items, notes
    "## S\n- **P**, `arXiv, 2401.00001`\n  - [code](https://github.com/a/b)\n  - a plain note\n"
    "  - **Child**, `ICLR 2020`\n",
    "## S\n- [Parent](https://a.example)\n  - [child](https://arxiv.org/abs/2401.00001)\n    - [grandchild](https://b.example)\n",
    "## S\n- plain parent\n  - [x](https://a.example)\n  * [y](https://b.example)\n  + z\n",
    "## S\n1. [one](https://a.example)\n2) [two](https://b.example)\n   3. [three](https://c.example)\n",
    "## S\n- **P**, `arXiv`\n  - note with [link](https://a.example) - more\n  - just text : ,\n  - ![img](https://i.example/x.png)\n",
    "## S\n-\n- \n-   [spaced](https://a.example)\n",
    "## S\n  - [indented first](https://a.example)\n- [outdented](https://b.example)\n",
    # badges, stars, owners, descriptions
    "## S\n- [**Proj**](https://github.com/o/p) - o ![Star](https://img.shields.io/github/stars/o/p.svg)"
    " stars: **1,234**\n\n  *Does things.*\n",
    "## S\n- [__Proj__](https://github.com/o/p) – someone\n",
    "## S\n- [**Zero**](https://github.com/o/z) stars: **0**\n- **T**, `arXiv`, citation: [**0**](https://x.example)\n",
    "## S\n- [**Proj**](https://gitlab.com/o/p)\n",
    "## S\n- [**Proj**](#anchor)\n- [**Proj**](relative/path)\n",
    "## S\n- **T**, `arXiv`\n\n  *A B* · ([repo](https://github.com/o/r) - o) ![Star](https://badgen.net/x)"
    " stars: **7** · ([blog](https://b.example))\n",
    "## S\n- **T**, `arXiv`\n\n  *A B* · ([](https://github.com/o/r)) ![Star](https://badge.fury.io/x)\n",
    "## S\n- **T**, `arXiv`, ![logo](https://img.example/l.png) [code](https://github.com/o/r)\n",
    # citations
    "## S\n- **T**, `arXiv`, cication: [**3**](https://scholar.google.com/x)\n",
    "## S\n- **T**, `arXiv`, Cited by: [**1,203**](https://www.semanticscholar.org/p)\n",
    "## S\n- **T**, `arXiv`, citations [**-4**](https://x.example)\n",
    "## S\n- **T**, `arXiv`, [**12**](https://x.example), [**x**](https://y.example)\n",
    "## S\n- **T**, `arXiv`, citation: **55**\n",
    "## S\n- **T**, `arXiv`, citations: **-1**\n",
    "## S\n- **T**, `arXiv`, citation: [12](javascript:alert(1))\n",
    # authors
    "## S\n- **T**, `arXiv`\n\n  *A, B and C; D*\n",
    "## S\n- **T**, `arXiv`\n\n  *A, ..., Z*\n",
    "## S\n- **T**, `arXiv`\n\n  *A et al.*\n",
    "## S\n- **T**, `arXiv`\n\n  *A, et al, and others, …*\n",
    "## S\n- **T**, `arXiv`\n\n  *A \\* B, C\\, D*\n",
    "## S\n- **T**, `arXiv`\n\n  **bold** *A* *B*\n",
    "## S\n- **T**, `arXiv`, [*not authors*](https://a.example)\n\n  *Real Author*\n",
    "## S\n- **T**, `arXiv`\n\n  x*A*\n",
    # escaped characters and entities
    "## S\n- [A \\[bracketed\\] \\*title\\*](https://a.example/p?a=1&b=2) - desc &amp; more\n",
    "## S\n- **Title \\*with\\* stars &lt;3**, `Venue \\_x\\_, 2020`\n",
    '## S\n- [x](https://a.example/(paren)) [y](<https://b.example/z> "title")\n',
    "## S\n- [x](https://a.example/a b) [y]( https://c.example )\n",
    "# Esc \\# heading ##\n\n## Sec \\*1\\* ###\n- [a](https://a.example)\n",
    # emoji and shortcode markers
    "## S\n- 🌟 **T**, `arXiv`\n- ⭐️ [L](https://a.example)\n- :star2: :fire: [**P**](https://github.com/o/p)\n",
    "## S\n- 🔥🔥 **T**, `arXiv`\n- 👍🏽 [L](https://a.example) - d\n- 🤗 [Model](https://huggingface.co/x/y)\n",
    "## S\n- :clapper: plain words\n- 🌟\n- 🌟 🔥\n",
    "## S\n- 👨\u200d👩\u200d👧 **Family**, `arXiv`\n",
    # table-of-contents lines, headings, fences, comments
    "- [Top](#top)\n  - [Sub](#sub)\n## S\n- [a](#a) ![b](https://i.example/b.png)\n- [real](https://a.example)\n",
    "## S\n```\n- [in fence](https://a.example)\n```\n~~~\n- [also](https://b.example)\n~~~\n- [after](https://c.example)\n",
    "## S\n- [a](https://a.example)\n   ```python\n   code\n   ```\n  continued?\n",
    "## S\n<!-- a comment\n- [hidden](https://a.example)\n-->\n- [shown](https://b.example)\n",
    "## S\n<!-- one line --> text after\n- [x](https://a.example)\n<!--\n",
    "## S\n- [x](https://a.example)\n<!-- lcllm:start -->\n",
    "# R\n- [out](https://a.example)\n<!-- lcllm:start -->\n## P\n- [in](https://b.example)\n<!-- lcllm:end -->\n- [o](https://c)\n",
    "<!-- lcllm:end -->\n<!-- lcllm:start -->\n## P\n- [in](https://b.example)\n",
    "  <!-- lcllm:start -->  \n## P\n- [in](https://b.example)\n",
    "###### Deep\n- [d](https://a.example)\n#NoSpace\n####### seven\n",
    " ## indented heading\n- [x](https://a.example)\n",
    "# First\n# Second\n- [x](https://a.example)\n# Third\n",
    "## S\ntext outside\nmore text\n\nanother paragraph\n- [x](https://a.example)\nafter item\n",
    # fallbacks
    "## S\n- see https://example.com/bare and http://b.example/x) for details\n",
    "## S\n- **bold only**\n- *italic only*\n- `code only`\n- [](https://a.example)\n",
    "## S\n- [rel](./file.md) and [abs](https://a.example) words\n",
    "## S\n- [![badge](https://img.shields.io/x)](https://a.example)\n",
    "## S\n- [a](https://a.example) [b](https://arxiv.org/abs/2401.00001)\n",
    "## S\n- [Paper title](https://arxiv.org/abs/2401.00001v2)\n"
    "- [Paper](https://arxiv.org/pdf/2401.00001) - with desc\n",
    "## S\n- [](https://arxiv.org/abs/2401.00001)\n",
    # CRLF, tabs, odd white space
    "## S\r\n- **T**, `arXiv, 2401.00001`\r\n\r\n  *A B*\r\n",
    "## S\n-\t[tab](https://a.example)\n\t- [tab child](https://b.example)\n",
    "## S\n- [x](https://a.example)\u00a0\u2003 trailing\n- \u3000[y](https://b.example)\n",
    "## S\n- [x](https://a.example)\x0b\x0c\n",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_case_as_before(text: str) -> None:
    assert_same(text)


def test_odd_cases_in_one_document_as_before() -> None:
    """All of them in one list (but those that hide what follows: comments, fences, lcllm markers)."""
    plain = [text for text in ODD if not any(s in text for s in ("<!--", "```", "~~~"))]
    result = assert_same("\n".join(plain))
    assert max(p.line for p in result.problems) > 100


# ------------------------------------------------------------------------------------------- generated

URLS = [
    "https://arxiv.org/abs/2401.00001v2",
    "https://arxiv.org/pdf/2401.00001v2",
    "http://arxiv.org/abs/hep-th/9711200",
    "https://www.arxiv.org/abs/1412.1234.pdf",
    "https://arxiv.org/html/2501.12345v1",
    "https://github.com/owner/repo",
    "https://github.com/owner/repo/tree/main",
    "https://img.shields.io/github/stars/owner/repo.svg?style=social&label=Star",
    "https://scholar.google.com/scholar?cites=1",
    "https://www.semanticscholar.org/paper/x",
    "https://huggingface.co/o/m",
    "https://example.org/a_(b)",
    "#anchor",
    "relative/page.md",
    "javascript:alert(1)",
    "https://ex ample.org",
    "https://[::1]/x",
    "",
]
WORDS = ["Long", "Context", "arXiv", "ICLR 2024", "et al", "...", "and", "stars:", "citation:", "·", "-", "2401.00001"]
LABELS = ["arxiv", "pdf", "paper", "code", "blog", "", "**12**", "**1,2**", "🤗", "Star", "**x**", "a [b] c", "\\]"]
MARKS = ["", "", "", "🌟 ", ":star: ", "🔥 ", ":fire: ", "⭐️", "𝕏 "]


@st.composite
def inline(draw: st.DrawFn) -> str:
    """One inline fragment of an item: words, a link or image, a code span, an italic run, a citation."""
    kind = draw(st.integers(0, 9))
    if kind <= 2:
        bang = draw(st.sampled_from(["", "", "!"]))
        return f"{bang}[{draw(st.sampled_from(LABELS))}]({draw(st.sampled_from(URLS))})"
    if kind == 3:
        return f"`{draw(st.sampled_from(WORDS))}, {draw(st.sampled_from(WORDS))}`"
    if kind == 4:
        return "*" + ", ".join(draw(st.lists(st.sampled_from([*WORDS, "Ann Lee", "Bo Li"]), max_size=4))) + "*"
    if kind == 5:
        return f"citation: [**{draw(st.integers(-5, 3000))}**]({draw(st.sampled_from(URLS))})"
    if kind == 6:
        return f"stars: **{draw(st.integers(0, 99999)):,}**"
    if kind == 7:
        return draw(st.text(alphabet="*_[]()`\\!#<>&;:, ·-–🌟🤗abc123", max_size=12))
    return draw(st.sampled_from(WORDS))


@st.composite
def item(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from(["", "", "", "  ", "    ", "\t", " "]))
    bullet = draw(st.sampled_from(["- ", "- ", "* ", "+ ", "1. ", "2) ", "-\t", ""]))
    head = draw(st.sampled_from(["**Paper title**, ", "[**Proj**](https://github.com/o/p) - o ", "", "**T\nwrap**"]))
    parts = draw(st.lists(inline(), max_size=6))
    sep = draw(st.sampled_from([", ", " ", " · ", "\n  ", "\n\n  ", "\n"]))
    return indent + bullet + draw(st.sampled_from(MARKS)) + head + sep.join(parts)


STRUCTURE = ["## Section", "### Sub", "# Title", "", "```", "<!-- c", "-->", "<!-- x -->", "- [toc](#a)", "text"]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(item() | st.sampled_from(STRUCTURE), max_size=14), st.sampled_from(["\n", "\r\n"]))
@example(["## S", "- **T**, `arXiv, 2401.00001`, [arxiv](https://arxiv.org/abs/2401.00001v1)"], "\n")
def test_generated_documents_as_before(lines: list[str], newline: str) -> None:
    assert_same(newline.join(lines))


REAL_LINES = SEED_TEXT.split("\n")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.integers(1, 40), st.integers(0, 25))
def test_mutated_real_lines_as_before(rng: random.Random, size: int, edits: int) -> None:
    start = rng.randrange(len(REAL_LINES))
    chars = list("\n".join(REAL_LINES[start : start + size]))
    specials = ["*", "**", "[", "]", "(", ")", "](", "`", "\\", "- ", "  ", "\t", "\n", "🌟", "!", "<!--", "```"]
    for _ in range(edits):
        pos = rng.randrange(len(chars) + 1)
        op = rng.randrange(3)
        if op == 0 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif op == 1:
            chars.insert(pos, rng.choice(specials))
        else:
            chars.insert(pos, chr(rng.randrange(1, 0x2FFFF)))
    text = "".join(c for c in "".join(chars) if not 0xD800 <= ord(c) <= 0xDFFF)
    assert_same("## S\n" + text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet='[]()!\\<>"` \t\n\u00a0*abc:/.#-_', max_size=40))
@example('[a](<b> "t")')
@example("![a\\]](x(y)z)")
@example('[a [b] \\[c](<u(v)w> "t" )')
def test_link_scanning_as_before(text: str) -> None:
    """The importer's link scanner finds what mdsyntax.INLINE_LINK finds, over link-like noise."""
    assert_same(f"## S\n- {text}\n- [{text}](https://a.example/{text.strip()})\n")
    expected = [(m.start(), m.end(), m["image"], m["text"], m["url"]) for m in INLINE_LINK.finditer(text)]
    assert [(m.start(), m.end(), m["image"], m["text"], m["url"]) for m in _LINK_SCAN.finditer(text)] == expected


# The patterns the importer rewrote for speed, as they were written before.
REWRITTEN = [
    ("_AUTHOR_RUN", r"(?<![*\w\\])\*(?!\*)(?P<a>(?:\\.|[^*\\])+?)\*(?!\*)"),
    ("_DESCRIPTION", r"(?<![*\w])\*(?!\*)(?P<d>.+)\*(?!\*)\s*$"),
]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="*\\ \n\tab_,.·é", max_size=30))
@example("a *b\\* c* d")
@example("**x** *y* *")
def test_rewritten_patterns_find_what_the_old_ones_found(text: str) -> None:
    from lcllm_cli.importers import markdown

    for name, old in REWRITTEN:
        new = getattr(markdown, name)
        before, after = re.search(old, text), new.search(text)
        assert (before and (before.span(), before.groups())) == (after and (after.span(), after.groups())), name


# ------------------------------------------------------------------------------------------- the exporter's layout

SPLICES = [
    "*", "**", "\\", "&amp;", "`", "[", "]", "(", ")", "#", " ", "  ", "\t", " · ", "·", "citation: ", "arxiv",
    "https://arxiv.org/abs/2401.00001", "github.com/", ", ", "v0", "0", ",", "!", " stars: **3**", "paper", "PDF",
    "[**5**](https://x.example)", "ı", "🌟 ", ":fire: ", "- ", "\n", "\n  ", "\n\n", "\n  - ", " - o", "](#a)",
]  # fmt: skip


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False), st.integers(0, 5))
def test_mutated_synthetic_items_as_before(synth_markdown: str, rng: random.Random, edits: int) -> None:
    """Items in the exporter's layout with a few characters or fragments changed: both sides of its fast path."""
    items = synth_markdown.split("\n- ")[1:]
    chunk = [rng.choice(items) for _ in range(rng.randrange(1, 4))]
    chars = list("- " + "\n- ".join(chunk))
    for _ in range(edits):
        pos = rng.randrange(len(chars) + 1)
        if rng.random() < 0.3 and chars:
            del chars[min(pos, len(chars) - 1) : pos + rng.randrange(1, 30)]
        else:
            chars[pos:pos] = rng.choice(SPLICES)
    assert_same("## S\n" + "".join(chars))


FIELD_TEXTS = ["", " ", "Plain words", "A: b", "x*y", "a_b_", "[x](y)", "`c`", "\\", "&amp;", "1,234", "***", "ı"]
ENTRY_URLS = [
    None,
    "https://github.com/o/r",
    "https://GitHub.com/o/r.git",
    "https://example.org/a_(b)",
    "https://arxiv.org/abs/2401.00001",
    "https://x.example/arxiv-notes",
    "ftp://x.example/f",
    "https://github.com/o/r/issues/1",
]


@st.composite
def exported_paper(draw: st.DrawFn) -> object:
    from lcllm_cli.model import Citations, Entry, Link

    texts = st.sampled_from(FIELD_TEXTS) | st.text(max_size=12)
    links = st.lists(
        st.builds(
            Link,
            label=st.sampled_from(["code", "blog", "", "paper", "link", "Url", "a b", "🤗", "**x**"]) | texts,
            url=st.sampled_from([u for u in ENTRY_URLS if u]),
            stars=st.none() | st.integers(0, 5000),
        ),
        max_size=3,
    )
    citations = st.none() | st.builds(
        Citations,
        count=st.integers(-2, 5000),
        source=st.just("Semantic Scholar"),
        url=st.sampled_from(ENTRY_URLS),
    )
    return Entry(
        kind="paper",
        title=draw(st.sampled_from(["Title", "A Title: With Colon"]) | texts),
        highlight=draw(st.booleans()),
        arxiv=draw(st.sampled_from([None, "2401.00001", "2401.0001", "hep-th/9711200", "1412.12345"])),
        version=draw(st.sampled_from([None, 1, 2, 0])),
        venue=draw(st.sampled_from([None, "arXiv", "ICLR 2024", "2402.00002", "NeurIPS 2024, 2401.00001"]) | texts),
        url=draw(st.sampled_from(ENTRY_URLS)),
        authors=draw(st.lists(st.sampled_from(["Ann Lee", "Bo Li", "et al", "...", "A and B"]) | texts, max_size=4)),
        authors_elided=draw(st.booleans()),
        citations=draw(citations),
        links=draw(links),
        notes=draw(st.sampled_from([None, "🔥", ":fire:", "a note"])),
    )


@st.composite
def exported_project(draw: st.DrawFn) -> object:
    from lcllm_cli.model import Entry, Link

    texts = st.sampled_from(FIELD_TEXTS) | st.text(max_size=12)
    links = st.lists(
        st.builds(
            Link,
            label=st.sampled_from(["code", "blog", "", "a b", "**x**"]) | texts,
            url=st.sampled_from([u for u in ENTRY_URLS if u] + ["https://x.example/*a*"]),
            stars=st.none() | st.integers(0, 5000),
        ),
        max_size=3,
    )
    return Entry(
        kind="project",
        title=draw(st.sampled_from(["Tool", "A Tool: With Colon", " spaced "]) | texts),
        highlight=draw(st.booleans()),
        url=draw(st.sampled_from([*ENTRY_URLS, "https://x.example/*a*", "https://x.example/a&b"])),
        owner=draw(st.sampled_from([None, "o", "a-b", "x&y", "a\\b", "two words"]) | texts),
        description=draw(st.sampled_from([None, "Does things.", " spaced ", "a *b* c"]) | texts),
        stars=draw(st.none() | st.integers(0, 5000)),
        links=draw(links),
        notes=draw(st.sampled_from([None, "🔥", ":fire:", "a note"])),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(exported_paper() | exported_project(), min_size=1, max_size=4))
def test_exported_papers_and_projects_as_before(entries: list[object]) -> None:
    """Whatever the Markdown exporter writes for a paper or a project reads back as it did."""
    from lcllm_cli.exporters import markdown as md_export
    from lcllm_cli.model import Library

    assert_same(md_export.render(Library(entries=entries)))  # type: ignore[arg-type]


def test_parse_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    assert gc.isenabled()
    parse("## S\n- [a](https://a.example)\n")
    assert gc.isenabled()
    gc.disable()
    try:
        parse("## S\n- [a](https://a.example)\n")
        assert not gc.isenabled()
    finally:
        gc.enable()
