"""Benchmark: `lcllm add` of 20 THINGs of seven kinds against stand-ins that take 0.3 s per request (issue 15).

One loopback server stands in for every service (shapes from docs/apis.md): arXiv's API, GitHub, the Hugging Face
Hub, doi.org, OpenReview, oEmbed and plain pages. The batch: 5 arXiv ids, 5 GitHub repositories, 4 Hub models and
datasets, 2 DOIs, 1 OpenReview paper, 1 post on X, 2 pages. Printed: the requests each service got (GitHub and the
Hub: one per item, plus GitHub's quota probe; arXiv: one for all) and the wall time of the whole `lcllm` process,
median of the runs. Beside it, papis (installed on first use outside the repository, see bench_peers.py) adds the
same 5 arXiv ids, one `papis add --from arxiv ID` each (papis has no importer for the other kinds), with its
arXiv endpoints pointed at the same stand-in and every other request refused on the machine (a proxy on a closed
port), so nothing leaves it.

    .venv/bin/python benchmarks/bench_add_things.py [--runs 3] [--latency 0.3] [--no-peers]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.arxiv_stub import API_PATH, ArxivStub  # noqa: E402
from tests.stubserver import Reply, Request, StubServer  # noqa: E402

LCLLM = Path(sys.executable).with_name("lcllm")
ARXIV_IDS = [f"2404.{i:05d}" for i in range(1, 6)]
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _json(data: object, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data), content_type="application/json")


class World:
    """Every service the batch needs, on one server; each answer takes ``latency`` seconds."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.arxiv = ArxivStub()  # only its answers: its own server is never started
        self.seen: Counter[str] = Counter()
        self._lock = threading.Lock()

    def service(self, path: str) -> str:
        for prefix, name in (
            (API_PATH, "arXiv API"),
            ("/abs/", "arXiv pages"),
            ("/pdf/", "arXiv PDFs"),
            ("/gh/", "GitHub"),
            ("/hf/", "Hugging Face"),
            ("/doi/", "doi.org"),
            ("/or/", "OpenReview"),
            ("/oembed", "oEmbed"),
            ("/page/", "pages"),
        ):
            if path.startswith(prefix):
                return name
        return "other"

    def handle(self, req: Request) -> Reply:
        with self._lock:
            self.seen[self.service(req.path)] += 1
        time.sleep(self.latency)
        path = req.path
        if path == API_PATH:
            return self.arxiv.answer(req.query)
        if path.startswith("/abs/"):
            return Reply(200, "<html><head><title>arXiv abstract</title></head></html>", content_type="text/html")
        if path.startswith("/pdf/"):
            return Reply(200, PDF, content_type="application/pdf")
        if path == "/gh/rate_limit":
            core = {"limit": 5000, "remaining": 5000, "reset": 1_900_000_000, "used": 0}
            return _json({"resources": {"core": core}, "rate": core})
        if path.startswith("/gh/repos/"):
            owner, name = path.removeprefix("/gh/repos/").split("/")[:2]
            return _json(
                {
                    "full_name": f"{owner}/{name}",
                    "html_url": f"https://github.com/{owner}/{name}",
                    "stargazers_count": 100,
                    "description": f"The {name} project",
                    "archived": False,
                }
            )
        if path.startswith("/hf/api/"):
            _, owner, name = path.removeprefix("/hf/api/").split("/")[:3]
            return _json({"id": f"{owner}/{name}", "author": owner, "likes": 5, "downloads": 50})
        if path.startswith("/doi/"):
            doi = path.removeprefix("/doi/")
            return _json(
                {
                    "type": "paper-conference",
                    "title": f"A paper with DOI {doi}",
                    "author": [{"given": "Ada", "family": "Lovelace"}],
                    "container-title": "Proceedings of ACL 2023",
                    "issued": {"date-parts": [[2023, 7]]},
                    "DOI": doi,
                }
            )
        if path == "/or/notes":
            note = req.query.get("id", [""])[0]
            content = {
                "title": {"value": "Sparse Attention at Scale"},
                "authors": {"value": ["Bo Li"]},
                "venue": {"value": "ICLR 2025 Poster"},
                "venueid": {"value": "ICLR.cc/2025/Conference"},
            }
            return _json({"notes": [{"id": note, "forum": note, "content": content}]})
        if path == "/oembed":
            html = '<blockquote class="twitter-tweet"><p lang="en">Long context, at last</p></blockquote>'
            return _json({"author_name": "Some One", "author_url": "https://x.com/someone", "html": html})
        if path.startswith("/page/"):
            return Reply(200, f"<html><head><title>Post {path[6:]}</title></head></html>", content_type="text/html")
        return _json({"message": "no such endpoint"}, 404)


def things(base: str) -> list[str]:
    return [
        *ARXIV_IDS,
        *[f"https://github.com/acme/repo{n}" for n in range(5)],
        "https://huggingface.co/acme/tiny-long-7b",
        "https://huggingface.co/acme/small-long-1b",
        "https://huggingface.co/datasets/acme/long-bench",
        "https://huggingface.co/datasets/acme/needle",
        "10.18653/v1/2023.acl-long.1",
        "10.18653/v1/2023.acl-long.2",
        "https://openreview.net/forum?id=AbCd123",
        "https://x.com/someone/status/123",
        f"{base}/page/one",
        f"{base}/page/two",
    ]


