"""The command table: which module of :mod:`lcllm_cli.cli` registers each command (no imports: the launcher
reads it before anything else)."""

from __future__ import annotations

# Which module of lcllm_cli.cli registers each command. Start-up matters (lcllm runs in pre-commit hooks and CI):
# a run of one command imports and builds only that command, not all of them. --help, --version, no command or
# a name not in this table load every command, exactly as before. tests/cli/test_startup_fast_paths.py checks
# this table against the commands the modules register; lcllm_cli.cli registers the modules in its order.
COMMAND_MODULES: dict[str, str] = {
    "init": "init",
    "add": "add",
    "inbox": "inbox",
    "edit": "edit",
    "move": "edit",
    "section": "section",
    "list": "browse",
    "show": "browse",
    "remove": "browse",
    "dedupe": "dedupe",
    "export": "export",
    "check": "export",
    "import": "importing",
    "refresh": "refresh",
    "enrich": "refresh",
    "stats": "stats",
    "completion": "completion",
}
