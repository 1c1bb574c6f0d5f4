"""``lcllm completion SHELL``: the shell's completion script, printed (typer's own scripts and completion).

typer's ``--install-completion`` / ``--show-completion`` options are off (``add_completion=False``): they cost every
run of every command the detection of the shell. The script printed here calls ``lcllm`` with
``_LCLLM_COMPLETE`` set when the user presses Tab; :func:`lcllm_cli.__main__.main` then hands the request to typer's
completion (only then are typer's completion classes loaded).
"""

from __future__ import annotations

from typing import Annotated

import typer

from lcllm_cli.cli.app import SETUP, command
from lcllm_cli.errors import UsageError

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
COMPLETE_VAR = "_LCLLM_COMPLETE"


@command(
    "completion",
    panel=SETUP,
    help=(
        "Print the shell completion script for bash, zsh, fish or PowerShell; load it in the shell's start-up "
        "file to complete commands and options with Tab.\n\n"
        'To load it: `eval "$(lcllm completion bash)"` in ~/.bashrc; for zsh, the output of `lcllm completion zsh` '
        "saved as _lcllm in a folder of $fpath; for fish, `lcllm completion fish` saved as "
        "~/.config/fish/completions/lcllm.fish.\n\n"
        "Examples: `lcllm completion bash` · `lcllm completion zsh` · `lcllm completion fish`"
    ),
)
def completion_cmd(
    shell: Annotated[str, typer.Argument(help="bash, zsh, fish, powershell or pwsh.", show_default=False)],
) -> None:
    if shell not in SHELLS:
        raise UsageError(f"unknown shell {shell!r}", hint=f"use one of: {', '.join(SHELLS)}")
    from typer._completion_shared import get_completion_script

    typer.echo(get_completion_script(prog_name="lcllm", complete_var=COMPLETE_VAR, shell=shell))
