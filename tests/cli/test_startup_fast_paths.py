"""The start-up and speed changes keep behaviour: same JSON bytes, same entries, same commands, same help."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stdout
from dataclasses import asdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lcllm_cli import __main__ as main_module
from lcllm_cli import store
from lcllm_cli.cli import COMMAND_MODULES, app
from lcllm_cli.cli.output import dumps_json, print_json_list
from lcllm_cli.importers.markdown import parse
from lcllm_cli.model import Citations, Entry, Link, entry_to_dict
from tests.terminal import run_on_terminal

LCLLM = str(Path(sys.executable).with_name("lcllm"))


@pytest.fixture
def listfile(tmp_path: Path, seed_path: Path) -> Path:
    path = tmp_path / "entries.toml"
    store.save(parse(seed_path.read_text(encoding="utf-8")).library, path)
    return path


def old_entry_to_dict(entry: Entry) -> dict[str, object]:
    """The definition entry_to_dict replaced (dataclasses.asdict, then unset fields dropped)."""
    data = asdict(entry)
    return {k: v for k, v in data.items() if k in ("kind", "title") or v not in (None, False, [], {})}


def odd_entries() -> list[Entry]:
    return [
        Entry(kind="project", title="zero stars", url="https://github.com/a/b", stars=0, year=0),
        Entry(
            kind="paper",
            title="every field",
            section="S",
            key="k2024",
            highlight=True,
            arxiv="2402.13753",
            version=2,
            authors=["A", "B"],
            authors_elided=True,
            published="2024-02-21",
            updated="2024-03-01",
            year=2024,
            venue="ICML 2024",
            primary_category="cs.CL",
            categories=["cs.CL", "cs.LG"],
            doi="10.1/x",
            journal_ref="J",
            comment="c",
            citations=Citations(3, "Semantic Scholar", None, "2025-01-01"),
            links=[Link("code", "https://github.com/x/y", 12), Link("blog", "https://b.example", None)],
            notes="n",
            fields={"b": "2", "a": "1"},
            raw="raw text",
        ),
        Entry(kind="link", title="", url="https://x.example", links=[]),
    ]


def test_entry_to_dict_is_what_asdict_gave(seed_path: Path) -> None:
    entries = parse(seed_path.read_text(encoding="utf-8")).library.entries + odd_entries()
    for entry in entries:
        assert entry_to_dict(entry) == old_entry_to_dict(entry)
        assert list(entry_to_dict(entry)) == list(old_entry_to_dict(entry))  # same key order
    assert "stars" not in entry_to_dict(odd_entries()[0])  # 0 == False: dropped, as before
    mutable = odd_entries()[1]
    data = entry_to_dict(mutable)
    data["authors"].append("C")  # type: ignore[attr-defined]
    assert mutable.authors == ["A", "B"]  # a copy, as asdict made


JSON_CASES: list[object] = [
    {},
    [],
    {"a": []},
    [[], {}],
    'é\u2028\x00"\\\n\t',
    1.5,
    {"x": 1.0, "y": float("inf")},
    {1: 2},
    (1, 2),
    [True, False, None, -3, 10**30],
    {"a": {"b": [{"c": [1, [2, [3]]]}]}},
    "\ud800",
    ["a", 1],
    ["a", "b"],
    {"k": ("x",)},
    {"a": {}},
    [[]],
    True,
    None,
]


@pytest.mark.parametrize("data", JSON_CASES, ids=range(len(JSON_CASES)))
def test_dumps_json_is_json_dumps_indent_2(data: object) -> None:
    assert dumps_json(data) == json.dumps(data, ensure_ascii=False, indent=2)


def test_dumps_json_on_the_seed(seed_path: Path) -> None:
    entries = parse(seed_path.read_text(encoding="utf-8")).library.entries + odd_entries()
    data = [entry_to_dict(e) for e in entries]
    assert dumps_json(data) == json.dumps(data, ensure_ascii=False, indent=2)


def json_list_text(items: list[object]) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        print_json_list(iter(items))
    return out.getvalue()


def test_a_json_list_is_one_compact_item_per_line(seed_path: Path) -> None:
    entries = parse(seed_path.read_text(encoding="utf-8")).library.entries + odd_entries()
    data = [entry_to_dict(e) for e in entries]
    for items in (
        data,
        [1.5, {"a": 2.5}, "x", None],
        [{}],
        [{"t": 'é \u2028 \u2029 \x85 \r \x0b \x1c \n \x00 量子位 😀 \\ "'}],
        data * 30,
    ):
        text = json_list_text(items)
        assert json.loads(text) == items  # one valid JSON document, the same data
        lines = text.split("\n")
        assert lines[0] == "[" and lines[-2:] == ["]", ""]
        body = lines[1:-2]
        assert len(body) == len(items)  # no item spans lines, not even one whose strings hold line breaks
        assert text.splitlines() == lines[:-1]  # not even for str.splitlines (U+2028 and the like)
        assert all(line.endswith(",") for line in body[:-1]) and not body[-1].endswith(",")
        assert [json.loads(line.removesuffix(",")) for line in body] == items
        # non-ASCII as itself (but the line separators), json's own separators
        separators = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
        assert body[0].removesuffix(",") == json.dumps(items[0], ensure_ascii=False).translate(separators)
    assert json_list_text([]) == "[]\n"


def test_the_command_table_matches_the_modules_that_register_them() -> None:
    registered = {cmd.name: cmd.callback.__module__.rsplit(".", 1)[1] for cmd in app.registered_commands}
    for group in app.registered_groups:  # `section`: a group of subcommands, registered by the module of theirs
        registered[group.name] = group.typer_instance.registered_commands[0].callback.__module__.rsplit(".", 1)[1]
    assert registered == main_module.COMMAND_MODULES
    assert set(main_module.COMMAND_MODULES.values()) == set(COMMAND_MODULES)


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (["list"], "browse"),
        (["--file", "x.toml", "show", "1"], "browse"),
        (["-f", "list", "add", "2402.13753"], "add"),  # "list" is the value of -f
        (["-fx.toml", "export"], "export"),
        (["--file=x.toml", "check"], "export"),
        (["enrich", "--help"], "refresh"),
        (["--help"], None),
        (["--version"], None),
        ([], None),
        (["no-such-command"], None),
        (["-f"], None),
    ],
)
def test_the_executable_finds_the_command_module(args: list[str], module: str | None) -> None:
    assert main_module.command_module(args) == module


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    env["COLUMNS"] = "100"
    return subprocess.run([LCLLM, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=60)


def test_executable_output_equals_the_full_app(listfile: Path) -> None:
    runner = CliRunner()
    for args in (["list", "--json"], ["show", "2402.13753", "--json"], ["list", "--kind", "link", "--json"]):
        proc = run("--file", str(listfile), *args, cwd=listfile.parent)
        result = runner.invoke(app, ["--file", str(listfile), *args])
        assert proc.returncode == result.exit_code == 0
        assert proc.stdout == result.stdout


def test_unknown_command_and_help_through_the_executable(listfile: Path) -> None:
    proc = run("--file", str(listfile), "lsit", cwd=listfile.parent)
    assert proc.returncode == 2 and "lsit" in proc.stderr
    proc = run("--help", cwd=listfile.parent)
    assert proc.returncode == 0
    for name in main_module.COMMAND_MODULES:
        assert name in proc.stdout
    proc = run("export", "--help", cwd=listfile.parent)
    assert proc.returncode == 0 and "--bibtex" in proc.stdout


def test_list_piped_is_tab_separated_with_the_count_on_stderr(listfile: Path) -> None:
    proc = run("--file", str(listfile), "list", "--search", "LongRoPE", cwd=listfile.parent)
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].split("\t") == ["2402.13753", lines[0].split("\t")[1], "Yiran Ding", "2024", "Papers"]
    assert "LongRoPE" in lines[0].split("\t")[1]
    assert proc.stderr.strip() == f"1 of {len(store.load(listfile).entries)} entries"


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_list_on_a_terminal_is_still_the_table(listfile: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    env["COLUMNS"] = "120"
    shown, _ = run_on_terminal([LCLLM, "--file", str(listfile), "list", "--search", "LongRoPE"], env)
    out = shown.decode("utf-8", "replace")
    assert "first author" in out and "2402.13753" in out and "Yiran Ding" in out
    assert "\t" not in out
    assert f"1 of {len(store.load(listfile).entries)} entries" in out