def run_lcllm(world: World, srv: StubServer, runs: int) -> tuple[list[float], Counter[str]]:
    walls: list[float] = []
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
        env.update(
            LCLLM_ARXIV_API_URL=srv.url + API_PATH,
            LCLLM_GITHUB_API_URL=srv.url + "/gh",
            LCLLM_HF_URL=srv.url + "/hf",
            LCLLM_DOI_URL=srv.url + "/doi",
            LCLLM_OPENREVIEW_API_URL=srv.url + "/or",
            LCLLM_OEMBED_URL=srv.url + "/oembed",
            XDG_CACHE_HOME=str(Path(tmp) / "cache"),
        )
        batch = things(srv.url)
        assert len(batch) == 20
        for run in range(runs):
            path = Path(tmp) / f"entries-{run}.toml"
            world.seen.clear()
            started = time.perf_counter()
            proc = subprocess.run([str(LCLLM), "--file", str(path), "add", *batch], env=env, capture_output=True)
            walls.append(time.perf_counter() - started)
            if proc.returncode != 0:
                sys.exit(f"lcllm add failed ({proc.returncode}): {proc.stderr.decode()}")
            added = path.read_text("utf-8").count("[[entry]]")
            if added != len(batch):
                sys.exit(f"expected {len(batch)} entries, found {added}")
            counts = Counter(world.seen)
    return walls, counts


# Loaded by papis's Python (PYTHONPATH): every request for arxiv.org goes to the stand-in instead.
_SITECUSTOMIZE = """
import os
import re
import requests
base = os.environ["BENCH_STANDIN"]
_arxiv = re.compile(r"^https?://(export\\.)?arxiv\\.org/api/query")
_site = re.compile(r"^https?://(export\\.)?arxiv\\.org")
_request = requests.Session.request
def request(self, method, url, *args, **kwargs):
    url = _site.sub(base, _arxiv.sub(base + "{api}", str(url)))
    return _request(self, method, url, *args, **kwargs)
requests.Session.request = request
"""


def run_papis(papis: Path, world: World, srv: StubServer, runs: int) -> tuple[list[float], Counter[str], str]:
    """papis adds the arXiv ids, one process each, as its users do; the wall time is for all of them."""
    walls: list[float] = []
    counts: Counter[str] = Counter()
    problem = ""
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        (site / "sitecustomize.py").write_text(_SITECUSTOMIZE.format(api=API_PATH), encoding="utf-8")
        env = dict(os.environ)
        env.update(
            BENCH_STANDIN=srv.url,
            PYTHONPATH=str(site),
            XDG_CONFIG_HOME=str(Path(tmp) / "config"),
            XDG_CACHE_HOME=str(Path(tmp) / "cache"),
            # Whatever papis asks besides the patched endpoints is refused here, on a closed local port.
            HTTP_PROXY="http://127.0.0.1:9",
            HTTPS_PROXY="http://127.0.0.1:9",
            NO_PROXY="127.0.0.1,localhost",
        )
        for run in range(runs):
            lib = Path(tmp) / f"lib-{run}"
            lib.mkdir()
            conf = Path(tmp) / "config" / "papis"
            conf.mkdir(parents=True, exist_ok=True)
            (conf / "config").write_text(
                f"[settings]\ndefault-library = bench\n\n[bench]\ndir = {lib}\n", encoding="utf-8"
            )
            world.seen.clear()
            started = time.perf_counter()
            for arxiv_id in ARXIV_IDS:
                proc = subprocess.run(
                    [str(papis), "add", "--batch", "--from", "arxiv", arxiv_id], env=env, capture_output=True
                )
                if proc.returncode != 0 and not problem:
                    problem = proc.stderr.decode(errors="replace").strip().splitlines()[-1:][0:1]
                    problem = problem[0] if problem else f"exit {proc.returncode}"
            walls.append(time.perf_counter() - started)
            counts = Counter(world.seen)
    return walls, counts, problem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported (default 3)")
    parser.add_argument("--latency", type=float, default=0.3, help="seconds the stand-ins take per request")
    parser.add_argument("--no-peers", action="store_true", help="leave papis out")
    args = parser.parse_args()

    world = World(args.latency)
    with StubServer(world.handle) as srv:
        walls, counts = run_lcllm(world, srv, args.runs)
        print(f"lcllm add, 20 THINGs of 7 kinds, stand-ins answering in {args.latency:g} s, {args.runs} runs")
        print(f"  requests: {sum(counts.values())} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
        print(f"  wall time: median {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f})")
        if args.no_peers:
            return
        from bench_peers import ensure_papis

        papis = ensure_papis(print)
        if papis is None:
            print("papis: not installed; its row is left out")
            return
        p_walls, p_counts, problem = run_papis(papis, world, srv, args.runs)
        print(f"papis add --from arxiv, the {len(ARXIV_IDS)} arXiv ids of the batch, one process each")
        print(f"  requests: {sum(p_counts.values())} ({', '.join(f'{k} {v}' for k, v in sorted(p_counts.items()))})")
        print(
            f"  wall time: median {statistics.median(p_walls):.2f} s (min {min(p_walls):.2f}, max {max(p_walls):.2f})"
        )
        if problem:
            print(f"  note: papis said: {problem}")
        print(
            f"lcllm adds all 20 in {statistics.median(walls) / statistics.median(p_walls):.2f}x the time papis takes "
            f"for its {len(ARXIV_IDS)} arXiv ids"
        )


if __name__ == "__main__":
    main()
