"""The command-line interface: thin commands over the library modules.

Each command parses its options, calls one library function and maps :class:`~lcllm_cli.errors.LcllmError`
to a one-line message and an exit code (see :mod:`lcllm_cli.cli.app`). Commands live in one module per area.
"""

from __future__ import annotations

import sys

from lcllm_cli.cli.app import app

# Importing a module registers its commands on ``app`` (in this order in --help).
COMMAND_MODULES = ("init", "add", "inbox", "edit", "section", "browse", "dedupe", "export", "importing", "refresh")


def _selected() -> str | None:
    """The one command module the ``lcllm`` executable asked for (see lcllm_cli.__main__), else None (all)."""
    main = sys.modules.get("lcllm_cli.__main__")
    selected = getattr(main, "SELECTED", None)
    return selected if selected in COMMAND_MODULES else None


def _register() -> None:
    only = _selected()
    for name in COMMAND_MODULES if only is None else (only,):
        # __import__ rather than importlib.import_module: the same import, and `python -X importtime` reports it
        __import__(f"lcllm_cli.cli.{name}")


_register()


def run() -> None:
    app()


__all__ = ["app", "run"]
