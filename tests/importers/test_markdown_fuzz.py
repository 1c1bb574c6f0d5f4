"""A fuzz run of the Markdown importer over mutated real input: it never crashes, and what it imports stores."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcllm_cli import store
from lcllm_cli.importers.markdown import parse
from tests.paths import FIXTURES

SEED = (FIXTURES / "awesome-long-context-llm.md").read_text(encoding="utf-8")
LINES = SEED.split("\n")
SPECIALS = [
    "*",
    "**",
    "[",
    "]",
    "(",
    ")",
    "`",
    "\\",
    "#",
    "- ",
    "\t",
    "\n",
    "<!--",
    "-->",
    "```",
    "🌟",
    "·",
    "|",
    "\x00",
    "\u202e",
    "](",
    "javascript:",
    "<script>",
    "{",
    "}",
    "%",
    "@",
]


def mutate(rng: random.Random, text: str, n: int) -> str:
    chars = list(text)
    for _ in range(n):
        op = rng.randrange(4)
        pos = rng.randrange(len(chars) + 1)
        if op == 0 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif op == 1:
            chars.insert(pos, rng.choice(SPECIALS))
        elif op == 2 and chars:
            a = rng.randrange(len(chars))
            b = min(len(chars), a + rng.randrange(1, 80))
            chars[pos:pos] = chars[a:b]
        else:
            chars.insert(pos, chr(rng.randrange(1, 0x2FFFF)))
    return "".join(c for c in "".join(chars) if not 0xD800 <= ord(c) <= 0xDFFF)


def check(text: str) -> None:
    result = parse(text)
    assert len(result.lines) == len(result.library.entries)
    # whatever was imported can be stored and read back unchanged
    assert store.loads(store.dumps(result.library)) == result.library


def test_fuzz_mutated_seed_never_crashes() -> None:
    rng = random.Random(20261128)
    for _ in range(300):
        start = rng.randrange(len(LINES))
        chunk = "\n".join(LINES[start : start + rng.randrange(1, 40)])
        check(mutate(rng, chunk, rng.randrange(1, 30)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINES + SPECIALS) | st.text(max_size=20), max_size=30))
def test_fuzz_recombined_lines_never_crash(pieces: list[str]) -> None:
    check("\n".join(pieces))


def test_fuzz_imports_into_an_existing_list_lose_nothing(tmp_path: Path) -> None:
    """Issue 21: fuzzed Markdown and BibTeX imported into a list through the command: no traceback, and every
    entry the list held is still there, unchanged but for the citation key an import assigns (an import adds; it
    never drops or rewrites what it found)."""

    from typer.testing import CliRunner

    from lcllm_cli.cli import app
    from lcllm_cli.model import Entry, Library
    from tests.importers.test_bibtex_fuzz import INPUTS
    from tests.importers.test_bibtex_fuzz import mutate as mutate_bib

    rng = random.Random(2121)
    path = tmp_path / "entries.toml"
    lib = Library(title="Kept")
    lib.add_entries(
        [Entry(kind="paper", title=f"Kept paper {i}", arxiv=f"2301.{i:05d}", authors=["A B"]) for i in range(5)]
        + [Entry(kind="link", title="Kept link", url="https://e.org/kept", notes="a note")]
    )
    store.save(lib, path)
    kept = store.load(path).entries
    for n in range(30):
        if n % 2:
            source = tmp_path / f"in{n}.bib"
            source.write_text(mutate_bib(rng, rng.choice(INPUTS), rng.randrange(3, 40)), encoding="utf-8")
        else:
            source = tmp_path / f"in{n}.md"
            start = rng.randrange(len(LINES))
            source.write_text(
                mutate(rng, "\n".join(LINES[start : start + rng.randrange(1, 40)]), rng.randrange(1, 30)),
                encoding="utf-8",
            )
        result = CliRunner().invoke(app, ["--file", str(path), "import", str(source)])
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert result.exit_code in (0, 1, 2), result.output
        now = [dataclasses.replace(e, key=None) for e in store.load(path).entries]  # a key may be assigned
        for entry in kept:
            assert dataclasses.replace(entry, key=None) in now, (n, entry.title)
