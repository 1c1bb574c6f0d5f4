"""Browsing through the CLI: list, show, remove, --version, --help; and the installed executable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import __version__, store
from lcllm_cli.cli import app
from lcllm_cli.importers.markdown import parse

runner = CliRunner()


@pytest.fixture
def listfile(tmp_path: Path, seed_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    store.save(parse(seed_path.read_text(encoding="utf-8")).library, path)
    return path


def invoke(path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--file", str(path), *args])
    return result.exit_code, result.output


def test_list_json_filters_by_section_and_search(listfile: Path) -> None:
    code, out = invoke(listfile, "list", "--json")
    assert code == 0
    assert len(json.loads(out)) == 61
    code, out = invoke(listfile, "list", "--section", "projects", "--json")
    assert [e["title"] for e in json.loads(out)] == ["LLMLingua", "long-context", "LLaMA rope_scaling", "long_llama"]
    code, out = invoke(listfile, "list", "--search", "ZAHARIA", "--json")
    data = json.loads(out)
    assert {e["arxiv"] for e in data} == {"2310.01889"} and len(data) == 2  # by author, case-insensitive
    code, out = invoke(listfile, "list", "--search", "lost in the", "--json")
    assert [e["arxiv"] for e in json.loads(out)] == ["2307.03172"]
    code, out = invoke(listfile, "list", "--kind", "link", "--json")
    assert len(json.loads(out)) == 10


def test_list_section_is_named_as_every_command_names_one(listfile: Path) -> None:
    code, out = invoke(listfile, "list", "--section", "PROJECTS", "--json")  # case does not matter
    assert code == 0 and len(json.loads(out)) == 4 and json.loads(out)[0]["title"] == "LLMLingua"
    code, out = invoke(listfile, "list", "--section", "Projetcs")  # a typo: an error naming the closest
    assert code == 2
    assert "no section 'Projetcs'" in out and "'Projects'" in out


def test_list_table_shows_columns(listfile: Path) -> None:
    code, out = invoke(listfile, "list", "--search", "LongRoPE")
    assert code == 0
    assert "2402.13753" in out and "Yiran Ding" in out and "2024" in out and "Papers" in out
    assert "1 of 61 entries" in out


@pytest.mark.parametrize(
    "ident", ["2402.13753", "2402.13753v1", "arXiv:2402.13753", "https://arxiv.org/abs/2402.13753v9"]
)
def test_show_finds_a_paper_by_any_id_form(listfile: Path, ident: str) -> None:
    code, out = invoke(listfile, "show", ident, "--json")
    assert code == 0, out
    data = json.loads(out)
    assert data["title"] == "LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens"
    assert data["authors"][0] == "Yiran Ding" and data["version"] == 1


def test_show_a_project_by_url_in_other_letter_case(listfile: Path) -> None:
    code, out = invoke(listfile, "show", "http://github.com/MICROSOFT/llmlingua/")
    assert code == 0, out
    assert "LLMLingua" in out and "description" in out and "compress the prompt" in out


def test_show_unknown_id_is_one_clear_line(listfile: Path) -> None:
    code, out = invoke(listfile, "show", "2402.99999")
    assert code == 1
    assert out.startswith("error: not in the list: 2402.99999")
    assert "Traceback" not in out


def test_remove_reports_missing_and_removes_the_rest(listfile: Path) -> None:
    code, out = invoke(listfile, "remove", "2402.13753", "9999.99999", "https://github.com/microsoft/LLMLingua")
    assert code == 1
    assert "removed 2402.13753" in out and "not in the list: 9999.99999" in out
    lib = store.load(listfile)
    assert len(lib.entries) == 59
    assert not lib.find("2402.13753") and not lib.find("https://github.com/microsoft/LLMLingua")


def test_remove_both_copies_of_a_repeated_paper(listfile: Path) -> None:
    code, _ = invoke(listfile, "remove", "2310.01889", "--json")
    assert code == 2  # a name of two entries removes neither without --all (issue 15)
    assert len(store.load(listfile).entries) == 61
    code, out = invoke(listfile, "remove", "2310.01889", "--all", "--json")
    assert code == 0
    assert len(json.loads(out)["removed"]) == 2
    assert len(store.load(listfile).entries) == 59


def test_version_and_help() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"lcllm {__version__}"
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for word in ("import", "list", "show", "remove", "Build the list", "Browse"):
        assert word in result.output


def test_installed_executable_runs(listfile: Path, tmp_path: Path) -> None:
    exe = shutil.which("lcllm", path=str(Path(sys.executable).parent)) or shutil.which("lcllm")
    assert exe, "the lcllm console script is not installed"
    env = {**os.environ, "LCLLM_FILE": str(listfile)}
    proc = subprocess.run([exe, "list", "--json"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 61
    bad = tmp_path / "bad.toml"
    bad.write_text("[[entry]\n")
    proc = subprocess.run([exe, "--file", str(bad), "list"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "not valid TOML" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_python_dash_m_works(listfile: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "lcllm_cli", "--file", str(listfile), "show", "2307.03172", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["citations"]["count"] == 64


def test_show_includes_the_cached_abstract(listfile: Path) -> None:
    from lcllm_cli.sources.arxiv import save_abstracts

    save_abstracts({"2402.13753": "We extend the context window."})
    code, out = invoke(listfile, "show", "2402.13753", "--json")
    assert code == 0 and json.loads(out)["abstract"] == "We extend the context window."
    code, out = invoke(listfile, "show", "2402.13753")
    assert "abstract" in out and "We extend the context window." in out
    code, out = invoke(listfile, "show", "2307.03172", "--json")
    assert "abstract" not in json.loads(out)  # nothing cached for this one


def test_show_describes_a_published_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lcllm_cli.model import Entry, Library, Publication

    monkeypatch.setenv("COLUMNS", "200")
    published = Publication(
        "TACL",
        "Semantic Scholar",
        type="journal",
        year=2024,
        doi="10.1162/tacl_a_00638",
        pages="157-173",
        evidence="Semantic Scholar record of arXiv 2307.03172",
        date="2026-12-02",
    )
    lib = Library()
    lib.add_entry(Entry(kind="paper", title="Lost", arxiv="2307.03172", venue="TACL 2024", publication=published))
    path = tmp_path / "entries.toml"
    store.save(lib, path)
    code, out = invoke(path, "show", "2307.03172")
    assert code == 0, out
    assert "TACL 2024 (journal), Semantic Scholar 2026-12-02: Semantic Scholar record of arXiv 2307.03172" in out
    assert "doi: 10.1162/tacl_a_00638" in out and "pages: 157-173" in out
    code, out = invoke(path, "show", "2307.03172", "--json")
    assert json.loads(out)["publication"]["venue"] == "TACL"


def test_list_json_is_an_array_with_one_entry_per_line(listfile: Path) -> None:
    from lcllm_cli.model import entry_to_dict

    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    proc = subprocess.run(
        [str(Path(sys.executable).with_name("lcllm")), "--file", str(listfile), "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    expected = [entry_to_dict(e) for e in store.load(listfile).entries]
    assert json.loads(proc.stdout) == expected  # the same data as ever
    lines = proc.stdout.splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(expected) + 2
    assert [json.loads(line.removesuffix(",")) for line in lines[1:-1]] == expected
    code, out = invoke(listfile, "list", "--search", "no such title anywhere", "--json")
    assert code == 0 and out == "[]\n"


def test_show_json_of_an_id_listed_twice_is_an_array_one_entry_a_line(listfile: Path) -> None:
    code, out = invoke(listfile, "show", "2310.01889", "--json")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 4 and lines[0] == "[" and lines[-1] == "]"
    assert [json.loads(line.removesuffix(","))["arxiv"] for line in lines[1:3]] == ["2310.01889", "2310.01889"]
    code, out = invoke(listfile, "show", "2402.13753", "--json")
    assert out.startswith('{\n  "kind": "paper",\n')  # one entry: an indented object, as before


def test_show_and_list_give_a_hub_model_its_label_likes_and_downloads(tmp_path: Path) -> None:
    from lcllm_cli.model import Entry, Library

    path = tmp_path / "entries.toml"
    model = Entry(
        kind="project", title="tiny-long-7b", section="Models", url="https://huggingface.co/acme/tiny-long-7b",
        owner="acme", labels=["🤗", "🔥"], likes=42, downloads=1234,
    )  # fmt: skip
    store.save(Library(entries=[model]), path)
    code, out = invoke(path, "show", "https://huggingface.co/acme/tiny-long-7b")
    assert code == 0
    fields = {line.split(None, 1)[0]: line.split(None, 1)[1] for line in out.splitlines() if line.strip()}
    assert (fields["labels"], fields["likes"], fields["downloads"], fields["owner"]) == ("🤗 🔥", "42", "1234", "acme")
    code, out = invoke(path, "list")
    assert code == 0 and "project" in out and "tiny-long-7b" in out and "acme" in out and "Models" in out
    code, out = invoke(path, "list", "--kind", "project", "--json")
    assert [(e["likes"], e["downloads"], e["labels"]) for e in json.loads(out)] == [(42, 1234, ["🤗", "🔥"])]


def test_remove_names_a_section_it_leaves_empty(tmp_path: Path) -> None:
    from lcllm_cli.model import Entry, Library, Section

    path = tmp_path / "entries.toml"
    lib = Library(sections=[Section("Papers"), Section("Old")])
    lib.add_entries(
        [
            Entry(kind="paper", title="Kept", arxiv="2401.00001", section="Papers"),
            Entry(kind="link", title="Lonely", url="https://example.org/l", section="Old"),
        ]
    )
    store.save(lib, path)
    result = runner.invoke(app, ["--file", str(path), "remove", "Lonely", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["empty_sections"] == ["Old"]
    assert store.load(path).section_names() == ["Papers", "Old"]  # the section stays, named as empty
    store.save(lib, path)
    result = runner.invoke(app, ["--file", str(path), "remove", "Lonely"])
    assert "note: section 'Old' has no entries any more" in result.stderr
    assert runner.invoke(app, ["--file", str(path), "remove", "Kept", "--json"]).stdout.count("Papers") == 1
