"""Shared test fixtures. Every test runs with a private cache dir and no user configuration leaking in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from tests.arxiv_stub import ArxivStub

# The suite is the gate of every change (CI runs it): its property tests draw the same examples on every run, so a
# red run means the change broke something, not that a new random example turned up an old bug. To explore with
# fresh random examples (1,000 a test where it does not set its own number), run
# `LCLLM_HYPOTHESIS=explore .venv/bin/pytest -q`, and keep what it finds as a plain test.
settings.register_profile("gate", derandomize=True, database=None)
settings.register_profile("explore", max_examples=1000)
settings.load_profile(os.environ.get("LCLLM_HYPOTHESIS", "gate"))

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "awesome-long-context-llm.md"


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test reads the developer's entries file, cache, tokens or endpoints, and none reaches the internet."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    for var in (
        "LCLLM_FILE",
        "GITHUB_TOKEN",
        "S2_API_KEY",
        "HF_TOKEN",
        "LCLLM_LOCK_TIMEOUT",
    ):
        monkeypatch.delenv(var, raising=False)
    # Any request a test forgets to point at a stand-in fails fast instead of going out.
    monkeypatch.setenv("LCLLM_ARXIV_API_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("LCLLM_S2_API_URL", "http://127.0.0.1:9/graph/v1")
    monkeypatch.setenv("LCLLM_GITHUB_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LCLLM_DOI_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LCLLM_OPENREVIEW_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LCLLM_S2_RECS_URL", "http://127.0.0.1:9/recommendations/v1")
    monkeypatch.setenv("LCLLM_HF_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("LCLLM_OEMBED_URL", "http://127.0.0.1:9/oembed")


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="module")
def arxiv_server() -> Iterator[ArxivStub]:
    """One stand-in arXiv on 127.0.0.1 per test module (tests/arxiv_stub.py)."""
    from tests.arxiv_stub import ArxivStub

    with ArxivStub() as server:
        yield server


@pytest.fixture
def arxiv(arxiv_server: ArxivStub, monkeypatch: pytest.MonkeyPatch) -> ArxivStub:
    """The module's stand-in arXiv, reset, with lcllm pointed at it and neither politeness delay nor backoff."""
    arxiv_server.reset()
    monkeypatch.setenv("LCLLM_ARXIV_API_URL", arxiv_server.url)
    monkeypatch.setenv("LCLLM_ARXIV_DELAY", "0")
    monkeypatch.setenv("LCLLM_ARXIV_BACKOFF", "0")
    return arxiv_server
