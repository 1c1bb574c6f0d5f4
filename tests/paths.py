"""Where the tests find the repository and their fixtures, from any folder of the suite."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "awesome-long-context-llm.md"
