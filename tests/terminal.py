"""Running a command on a pseudo-terminal, as a user at a terminal would see it (for tests of terminal output)."""

from __future__ import annotations

import os
import subprocess


def run_on_terminal(
    argv: list[str],
    env: dict[str, str],
    *,
    columns: int | None = None,
    stderr_to_pipe: bool = False,
    exit_code: int = 0,
) -> tuple[bytes, str]:
    """Run ``argv`` with its stdout (and stderr, unless ``stderr_to_pipe``) on a new pseudo-terminal of ``columns``
    columns (the terminal's default size when None); returns what the terminal showed and what went to the stderr
    pipe. The command must exit with ``exit_code``."""
    primary, secondary = os.openpty()
    if columns is not None:
        import fcntl
        import struct
        import termios

        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(
        argv,
        stdout=secondary,
        stderr=subprocess.PIPE if stderr_to_pipe else secondary,
        stdin=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    os.close(secondary)
    chunks: list[bytes] = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the terminal is gone: the command has exited
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    errors = proc.stderr.read() if proc.stderr else ""
    assert proc.wait(timeout=60) == exit_code, errors
    return b"".join(chunks), errors
