"""The one skeleton of the commands that fetch: read, fetch without the lock, re-read under it, apply, write once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from lcllm_cli.model import Library

Fetched = TypeVar("Fetched")


def fetch_then_apply(
    path: Path,
    fetch: Callable[[Library], Fetched],
    apply: Callable[[Library, Fetched], None],
    *,
    dry_run: bool = False,
    create: bool = False,
    worth_writing: Callable[[Fetched], bool] = bool,
) -> Fetched:
    """Read the list at ``path`` (an empty one when ``create`` and there is none yet), ``fetch`` from it without
    holding the lock, then ``apply`` what came back to the list as it is now, under the lock, and write it once
    (only when ``worth_writing(fetched)``, and not at all for a ``dry_run``, which applies to a fresh copy).
    Returns what ``fetch`` returned."""
    from lcllm_cli import store

    def current() -> Library:
        return store.load(path) if path.exists() or not create else Library()

    fetched = fetch(current())
    if dry_run:
        apply(current(), fetched)
    elif worth_writing(fetched):
        with store.edit(path, create=create) as target:
            apply(target, fetched)
    return fetched
