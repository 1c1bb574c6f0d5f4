"""The importer's shortcut for items in the exporter's own layout (``_Parser._common_item``) gives what the
general item parser gives: the same entries, problems and lines, with the shortcut on and off.

The shortcut stays because the benchmark needs it (a 10,000-entry import: 0.23 s of parsing with it, 0.49 s
without, against a 1 s budget for the whole command); it is checked against the live general path, not against a
frozen copy of old code.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lcllm_cli.importers import ImportResult
from lcllm_cli.importers import markdown as md
from lcllm_cli.model import entry_to_dict
from tests.synthetic import synthetic_markdown

SEED = (Path(__file__).parent / "fixtures" / "awesome-long-context-llm.md").read_text(encoding="utf-8")


def snapshot(result: ImportResult) -> dict[str, object]:
    lib = result.library
    return {
        "title": lib.title,
        "sections": [(s.name, s.level) for s in lib.sections],
        "entries": [entry_to_dict(e) for e in lib.entries],
        "problems": [(p.line, p.message, p.text) for p in result.problems],
        "lines": result.lines,
    }


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, object], dict[str, object]]:
    fast = md.parse(text)
    with monkeypatch.context() as m:
        m.setattr(md._Parser, "_common_item", lambda self, text: None)
        general = md.parse(text)
    assert fast.library.entries == general.library.entries  # dataclass equality also tells 0 from unset
    return snapshot(fast), snapshot(general)


@pytest.mark.parametrize("name", ["seed", "synthetic"])
def test_the_shortcut_reads_whole_lists_as_the_general_parser(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = SEED if name == "seed" else synthetic_markdown(1000, 7)
    fast, general = both_ways(text, monkeypatch)
    assert fast == general
    assert len(fast["entries"]) > 50  # type: ignore[arg-type]


FRAGMENTS = [
    "**Title**, `arXiv, 2402.13753`, [arxiv](https://arxiv.org/abs/2402.13753), [pdf](https://arxiv.org/pdf/2402.13753)",
    ", citation: [**12**](https://www.semanticscholar.org/paper/x)",
    "\n\n  *A, B, ..., Z*",
    " · [code](https://github.com/o/r)",
    "[**Proj**](https://github.com/o/r) - o",
    " [![Star](https://img.shields.io/github/stars/o/r.svg?style=social&label=Star)](https://github.com/o/r)",
    " · stars: **1,234**",
    "\n\n  *A description.*",
    "🌟 ",
    "[Page](https://example.org/p) - words",
    " · [mail](mailto:a@b.org)",
    "`venue`",
    ", ",
    "*",
]


@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=6).map("".join), min_size=1, max_size=8))
def test_the_shortcut_reads_mixed_items_as_the_general_parser(items: list[str]) -> None:
    text = "# L\n\n## S\n\n" + "\n".join(f"- {item}" for item in items) + "\n"
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, general = both_ways(text, monkeypatch)
    assert fast == general
