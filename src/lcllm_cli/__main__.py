"""Entry point for ``python -m lcllm_cli`` and the ``lcllm`` console script."""

from __future__ import annotations

# Which module of lcllm_cli.cli registers each command. Start-up matters (lcllm runs in pre-commit hooks and CI):
# a run of one command imports and builds only that command, not all of them. --help, --version, no command or
# a name not in this table load every command, exactly as before. tests/test_startup.py checks this table
# against the commands the modules register.
COMMAND_MODULES: dict[str, str] = {
    "add": "add",
    "list": "browse",
    "show": "browse",
    "remove": "browse",
    "dedupe": "dedupe",
    "export": "export",
    "check": "export",
    "import": "importing",
    "refresh": "refresh",
    "enrich": "refresh",
}
# Options of the main callback that take a value (see lcllm_cli.cli.app.main).
_VALUE_OPTIONS = ("--file", "-f")

# Set by main() before lcllm_cli.cli is imported; read by lcllm_cli.cli (None: register every command).
SELECTED: str | None = None


def command_module(args: list[str]) -> str | None:
    """The module for the command named in ``args`` (the arguments after the program name), else None."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _VALUE_OPTIONS:
            i += 2
            continue
        if arg.startswith("--file=") or (arg.startswith("-f") and not arg.startswith("--")):
            i += 1
            continue
        if arg.startswith("-"):
            return None  # --help, --version, anything unexpected: the whole app
        return COMMAND_MODULES.get(arg)
    return None


def main() -> None:
    import gc
    import sys

    # A 100,000-entry list is millions of long-lived objects, and the default thresholds make the cyclic collector
    # walk them over and over while they are built (half the time of `list --json` at 100k). Young cycles are
    # still collected, every 100,000 allocations instead of 700; full collections become rare.
    gc.set_threshold(100_000, 50, 100)
    global SELECTED
    SELECTED = command_module(sys.argv[1:])
    from lcllm_cli.cli import run

    run()


if __name__ == "__main__":
    main()
