"""Measure whole processes: wall time and peak memory of one fresh child process per run, medians over runs.

Peak memory is the child's own maximum resident set size, from ``os.wait4`` (the kernel's ``ru_maxrss``), so no
external ``/usr/bin/time`` is needed and nothing else running on the machine is counted.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# A fixed pure-Python loop, timed beside lcllm: a shared VM's speed drifts over minutes (the same loop took 0.50 s to
# 0.88 s within an afternoon), and every figure measured in a slow minute is slower with it.
PROBE = "sum(range(30_000_000))"


class RunFailed(RuntimeError):
    """A measured command exited with an unexpected status."""


@dataclass(slots=True)
class Sample:
    wall: float  # seconds
    rss_mb: float  # peak resident set size, MiB
    returncode: int
    stdout: bytes = b""
    stderr: bytes = b""


@dataclass(slots=True)
class Figure:
    """The runs of one measured command."""

    walls: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)

    def add(self, sample: Sample) -> None:
        self.walls.append(sample.wall)
        self.rss.append(sample.rss_mb)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def peak_mb(self) -> float:
        return max(self.rss)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.walls), max(self.walls)


def _as_a_user_runs(env: Mapping[str, str] | None) -> dict[str, str]:
    """The child's environment, without PYTHONDONTWRITEBYTECODE: with it set (as in some CI and sandbox shells),
    every module changed since its .pyc was written is compiled again on every run, which a user never pays."""
    child = dict(env) if env is not None else dict(os.environ)
    child.pop("PYTHONDONTWRITEBYTECODE", None)
    return child


def measure(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    stdout_path: Path | None = None,
    ok_codes: tuple[int, ...] = (0,),
    keep_output: bool = False,
    terminal: bool = False,
) -> Sample:
    """Run ``argv`` in a fresh process and return its wall time and peak RSS.

    Its stdout goes to ``stdout_path``, else to a pipe read here (``keep_output``), else to a pseudo-terminal read
    here (``terminal``: what a user at a terminal sees), else to /dev/null.
    """
    out_fd = os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644) if stdout_path else None
    devnull = os.open(os.devnull, os.O_WRONLY)
    out_r = err_r = None
    try:
        if terminal:
            out_r, out_w = os.openpty()
            import fcntl
            import struct
            import termios

            fcntl.ioctl(out_w, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 120, 0, 0))
        elif keep_output:
            out_r, out_w = os.pipe()
        else:
            out_w = out_fd if out_fd is not None else devnull
        err_r, err_w = os.pipe()
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out_w,
            stderr=err_w,
            env=_as_a_user_runs(env),
            cwd=cwd,
        )
        if keep_output or terminal:
            os.close(out_w)
        os.close(err_w)
        chunks: dict[int, list[bytes]] = {err_r: []}
        if out_r is not None:
            chunks[out_r] = []
        _drain(chunks)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        for fd in (out_fd, devnull, out_r, err_r):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
    sample = Sample(
        wall=wall,
        rss_mb=usage.ru_maxrss / 1024,  # Linux reports KiB
        returncode=proc.returncode,
        stdout=b"".join(chunks.get(out_r, [])) if out_r is not None else b"",
        stderr=b"".join(chunks[err_r]),
    )
    if sample.returncode not in ok_codes:
        raise RunFailed(
            f"{' '.join(map(str, argv))} exited with {sample.returncode}: "
            f"{sample.stderr.decode('utf-8', 'replace').strip()[-600:]}"
        )
    return sample


def _drain(chunks: dict[int, list[bytes]]) -> None:
    """Read every pipe to its end (so a chatty child never blocks on a full pipe)."""
    import selectors

    sel = selectors.DefaultSelector()
    for fd in chunks:
        sel.register(fd, selectors.EVENT_READ)
    open_fds = set(chunks)
    while open_fds:
        for key, _ in sel.select():
            try:
                data = os.read(key.fd, 1 << 16)
            except OSError:  # a pseudo-terminal whose other side has closed
                data = b""
            if data:
                chunks[key.fd].append(data)
            else:
                sel.unregister(key.fd)
                open_fds.discard(key.fd)
    sel.close()


def repeat(
    runs: int,
    argv: Sequence[str] | Callable[[int], Sequence[str]],
    *,
    before: Callable[[int], None] | None = None,
    **kwargs: object,
) -> Figure:
    """``runs`` measured runs of one command; ``before(run)`` prepares each run (not timed)."""
    fig = Figure()
    for n in range(runs):
        if before is not None:
            before(n)
        args = argv(n) if callable(argv) else argv
        fig.add(measure(args, **kwargs))  # type: ignore[arg-type]
    return fig


@dataclass(slots=True)
class Spec:
    """One command to measure among others (see :func:`interleaved`)."""

    name: str
    argv: Sequence[str]
    before: Callable[[int], None] | None = None  # prepares each run, given its number (-1: the warm-up); not timed
    warm_up: bool = True  # one unmeasured run first (fills caches)
    env: Mapping[str, str] | None = None
    ok_codes: tuple[int, ...] = (0, 1)


def interleaved(specs: Sequence[Spec], runs: int) -> dict[str, Figure]:
    """``runs`` measured runs of each spec, taken in turns: run 1 of every spec, then run 2 of every spec, and so on.

    A shared machine has slow spells of a few seconds; measured one command after the other, a spell could fall on
    every run of one figure and move its median. In turns, it falls on one run of several figures, which their
    medians leave out, and a baseline measured among them drifts with them.
    """
    for spec in specs:
        if spec.warm_up:
            if spec.before is not None:
                spec.before(-1)
            measure(spec.argv, env=spec.env, ok_codes=spec.ok_codes)
    figures = {spec.name: Figure() for spec in specs}
    for n in range(runs):
        for spec in specs:
            if spec.before is not None:
                spec.before(n)
            figures[spec.name].add(measure(spec.argv, env=spec.env, ok_codes=spec.ok_codes))
    return figures


# --------------------------------------------------------------------------------------------- the table


@dataclass(slots=True)
class Row:
    """One line of the table: a figure, its target, what was measured and how it compares."""

    figure: str
    fig: Figure | None = None
    target_s: float | None = None  # wall-time target, seconds
    target_mb: float | None = None  # peak-memory target, MiB
    base: Figure | None = None  # the baseline measured in the same run (ratio = wall / base wall)
    smaller: Row | None = None  # the same figure at a 10x smaller size (growth = wall / smaller wall)
    max_growth: float | None = None
    note: str = ""
    section: str = ""

    @property
    def ratio(self) -> float | None:
        if self.fig is None or self.base is None or self.base.wall <= 0:
            return None
        return self.fig.wall / self.base.wall

    @property
    def growth(self) -> float | None:
        if self.fig is None or self.smaller is None or self.smaller.fig is None or self.smaller.fig.wall <= 0:
            return None
        return self.fig.wall / self.smaller.fig.wall

    def verdict(self) -> str:
        if self.fig is None:
            return "n/a"
        bad = []
        if self.target_s is not None and self.fig.wall > self.target_s:
            bad.append("time")
        if self.target_mb is not None and self.fig.peak_mb > self.target_mb:
            bad.append("memory")
        if self.max_growth is not None and self.growth is not None and self.growth > self.max_growth:
            bad.append("growth")
        if bad:
            return "OVER (" + ", ".join(bad) + ")"
        return "ok" if (self.target_s or self.target_mb or self.max_growth) else ""


def _secs(x: float) -> str:
    return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def format_table(rows: list[Row]) -> str:
    head = ["figure", "target", "median wall", "min-max", "runs", "peak RSS", "x base", "growth", "", "note"]
    body: list[list[str]] = []
    sections: list[tuple[int, str]] = []
    last_section = None
    for r in rows:
        if r.section != last_section:
            sections.append((len(body), r.section))
            last_section = r.section
        target = []
        if r.target_s is not None:
            target.append(f"<{_secs(r.target_s)}")
        if r.max_growth is not None and r.smaller is not None:
            target.append(f"x<={r.max_growth:g}")
        if r.fig is None:
            body.append([r.figure, " ".join(target), "-", "", "", "", "", "", "n/a", r.note])
            continue
        lo, hi = r.fig.spread
        body.append(
            [
                r.figure,
                " ".join(target),
                _secs(r.fig.wall),
                f"{_secs(lo)}-{_secs(hi)}" if len(r.fig.walls) > 1 else "",
                str(len(r.fig.walls)),
                f"{r.fig.peak_mb:.0f} MB",
                f"{r.ratio:.1f}x" if r.ratio is not None else "",
                f"{r.growth:.1f}x" if r.growth is not None else "",
                r.verdict(),
                r.note,
            ]
        )
    widths = [max(len(head[i]), *(len(b[i]) for b in body)) if body else len(head[i]) for i in range(len(head))]
    right = {2, 3, 4, 5, 6, 7}

    def line(cells: list[str]) -> str:
        out = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "  ".join(out).rstrip()

    lines = [line(head), "  ".join("-" * w for w in widths[:-1]) + "  " + "-" * 4]
    starts = dict(sections)
    for i, b in enumerate(body):
        if starts.get(i):
            lines.append(f"[{starts[i]}]")
        lines.append(line(b))
    return "\n".join(lines)
