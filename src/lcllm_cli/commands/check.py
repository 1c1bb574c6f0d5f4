"""``lcllm check``: is ``entries.toml`` valid, free of duplicates and of malformed links (the offline lint of
:mod:`lcllm_cli.commands.links`), and is every marked README up to date?

Meant for CI and pre-commit hooks: :func:`check` never writes anything and returns a report whose ``ok`` says
whether the command should exit 0.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lcllm_cli.errors import StoreError, UsageError
from lcllm_cli.mdsyntax import MARKER_START

if TYPE_CHECKING:
    from lcllm_cli.commands.links import Finding
    from lcllm_cli.model import Library

MAX_DIFF_LINES = 40
DEFAULT_README = "README.md"


@dataclass(slots=True)
class FileStatus:
    path: str
    up_to_date: bool
    added: int = 0  # lines the export would add
    removed: int = 0  # lines the export would remove
    diff: list[str] = field(default_factory=list)  # the unified diff, cut to MAX_DIFF_LINES

    def summary(self) -> str:
        if self.up_to_date:
            return f"{self.path}: up to date"
        return (
            f"{self.path}: out of date with entries.toml (+{self.added} -{self.removed} lines); "
            f"run `lcllm export --markdown --in-place {self.path}`"
        )


@dataclass(slots=True)
class CheckReport:
    entries_file: str
    valid: bool = True
    error: str | None = None
    hint: str | None = None
    entries: int = 0
    duplicates: list[str] = field(default_factory=list)  # one sentence per duplicate group
    duplicates_checked: bool = True
    files: list[FileStatus] = field(default_factory=list)
    links: list[Finding] = field(default_factory=list)  # malformed links, found without the network
    library: Library | None = field(default=None, repr=False, compare=False)  # the list as read (not in to_dict)

    @property
    def ok(self) -> bool:
        return self.valid and not self.duplicates and not self.links and all(f.up_to_date for f in self.files)

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "entries_file": self.entries_file,
            "valid": self.valid,
            "error": self.error,
            "hint": self.hint,
            "entries": self.entries,
            "duplicates": self.duplicates,
            "duplicates_checked": self.duplicates_checked,
            "links": [f.to_dict() for f in self.links],
            "files": [
                {"path": f.path, "up_to_date": f.up_to_date, "added": f.added, "removed": f.removed, "diff": f.diff}
                for f in self.files
            ],
        }


def _duplicates(lib: object) -> tuple[list[str], bool]:
    try:
        from lcllm_cli.dedupe import entry_keys, find_groups_keyed
    except ImportError:  # the dedupe area is not installed: say so rather than pass silently
        return [], False
    from lcllm_cli.gcpause import keep

    entries = lib.entries  # type: ignore[attr-defined]
    keys = entry_keys(entries)
    keep(keys)  # (read to the end of the command: freeing them would only cost time)
    out: list[str] = []
    for group in find_groups_keyed(entries, keys):
        names = ", ".join(f"#{i + 1} {entries[i].ident}" for i in group.indexes)
        why = "; ".join(group.reasons)
        out.append(f"{names}: {why}" if why else names)
    return out, True


def file_status(path: Path, expected_body: str) -> FileStatus:
    """Compare what lies between ``path``'s markers with ``expected_body`` (the rendered list)."""
    from lcllm_cli.exporters.markdown import between_markers, block_for_markers

    try:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    except FileNotFoundError:
        raise UsageError(f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    current = between_markers(text)
    if current is None:
        raise UsageError(
            f"{path} has no {MARKER_START} ... <!-- lcllm:end --> markers, so there is nothing to check",
            hint="add the markers and run `lcllm export --markdown --in-place FILE`, or leave FILE out",
        )
    return _status(path, current.split("\n"), block_for_markers(expected_body).split("\n"), "from entries.toml")


def _text(path: Path) -> str | None:
    """The entries file's text (for the lines of findings); None when it cannot be read again."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def run(entries_path: Path, files: list[Path] | None = None) -> CheckReport:
    """Check the entries file and the given Markdown files (default: README.md beside it, when it has markers).

    An invalid or missing entries file is reported (``valid`` False) rather than raised, so the caller can
    exit 1 with the reason. A FILE given explicitly that is missing or has no markers raises UsageError.
    """
    from lcllm_cli import store
    from lcllm_cli.commands.links import lint
    from lcllm_cli.exporters.markdown import render
    from lcllm_cli.gcpause import keep

    report = CheckReport(str(entries_path))
    try:
        lib = store.load(entries_path)
    except StoreError as exc:
        report.valid = False
        report.error = exc.message
        report.hint = exc.hint or "fix entries.toml (git diff shows what changed), then run `lcllm check` again"
        return report
    keep(lib)  # (read to the end of the command: freeing it would only cost time)
    report.library = lib
    report.entries = len(lib.entries)
    report.duplicates, report.duplicates_checked = _duplicates(lib)
    report.links = lint(lib, lambda: _text(entries_path))
    if files is None:
        readme = entries_path.parent / DEFAULT_README
        files = []
        try:
            if readme.is_file() and MARKER_START in readme.read_text(encoding="utf-8"):
                files = [readme]
        except (OSError, UnicodeDecodeError):
            files = []
    if files:
        body = render(lib, full=False)
        report.files = [file_status(p, body) for p in files]
    return report


def text_status(path: Path, have: str, want: str) -> FileStatus:
    """Compare a whole file's text ``have`` with ``want`` (what the export would write), as :func:`file_status`
    compares a marked part (used for the pages and the index of a workspace)."""
    return _status(path, have.replace("\r\n", "\n").split("\n"), want.replace("\r\n", "\n").split("\n"), "export")


def _status(path: Path, have: list[str], want: list[str], source: str) -> FileStatus:
    """Up to date when the lines are equal; else the counts and the first lines of their diff."""
    if have == want:
        return FileStatus(str(path), True)
    diff = list(difflib.unified_diff(have, want, f"{path} (now)", f"{path} ({source})", lineterm="", n=1))
    added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
    removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
    shown = diff[:MAX_DIFF_LINES] + (
        [f"... ({len(diff) - MAX_DIFF_LINES} more diff lines)"] if len(diff) > MAX_DIFF_LINES else []
    )
    return FileStatus(str(path), False, added, removed, shown)
