"""Bad input of every kind: one clear line, the right exit code, no traceback, nothing lost.

* ids and URLs that are not arXiv papers (``add``): a usage error naming them, nothing sent;
* files that cannot be imported: empty, binary, not a list, a directory, a .bib with broken entries (imported as far
  as possible, the rest reported with line numbers);
* a corrupt or hand-mangled ``entries.toml``, for every command: refused with the file (and line) named, never
  rewritten;
* an unwritable location and a full disk (simulated), for the commands that write: the old file stays.
"""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from lcllm_cli import store
from lcllm_cli.cli import app
from lcllm_cli.model import Entry, Library
from tests.arxiv_stub import ArxivStub
from tests.paths import FIXTURES

SEED = FIXTURES / "awesome-long-context-llm.md"


def invoke(path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--file", str(path), *args])


def error_lines(output: str) -> list[str]:
    assert "Traceback" not in output, output
    return [line for line in output.splitlines() if line.startswith("error: ")]


@pytest.fixture
def stub(arxiv: ArxivStub) -> ArxivStub:
    return arxiv


def small_list(path: Path) -> bytes:
    lib = Library(title="Small")
    lib.add_entries(
        [
            Entry(kind="paper", title="LongRoPE", arxiv="2402.13753", version=2, authors=["Yiran Ding"]),
            Entry(kind="project", title="tool", section="Projects", url="https://github.com/owner/tool"),
        ]
    )
    store.save(lib, path)
    return path.read_bytes()


# --------------------------------------------------------------------------------------------- add: not arXiv


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert('2402.13753')",
        "2402.1375",
        "2402.137534",
        "2413.13753",
        "arXiv:",
        "https://arxiv.org/abs/",
        "2402.13753\x00",
        "2402.13753\n2402.00001",
        "２４０２.１３７５３",  # full-width digits
        "hep-th/97112",
        "x" * 5000,
    ],
)
def test_add_refuses_what_is_not_an_arxiv_id_and_sends_nothing(stub: ArxivStub, tmp_path: Path, text: str) -> None:
    path = tmp_path / "entries.toml"
    result = invoke(path, "add", text)
    errors = error_lines(result.output)
    assert len(errors) == 1, result.output
    assert "arXiv" in result.output  # the hint or the message says what is expected
    assert len(errors[0]) < 300  # a 5000-character input is not echoed whole
    assert result.exit_code == 2
    assert stub.requests == []
    assert not path.exists()


def test_add_with_other_sites_among_good_ids_adds_the_good_and_names_the_rest(stub: ArxivStub, tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    result = invoke(path, "add", "--json", "2402.00001", "gopher://example.org/b", "https://arxiv.org/abs/2402.00002")
    data = json.loads(result.stdout)
    assert result.exit_code == 1
    assert [p["status"] for p in data["papers"]] == ["added", "failed", "added"]
    assert data["papers"][1]["reason"] == ("not an arXiv id, a DOI or a web URL: gopher://example.org/b")
    assert [e.arxiv for e in store.load(path).entries] == ["2402.00001", "2402.00002"]
    assert stub.sent_ids == ["2402.00001", "2402.00002"]


# --------------------------------------------------------------------------------------------- import


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("binary.md", bytes(range(256)) * 4, "looks like a binary file"),
        ("binary.bib", b"PK\x03\x04\x00\x00" + bytes(range(7, 71)), "looks like a binary file"),
        ("latin1.md", "- [Caf\xe9](https://example.org)\n".encode("latin-1"), ""),
        ("missing.md", None, "no such file"),
    ],
    ids=["binary-md", "zip-bib", "latin1-md", "missing-md"],
)
def test_import_of_an_unreadable_file_is_refused_and_the_list_kept(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / "entries.toml"
    before = small_list(path)
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    result = invoke(path, "import", str(source))
    if name == "latin1.md":  # not UTF-8: refused, or read with the bad byte replaced; never a crash
        assert result.exit_code in (0, 2), result.output
        error_lines(result.output)
        if result.exit_code == 2:
            assert path.read_bytes() == before
        else:
            assert len(store.load(path).entries) == 3
        return
    assert len(error_lines(result.output)) == 1
    assert message in result.output
    assert result.exit_code == 2
    assert path.read_bytes() == before


def test_import_of_a_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    before = small_list(path)
    result = invoke(path, "import", str(tmp_path))
    assert error_lines(result.output) == [
        f"error: {tmp_path} is a directory; give the Markdown, BibTeX or CSL-JSON file itself"
    ]
    assert result.exit_code == 2
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n   \n",
        "Just prose about long context.\n\nNo list at all, only paragraphs.\n",
        "# A heading\n\n## Another\n\n> a quote\n",
        "| table | of |\n|---|---|\n| [x](https://a.b) | y |\n",
    ],
)
def test_markdown_that_is_not_a_list_imports_nothing_and_loses_nothing(tmp_path: Path, text: str) -> None:
    path = tmp_path / "entries.toml"
    before = small_list(path)
    source = tmp_path / "notalist.md"
    source.write_text(text, encoding="utf-8")
    entries = store.load(path).entries
    result = invoke(path, "import", str(source))
    assert error_lines(result.output) == []
    assert result.exit_code == 0
    assert "imported 0 entries" in result.output
    # (a heading may add an empty section, and that write stores each entry's citation key; nothing else)
    assert [dataclasses.replace(e, key=None) for e in store.load(path).entries] == entries
    if "#" not in text:
        assert path.read_bytes() == before


