"""`lcllm import refs.json`: CSL-JSON as Zotero and pandoc write it, an export reading back to the very same entries
(the shipped list, synthetic lists, arbitrary entries), and broken input reported, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lcllm_cli import keys, store
from lcllm_cli.cli import app
from lcllm_cli.exporters.csl import render
from lcllm_cli.importers import detect_format
from lcllm_cli.importers.csl import parse
from lcllm_cli.model import Citations, Entry, Library, Link, entry_to_dict
from tests.paths import FIXTURES, ROOT
from tests.synthetic import synthetic_library

SHIPPED = ROOT / "entries.toml"
ZOTERO = FIXTURES / "zotero-csl.json"
runner = CliRunner()


def _round_trip(entries: list[Entry]) -> list[Entry]:
    result = parse(render(entries).text, "refs.json")
    assert result.problems == []
    return result.library.entries


def test_the_shipped_list_exports_and_imports_back_to_the_same_entries() -> None:
    lib = store.load(SHIPPED)
    assert not keys.assign_keys(lib)  # every entry of the shipped list has its key
    back = _round_trip(lib.entries)
    assert back == lib.entries
    # and the standard variables carry the bibliography: only lcllm's own fields are in custom
    for item in json.loads(render(lib.entries).text):
        assert set(item.get("custom", {}).get("lcllm", {})) <= {"section", "links", "citations", "description"}


@pytest.mark.parametrize("seed", [1, 2])
def test_synthetic_lists_export_and_import_back_to_the_same_entries(seed: int) -> None:
    lib = synthetic_library(300, seed)
    keys.assign_keys(lib)
    assert _round_trip(lib.entries) == lib.entries


def test_export_import_export_is_a_fixed_point() -> None:
    lib = store.load(SHIPPED)
    text = render(lib.entries).text
    assert render(parse(text).library.entries).text == text


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=25)
_URL = st.builds(lambda s: "https://example.org/" + s.replace(" ", "%20"), st.text("abc/?#%", max_size=8))
_ENTRY = st.builds(
    Entry,
    kind=st.sampled_from(["paper", "project", "link"]),
    title=_TEXT.filter(lambda s: s.strip() != ""),
    section=st.sampled_from(["Papers", "Projects", "Links", "Other"]),
    key=st.none() | st.from_regex(r"[a-z][a-z0-9:_-]{0,12}", fullmatch=True),
    highlight=st.booleans(),
    arxiv=st.none() | st.sampled_from(["2402.13753", "hep-th/9711200"]),
    url=_URL,
    authors=st.lists(_TEXT, max_size=5),
    authors_elided=st.booleans(),
    published=st.none() | st.sampled_from(["2024-02", "2024-02-21", "2023-12-01T10:00:00Z", "x"]),
    year=st.none() | st.integers(1900, 2100),
    venue=st.none() | st.sampled_from(["arXiv", "ICLR 2024", "Journal of X", "Blog", "corr"]),
    journal_ref=st.none() | _TEXT,
    doi=st.none() | st.sampled_from(["10.1000/a_b", "10.48550/arXiv.2402.13753"]),
    owner=st.none() | _TEXT,
    description=st.none() | _TEXT,
    citations=st.none() | st.builds(Citations, st.integers(0, 10**6), _TEXT, st.none() | _URL),
    links=st.lists(st.builds(Link, _TEXT, _URL, st.none() | st.integers(0, 99)), max_size=2),
    notes=st.none() | _TEXT,
    fields=st.dictionaries(_TEXT, _TEXT, max_size=2),
    stars=st.none() | st.integers(0, 10**6),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ENTRY, max_size=5))
def test_any_entries_export_and_import_back_equal(entries: list[Entry]) -> None:
    entries = [e for e in entries if not (e.kind == "paper" and e.arxiv is None and e.version is not None)]
    lib = Library(entries=entries)
    keys.assign_keys(lib)
    assert _round_trip(lib.entries) == lib.entries


def test_a_zotero_export_imports() -> None:
    result = parse(ZOTERO.read_text(encoding="utf-8"), str(ZOTERO))
    assert [(p.line, p.message) for p in result.problems] == [
        (63, "this item has neither a title nor a URL; it was not imported"),
        (68, "not a CSL item (a JSON object); it was not imported"),
    ]
    got = [entry_to_dict(e) for e in result.library.entries]
    assert got[0] == {
        "kind": "paper",
        "title": "A Toy Study of Forgetting in Long Prompts",  # Zotero's <i> markup is not text
        "section": "Papers",
        "arxiv": "2405.01234",
        "authors": ["Ada Example", "Pim de Vries", "Bo Sample Jr."],
        "published": "2024-05-02",  # date-parts given as strings, as Zotero does
        "venue": "arXiv",
        "doi": "10.48550/arXiv.2405.01234",
        "fields": {"abstract": "We study how a toy model forgets the middle of a long prompt."},
    }  # no key: Zotero's item URI is no citation key; the note only repeated the arXiv id
    assert got[1] == {
        "kind": "paper",
        "title": "Windows That Slide",
        "section": "Papers",
        "authors": ["Grace Lovelace", "The Example Consortium"],
        "published": "2023-07",
        "venue": "Proceedings of the Example Conference on Long Inputs",
        "doi": "10.5555/example.2023.17",
    }
    assert got[2]["key"] == "hopper2022memory" and got[2]["published"] == "2022-11-15"  # citation-key; a raw date
    assert got[2]["venue"] == "Journal of Imaginary Memory Research"
    assert got[3] == {
        "kind": "project",
        "title": "slidewin",
        "section": "Projects",
        "url": "https://github.com/example-org/slidewin",
        "year": 2023,
        "owner": "example-org",
        "description": "A reference implementation of sliding windows.",
    }
    assert got[4] == {
        "kind": "link",
        "title": "Why long context is hard",
        "section": "Links",
        "url": "https://blog.example.org/long-context-is-hard",
    }
    assert result.lines == [2, 21, 36, 47, 56]


def test_pandoc_style_items_with_a_bare_arxiv_number() -> None:
    text = json.dumps(
        [
            {"id": "a1", "type": "article", "title": "T", "number": "2402.13753v2", "archive": "arXiv"},
            {"id": "a2", "type": "article", "title": "U", "URL": "https://arxiv.org/abs/2310.01889v4"},
            {"id": "a3", "type": "report", "title": "V", "number": "2402.13753"},  # a report number, no arXiv
        ]
    )
    e1, e2, e3 = parse(text).library.entries
    assert (e1.arxiv, e1.version, e1.key) == ("2402.13753", 2, "a1")
    assert (e2.arxiv, e2.version) == ("2310.01889", 4)
    assert e3.arxiv is None


def test_the_cli_imports_a_zotero_file_and_the_export_of_a_list(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    result = runner.invoke(app, ["--file", str(path), "import", str(ZOTERO)])
    assert result.exit_code == 0, result.output
    assert "imported 5 entries" in result.output and "line 68: not a CSL item" in result.output
    lib = store.load(path)
    assert [e.key for e in lib.entries][2] == "hopper2022memory"
    assert all(e.key for e in lib.entries)  # the others got keys lcllm makes
    # a list's CSL export, imported into a new list, is that list's entries
    out = tmp_path / "refs.json"
    assert runner.invoke(app, ["--file", str(SHIPPED), "export", "--csl-json", "-o", str(out)]).exit_code == 0
    copy = tmp_path / "copy.toml"
    result = runner.invoke(app, ["--file", str(copy), "import", str(out)])
    assert result.exit_code == 0, result.output
    assert store.load(copy).entries == store.load(SHIPPED).entries


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"title": "a",}]', "is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ('[{"title": "a"}\n{"title": "b"}]', "is not valid JSON: Expecting ',' delimiter at line 2, column 1"),
        ('[{"title": "a"}] x', "is not valid JSON: Extra data at line 1, column 18"),
        ("", "is not valid JSON: Expecting value at line 1, column 1"),
        ('{"a": 1}', "is JSON but not CSL-JSON (an array of items)"),
        ("[" * 100_000, "nests JSON too deeply to be a CSL-JSON file"),
    ],
)
def test_bad_json_is_one_clear_error_line_and_nothing_is_written(tmp_path: Path, text: str, message: str) -> None:
    src = tmp_path / "refs.json"
    src.write_text(text, encoding="utf-8")
    path = tmp_path / "entries.toml"
    result = runner.invoke(app, ["--file", str(path), "import", str(src)])
    assert result.exit_code == 2, result.output
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.output
    assert "Traceback" not in result.output
    assert not path.exists()


def test_wrong_custom_fields_are_reported_and_left_out() -> None:
    item = {
        "id": "k",
        "type": "article",
        "title": "T",
        "custom": {"lcllm": {"section": "Survey", "stars": "many", "nonsense": 1, "links": [{"label": 1}]}},
    }
    result = parse(json.dumps([item]))
    assert [p.message for p in result.problems] == [
        "custom.lcllm.stars is not int | None: 'many'; left out",
        "custom.lcllm has an unknown field 'nonsense'; it was left out",
        "custom.lcllm.links is not list[Link]: [{'label': 1}]; left out",
    ]
    (entry,) = result.library.entries
    assert entry.section == "Survey" and entry.stars is None and entry.links == []


def test_a_custom_link_with_null_stars_is_left_out_like_any_link_of_the_wrong_shape() -> None:
    links = [{"label": "code", "url": "https://github.com/a/b", "stars": None}]
    item = {"id": "k", "type": "article", "title": "T", "custom": {"lcllm": {"links": links}}}
    result = parse(json.dumps([item]))
    (problem,) = result.problems
    assert problem.message.startswith("custom.lcllm.links is not list[Link]: [{'label': 'code'")
    assert problem.message.endswith("; left out")
    assert result.library.entries[0].links == []


def test_an_item_that_would_be_invalid_is_reported_and_the_rest_imported() -> None:
    items = [
        {"id": "bad", "type": "article", "title": "T", "custom": {"lcllm": {"kind": "book"}}},
        {"id": "good", "type": "article", "title": "U"},
    ]
    result = parse(json.dumps(items, indent=1))
    assert [(p.line, p.message) for p in result.problems] == [
        (2, "this item would be an invalid entry (unknown kind 'book' (expected one of: paper, project, link)); "
            "it was not imported"),
    ]  # fmt: skip
    assert [e.key for e in result.library.entries] == ["good"]


def test_the_format_is_found_by_suffix_or_content(tmp_path: Path) -> None:
    assert detect_format(Path("refs.json"), "") == "csl"
    assert detect_format(Path("-"), '  [\n {"id": "x"}]') == "csl"
    assert detect_format(Path("-"), "[]") == "csl"
    assert detect_format(Path("-"), "[Awesome](https://x.org)\n- [a](https://a.org)") == "markdown"
    assert detect_format(Path("-"), "@misc{a, title={T}}") == "bibtex"
    src = tmp_path / "refs.txt"
    src.write_text('[{"id": "x1", "type": "webpage", "title": "W", "URL": "https://w.org/"}]', encoding="utf-8")
    path = tmp_path / "entries.toml"
    result = runner.invoke(app, ["--file", str(path), "import", "--format", "csl-json", str(src)])
    assert result.exit_code == 0, result.output
    assert store.load(path).entries[0].kind == "link"


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_pandocs_csl_json_of_the_bibtex_export_imports_to_the_same_entries(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    assert runner.invoke(app, ["--file", str(SHIPPED), "export", "--bibtex", "-o", str(bib)]).exit_code == 0
    proc = subprocess.run(
        ["pandoc", str(bib), "-f", "bibtex", "-t", "csljson"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    result = parse(proc.stdout, "pandoc.json")
    assert result.problems == []
    want = store.load(SHIPPED).entries
    carried = ("kind", "key", "authors", "arxiv", "version", "url", "owner")
    assert [[getattr(e, f) for f in carried] for e in result.library.entries] == [
        [getattr(e, f) for f in carried] for e in want
    ]
    # pandoc sentence-cases English titles and makes ' typographic; math aside, the words are the same
    for got, e in zip(result.library.entries, want, strict=True):
        if "$" not in e.title:
            assert got.title.lower() == e.title.lower().replace("'", "\u2019"), e.key
