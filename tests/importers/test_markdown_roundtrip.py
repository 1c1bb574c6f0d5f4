"""Generated lists that mix every form of issue 13 survive lcllm (Hypothesis, fixed seed).

Each list is built from the forms real awesome lists use: a section tree with repeated names under different
parents and skipped levels, papers with elided author lists, labels and nested notes, projects in every GitHub URL
form with or without a badge, Hugging Face models with the 🤗 label, links with labels before and after, nested
``· ([label](url))`` lines and link lines that are not bullets. Two identities must hold:

* import -> export -> import gives the same entries (and the same sections) as the first import;
* export -> import -> export gives the same bytes.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from lcllm_cli.exporters.markdown import render
from lcllm_cli.importers.markdown import parse

WORDS = st.sampled_from(
    ["Long", "Context", "Attention", "Memory", "Sparse", "Retrieval", "RoPE", "Scaling", "KV", "Cache", "Agents"]
)
TITLE = st.lists(WORDS, min_size=1, max_size=5).map(" ".join)
NAME = st.tuples(st.sampled_from(["Ann", "Bo", "Chen", "Dee", "Eli"]), st.sampled_from(["Li", "Kim", "Ng", "Ova"])).map(
    " ".join
)
SLUG = st.sampled_from(["alpha", "beta", "gamma", "delta", "omega"])
LABEL = st.sampled_from(["🔥", "🤗", "𝕏", ":clapper:", ":fire:", "🎉"])
REPO_FORM = st.sampled_from(["", "/tree/main/src", "/blob/main/README.md", "#readme", "?tab=readme-ov-file", ".git"])
counter = iter(range(10**9))


def _arxiv() -> str:
    n = next(counter)
    return f"24{n % 12 + 1:02d}.{10000 + n % 89999:05d}"


@st.composite
def paper(draw: st.DrawFn) -> list[str]:
    before = draw(st.lists(LABEL, max_size=1))
    star = draw(st.booleans())
    aid = _arxiv()
    head = " ".join([*(["🌟"] if star else []), *before, f"**{draw(TITLE)}**"])
    lines = [f"- {head}, `arXiv, {aid}`, [arxiv](https://arxiv.org/abs/{aid}), [pdf](https://arxiv.org/pdf/{aid})"]
    names = draw(st.lists(NAME, min_size=1, max_size=6, unique=True))
    if len(names) >= 4 and draw(st.booleans()):
        cut = draw(st.integers(1, len(names) - 2))
        names = [*names[:cut], "...", *names[cut:]]
    second = [f"*{', '.join(names)}*"]
    if draw(st.booleans()):
        slug = draw(SLUG)
        badge = f" ![Star](https://img.shields.io/github/stars/lab/{slug}.svg?style=social&label=Star)"
        second.append(f"([{slug}](https://github.com/lab/{slug}) - lab){badge if draw(st.booleans()) else ''}")
    lines += ["", "  " + " · ".join(second)]
    for note in draw(
        st.lists(
            st.sampled_from(["A summary of it.", "https://example.com/bare", "Uses `code`."]), max_size=2, unique=True
        )
    ):
        lines.append(f"  - {note}")
    return lines


@st.composite
def project(draw: st.DrawFn) -> list[str]:
    slug = draw(SLUG) + str(next(counter))
    if draw(st.booleans()):  # a Hugging Face model, with its label
        return [f"- [**{slug}**](https://huggingface.co/org/{slug}) - org 🤗"]
    url = f"https://github.com/org/{slug}{draw(REPO_FORM)}"
    labels = "".join(" " + x for x in draw(st.lists(LABEL, max_size=1)))
    badge = f" ![Star](https://img.shields.io/github/stars/org/{slug}.svg?style=social&label=Star)"
    line = f"- [**{slug}**]({url}) - org{labels}{badge if draw(st.booleans()) else ''}"
    lines = [line]
    if draw(st.booleans()):
        lines += ["", f"  *{draw(TITLE)} for long inputs.*"]
    return lines


@st.composite
def link(draw: st.DrawFn) -> list[str]:
    n = next(counter)
    before = "".join(x + " " for x in draw(st.lists(LABEL, max_size=1)))
    after = "".join(" " + x for x in draw(st.lists(LABEL, max_size=1)))
    url = f"https://blog.example.com/post-{n}"
    bullet = draw(st.booleans())
    text = f"[{draw(TITLE)}]({url}){after}"
    lines = [f"- {before}{text}" if bullet else text]
    if draw(st.booleans()):
        lines += ["", f"\t · ([{draw(SLUG)}](https://example.org/more-{n}))"]
    return lines


ITEM = st.one_of(paper(), project(), link())


@st.composite
def document(draw: st.DrawFn) -> str:
    out = ["# A generated list", ""]
    tops = draw(st.lists(st.sampled_from(["English", "Chinese", "Papers", "Tools"]), min_size=1, max_size=3))
    for top in tops:
        out += [f"## {top}", ""]
        for sub in draw(st.lists(st.sampled_from(["Foundation", "Benchmarks", "Other"]), max_size=2)):
            out += [f"### {sub}", ""]
            for item in draw(st.lists(ITEM, min_size=1, max_size=4)):
                out += [*item, ""] if not item[0].startswith("- ") else item
            out.append("")
        for item in draw(st.lists(ITEM, max_size=2)):
            out += [*item, ""] if not item[0].startswith("- ") else item
        out.append("")
    return "\n".join(out) + "\n"


def _shape(text: str) -> tuple[list[tuple[str, str, int]], list[object]]:
    lib = parse(text).library
    paths = lib.section_paths()
    return [(paths[s.name], s.text, s.level) for s in lib.sections], lib.entries


@seed(13)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document())
def test_import_export_import_is_the_identity_and_export_is_stable(source: str) -> None:
    first = parse(source).library
    out = render(first)
    sections, entries = _shape(out)
    want_sections, want_entries = _shape(source)
    assert sections == want_sections
    assert entries == want_entries
    assert render(parse(out).library) == out


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_the_generator_makes_every_form() -> None:
    """The strategy is not vacuous: a sample of its documents holds each form the property is about."""
    docs = [document().example() for _ in range(40)]
    text = "\n".join(docs)
    for form in ("...", "🤗", "/tree/main/src", "\t · ([", "\n[", "![Star]", "  - ", "### Foundation", "🌟"):
        assert form in text, form
