"""``lcllm import``: bring an existing awesome-list Markdown file or a .bib into the list (one write)."""

from __future__ import annotations

from pathlib import Path

from lcllm_cli.importers.apply import ImportReport
from lcllm_cli.model import Library


def run(
    path: Path,
    source: Path,
    *,
    fmt: str | None = None,
    section: str | None = None,
    dedupe: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Read ``source`` and add its items to the list at ``path`` (created when missing). Starting a list from a file
    with no item in it would only create an empty list, so that is refused; ``dry_run`` writes nothing."""
    from lcllm_cli import importers, store
    from lcllm_cli.gcpause import keep
    from lcllm_cli.importers.apply import import_into

    result = importers.read(source, fmt, require_items=not path.exists())
    if dry_run:
        target = store.load(path) if path.exists() else Library()
        return import_into(target, result, section=_section(target, section), dedupe=dedupe)
    with store.edit(path, create=True, title=result.library.title) as target:
        keep(target, result)  # (freeing them object by object when the command returns would only cost time)
        return import_into(target, result, section=_section(target, section), dedupe=dedupe)


def _section(target: Library, wanted: str | None) -> str | None:
    """``--section`` named as every command names one; a name no section has is a new section."""
    if wanted is None:
        return None
    from lcllm_cli.commands.section import resolve

    return resolve(target, wanted, new_section=True)
