"""The awesome-list Markdown importer: the seed, and tricky items from lists of the same family."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.ids import try_parse_arxiv_id
from lcllm_cli.importers import markdown
from lcllm_cli.importers.markdown import parse
from tests.paths import FIXTURES

SEED_TEXT = (FIXTURES / "awesome-long-context-llm.md").read_text(encoding="utf-8")


def test_seed_gives_one_entry_per_item() -> None:
    result = parse(SEED_TEXT)
    kinds = Counter(e.kind for e in result.library.entries)
    assert kinds == {"paper": 47, "project": 4, "link": 10}
    assert result.library.title == "Awesom long-context llm"
    assert result.library.section_names() == ["Survey", "Papers", "Projects", "Other", "Extra reference"]
    assert result.problems == []
    # one line number per entry, pointing at the item's bullet
    lines = SEED_TEXT.split("\n")
    assert all(lines[n - 1].startswith("- ") for n in result.lines)


def test_seed_every_web_url_is_kept() -> None:
    lib = parse(SEED_TEXT).library
    kept = {u for e in lib.entries for u in e.all_urls()}
    versions = {(e.arxiv, e.version) for e in lib.entries if e.arxiv}
    urls = re.findall(r"\]\((https?://[^)\s]+)\)", SEED_TEXT)
    assert len(urls) > 150
    for url in urls:
        if "img.shields.io" in url:
            continue  # star badges are derived from the repository URL
        aid = try_parse_arxiv_id(url)
        if aid is not None and re.match(r"https?://arxiv\.org/(abs|pdf)/", url):
            # arXiv abs/pdf links are derived from the stored id and version
            assert (aid.id, aid.version) in versions, url
        else:
            assert url in kept, url


def test_seed_paper_fields() -> None:
    lib = parse(SEED_TEXT).library
    by_title = {e.title: e for e in lib.entries}
    survey = by_title["Length Extrapolation of Transformers: A Survey from the Perspective of Position Encoding"]
    assert (survey.section, survey.arxiv, survey.version, survey.venue) == ("Survey", "2312.17044", 2, "arXiv")
    assert survey.authors == ["Liang Zhao", "Xiaocheng Feng", "Xiachong Feng", "Bing Qin", "Ting Liu"]
    assert survey.citations is None  # -1 / None means unknown: nothing stored
    assert [(ln.label, ln.url) for ln in survey.links] == [
        ("jiqizhixin", "https://www.jiqizhixin.com/articles/2024-01-15-16")
    ]
    lost = by_title["Lost in the Middle: How Language Models Use Long Contexts"]
    assert lost.citations is not None and lost.citations.count == 64
    assert lost.citations.source == "Google Scholar"
    assert lost.citations.url and lost.citations.url.startswith("https://scholar.google.com/scholar?cites=9077")
    infty = by_title["$\\infty$Bench: Extending Long Context Evaluation Beyond 100K Tokens"]
    assert infty.arxiv == "2402.13718"
    data_eng = by_title["Data Engineering for Scaling Language Models to 128K Context"]
    # a repository with its star badge reads as one code link
    assert [ln.url for ln in data_eng.links] == [
        "https://github.com/franxyao/long-context-data-engineering?tab=readme-ov-file"
    ]
    focused = by_title["Focused Transformer: Contrastive Training for Context Scaling"]
    assert focused.authors[-1] == "Piotr Miłoś"


def test_seed_projects_and_links() -> None:
    lib = parse(SEED_TEXT).library
    projects = [e for e in lib.entries if e.kind == "project"]
    assert [(p.title, p.owner, p.section) for p in projects] == [
        ("Long-Context-Data-Engineering", "FranxYao", "Papers"),
        ("LLMLingua", "microsoft", "Projects"),
        ("long-context", "abacusai", "Projects"),
        ("long_llama", "cstankonrad", "Projects"),
    ]
    assert projects[1].description and projects[1].description.startswith("To speed up LLMs' inference")
    links = {e.title: e for e in lib.entries if e.kind == "link"}
    assert "Anthropic \\ Long context prompting for Claude 2.1" in links  # `\\` in Markdown is one backslash
    assert links["LLaMA rope_scaling"].url.endswith("#transformers.LlamaConfig.rope_scaling")


TRICKY = """\
# My list

Some intro text.

