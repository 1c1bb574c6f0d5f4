"""`lcllm export --csl-json`: CSL types and variables per kind, names, dates, citation keys (the BibTeX export's),
and pandoc --citeproc reading the shipped list's export with no warning (when pandoc is installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.exporters.csl import csl_item, csl_name, join_name, render
from lcllm_cli.model import Citations, Entry, Link
from tests.paths import ROOT

SHIPPED = ROOT / "entries.toml"
runner = CliRunner()


def longrope(**changes: object) -> Entry:
    e = Entry(
        kind="paper",
        title="LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens",
        arxiv="2402.13753",
        version=1,
        authors=["Yiran Ding", "Li Lyna Zhang", "Michiel de Jong"],
        published="2024-02-21",
        primary_category="cs.CL",
        venue="arXiv",
        key="ding2024longrope",
    )
    for name, value in changes.items():
        setattr(e, name, value)
    return e


def test_an_arxiv_preprint_is_an_article_with_its_number_archive_and_url() -> None:
    item = csl_item(longrope(doi="10.1000/xyz"))
    assert item["id"] == "ding2024longrope"
    assert item["type"] == "article"
    assert item["number"] == "arXiv:2402.13753" and item["archive"] == "arXiv"
    assert item["URL"] == "https://arxiv.org/abs/2402.13753v1"
    assert item["DOI"] == "10.1000/xyz"
    assert item["issued"] == {"date-parts": [[2024, 2, 21]]}
    assert item["author"] == [
        {"family": "Ding", "given": "Yiran"},
        {"family": "Zhang", "given": "Li Lyna"},
        {"family": "de Jong", "given": "Michiel"},
    ]
    assert "container-title" not in item and "DOI" not in csl_item(longrope())


@pytest.mark.parametrize(
    ("venue", "journal_ref", "ctype", "container"),
    [
        ("ICLR 2024", None, "paper-conference", "ICLR 2024"),
        ("Journal of Machine Learning Research", None, "article-journal", "Journal of Machine Learning Research"),
        ("arXiv", "Advances in Neural Information Processing Systems 36", "paper-conference",
         "Advances in Neural Information Processing Systems 36"),
        ("OpenAI blog", None, "article", "OpenAI blog"),
    ],
)  # fmt: skip
def test_a_known_venue_gives_the_type_and_container(
    venue: str, journal_ref: str | None, ctype: str, container: str
) -> None:
    item = csl_item(longrope(venue=venue, journal_ref=journal_ref))
    assert item["type"] == ctype
    assert item["container-title"] == container


def test_projects_are_software_and_links_webpages() -> None:
    project = Entry(
        kind="project",
        title="LLMLingua",
        url="https://github.com/microsoft/LLMLingua",
        owner="microsoft",
        description="Compress the prompt.",
        stars=4000,
        key="microsoftllmlingua",
    )
    item = csl_item(project)
    assert item["type"] == "software" and item["author"] == [{"literal": "microsoft"}]
    assert item["URL"] == project.url and item["abstract"] == "Compress the prompt."
    assert item["custom"] == {"lcllm": {"section": "Papers", "stars": 4000}}  # no CSL variable for either
    link = csl_item(Entry(kind="link", title="Extending Context is Hard", url="https://kaiokendev.github.io/context",
                          key="kaiokendev", year=2023))  # fmt: skip
    assert link["type"] == "webpage" and link["issued"] == {"date-parts": [[2023]]}
    assert "author" not in link


def test_names_split_as_bibtex_does_else_literal() -> None:
    assert csl_name("Martin Luther King Jr.") == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}
    assert csl_name("Michiel de Jong") == {"family": "de Jong", "given": "Michiel"}
    assert csl_name("Y. Wang") == {"family": "Wang", "given": "Y."}
    for odd in ("Strivin0311", "Zhang, Li", "{Org Name}", "$\\alpha$ Beta", "Two  Spaces", " Lead"):
        assert csl_name(odd) == {"literal": odd}
    for name in ("Martin Luther King Jr.", "Michiel de Jong", "Mikołaj Pacek", "Zhang, Li"):
        assert join_name(csl_name(name)) == name


def test_dates_from_published_year_or_the_arxiv_id() -> None:
    assert csl_item(longrope(published="2024-02"))["issued"] == {"date-parts": [[2024, 2]]}
    assert csl_item(longrope(published="2024-02-21T12:00:00Z"))["issued"] == {"date-parts": [[2024, 2, 21]]}
    assert csl_item(longrope(published=None))["issued"] == {"date-parts": [[2024]]}  # from the id 2402.x
    assert csl_item(longrope(published="2024-13-40"))["issued"] == {"date-parts": [[2024]]}


def test_an_elided_author_list_gives_its_head_and_keeps_the_rest_in_custom() -> None:
    e = longrope(authors=["A B", "C D", "Y Z"], authors_elided=True, authors_head=2)
    item = csl_item(e)
    assert [join_name(n) for n in item["author"]] == ["A B", "C D"]
    assert item["custom"]["lcllm"]["authors"] == ["A B", "C D", "Y Z"]


def test_what_csl_cannot_hold_goes_to_custom_and_nothing_else() -> None:
    e = longrope(
        section="Survey",
        highlight=True,
        labels=["🔥"],
        links=[Link("code", "https://github.com/o/r", stars=5)],
        citations=Citations(12, "Semantic Scholar", None, "2024-03-01"),
        notes="a *note*",
    )
    extra = csl_item(e)["custom"]["lcllm"]
    assert extra == {
        "section": "Survey",
        "highlight": True,
        "labels": ["🔥"],
        "primary_category": "cs.CL",
        "links": [{"label": "code", "url": "https://github.com/o/r", "stars": 5}],
        "citations": {"count": 12, "source": "Semantic Scholar", "date": "2024-03-01"},
        "notes": "a *note*",
    }


def test_math_in_a_title_is_kept_from_title_casing() -> None:
    item = csl_item(longrope(title="$\\infty$Bench: Long"))
    assert item["title"] == '<span class="nocase">$\\infty$</span>Bench: Long'
    assert "title" not in item.get("custom", {}).get("lcllm", {})  # the importer reads the markup away


def test_render_is_a_json_array_and_refuses_a_repeated_key() -> None:
    text = render([longrope(), longrope(arxiv="2402.13718", key="other")]).text
    assert [i["id"] for i in json.loads(text)] == ["ding2024longrope", "other"]
    with pytest.raises(ValueError, match="ding2024longrope"):
        render([longrope(), longrope(arxiv="2402.13718")])


def _export(path: Path, *args: str) -> str:
    result = runner.invoke(app, ["--file", str(path), "export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_ids_are_the_citation_keys_of_the_bibtex_export(tmp_path: Path) -> None:
    lib = store.load(SHIPPED)
    for e in lib.entries:
        e.key = None  # an older list without stored keys: both exports make the same ones
    path = tmp_path / "entries.toml"
    path.write_text(store.dumps(lib), encoding="utf-8")
    ids = [i["id"] for i in json.loads(_export(path, "--csl-json"))]
    bib_keys = re.findall(r"^@\w+\{([^,]+),$", _export(path, "--bibtex"), re.MULTILINE)
    assert ids == bib_keys and len(ids) == len(lib.entries) == len(set(ids))
    assert ids[0] == "zhao2023length"


def test_cli_writes_a_file_and_takes_kind(tmp_path: Path) -> None:
    out = tmp_path / "refs.json"
    result = runner.invoke(app, ["--file", str(SHIPPED), "export", "--csl-json", "-o", str(out), "--kind", "project"])
    assert result.exit_code == 0, result.output
    items = json.loads(out.read_text(encoding="utf-8"))
    assert {i["type"] for i in items} == {"software"} and len(items) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--csl-json", "--bibtex"], "give one of --markdown, --bibtex, --csl-json and --html"),
        (["--csl-json", "--in-place", "README.md"], "--in-place works with --markdown only"),
        (["--csl-json", "--ascii"], "--ascii applies to --bibtex only"),
    ],
)
def test_cli_refuses_options_that_do_not_go_together(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["--file", str(SHIPPED), "export", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc not installed")
def test_pandoc_citeproc_renders_every_entry_of_the_shipped_list_with_no_warning(tmp_path: Path) -> None:
    text = _export(SHIPPED, "--csl-json")
    (tmp_path / "refs.json").write_text(text, encoding="utf-8")
    ids = [i["id"] for i in json.loads(text)]
    body = "".join(f"Entry [@{key}].\n\n" for key in ids)  # every entry cited by its key
    (tmp_path / "doc.md").write_text(body + "# References\n", encoding="utf-8")
    proc = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", "refs.json", "doc.md", "-t", "html", "--wrap=none"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no "[WARNING] Citeproc: citation ... not found" or any other warning
    for key in ids:
        assert f'id="ref-{key}"' in proc.stdout, key  # one bibliography entry per item
    assert "LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens" in proc.stdout
    assert '<span class="nocase">$\\infty$</span>Bench' in proc.stdout  # the math kept from title casing
    assert "https://arxiv.org/abs/2402.13753v1" in proc.stdout


def test_hostile_text_stays_data_and_reads_back_exactly() -> None:
    from lcllm_cli.importers.csl import parse
    from lcllm_cli.urls import is_web_url
    from tests.exporters.test_hostile_text import CONTROL, hostile_library

    lib = hostile_library()
    text = render(lib.entries).text
    assert not CONTROL.search(text)  # C0 escaped by JSON, C1 by the exporter
    items = json.loads(text)
    assert [i["id"] for i in items] == [e.key for e in lib.entries]  # one item per entry, nothing injected
    for item in items:
        assert not CONTROL.search(item["title"] + json.dumps(item.get("author", []), ensure_ascii=False))
        assert "URL" not in item or is_web_url(item["URL"])  # only http(s) addresses as the item's URL
    back = parse(text)
    assert back.problems == []
    assert back.library.entries == lib.entries


def test_a_published_version_is_the_items_venue_and_reads_back_exactly() -> None:
    """Issue 18 in CSL-JSON: the published version found by enrich gives the type, container, year, volume, pages
    and DOI; the preprint's number stays; the item reads back to the same entry."""
    from lcllm_cli.importers.csl import parse
    from lcllm_cli.model import Publication

    conf = longrope(
        venue="ICLR 2024",
        publication=Publication("ICLR 2024", "Semantic Scholar", type="conference", year=2024, pages="1-12"),
    )
    journal = longrope(
        key="ding2024journal",
        arxiv="2402.13754",
        publication=Publication(
            "TMLR", "doi.org", type="journal", year=2025, doi="10.5555/tmlr.7", volume="3", pages="1-20"
        ),
    )
    items = json.loads(render([conf, journal]).text)
    assert (items[0]["type"], items[0]["container-title"], items[0]["issued"], items[0]["page"]) == (
        "paper-conference",
        "ICLR 2024",
        {"date-parts": [[2024]]},
        "1-12",
    )
    assert items[0]["number"] == "arXiv:2402.13753"  # the preprint can still be found
    assert (items[1]["type"], items[1]["container-title"], items[1]["volume"], items[1]["DOI"]) == (
        "article-journal",
        "TMLR",
        "3",
        "10.5555/tmlr.7",
    )
    back = parse(render([conf, journal]).text)
    assert back.problems == [] and back.library.entries == [conf, journal]
