"""Where the tests find the repository and their fixtures, from any folder of the suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "awesome-long-context-llm.md"

# The tests that pip-install lcllm from the package index the way a user's tool does (pre-commit's own environment,
# pipx): the only tests that reach beyond this machine, and only to the package index. LCLLM_TEST_NO_INDEX=1 skips
# them on a machine without one.
needs_index = pytest.mark.skipif(
    os.environ.get("LCLLM_TEST_NO_INDEX") == "1",
    reason="LCLLM_TEST_NO_INDEX=1: this test pip-installs lcllm and its dependencies from the package index",
)
