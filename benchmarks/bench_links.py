"""Link checks (issue 17): ``lcllm check --links`` beside markdown-link-check on the same list, in the same run.

A list of ``pages`` link entries (default 5,000) on ``hosts`` hosts (default 50: the loopback addresses 127.0.0.1 to
127.0.0.50, all on one port; lcllm tells hosts apart by name), served by one stand-in (an asyncio server in this
process) that answers every HEAD or GET with 200 after ``latency`` seconds (default 0.1). lcllm checks
``entries.toml``; markdown-link-check (the npm package, installed on first use into ``<bench data>/peers/node``,
outside the repository) checks ``lcllm export --markdown`` of the same list. For each tool: the median wall time
of whole processes, the requests the stand-in saw and the most requests it had in flight at once to one host.

    .venv/bin/python benchmarks/bench_links.py                 # 5,000 pages, 50 hosts, 1 run each
    .venv/bin/python benchmarks/bench_links.py --pages 500     # a quick look

lcllm runs with its defaults (at most 10 requests at once to one host, 48 in all, starts to one host 0.05 s
apart); markdown-link-check with its own (two links at a time).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from _measure import Figure, Row, format_table, measure  # noqa: E402
from bench_peers import AHEAD, LCLLM, peers_dir  # noqa: E402

SECTION = "link checks (issue 17), measured in the same run (x base = lcllm / markdown-link-check)"


@dataclass
class Stats:
    requests: int = 0
    in_flight: dict[str, int] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.requests = 0
        self.in_flight.clear()
        self.peak.clear()

    @property
    def peak_per_host(self) -> int:
        return max(self.peak.values(), default=0)


class Web:
    """One asyncio HTTP/1.1 server (keep-alive) listening on 127.0.0.1 ... 127.0.0.N, all on one port."""

    def __init__(self, hosts: int, latency: float) -> None:
        self.hosts = [f"127.0.0.{n}" for n in range(1, hosts + 1)]
        self.latency = latency
        self.stats = Stats()
        self.port = _free_port()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> Web:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        servers = [
            await asyncio.start_server(self._client, host, self.port, backlog=1024, reuse_address=True)
            for host in self.hosts
        ]
        self._ready.set()
        await self._stop.wait()
        for s in servers:
            s.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        host = writer.get_extra_info("sockname")[0]
        stats = self.stats
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                method = head.split(b" ", 1)[0]
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:].strip() or 0)
                if length:
                    await reader.readexactly(length)
                stats.requests += 1
                now = stats.in_flight[host] = stats.in_flight.get(host, 0) + 1
                stats.peak[host] = max(stats.peak.get(host, 0), now)
                await asyncio.sleep(self.latency)
                stats.in_flight[host] -= 1
                body = b"" if method == b"HEAD" else b"<html><title>ok</title></html>"
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 30\r\n"
                    b"Connection: keep-alive\r\n\r\n" + body
                )
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_markdown_link_check(log: Callable[[str], None]) -> Path | None:
    exe = peers_dir() / "node" / "node_modules" / ".bin" / "markdown-link-check"
    if exe.exists():
        return exe
    npm = shutil.which("npm")
    if npm is None:
        log("  no npm: markdown-link-check's row is left out")
        return None
    log("installing markdown-link-check (npm) for the link-check comparison ...")
    try:
        subprocess.run(
            [npm, "install", "--silent", "--prefix", str(exe.parents[2]), "markdown-link-check"],
            check=True,
            capture_output=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        log(f"  markdown-link-check could not be installed ({exc}); its row is left out")
        return None
    return exe if exe.exists() else None


def _write_list(path: Path, web: Web, pages: int) -> None:
    from lcllm_cli import store
    from lcllm_cli.model import Entry, Library, Section

    lib = Library(title="Link benchmark", sections=[Section("Pages")])
    for i in range(pages):
        host = web.hosts[i % len(web.hosts)]
        lib.entries.append(
            Entry(kind="link", title=f"Page {i}", url=f"http://{host}:{web.port}/post/{i}", section="Pages")
        )
    store.save(lib, path)


@contextlib.contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="lcllm-bench-links-") as tmp:
        yield Path(tmp)


def rows(
    runs: int = 1,
    *,
    pages: int = 5000,
    hosts: int = 50,
    latency: float = 0.1,
    log: Callable[[str], None] = print,
    peer: bool = True,
) -> list[Row]:
    mlc = ensure_markdown_link_check(log) if peer else None
    with Web(hosts, latency) as web, _workdir() as tmp:
        entries = tmp / "entries.toml"
        _write_list(entries, web, pages)
        md = tmp / "list.md"
        env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
        env.update(XDG_CACHE_HOME=str(tmp / "cache"), NO_PROXY="*", no_proxy="*")
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            env.pop(name, None)
        with md.open("wb") as fh:
            subprocess.run([LCLLM, "--file", str(entries), "export", "--markdown"], stdout=fh, check=True, env=env)
        specs: list[tuple[str, list[str]]] = [("lcllm", [LCLLM, "--file", str(entries), "check", "--links"])]
        if mlc is not None:
            specs.append(("markdown-link-check", [str(mlc), "--quiet", str(md)]))
        figures = {name: Figure() for name, _ in specs}
        seen: dict[str, list[tuple[int, int]]] = {name: [] for name, _ in specs}
        log(f"links: {pages:,} pages on {hosts} hosts ({latency:g} s each), {runs} run(s) of {len(specs)} tools ...")
        for _ in range(runs):
            for name, argv in specs:
                shutil.rmtree(tmp / "cache", ignore_errors=True)
                web.stats.reset()
                sample = measure(argv, env=env, ok_codes=(0,))
                figures[name].add(sample)
                seen[name].append((web.stats.requests, web.stats.peak_per_host))
                if web.stats.requests < pages:
                    raise SystemExit(f"{name} asked {web.stats.requests} of {pages} pages: the figure would be void")
                log(f"  {name}: {sample.wall:.1f} s, {web.stats.requests} requests, peak {web.stats.peak_per_host}")
    out: list[Row] = []

    def note(name: str) -> str:
        reqs = sorted({r for r, _ in seen[name]})
        peak = max(p for _, p in seen[name])
        return f"{'/'.join(map(str, reqs))} requests, at most {peak} at once to one host"

    lcllm_note = note("lcllm") + " (limit 10)"
    if mlc is None:
        out.append(Row(f"lcllm check --links, {pages:,} pages", figures["lcllm"], section=SECTION, note=lcllm_note))
        out.append(Row("markdown-link-check", None, section=SECTION, note="not installed"))
        return out
    row = Row(
        f"{pages:,} pages on {hosts} hosts: lcllm check --links / markdown-link-check",
        figures["lcllm"],
        base=figures["markdown-link-check"],
        section=SECTION,
    )
    ratio = row.ratio
    ahead = (1 / ratio if ratio > 0 else float("inf")) if ratio is not None else 0.0
    row.note = (
        f"lcllm: {lcllm_note}; markdown-link-check: {note('markdown-link-check')}, "
        f"{figures['markdown-link-check'].wall:.1f} s; lcllm {ahead:.1f}x ahead"
        + ("" if ahead >= AHEAD else f" (budget {AHEAD:g}x: OVER)")
    )
    out.append(row)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--no-peer", action="store_true", help="lcllm alone")
    args = parser.parse_args()
    table = rows(
        args.runs,
        pages=args.pages,
        hosts=args.hosts,
        latency=args.latency,
        log=lambda m: print(m, file=sys.stderr, flush=True),
        peer=not args.no_peer,
    )
    print(format_table(table))


if __name__ == "__main__":
    main()
