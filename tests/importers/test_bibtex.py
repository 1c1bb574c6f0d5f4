"""`lcllm import FILE.bib`: arXiv ids in every form BibTeX files carry them, other entries kept with their fields,
broken entries reported with their line numbers, and an exported .bib reading back to the same entries."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from lcllm_cli import keys, store
from lcllm_cli.cli import app
from lcllm_cli.exporters.bibtex import render
from lcllm_cli.importers.bibtex import parse
from lcllm_cli.importers.markdown import parse as parse_markdown
from lcllm_cli.model import Entry
from tests.paths import FIXTURES, ROOT

SEED = FIXTURES / "awesome-long-context-llm.md"
runner = CliRunner()

ARXIV_FORMS = r"""
@misc{a, title = {By eprint}, author = {Ding, Yiran}, eprint = {2402.13753}, archivePrefix = {arXiv}}
@article{b, title = {By URL}, journal = {Some Journal}, url = {https://arxiv.org/abs/2310.01889v3}}
@misc{c, title = {By DOI}, doi = {10.48550/arXiv.2309.00071}}
@article{d, title = {By journal}, journal = {arXiv preprint arXiv:2307.03172}, year = {2023}}
@misc{e, title = {Old style}, eprint = {hep-th/9711200}, archiveprefix = {arXiv}}
@online{f, title = {biblatex style}, eprint = {2401.01325}, eprinttype = {arxiv}, eprintclass = {cs.CL}}
@misc{g, title = {Versioned eprint}, eprint = {2306.15595v2}}
@misc{h, title = {Note}, note = {arXiv:2105.13120}}
"""


def test_arxiv_ids_in_every_form() -> None:
    result = parse(ARXIV_FORMS, "x.bib")
    assert result.problems == []
    got = [(e.key, e.kind, e.arxiv, e.version) for e in result.library.entries]
    assert got == [
        ("a", "paper", "2402.13753", None),
        ("b", "paper", "2310.01889", 3),
        ("c", "paper", "2309.00071", None),
        ("d", "paper", "2307.03172", None),
        ("e", "paper", "hep-th/9711200", None),
        ("f", "paper", "2401.01325", None),
        ("g", "paper", "2306.15595", 2),
        ("h", "paper", "2105.13120", None),
    ]
    by_key = {e.key: e for e in result.library.entries}
    assert by_key["d"].venue == "arXiv"  # "arXiv preprint arXiv:..." is no published venue
    assert by_key["b"].venue == "Some Journal"
    assert by_key["f"].primary_category == "cs.CL"
    assert by_key["a"].authors == ["Yiran Ding"]


OTHERS = r"""
@inproceedings{vaswani2017attention,
  title = {Attention is All you Need},
  author = {Vaswani, Ashish and Shazeer, Noam and others},
  booktitle = {Advances in Neural Information Processing Systems},
  pages = {5998--6008},
  publisher = {Curran Associates},
  year = {2017},
  month = dec,
}
@book{knuth, title = {The {\TeX}book}, author = {Knuth, Donald E.}, year = 1984, publisher = {Addison-Wesley}}
@misc{blog, title = {A {Blog} Post \& More}, url = {https://example.org/post_1}}
@misc{repo, author = {{FranxYao}}, title = {{Long-Context-Data-Engineering}},
  howpublished = {\url{https://github.com/FranxYao/Long-Context-Data-Engineering}}, note = {GitHub repository},
  abstract = {Data engineering 100\% for 128K}}
@article{accents, title = {{\"U}ber Na{\"\i}ve {\AE}sthetics}, author = {Mi{\l}o{\'s}, Piotr and M\"{u}ller, Jos\'e},
  journal = {J. Stuff}, year = {2020}}
"""


def test_other_entries_are_kept_with_their_fields() -> None:
    result = parse(OTHERS, "x.bib")
    assert result.problems == []
    e = {x.key: x for x in result.library.entries}
    v = e["vaswani2017attention"]
    assert (v.kind, v.arxiv, v.title, v.venue) == (
        "paper",
        None,
        "Attention is All you Need",
        "Advances in Neural Information Processing Systems",
    )
    assert v.authors == ["Ashish Vaswani", "Noam Shazeer"] and v.authors_elided
    assert v.fields == {"pages": "5998--6008", "publisher": "Curran Associates"}
    assert v.published == "2017-12" and v.year_value == 2017
    assert e["knuth"].kind == "paper" and e["knuth"].fields == {"publisher": "Addison-Wesley"}
    assert e["knuth"].authors == ["Donald E. Knuth"] and e["knuth"].year == 1984
    blog = e["blog"]
    assert (blog.kind, blog.title, blog.url) == ("link", "A Blog Post & More", "https://example.org/post_1")
    repo = e["repo"]
    assert (repo.kind, repo.title, repo.owner, repo.url) == (
        "project",
        "Long-Context-Data-Engineering",
        "FranxYao",
        "https://github.com/FranxYao/Long-Context-Data-Engineering",
    )
    assert repo.description == "Data engineering 100% for 128K"
    acc = e["accents"]
    assert acc.title == "Über Naïve Æsthetics" and acc.authors == ["Piotr Miłoś", "José Müller"]
    # what an import keeps is written back on export
    text = render([v]).text
    assert "pages = {5998--6008}" in text and "publisher = {Curran Associates}" in text
    assert text.startswith("@inproceedings{vaswani2017attention,")


BROKEN = """@misc{ok1, title = {First}, url = {https://example.org/1}}

@misc{broken, title = {never closed, url = {https://example.org/2}

@misc{ok2, title = {Second}, eprint = {2402.13753}}
@misc{ok1, title = {Same key again}}
"""


def test_broken_entries_are_reported_with_line_numbers_and_the_rest_imported() -> None:
    result = parse(BROKEN, "b.bib")
    assert [e.key for e in result.library.entries] == ["ok1", "ok2"]
    assert [p.line for p in result.problems] == [3, 6]
    assert "could not parse" in result.problems[0].message and "broken" in result.problems[0].text
    assert "second entry with the key 'ok1'" in result.problems[1].message
    assert result.lines == [1, 5]


def test_cli_import_of_a_bib(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(BROKEN, encoding="utf-8")
    entries = tmp_path / "entries.toml"
    result = runner.invoke(app, ["--file", str(entries), "import", str(bib)])
    assert result.exit_code == 0, result.output
    assert "line 3: could not parse" in result.output and "line 6:" in result.output
    lib = store.load(entries)
    assert [(e.kind, e.key) for e in lib.entries] == [("link", "ok1"), ("paper", "ok2")]


def _seed_with_keys() -> list[Entry]:
    lib = parse_markdown(SEED.read_text(encoding="utf-8")).library
    keys.assign_keys(lib)
    return lib.entries


CARRIED = ("kind", "key", "title", "authors", "authors_elided", "arxiv", "version", "url", "owner", "description")


@pytest.mark.parametrize("ascii", [False, True])
def test_exported_bib_imports_back_to_the_same_entries(ascii: bool) -> None:
    entries = _seed_with_keys()
    text = render(entries, ascii=ascii).text
    back = parse(text, "refs.bib")
    assert back.problems == []
    assert len(back.library.entries) == len(entries)
    for a, b in zip(entries, back.library.entries, strict=True):
        if ascii and any(c in a.title for c in "一万"):
            continue  # the two Chinese titles cannot be written in ASCII (reported on export)
        want = [getattr(a, f) for f in CARRIED]
        if ascii:  # typographic punctuation becomes its ASCII LaTeX form, which reads back as ASCII
            want = [w.replace("\u2019", "'") if isinstance(w, str) else w for w in want]
        assert [getattr(b, f) for f in CARRIED] == want, a.key
        assert b.year_value == a.year_value and b.venue == a.venue
    if not ascii:
        assert render(back.library.entries).text == text  # export -> import -> export is a fixed point


def test_round_trip_of_a_rich_paper() -> None:
    e = Entry(
        kind="paper",
        title="$\\infty$Bench & {Friends}: 100% of E^2-LLM_x ~ \\ #1",
        arxiv="2402.13718",
        version=3,
        authors=["Xinrong Zhang", "Michiel de Jong", "Martin Luther King Jr."],
        authors_elided=True,
        published="2024-02-21",
        primary_category="cs.CL",
        doi="10.1000/a_b",
        venue="ICLR 2024",
        key="zhang2024bench",
        fields={"pages": "1--10", "publisher": "PMLR"},
    )
    back = parse(render([e]).text).library.entries[0]
    for f in ("title", "authors_elided", "arxiv", "version", "primary_category", "doi", "venue", "key"):
        assert getattr(back, f) == getattr(e, f), f
    assert back.authors == e.authors[:2]  # elided: the head, then "and others" (the tail is not written, issue 13)
    assert back.fields == e.fields and back.published == "2024-02"


_PIECES = [*"ab Z09*_[]()<>|`~$\\&;#!:.,-'\"{}^%@=", "$\\infty$", "$x_1$", "é", "ł", "and", "others", "\\'e", "--"]
_TEXT = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=25).map(lambda p: " ".join("".join(p).split()))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(title=_TEXT.filter(bool), author=_TEXT, desc=_TEXT.filter(bool), ascii=st.booleans())
def test_any_text_survives_export_and_import(title: str, author: str, desc: str, ascii: bool) -> None:
    author = " ".join(author.replace(",", " ").split())
    assume(author and author.lower() != "others")
    entries = [
        Entry(kind="paper", title=title, arxiv="2402.13753", authors=[author, "B C"], key="k1"),
        Entry(kind="project", title=title, url="https://github.com/o/p", owner="o", description=desc, key="k2"),
        Entry(kind="link", title=title, url="https://example.org/", key="k3"),
    ]
    text = render(entries, ascii=ascii).text
    result = parse(text)
    assert result.problems == []
    back = result.library.entries
    assert [e.title for e in back] == [title] * 3
    assert back[0].authors == [author, "B C"]
    assert back[1].description == desc


# ------------------------------------------------------------------- input written by other tools (issue 7 gaps)
OTHER_KEYS = r"""@inproceedings{DBLP:conf/acl/X24, title = {Dblp Style}, author = {A B}, year = 2024}
@misc{arXiv:2402.13753, title = {Arxiv Style}}
@misc{Müller+Ødegaard_2020/v2.x!, title = {Punctuation And Letters}}
@misc{o'brien2020, title = {An Apostrophe}, author = {Pat O'Brien}, year = 2020}
@misc{x%y, title = {A Percent}}
@misc{a(b), title = {Parentheses}}
"""


def test_keys_other_tools_write_are_kept_and_exported_unchanged() -> None:
    result = parse(OTHER_KEYS)
    assert result.problems == []
    lib = result.library
    kept = ["DBLP:conf/acl/X24", "arXiv:2402.13753", "Müller+Ødegaard_2020/v2.x!"]
    assert [e.key for e in lib.entries] == [*kept, None, None, None]  # ' % ( ) are refused by BibTeX or biber
    assigned = keys.assign_keys(lib)
    assert [i for i, _ in assigned] == [3, 4, 5]  # only the refused ones get a key, and one lcllm makes
    assert [k for _, k in assigned] == ["obrien2020apostrophe", "percent", "parentheses"]
    text = render(lib.entries).text
    for key in kept:
        assert f"{{{key},\n" in text
    import bibtexparser

    back = bibtexparser.parse_string(text)
    assert back.failed_blocks == []
    assert [b.key for b in back.entries] == [e.key for e in lib.entries]
    again = parse(text)
    assert [e.key for e in again.library.entries] == [e.key for e in lib.entries]
    assert keys.assign_keys(again.library) == []  # a second export never changes a key


def test_valid_key_is_what_bibtex_and_biber_accept() -> None:
    for good in ["ding2024longrope", "DBLP:conf/acl/X24", "a.b-c_d+e/f:g!?<>[]|@*&$^`;", "Müller2020", "2402.13753"]:
        assert keys.valid_key(good), good
    bad = ["", "a b", "a\tb", "a,b", "a{b", "a}b", "a(b", "a)b", 'a"b', "a#b", "a%b", "a'b", "a~b", "a=b", "a\\b"]
    bad += ["ab\n", "a\u202eb", "a\x00b", "a\u00a0b", "a\u200bb"]  # a trailing newline, invisible controls
    for key in bad:
        assert not keys.valid_key(key), repr(key)
    lib = store.Library(title="T")
    lib.entries = [
        Entry(kind="paper", title="Dblp", key="DBLP:conf/acl/X24"),
        Entry(kind="paper", title="LongRoPE Extending", authors=["Yiran Ding"], year=2024, key="ding 2024"),
    ]
    assert keys.missing_keys(lib, [0]) is False
    assert keys.assign_keys(lib) == [(1, "ding2024longrope")]
    assert lib.entries[0].key == "DBLP:conf/acl/X24"


MACROS = r"""@string{acl = "Proc. of ACL"}
@String{ACLV1 = ACL # ", Vol 1"}
@inproceedings{k1, title = "Macro" # { Test}, author = {A B}, booktitle = aclv1, year = 2024, month = feb}
@inproceedings{k2, title = {Plain}, booktitle = acl # " " # 2024 # {, Short Papers}, month = {feb}, year = {2024}}
@article{k3, title = {Undefined}, journal = tacl, year = 2023, month = dec}
@string{acl = {Redefined ACL}}
@inproceedings{k4, title = {Later}, booktitle = acl, note = {acl # "x" stays text}}
"""


def test_string_macros_concatenation_and_redefinition() -> None:
    result = parse(MACROS)
    assert result.problems == []
    e = {x.key: x for x in result.library.entries}
    assert (e["k1"].title, e["k1"].venue, e["k1"].published) == ("Macro Test", "Proc. of ACL, Vol 1", "2024-02")
    assert (e["k2"].venue, e["k2"].published) == ("Proc. of ACL 2024, Short Papers", "2024-02")
    assert (e["k3"].venue, e["k3"].published) == ("tacl", "2023-12")  # an undefined macro stays as its name
    assert e["k4"].venue == "Redefined ACL"  # a later @string wins for what follows it, as in BibTeX
    assert e["k4"].fields == {"note": 'acl # "x" stays text'}
    assert result.lines == [3, 4, 5, 7]


MISSING_COMMAS = """@article{ok, title={Fine}}
@article{a2, title = "Second" author={B}, year=2020}
@article{a3,
  title = {Third}
  author = {C},
  year = {2021},
}
@article{a4, title = {Fourth}, year = 2020 month = jan}
@article{a5, title = author = {E}, year = 2020}
@misc{equals, title = {a = b}, note = "x = y", url = {https://x.org/?a=1&b=2}, howpublished = "Eq " # {= sign}}
@article{last, title = {Last}}
"""


def test_a_missing_comma_is_reported_with_its_line_and_the_rest_imported() -> None:
    result = parse(MISSING_COMMAS)
    assert [e.key for e in result.library.entries] == ["ok", "equals", "last"]
    assert result.lines == [1, 10, 11]
    assert [(p.line, p.message) for p in result.problems] == [
        (2, "the 'title' value runs on into 'author =' (a missing ','?); this entry was not imported"),
        (4, "the 'title' value runs on into 'author =' (a missing ','?); this entry was not imported"),
        (8, "the 'year' value runs on into 'month =' (a missing ','?); this entry was not imported"),
        (9, "the 'title' value runs on into 'author =' (a missing ','?); this entry was not imported"),
    ]
    assert result.problems[1].text.startswith("@article{a3, title = {Third} author")
    equals = result.library.entries[1]
    assert (equals.title, equals.url, equals.fields) == ("a = b", "https://x.org/?a=1&b=2", {"note": "x = y"})


def test_an_at_string_running_on_into_another_definition_is_reported_not_a_crash() -> None:
    # found by tests/importers/test_bibtex_fuzz.py: the missing-comma error of a value escaped from an @string
    text = "@string{\n  year={2017}\n      title={Ring Attention},\n}\n@misc{k, title={T}, year=year}\n"
    result = parse(text)
    assert [(p.line, p.message) for p in result.problems] == [
        (3, "the @string 'year' runs on into 'title =' (one definition per @string); it was not defined")
    ]
    assert [(e.key, e.title, e.year) for e in result.library.entries] == [("k", "T", None)]


def test_a_title_less_key_less_entry_is_reported_and_key_less_ones_imported() -> None:
    text = (
        "@misc{good, title={Fine}}\n\n@misc{,\n  author = {Someone}\n}\n"
        "@misc{, title = {Keyless One}}\n@misc{, title = {Keyless Two}}\n@misc{, url = {https://example.org/x}}\n"
    )
    result = parse(text)
    assert [(p.line, p.message) for p in result.problems] == [
        (3, "this entry has neither a title nor a citation key (nor a URL); it was not imported")
    ]
    got = [(e.key, e.kind, e.title) for e in result.library.entries]
    assert got == [
        ("good", "paper", "Fine"),
        (None, "paper", "Keyless One"),  # a key is made on export; two key-less entries do not clash
        (None, "paper", "Keyless Two"),
        (None, "link", "https://example.org/x"),
    ]
    assert result.lines == [1, 6, 7, 8]


def test_other_tools_bib_through_the_installed_executable(tmp_path: Path) -> None:
    import os
    import subprocess

    source = tmp_path / "refs.bib"
    source.write_text(
        '@string{acl = "Proc. of ACL"}\n'
        "@inproceedings{DBLP:conf/acl/X24, title = {Dblp}, author = {A B}, booktitle = acl # {, Vol 1}, year = 2024}\n"
        "@misc{,\n  author = {Someone}\n}\n"
        '@article{a2, title = "Second" author={B}, year=2020}\n',
        encoding="utf-8",
    )
    path = tmp_path / "entries.toml"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    exe = ROOT / ".venv" / "bin" / "lcllm"
    run = subprocess.run(
        [str(exe), "--file", str(path), "import", str(source)], capture_output=True, text=True, env=env, timeout=60
    )
    out = run.stdout + run.stderr
    assert run.returncode == 0, out
    assert "Traceback" not in out
    assert "line 3: this entry has neither a title nor a citation key" in out
    assert "line 6: the 'title' value runs on into 'author ='" in out
    (entry,) = store.load(path).entries
    assert (entry.key, entry.venue) == ("DBLP:conf/acl/X24", "Proc. of ACL, Vol 1")
    exported = subprocess.run(
        [str(exe), "--file", str(path), "export", "--bibtex"], capture_output=True, text=True, env=env, timeout=60
    )
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout.startswith("@inproceedings{DBLP:conf/acl/X24,\n")
    assert "citation key" not in exported.stderr  # no key was made: the stored one is kept