def test_list_items_in_a_fenced_code_block_are_not_imported(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    source = tmp_path / "readme.md"
    source.write_text(
        "## Papers\n\n- [Real](https://arxiv.org/abs/2402.13753)\n\n## Contributing\n\nAdd a line like:\n\n"
        "```markdown\n- [Paper title](https://arxiv.org/abs/XXXX.XXXXX)\n```\n",
        encoding="utf-8",
    )
    result = invoke(path, "import", str(source))
    assert result.exit_code == 0, result.output
    assert [e.title for e in store.load(path).entries] == ["Real"]


def test_import_of_a_file_without_items_creates_no_list(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    source = tmp_path / "prose.md"
    source.write_text("Just prose.\n", encoding="utf-8")
    result = invoke(path, "import", str(source))
    assert not path.exists()
    assert result.exit_code != 0


BROKEN_BIB = """\
@article{good1,
  title = {Good One},
  author = {Person, Ann},
  year = {2020},
}

@article{broken1,
  title = {Unclosed brace,
  author = {X}

@misc{good2,
  title = {Good Two},
  url = {https://example.org/two},
}

@inproceedings{broken2 title = {No comma after the key}}

@article{good3, title = {Good Three}, eprint = {2402.13753}, archivePrefix = {arXiv}}

@article{broken3,
  title = {Last one never closed},
"""


def test_bib_with_broken_entries_imports_the_rest_and_names_the_broken_by_line(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    source = tmp_path / "refs.bib"
    source.write_text(BROKEN_BIB, encoding="utf-8")
    result = invoke(path, "import", str(source), "--json")
    assert "Traceback" not in result.output
    titles = sorted(e.title for e in store.load(path).entries)
    assert {"Good One", "Good Two", "Good Three"} <= set(titles)
    assert not any("Unclosed" in t or "never closed" in t for t in titles)
    plain = invoke(tmp_path / "other.toml", "import", str(source))
    assert "line 7:" in plain.output  # broken1 starts on line 7
    assert "line 20:" in plain.output  # broken3, cut off by the end of the file


# --------------------------------------------------------------------------------------------- a mangled list

GOOD = '[list]\ntitle = "T"\n\n[[entry]]\nkind = "paper"\ntitle = "A"\narxiv = "2402.13753"\n'
MANGLED: dict[str, bytes | None] = {
    "unclosed string": GOOD.replace('title = "A"', 'title = "A').encode(),
    "wrong type": GOOD.replace('arxiv = "2402.13753"', 'version = "two"').encode(),
    "unknown field": (GOOD + "bogus = 1\n").encode(),
    "no title": GOOD.replace('title = "A"\n', "").encode(),
    "merge conflict markers": ("<<<<<<< HEAD\n" + GOOD + "=======\n>>>>>>> other\n").encode(),
    "binary junk": bytes(range(256)),
    "UTF-16": GOOD.encode("utf-16"),
    "version 0": GOOD.replace('arxiv = "2402.13753"', 'arxiv = "2402.13753"\nversion = 0').encode(),
    "entry is not a table": b"entry = 5\n",
    "raw NUL byte": GOOD.replace('"A"', '"A\x00"').encode(),
    "duplicate key": (GOOD + 'title = "B"\n').encode(),
    "a directory": None,
}
COMMANDS = {
    "list": ["list"],
    "show": ["show", "2402.13753"],
    "add": ["add", "2402.13753"],
    "remove": ["remove", "2402.13753"],
    "import": ["import", str(SEED)],
    "dedupe": ["dedupe", "--yes"],
    "export md": ["export", "--markdown"],
    "export bib": ["export", "--bibtex"],
    "check": ["check"],
    "refresh": ["refresh"],
    "enrich": ["enrich"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("mangling", list(MANGLED))
def test_a_mangled_list_is_refused_by_every_command_and_never_rewritten(
    tmp_path: Path, mangling: str, command: str
) -> None:
    path = tmp_path / "entries.toml"
    content = MANGLED[mangling]
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    result = invoke(path, *COMMANDS[command])
    errors = error_lines(result.output)
    assert len(errors) == 1, result.output
    assert str(path) in errors[0]
    assert result.exit_code == (1 if command == "check" else 2), result.output
    if content is not None:
        assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) in (["entries.toml"], [".entries.toml.lock", "entries.toml"])


def test_errors_in_a_mangled_list_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "entries.toml"
    path.write_bytes(MANGLED["unclosed string"])  # type: ignore[arg-type]
    assert "line 6" in error_lines(invoke(path, "list").output)[0]
    path.write_bytes(MANGLED["wrong type"])  # type: ignore[arg-type]
    assert "entry #1 (line 4): field 'version' must be an integer" in error_lines(invoke(path, "list").output)[0]


# --------------------------------------------------------------------------------------------- unwritable, full


@pytest.mark.parametrize("where", ["under a regular file", "in a missing directory"])
def test_add_to_an_unwritable_location_fails_clearly_before_fetching(
    stub: ArxivStub, tmp_path: Path, where: str
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    parent = blocker if where == "under a regular file" else tmp_path / "missing"
    result = invoke(parent / "entries.toml", "add", "2402.00001")
    errors = error_lines(result.output)
    assert errors == [
        f"error: cannot write {parent / 'entries.toml'}: {parent} is not a directory; nothing was fetched"
    ]
    assert result.exit_code == 2
    assert stub.requests == []
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("fmt", ["--markdown", "--bibtex"])
def test_export_to_an_unwritable_location_fails_clearly(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "entries.toml"
    small_list(path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = invoke(path, "export", fmt, "-o", str(blocker / "out.txt"))
    errors = error_lines(result.output)
    assert len(errors) == 1 and errors[0].startswith(f"error: cannot write {blocker / 'out.txt'}")
    assert result.exit_code == 2


class _FullDisk:
    """os.fdopen(...) whose writes fail with ENOSPC, like a full disk."""

    def __init__(self, fh: object) -> None:
        self.fh = fh

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()  # type: ignore[attr-defined]

    def write(self, data: object) -> int:
        raise OSError(28, "No space left on device")


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda fd, mode="r", *a, **k: _FullDisk(real(fd, mode, *a, **k)))


@pytest.mark.parametrize(
    "args",
    [
        ["add", "2402.00001"],
        ["import", str(SEED)],
        ["remove", "2402.13753"],
        ["export", "--bibtex", "-o", "OUT"],  # assigns citation keys: writes the list, then the .bib
        ["export", "--markdown", "-o", "OUT"],
    ],
    ids=["add", "import", "remove", "export bib", "export md"],
)
def test_a_full_disk_keeps_the_old_files(
    stub: ArxivStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    path = tmp_path / "entries.toml"
    before = small_list(path)
    out = tmp_path / "out.txt"
    out.write_text("old export\n")
    fill_the_disk(monkeypatch)
    result = invoke(path, *[str(out) if a == "OUT" else a for a in args])
    errors = error_lines(result.output)
    assert len(errors) == 1 and "No space left on device" in errors[0], result.output
    assert "free some disk space" in result.output
    assert result.exit_code == 2
    assert path.read_bytes() == before
    assert out.read_text() == "old export\n"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_unwritable_cache_does_not_stop_add(
    stub: ArxivStub, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker / "cache"))
    path = tmp_path / "entries.toml"
    result = invoke(path, "add", "2402.00001")
    assert result.exit_code == 0, result.output
    assert error_lines(result.output) == []
    assert [e.arxiv for e in store.load(path).entries] == ["2402.00001"]
