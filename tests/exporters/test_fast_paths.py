"""The fast paths of the exports and of import give exactly what the general code gave.

Each test compares the code as it is now against a reference: the code as it was before the fast path (copied
here verbatim where the module no longer holds it), or an independent writer (bibtexparser writes the .bib text
lcllm now writes itself). Inputs: every text of the seed list and of a synthetic list (benchmarks/synth.py), plus
hand-picked strings on both sides of each fast path's condition.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser.model import Entry as BibEntry
from bibtexparser.model import Field
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lcllm_cli import keys, latex
from lcllm_cli.cli import app
from lcllm_cli.dedupe import DuplicateIndex, find_groups, merge_entries, merge_groups
from lcllm_cli.exporters import bibtex, markdown
from lcllm_cli.importers import ImportResult
from lcllm_cli.importers import apply as apply_mod
from lcllm_cli.importers.markdown import parse
from lcllm_cli.mdsyntax import collapse_ws
from lcllm_cli.model import Entry, Library, Link
from lcllm_cli.urls import is_web_url
from tests.paths import FIXTURES
from tests.synthetic import synthetic_library

SEED = FIXTURES / "awesome-long-context-llm.md"


def _synth(n: int, seed: int) -> Library:
    return synthetic_library(n, seed)


@pytest.fixture(scope="module")
def seed_lib() -> Library:
    lib = parse(SEED.read_text(encoding="utf-8"), str(SEED)).library
    keys.assign_keys(lib)
    return lib


@pytest.fixture(scope="module")
def synth_lib() -> Library:
    """A synthetic list with entries made of the hand-picked strings below appended."""
    lib = _synth(1200, seed=3)
    # keys.base_key reads the host of an item's URL with urlsplit, which refuses a broken IPv6 host (left alone)
    usable = [u for u in URLS if "[" not in u and "]" not in u]
    for i, text in enumerate(HOSTILE):
        url = usable[i % len(usable)]
        other = usable[(i * 7 + 3) % len(usable)]
        links = [Link(url=other, label=text)]
        lib.entries += [
            Entry(kind="paper", title=text, authors=[text, "Ann de Lee"], venue=text, url=url, links=links),
            Entry(kind="project", title=text, description=text, owner=text or None, url=url, links=links),
            Entry(kind="link", title=text, description=text, url=other),
        ]
    lib.entries += [  # characters --ascii cannot write in a name only; braces in verbatim fields
        Entry(kind="paper", title="Plain title", authors=["Wei Zhang (张伟)", "Ann Lee"]),
        Entry(kind="paper", title="Braces", url="https://x.org/a}b", doi="10.1/x{y"),
        Entry(kind="paper", title="Braces too", url="https://x.org/{a}", doi="10.1/x}y{"),
    ]
    keys.assign_keys(lib)
    return lib


# Strings on both sides of every fast path: specials, math, capitals beyond ASCII, controls, odd white space.
HOSTILE = [
    "",
    " ",
    "plain words only",
    "  hard\n wrapped\ttext  ",
    "LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens",
    "$\\infty$Bench: Extending Long Context Evaluation Beyond 100K Tokens",
    "$O(n^2)$ attention, $5 and $10, $\\input{x}$",
    "a_b *c* [d](e) <f> |g| ~h~ `i` \\j &amp; &#x41; & k",
    "50% off {braces} #hash ^caret",
    "Ⓐbc aⒶ 𝐀𝐁c x𝐀 ǅemal Ωmega ωMEGA",
    "Éléphant Ümlaut naïve Straße Ødegaard œuvre 東京 Tōkyō",
    "ctrl\x00char\x1b[31m red\x7f\x85\x9f",
    "\x0bvertical\x0cfeed\rreturn\x1cfs",
    "(x) GPT-4 vs. GPT-3.5-Turbo: 2D/3D Multi-Agent {RAG}!",
    "'quoted' “curly” — dash … ellipsis × times ≤ ≥",
    "Hello_World __init__ snake_case $a_b$ x_1",
    "unbalanced } brace { here",
    "a\u202eb\u200bc\ufeffd",
    "über-Long Context: (Re)Thinking",
    "AT&amp;T Research",
    "Q&#65;A over long documents",
]


def _texts(lib: Library) -> Iterator[str]:
    for e in lib.entries:
        yield e.title
        yield from e.authors
        for value in (e.venue, e.description, e.owner, e.journal_ref, e.notes):
            if value:
                yield value
        for lk in e.links:
            yield lk.label
    yield from HOSTILE


def _urls(lib: Library) -> Iterator[str]:
    for e in lib.entries:
        if e.url:
            yield e.url
        for lk in e.links:
            yield lk.url
        if e.citations is not None and e.citations.url:
            yield e.citations.url
    yield from URLS


URLS = [
    "https://github.com/jzhang38/EasyContext",
    "http://example.com",
    "https://example.com/a(b)c",
    "https://en.wikipedia.org/wiki/Foo_(bar)",
    "https://x.org/((a)",
    "https://x.org/a)",
    "HTTPS://EXAMPLE.COM/x",
    "Http://example.com/",
    "https://[::1]:8080/x",
    "https://[::1/x",
    "https://]x/",
    "https://",
    "https:///path",
    "https://?q",
    "https://#frag",
    "http://a:b:c/",
    "https://user:pw@host:99/p?q=1#f",
    "https://exa mple.com/",
    "https://example.com/a b",
    'https://example.com/"q"',
    "https://example.com/<x>",
    "https://example.com/`x`",
    "https://example.com/\tx",
    "https://example.com/\x01x",
    "https://example.com/\x7fx",
    "https://bücher.de/x",
    "https://example.com/bücher",
    "https://ｅxample.com/",
    "  https://padded.example.com/  ",
    "\x01https://lead-control.example.com/",
    "ftp://example.com/",
    "javascript:alert(1)",
    "mailto:a@b.c",
    "//example.com/x",
    "example.com",
    "",
]


# ----------------------------------------------------------------------------------------------- references
# The code as it was before the fast paths (commit ecb3660), kept here to compare against.

_OLD_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")


def old_split_math(text: str) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in latex.MATH.finditer(text):
        if not latex._safe_math(m["body"]):
            continue
        if m.start() > pos:
            out.append((False, text[pos : m.start()]))
        out.append((True, m.group()))
        pos = m.end()
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


def old_escape_plain(text: str, ascii: bool, lost: list[str] | None) -> str:
    text = _OLD_SPECIAL_RE.sub(lambda m: latex._SPECIALS[m.group()], text)
    if not ascii or text.isascii():
        return text
    out: list[str] = []
    for c in text:
        if c.isascii():
            out.append(c)
            continue
        rep = latex._ascii_char(c)
        if rep is None:
            if lost is not None:
                lost.append(c)
            rep = "?"
        out.append(rep)
    return "".join(out)


def old_latex_escape(text: str, *, ascii: bool = False, lost: list[str] | None = None) -> str:
    text = latex.CONTROL.sub("", text)
    return "".join(piece if m else old_escape_plain(piece, ascii, lost) for m, piece in old_split_math(text))


def old_protect_title(text: str, *, ascii: bool = False, lost: list[str] | None = None) -> str:
    text = latex.CONTROL.sub("", text)
    out: list[str] = []
    for is_math, piece in old_split_math(text):
        if is_math:
            out.append(piece)
            continue
        pos = 0
        for m in re.finditer(r"\S+", piece):
            out.append(old_escape_plain(piece[pos : m.start()], ascii, lost))
            pos = m.end()
            word = m.group()
            cm = re.match(r"^(?P<pre>[^\w]*)(?P<core>.*?\w)(?P<post>[^\w]*)$", word, re.DOTALL)
            if cm and any(c.isupper() for c in cm["core"][1:]):
                out.append(
                    old_escape_plain(cm["pre"], ascii, lost)
                    + "{"
                    + old_escape_plain(cm["core"], ascii, lost)
                    + "}"
                    + old_escape_plain(cm["post"], ascii, lost)
                )
            else:
                out.append(old_escape_plain(word, ascii, lost))
        out.append(old_escape_plain(piece[pos:], ascii, lost))
    return "".join(out)


def old_bib_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        return name
    if name.startswith("{") and name.endswith("}"):
        return name
    if any(c in m.group() for m in latex.MATH.finditer(name) for c in ", "):
        return "{" + name + "}"
    if "," in name:
        return name
    if " and " in f" {name.lower()} ":
        return "{" + name + "}"
    parts = name.split(" ")
    if len(parts) == 1:
        return name
    suffix = ""
    if parts[-1].lower().rstrip(".") in ("jr", "sr", "ii", "iii", "iv") and len(parts) > 2:
        suffix = parts.pop()
    i = len(parts) - 1
    while i > 1 and parts[i - 1][:1].islower():
        i -= 1
    last = " ".join(parts[i:])
    first = " ".join(parts[:i])
    return f"{last}, {suffix}, {first}" if suffix else f"{last}, {first}"


def old_venue_kind(venue: str | None) -> str | None:
    if not venue or venue.strip().lower() in ("arxiv", "arxiv preprint", "corr"):
        return None
    if bibtex._CONFERENCE.search(venue):
        return "inproceedings"
    if bibtex._JOURNAL.search(venue):
        return "article"
    return None


def old_md_escape(text: str) -> str:
    text = collapse_ws(latex.CONTROL.sub("", text))
    out: list[str] = []
    pos = 0
    for m in markdown._MATH.finditer(text):
        if not markdown._math_ok(m.group()):
            continue
        out.append(markdown._escape_plain(text[pos : m.start()]))
        out.append(m.group())
        pos = m.end()
    out.append(markdown._escape_plain(text[pos:]))
    return "".join(out)


def old_url_for_link(url: str) -> str | None:
    url = url.strip()
    if not is_web_url(url):
        return None
    depth = 0
    for c in url:
        depth += 1 if c == "(" else -1 if c == ")" else 0
        if depth < 0 or depth > 1:
            return url.replace("(", "%28").replace(")", "%29")
    if depth != 0:
        return url.replace("(", "%28").replace(")", "%29")
    return url


def old_balanced(s: str) -> bool:
    depth = 0
    i = 0
    while i < len(s):
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0


def old_valid_key(key: str | None) -> bool:
    return (
        key is not None
        and keys.VALID_KEY.match(key) is not None
        and not any(unicodedata.category(c).startswith("C") for c in key)
    )


def bibtexparser_render(entries: list[Entry], *, ascii: bool = False) -> str:
    """How lcllm wrote the .bib text before: bibtexparser's model and writer."""
    lib = bibtexparser.Library()
    for entry in entries:
        btype, fields = bibtex.entry_fields(entry, ascii=ascii, lost=[])
        lib.add(BibEntry(btype, entry.key or "", [Field(k, v) for k, v in fields]))
    fmt = bibtexparser.BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    return bibtexparser.write_string(lib, unparse_stack=[], bibtex_format=fmt)


