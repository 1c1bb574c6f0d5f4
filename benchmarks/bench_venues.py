"""Benchmark: the requests `lcllm enrich --venues` makes for the shipped entries.toml, beside citation counts alone.

Issue 18: the published versions come in the same Semantic Scholar batch requests that bring citation counts, so
venues cost no request of their own in the common case. Runs the installed executable on a copy of the shipped list
against stand-ins on 127.0.0.1 (Semantic Scholar answering every paper, some with a conference or journal, the rest
"arXiv.org"; doi.org and OpenReview counting what they are asked), each run with an empty cache, and prints the
requests per service and the median wall time of: `--citations` alone (the peer), `--venues` alone, and both.
A second run of `--venues` on the warm cache must ask nothing.

    .venv/bin/python benchmarks/bench_venues.py [--runs 3] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT))

from _measure import Figure, Row, measure  # noqa: E402
from tests.stubserver import Reply, Request, StubServer  # noqa: E402

SHIPPED = ROOT / "entries.toml"
VARIANTS = (("citations alone", ["--citations"]), ("venues alone", ["--venues"]), ("both", ["--citations", "--venues"]))


def _record(i: int, s2_id: str) -> dict[str, object]:
    """A made-up Semantic Scholar record: every third paper at ICLR, every fifth in TACL, the rest arXiv only."""
    base: dict[str, object] = {"paperId": f"p{i:04d}", "citationCount": i, "year": 2023}
    arxiv = s2_id.removeprefix("ARXIV:")
    if i % 3 == 0:
        return base | {
            "venue": "International Conference on Learning Representations",
            "publicationVenue": {"name": "International Conference on Learning Representations", "type": "conference"},
            "externalIds": {"ArXiv": arxiv, "DBLP": f"conf/iclr/X{i}24"},
        }
    if i % 5 == 0:
        return base | {
            "venue": "Transactions of the Association for Computational Linguistics",
            "journal": {"name": "Transactions of the Association for Computational Linguistics", "volume": "12"},
            "externalIds": {"ArXiv": arxiv},
        }
    return base | {"venue": "arXiv.org", "journal": {"name": "ArXiv"}, "externalIds": {"ArXiv": arxiv}}


def _handler(latency: float) -> Callable[[Request], Reply]:
    import time

    def handle(req: Request) -> Reply:
        time.sleep(latency)
        if req.path.endswith("/paper/batch"):
            ids = json.loads(req.body)["ids"]
            body = json.dumps([_record(i, s) for i, s in enumerate(ids, 1)])
            return Reply(200, body, content_type="application/json")
        return Reply(404, "{}", content_type="application/json")

    return handle


def _service(req: Request) -> str:
    return {"graph": "Semantic Scholar", "doi": "doi.org", "openreview": "OpenReview"}.get(
        req.path.split("/")[1], req.path
    )


def rows(runs: int = 3, latency: float = 0.2, log: Callable[[str], None] = print) -> list[Row]:
    lcllm = str(Path(sys.executable).with_name("lcllm"))
    out: list[Row] = []
    peer: Figure | None = None
    with StubServer(_handler(latency)) as srv, tempfile.TemporaryDirectory(prefix="lcllm-bench-venues-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_") and k != "S2_API_KEY"}
        env.update(
            LCLLM_S2_API_URL=f"{srv.url}/graph/v1",
            LCLLM_DOI_URL=f"{srv.url}/doi",
            LCLLM_OPENREVIEW_API_URL=f"{srv.url}/openreview",
            LCLLM_GITHUB_API_URL="http://127.0.0.1:9",  # never asked: no --stars
        )
        papers = SHIPPED.read_text("utf-8").count('kind = "paper"')
        for name, options in VARIANTS:
            log(f"enrich {' '.join(options)} on the shipped list ({papers} papers) ...")
            fig = Figure()
            per_run: list[Counter[str]] = []
            for run in range(runs):
                path = Path(tmp) / f"entries-{run}.toml"
                shutil.copyfile(SHIPPED, path)
                env["XDG_CACHE_HOME"] = str(Path(tmp) / f"cache-{name}-{run}")  # an empty cache each run
                before = len(srv.requests)
                fig.add(measure([lcllm, "--file", str(path), "enrich", *options], env=env))
                per_run.append(Counter(_service(r) for r in srv.requests[before:]))
            again = len(srv.requests)
            measure([lcllm, "--file", str(path), "enrich", *options], env=env)  # the same cache, warm
            warm = len(srv.requests) - again
            asked = "; ".join(f"{svc}: {n}" for svc, n in sorted(per_run[-1].items())) or "none"
            counts = sorted({sum(c.values()) for c in per_run})
            out.append(
                Row(
                    f"lcllm enrich {' '.join(options)}",
                    fig,
                    base=peer,
                    note=f"{'/'.join(map(str, counts))} request(s) per run ({asked}); a rerun: {warm}",
                    section=f"venues (issue 18): the shipped list, {papers} papers, stand-in taking {latency:g} s",
                )
            )
            if peer is None:
                peer = fig
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per variant; the median is reported (default 3)")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds the stand-in takes per request")
    args = parser.parse_args()
    for row in rows(args.runs, args.latency, log=lambda m: print(m, file=sys.stderr)):
        ratio = f", {row.ratio:.2f}x citations alone" if row.ratio is not None else ""
        assert row.fig is not None
        print(f"{row.figure}: {row.note}; wall time median {row.fig.wall:.3f} s{ratio}")


if __name__ == "__main__":
    main()