- [My list](#my-list)
  - [Papers](#papers)

## Papers

- 🌟 **A Highlighted Paper With a Title That
  Wraps**, `NeurIPS, 2024`, [arxiv](https://arxiv.org/abs/2401.00001v3), [pdf](https://arxiv.org/pdf/2401.00001v3.pdf)

   *Alice A, Bob B, ..., Zed Z* · ([🤗](https://huggingface.co/m/x)) · ([𝕏](https://x.com/a/status/1))
- **Second paper**, `arXiv, 2401.00002`, [arxiv](http://arxiv.org/abs/2401.00002v1), cication: [**12**](https://scholar.google.com/scholar?cites=1)

   *Carol C et al.*
  - [code](https://github.com/c/second)
  - [:clapper: video](https://youtube.com/watch?v=1)
- [**Tool**](https://github.com/o/tool) - o ![Star](https://img.shields.io/github/stars/o/tool.svg?style=social&label=Star)

   *A tool with a * in it.*
- [A \\[bracketed\\] *post*](https://example.org/p?a=1&b=2) - a short description
- 🤗 [A model page](https://huggingface.co/x/y)
- just some words without any link
- see https://example.com/bare for details
- **Topic heading**
  - **Nested paper**, `arXiv, hep-th/9711200`, [arxiv](http://arxiv.org/abs/hep-th/9711200v2)

    *D D*

```
- [not an item](https://example.org/code)
```

### Sub section
1. [Numbered item](https://example.org/n)
"""


def test_tricky_items() -> None:
    result = parse(TRICKY)
    lib = result.library
    assert lib.title == "My list"
    assert lib.intro == "Some intro text."
    assert [(s.name, s.level) for s in lib.sections] == [("Papers", 2), ("Sub section", 3)]
    e = {x.title: x for x in lib.entries}
    first = e["A Highlighted Paper With a Title That Wraps"]
    assert first.highlight and first.arxiv == "2401.00001" and first.version == 3
    assert first.venue == "NeurIPS, 2024" and first.year == 2024
    assert first.authors == ["Alice A", "Bob B", "Zed Z"] and first.authors_elided
    assert [(ln.label, ln.url) for ln in first.links] == [
        ("🤗", "https://huggingface.co/m/x"),
        ("𝕏", "https://x.com/a/status/1"),
    ]
    second = e["Second paper"]
    assert second.citations is not None and second.citations.count == 12
    assert second.authors == ["Carol C"] and second.authors_elided
    assert [(ln.label, ln.url) for ln in second.links] == [
        ("code", "https://github.com/c/second"),
        (":clapper: video", "https://youtube.com/watch?v=1"),
    ]
    tool = e["Tool"]
    assert (tool.kind, tool.owner, tool.description) == ("project", "o", "A tool with a * in it.")
    post = e["A [bracketed] *post*"]
    assert post.kind == "link" and post.url == "https://example.org/p?a=1&b=2"
    assert post.description == "a short description"
    model = e["A model page"]  # the 🤗 before it is a label, not part of the title
    assert model.url == "https://huggingface.co/x/y" and model.labels_before == ["🤗"]
    nested = e["Nested paper"]
    assert nested.arxiv == "hep-th/9711200" and nested.version == 2 and nested.authors == ["D D"]
    assert e["Numbered item"].section == "Sub section"
    assert "not an item" not in e
    # items that fit no shape are kept with their raw text and reported with their line
    raw = {x.title: x for x in lib.entries if x.raw is not None}
    assert set(raw) == {"just some words without any link", "see https://example.com/bare for details", "Topic heading"}
    assert raw["see https://example.com/bare for details"].url == "https://example.com/bare"
    reported = {p.line for p in result.problems}
    lines = TRICKY.split("\n")
    for title in raw:
        n = next(i + 1 for i, ln in enumerate(lines) if title.split()[0] in ln and ln.startswith("- "))
        assert n in reported


def test_markers_limit_the_import_to_the_generated_part() -> None:
    text = (
        "# Readme\n\n- [outside](https://a.example)\n\n<!-- lcllm:start -->\n"
        "## Papers\n- [inside](https://b.example)\n<!-- lcllm:end -->\n"
    )
    lib = parse(text).library
    assert [x.title for x in lib.entries] == ["inside"]


@pytest.mark.parametrize("text", ["", "\n\n", "just a paragraph\n", "# Title only\n", "```\ncode\n```\n"])
def test_a_file_that_is_not_a_list_imports_nothing_without_crashing(text: str) -> None:
    assert parse(text).library.entries == []


def test_cli_import_into_empty_file_then_again_adds_no_known_id(tmp_path: Path, seed_path: Path) -> None:
    path = tmp_path / "entries.toml"
    runner = CliRunner()
    first = runner.invoke(app, ["--file", str(path), "import", str(seed_path)])
    assert first.exit_code == 0, first.output
    assert "47 papers, 4 projects, 10 links" in first.output
    assert "repeats line" in first.output  # the seed lists two papers twice
    lib = store.load(path)
    assert len(lib.entries) == 61
    second = runner.invoke(app, ["--file", str(path), "import", str(seed_path), "--json"])
    assert second.exit_code == 0, second.output
    again = store.load(path)
    assert sum(1 for e in again.entries if e.kind == "paper") == 47  # no paper whose arXiv id was there
    assert {e.arxiv for e in again.entries if e.arxiv} == {e.arxiv for e in lib.entries if e.arxiv}


def test_cli_import_refuses_binary_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    binary = tmp_path / "x.md"
    binary.write_bytes(b"\x00\x01\x02garbage")
    runner = CliRunner()
    r1 = runner.invoke(app, ["--file", str(path), "import", str(binary)])
    assert r1.exit_code == 2 and "binary" in r1.output
    r2 = runner.invoke(app, ["--file", str(path), "import", str(tmp_path / "nope.md")])
    assert r2.exit_code == 2 and "no such file" in r2.output
    assert not path.exists()


def test_starting_a_list_from_a_file_without_items_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    prose = tmp_path / "prose.md"
    prose.write_text("Just prose, no list.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--file", str(path), "import", str(prose)])
    assert result.exit_code == 2
    assert result.output.startswith(f"error: no list items found in {prose}: nothing was imported")
    assert not path.exists()


def test_import_report_shows_control_characters_as_escapes(tmp_path: Path) -> None:
    source = tmp_path / "in.md"
    source.write_text("- [A \x1b[2J x](https://e.org/1)\n- [A \x1b[2J x](https://e.org/1)\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--file", str(tmp_path / "entries.toml"), "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "repeats line 1" in result.output


def test_what_the_list_cannot_keep_is_reported_not_dropped_silently() -> None:
    """Issue 22: an image item and mailto:/relative extra links used to vanish at import without a word."""
    text = (
        "# L\n\n## Papers\n\n- ![banner](https://example.org/banner.png)\n"
        "- **A Paper**, `arXiv, 2402.13753`, [arxiv](https://arxiv.org/abs/2402.13753)\n\n"
        "  *A B* · [mail](mailto:a@b.org) · [rel](docs/notes.md)\n"
    )
    result = parse(text)
    assert [e.title for e in result.library.entries] == ["A Paper"]
    messages = {p.line: p.message for p in result.problems}
    assert messages[5] == "an image, not a list item; it was not imported"
    assert messages[6] == "links that are not http(s) URLs were not imported: mailto:a@b.org, docs/notes.md"


def test_dry_run_json_reports_what_was_read_per_line(tmp_path: Path) -> None:
    source = tmp_path / "list.md"
    source.write_text(
        "# L\n\n## Papers\n\n- **A paper**, `arXiv, 2401.00001`\n\n## Code\n\n"
        "- [**tool**](https://github.com/o/tool) - o\n\n[A link line](https://example.org/x)\n",
        encoding="utf-8",
    )
    path = tmp_path / "entries.toml"
    res = CliRunner().invoke(app, ["--file", str(path), "import", str(source), "--dry-run", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [(i["line"], i["kind"], i["title"], i["section"]) for i in data["items"]] == [
        (5, "paper", "A paper", "Papers"),
        (9, "project", "tool", "Code"),
        (11, "link", "A link line", "Code"),
    ]
    assert [p["line"] for p in data["problem_items"]] == [11]
    assert not path.exists()


@pytest.mark.parametrize("text", ["", "\n", "a", "a\nb", "abc\ndef\n", "abcdefgh\n\n\nx", "\n\n\n", "abcdefghijkl"])
def test_the_lines_of_a_text_split_a_chunk_at_a_time_are_its_lines(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(markdown, "_LINES_CHUNK", 3)  # chunks shorter than the lines, cut at every other newline
    assert list(markdown._lines(text)) == text.split("\n")