# ----------------------------------------------------------------------------------------------- LaTeX


@pytest.mark.parametrize("ascii", [False, True])
def test_protect_title_and_escape_as_before_on_every_text(seed_lib: Library, synth_lib: Library, ascii: bool) -> None:
    texts = [*_texts(seed_lib), *_texts(synth_lib)]
    protected = 0
    for text in texts:
        lost_new: list[str] = []
        lost_old: list[str] = []
        new = latex.protect_title(text, ascii=ascii, lost=lost_new)
        assert new == old_protect_title(text, ascii=ascii, lost=lost_old), text
        assert lost_new == lost_old, text
        protected += "{" in new and "{" not in text
        lost_new, lost_old = [], []
        assert latex.escape(text, ascii=ascii, lost=lost_new) == old_latex_escape(text, ascii=ascii, lost=lost_old)
        assert lost_new == lost_old, text
    assert protected > 100  # the corpus reaches the braces, not only the plain path


def test_capitals_beyond_ascii_decide_protection_as_before() -> None:
    # 'Ⓐ' is upper case but not a word character; '𝐀' is upper case with no lower-case form
    for title in ["aⒶ", "Ⓐa", "x𝐀", "𝐀𝐁", "ǅemal", "naïVe", "é", "Éé", "aⒶb", "(aB)", "...", "a-B"]:
        assert latex.protect_title(title) == old_protect_title(title), title


