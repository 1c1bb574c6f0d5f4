"""The on-disk answer cache of the HTTP layer: one small JSON file per answer under the user cache directory.

Files live in ``platformdirs.user_cache_dir("lcllm")/http`` (so ``$XDG_CACHE_HOME/lcllm/http`` on Linux), named by
the SHA-256 of a key the caller chooses (a URL, or ``s2:<base>:<fields>:ARXIV:<id>`` for one paper of a batch).
Each file holds ``{"key", "time", "value"}``; ``time`` is the wall-clock second it was stored, compared with the
time-to-live on read. Writes are atomic (temporary file + rename), so two lcllm processes never see half a file.

The cache only saves requests: an unreadable or corrupt file is a miss, and a cache that cannot be written is
reported once on stderr and otherwise ignored.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from lcllm_cli.files import read_regular, replace_file

FUTURE_SLACK = 300.0  # seconds a record may seem to come from the future (clocks differ a little)


def default_cache_dir() -> Path:
    """``<user cache dir>/lcllm/http``; honours ``XDG_CACHE_HOME``."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lcllm")) / "http"


class Cache:
    """A key -> JSON value store with ages. ``get(key, max_age=None)`` accepts an answer of any age."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else default_cache_dir()
        self._warned = False

    def path_for(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, key: str, max_age: float | None) -> Any | None:
        """The stored value, or None when absent, unreadable, for another key, or older than ``max_age`` s."""
        path = self.path_for(key)
        try:
            # only a regular file is read (a FIFO put in its place would wait forever), and nothing in it is
            # trusted: damage of any kind (cut, binary, nested beyond reason) is a miss, fetched again
            data = json.loads(read_regular(path).decode("utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("time"), int | float):
            return None
        age = time.time() - data["time"]
        if age < -FUTURE_SLACK:  # stored "in the future": a clock set wrong, or a forged record that would never age
            return None
        if max_age is not None and age > max_age:
            return None
        return data.get("value")

    def put(self, key: str, value: Any) -> None:
        path = self.path_for(key)
        text = json.dumps({"key": key, "time": time.time(), "value": value}, ensure_ascii=False)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.is_dir() and not path.is_symlink():  # something in the way of the record: only a file belongs
                path.rmdir()
            elif (path.exists() or path.is_symlink()) and not path.is_file():
                path.unlink()  # a FIFO or device is never written into (replace_file would)
            replace_file(path, text, durable=False)
        except OSError as exc:
            if not self._warned:
                self._warned = True
                print(
                    f"warning: cannot write the cache in {self.directory}: {exc.strerror or exc} "
                    "(answers will be fetched again next time)",
                    file=sys.stderr,
                )
