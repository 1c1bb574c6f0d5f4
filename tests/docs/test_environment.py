"""docs/environment.md names exactly the environment variables lcllm reads: the set its tables document is the set
a scan of the sources finds (``os.environ``, ``os.getenv``, typer's ``envvar=``, the ``env_number`` helpers, and
platformdirs for ``XDG_CACHE_HOME``), each with a default and a meaning."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.paths import ROOT

PAGE = ROOT / "docs" / "environment.md"
DEVELOPMENT = "For development"
NOT_CHECKED = "Read by the libraries lcllm uses"

# A variable named by a string literal where the environment is read: os.environ.get("X"), os.environ["X"],
# os.getenv("X"), typer.Option(envvar="X"), env_number("X", ...) and the wrappers around it (_env_float("X", ...)).
_READ = re.compile(
    r"""(?:environ\.get\(|environ\[|getenv\(|envvar\s*=\s*|\b\w*env_\w*\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)
# Reads inside a library lcllm calls: the call in lcllm's code, and the variable it reads.
_INDIRECT = {"user_cache_dir(": "XDG_CACHE_HOME"}


def read_in(*folders: str) -> set[str]:
    found: set[str] = set()
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.suffix not in (".py", ""):  # Python, and scripts such as benchmarks/run
                continue
            if path == Path(__file__).resolve():  # this file's samples of the patterns read nothing
                continue
            text = path.read_text(encoding="utf-8")
            found |= set(_READ.findall(text))
            found |= {name for call, name in _INDIRECT.items() if call in text}
    return found


def documented() -> dict[str, dict[str, dict[str, str]]]:
    """Rows of the page's tables by section heading: {heading: {variable: row}}."""
    sections: dict[str, dict[str, dict[str, str]]] = {}
    heading, header = "", None
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading, header = line[3:].strip(), None
        elif line.startswith("|") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if header is None:
                header = cells
            else:
                row = dict(zip(header, cells, strict=True))
                name = row["Variable"].strip("`")
                assert name not in {n for rows in sections.values() for n in rows}, f"{name} is documented twice"
                sections.setdefault(heading, {})[name] = row
        elif not line.startswith("|"):
            header = None
    assert NOT_CHECKED not in sections, f"the section {NOT_CHECKED!r} has no table: its variables are not lcllm's"
    return sections


def lcllm_rows() -> dict[str, dict[str, str]]:
    return {name: row for heading, rows in documented().items() if heading != DEVELOPMENT for name, row in rows.items()}


def test_the_page_documents_exactly_the_variables_src_reads() -> None:
    read = read_in("src")
    names = set(lcllm_rows())
    assert names == read, (
        f"docs/environment.md documents {sorted(names - read)}, which src/ does not read, "
        f"and lacks {sorted(read - names)}, which src/ reads"
    )


def test_every_variable_has_a_default_and_a_meaning() -> None:
    for rows in documented().values():
        for name, row in rows.items():
            assert row["Default"] and row["What it does"], name


def test_the_development_section_documents_what_tests_and_benchmarks_read() -> None:
    ours = read_in("src")
    read = {n for n in read_in("tests", "benchmarks") if n.startswith("LCLLM_") and n not in ours}
    assert set(documented()[DEVELOPMENT]) == read


@pytest.mark.parametrize(
    ("source", "names"),
    [
        ('x = os.environ.get("LCLLM_A", "")', {"LCLLM_A"}),
        ("os.environ['LCLLM_B']", {"LCLLM_B"}),
        ('os.getenv("HOME")', {"HOME"}),
        ('typer.Option("--file", envvar="LCLLM_FILE")', {"LCLLM_FILE"}),
        ('env_number("LCLLM_C", 1.0)', {"LCLLM_C"}),
        ('_env_float("LCLLM_D", DEFAULT)', {"LCLLM_D"}),
        ('hint="raise LCLLM_E"', set()),  # named in a message, not read
        ("env_number(name, default)", set()),
    ],
)
def test_the_scan_finds_reads_not_mentions(source: str, names: set[str]) -> None:
    assert set(_READ.findall(source)) == names