def test_balanced_as_before(seed_lib: Library, synth_lib: Library) -> None:
    samples = ["a}b", "{", "}", "{}", "}{", "\\}", "\\{x}", "a\\", "{\\}", "x", "", *URLS]
    for text in [*samples, *_texts(seed_lib), *_texts(synth_lib), *_urls(synth_lib)]:
        assert latex._balanced(text) == old_balanced(text), repr(text)


def test_valid_key_as_before() -> None:
    samples = ["ding2024longrope", "DBLP:conf/acl/X24", "a\x00b", "a\x7fb", "a\x1fb", "ké", "a\u200bb", "a\u00adb",
               "a b", "a,b", "", "a\u2028b", "x\ue000", "日本2024", "a\x85b"]  # fmt: skip
    for key in samples:
        assert keys.valid_key(key) == old_valid_key(key), repr(key)
    assert keys.valid_key(None) is False


# ----------------------------------------------------------------------------------------------- BibTeX


@pytest.mark.parametrize("ascii", [False, True])
def test_bibtex_export_as_before_the_fast_paths(
    monkeypatch: pytest.MonkeyPatch, seed_lib: Library, synth_lib: Library, ascii: bool
) -> None:
    entries = [*seed_lib.entries, *synth_lib.entries]
    for e in entries[len(seed_lib.entries) :]:
        e.key = "s" + (e.key or "")  # the two lists' keys must not clash
    try:
        fast = bibtex.render(entries, ascii=ascii)
        with monkeypatch.context() as m:
            m.setattr(latex, "protect_title", old_protect_title)
            m.setattr(latex, "escape", old_latex_escape)
            m.setattr(bibtex, "bib_name", old_bib_name)
            m.setattr(bibtex, "venue_kind", old_venue_kind)
            m.setattr(
                bibtex,
                "_author",
                lambda name, ascii, lost: old_bib_name(old_latex_escape(name, ascii=ascii, lost=lost)),
            )
            slow = bibtexparser_render(entries, ascii=ascii)
            slow_lost = bibtex.render(entries, ascii=ascii).lost
    finally:
        for e in entries[len(seed_lib.entries) :]:
            e.key = (e.key or "")[1:]
    assert fast.text == slow
    assert fast.lost == slow_lost
    assert "{" in fast.text and "@inproceedings{" in fast.text and "@misc{" in fast.text


