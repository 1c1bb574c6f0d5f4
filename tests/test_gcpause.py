"""The collector's pause around bulk steps, and the command line's freeze of what they build."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from lcllm_cli import gcpause, store
from lcllm_cli.model import Entry, Library


@pytest.fixture
def freezing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(gcpause, "FREEZE_AFTER", True)
    yield
    gc.unfreeze()  # give the test process's objects back to the collector


def test_the_pause_stops_the_collector_and_restores_it() -> None:
    assert gc.isenabled()
    with gcpause.paused_gc():
        assert not gc.isenabled()
        with gcpause.paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause leaves the outer one paused
    assert gc.isenabled()
    gc.disable()
    try:
        with gcpause.paused_gc():
            pass
        assert not gc.isenabled()  # a collector that was off stays off
    finally:
        gc.enable()


def test_without_the_flag_nothing_is_frozen() -> None:
    before = gc.get_freeze_count()
    with gcpause.paused_gc():
        built = [[i] for i in range(1000)]
    assert gc.get_freeze_count() == before
    assert built[-1] == [999]


def test_with_the_flag_what_a_step_built_is_frozen_once_at_the_outer_end(freezing: None) -> None:
    before = gc.get_freeze_count()
    with gcpause.paused_gc():
        with gcpause.paused_gc():
            built = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == before  # not yet: the outer step goes on
    assert gc.get_freeze_count() >= before + 1000
    # frozen objects are still freed by reference counting
    gone = gc.get_freeze_count()
    del built
    assert gc.get_freeze_count() <= gone - 1000


def test_the_command_line_freezes_a_list_it_reads(tmp_path: Path) -> None:
    """In an lcllm process, the list read from entries.toml is frozen: no collection walks it afterwards."""
    path = tmp_path / "entries.toml"
    store.save(Library(entries=[Entry(kind="paper", title=f"P{i}", authors=["A B"]) for i in range(2000)]), path)
    script = (
        "import gc, os, sys\n"
        "from lcllm_cli import __main__ as m\n"
        "def report(status):\n"
        "    sys.stderr.write(f'frozen {gc.get_freeze_count()}\\n'); sys.stderr.flush(); os._exit(status)\n"
        "m._finish = lambda code: report(0 if code is None else code)\n"
        "sys.argv = ['lcllm', '--file', sys.argv[1], 'list', '--json']\n"
        "m.main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    frozen = int(proc.stderr.rsplit("frozen ", 1)[1])
    assert frozen >= 2000 * 2  # each entry and its author list at least


class _Held:
    """An object a weak reference can follow."""


def test_keep_holds_what_it_is_given_to_the_end_only_in_a_one_command_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weakref

    monkeypatch.setattr(gcpause, "_KEPT", [])
    held = _Held()
    ref = weakref.ref(held)
    gcpause.keep(held)
    del held
    assert ref() is None  # library use: keep() holds nothing
    monkeypatch.setattr(gcpause, "FREEZE_AFTER", True)
    held = _Held()
    ref = weakref.ref(held)
    gcpause.keep(held)
    del held
    assert ref() is not None  # the command line's process: held until it exits
