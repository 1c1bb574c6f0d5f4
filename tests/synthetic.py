"""The benchmarks' synthetic lists (benchmarks/synth.py), for tests that compare fast paths with their oracles."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from lcllm_cli.model import Library


def synthetic_library(n: int, seed: int) -> Library:
    """A new synthetic list of ``n`` entries (5-10 authors, links, planted duplicates), the same for the same seed."""
    sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
    try:
        from synth import generate
    finally:
        sys.path.pop(0)
    return generate(n, seed=seed).library


@cache
def synthetic_markdown(n: int = 1000, seed: int = 1000) -> str:
    """What the benchmark imports: a synthetic list rendered by the Markdown exporter."""
    from lcllm_cli.exporters import markdown as md_export

    return md_export.render(synthetic_library(n, seed))