def test_bibtex_render_refuses_a_repeated_key_as_bibtexparser_did() -> None:
    a = Entry(kind="paper", title="One", key="same")
    b = Entry(kind="paper", title="Two", key="same")
    with pytest.raises(ValueError):
        bibtexparser_render([a, b])
    with pytest.raises(ValueError, match="same"):
        bibtex.render([a, b])


# ----------------------------------------------------------------------------------------------- Markdown


def test_markdown_escape_as_before_on_every_text(seed_lib: Library, synth_lib: Library) -> None:
    fast = slow = 0
    for text in [*_texts(seed_lib), *_texts(synth_lib)]:
        assert markdown.escape(text) == old_md_escape(text), repr(text)
        if markdown._ESCAPE_NEEDED.search(text) is None:
            fast += 1
        else:
            slow += 1
    assert fast > 1000 and slow > 50  # both paths are exercised


def test_url_for_link_as_before_on_every_url(seed_lib: Library, synth_lib: Library) -> None:
    for url in [*_urls(seed_lib), *_urls(synth_lib)]:
        assert markdown.url_for_link(url) == old_url_for_link(url), repr(url)
    for url in URLS:  # and the hand-picked ones with surrounding white space
        assert markdown.url_for_link(f" {url}\n") == old_url_for_link(f" {url}\n"), repr(url)


