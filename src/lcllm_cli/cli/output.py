"""Output helpers shared by commands: rich consoles (imported lazily), JSON, entry summaries."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")


def info(message: str) -> None:
    """A status line on stderr, so stdout stays clean for data (JSON, BibTeX, Markdown)."""
    sys.stderr.write(message + "\n")
