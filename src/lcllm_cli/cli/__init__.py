"""The command-line interface: thin commands over the library modules.

Each command parses its options, calls one library function and maps :class:`~lcllm_cli.errors.LcllmError`
to a one-line message and an exit code (see :mod:`lcllm_cli.cli.app`). Commands live in one module per area.
"""

from __future__ import annotations

# Importing a module registers its commands on ``app`` (in this order in --help).
from lcllm_cli.cli import add, browse, dedupe, export, importing, refresh  # noqa: F401
from lcllm_cli.cli.app import app


def run() -> None:
    app()


__all__ = ["app", "run"]