@pytest.mark.parametrize("which", ["seed", "synth"])
def test_markdown_export_as_before_the_fast_paths(
    monkeypatch: pytest.MonkeyPatch, seed_lib: Library, synth_lib: Library, which: str
) -> None:
    lib = seed_lib if which == "seed" else synth_lib
    fast = markdown.render(lib)
    with monkeypatch.context() as m:
        m.setattr(markdown, "escape", old_md_escape)
        m.setattr(markdown, "url_for_link", old_url_for_link)
        slow = markdown.render(lib)
    assert fast == slow
    assert "](https://" in fast and ("\\*" in fast or which == "seed")  # links and escapes were written


# ----------------------------------------------------------------------------------------------- import


def old_import_into(target: Library, result: ImportResult, *, dedupe: bool) -> apply_mod.ImportReport:
    """import_into as it was: keys worked out by find_groups, again by explain, titles read again for words."""
    entries = result.library.entries
    lines = result.lines if len(result.lines) == len(entries) else list(range(1, len(entries) + 1))
    groups = find_groups(result.library)
    repeats: list[apply_mod.Repeat] = []
    for group in groups:
        first = lines[group.indexes[0]]
        why = "; ".join(group.reasons)
        repeats.extend(apply_mod.Repeat(lines[i], first, why, merged=dedupe) for i in group.indexes[1:])
    repeats.sort(key=lambda r: r.line)
    if dedupe and groups:
        dropped = {i for g in groups for i in g.indexes[1:]}
        kept_lines = [ln for i, ln in enumerate(lines) if i not in dropped]
        merge_groups(result.library, groups)
        result.lines = kept_lines
    report = apply_mod.ImportReport(problems=list(result.problems), repeats=repeats)
    src = result.library
    if not target.entries and not target.sections:
        if target.title in ("", "Awesome list"):
            target.title = src.title
        target.intro = target.intro or src.intro
    for sec in src.sections:
        target.ensure_section(sec.name, sec.level)
    index = DuplicateIndex(target.entries)
    index.count_words(src.entries)
    lines = result.lines if len(result.lines) == len(src.entries) else [0] * len(src.entries)
    new: list[Entry] = []
    for entry, line in zip(src.entries, lines, strict=True):
        found = index.explain(entry)
        if found is not None:
            j, reason = found
            if dedupe:
                target.entries[j] = merge_entries([target.entries[j], entry])
            report.already_present.append(
                apply_mod.Present(line, entry, target.entries[j], j + 1, reason, merged=dedupe)
            )
            continue
        new.append(entry)
    target.add_entries(new)
    report.added = new
    skipped = {p.line for p in report.already_present if not p.merged}
    report.repeats = [r for r in report.repeats if r.merged or r.line not in skipped]
    return report


def _summary(target: Library, report: apply_mod.ImportReport) -> object:
    from lcllm_cli.store import dumps

    return (
        dumps(target),
        [(p.line, p.position, p.reason, p.merged, p.existing.ident) for p in report.already_present],
        [(r.line, r.first_line, r.what, r.merged) for r in report.repeats],
        report.counts(),
    )


@pytest.mark.parametrize("dedupe", [False, True])
@pytest.mark.parametrize("into", ["empty", "overlapping"])
def test_import_with_keys_worked_out_once_as_before(dedupe: bool, into: str) -> None:
    synth = _synth(900, seed=11)
    md = markdown.render(synth)
    existing = _synth(300, seed=11) if into == "overlapping" else Library()

    def target() -> Library:
        lib = Library(title=existing.title, intro=existing.intro, sections=list(existing.sections))
        lib.entries = [merge_entries([e]) for e in existing.entries]  # fresh copies: import may merge into them
        return lib

    new_target, old_target = target(), target()
    new = apply_mod.import_into(new_target, parse(md), dedupe=dedupe)
    old = old_import_into(old_target, parse(md), dedupe=dedupe)
    assert _summary(new_target, new) == _summary(old_target, old)
    assert old.repeats  # the list has planted repeats: the merge and report paths are exercised
    assert (len(old.already_present) > 100) == (into == "overlapping")


def test_import_cli_repeats_as_before(tmp_path: Path) -> None:
    synth = _synth(400, seed=5)
    src = tmp_path / "list.md"
    src.write_text(markdown.render(synth), encoding="utf-8")
    expected = old_import_into(Library(), parse(src.read_text(encoding="utf-8")), dedupe=True)
    res = CliRunner().invoke(app, ["--file", str(tmp_path / "e.toml"), "import", "--dedupe", "--json", str(src)])
    assert res.exit_code == 0, res.output
    got = json.loads(res.stdout)
    assert got["repeats"] == len(expected.repeats) > 0
    assert [(r["line"], r["first_line"], r["reason"]) for r in got["repeated_items"]] == [
        (r.line, r.first_line, r.what) for r in expected.repeats
    ]
    assert got["papers"] + got["projects"] + got["links"] == len(expected.added)


def test_import_dedupe_looks_up_a_merged_item_by_what_the_merge_gave_it() -> None:
    # Two items of the file are one paper (same arXiv id); only the second gives its page, and the list already holds
    # that page as a link. Merged, the item has the page: it is the link already there (keys of the merged entry,
    # not of the first item alone).
    md = (
        "# L\n\n## Papers\n\n"
        "- **Alpha Beta Gamma Delta**, `arXiv, 2401.00001` [arxiv](https://arxiv.org/abs/2401.00001v2)\n"
        "- **Alpha Beta Gamma Delta**, `arXiv, 2401.00001` [arxiv](https://arxiv.org/abs/2401.00001v1)\n"
    )
    result = parse(md)
    result.library.entries[1].url = "https://example.org/alpha"
    results = [result, parse(md)]
    results[1].library.entries[1].url = "https://example.org/alpha"

    def target() -> Library:
        return Library(entries=[Entry(kind="link", title="Alpha page", url="https://example.org/alpha")])

    new_target, old_target = target(), target()
    new = apply_mod.import_into(new_target, results[0], dedupe=True)
    old = old_import_into(old_target, results[1], dedupe=True)
    assert _summary(new_target, new) == _summary(old_target, old)
    assert [p.reason for p in new.already_present] == ["same URL example.org/alpha"]
    assert new.added == []


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("aZbY 1-:{}$\\\t\n\u00e9\u00c9\u03a9\u2013.,_'")), max_size=40),
    st.booleans(),
)
def test_property_protect_title_as_before_on_any_text(text: str, ascii: bool) -> None:
    lost_new: list[str] = []
    lost_old: list[str] = []
    assert latex.protect_title(text, ascii=ascii, lost=lost_new) == old_protect_title(text, ascii=ascii, lost=lost_old)
    assert lost_new == lost_old


def old_ascii_fold(text: str) -> str:
    """keys.ascii_fold before its ASCII fast path."""
    text = "".join(keys._FOLD.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", text.lower().encode("ascii", "ignore").decode())


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=30) | st.text(alphabet=st.sampled_from(list("aZ09 -_.ıłŁßæ\u00e9\u0301K\u212a")), max_size=20))
def test_property_ascii_fold_as_before(text: str) -> None:
    assert keys.ascii_fold(text) == old_ascii_fold(text)


def test_ascii_fold_as_before_on_every_name_and_title(seed_lib: Library, synth_lib: Library) -> None:
    for lib in (seed_lib, synth_lib):
        for e in lib.entries:
            for text in [*e.authors, *e.title.split(), e.owner or ""]:
                assert keys.ascii_fold(text) == old_ascii_fold(text)
