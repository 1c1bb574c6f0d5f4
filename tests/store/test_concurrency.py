"""Concurrency across commands, through the installed executable: ``add`` during ``dedupe``, two ``add``s at once.

Every process here is a real ``lcllm`` against the stand-in arXiv (tests/arxiv_stub.py, with some latency so that
fetching overlaps the other process's work). Whatever order the lock gives them, nothing may be lost: the merged
seed (58 entries) plus every paper added.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from lcllm_cli import store
from tests.arxiv_stub import ArxivStub

LCLLM = Path(sys.executable).with_name("lcllm")
SEED_AFTER_DEDUPE = 58  # tests/cli/test_dedupe.py: the seed holds 61 items, 3 of them repeats


@pytest.fixture(scope="module")
def server() -> Iterator[ArxivStub]:
    with ArxivStub() as s:
        yield s


@pytest.fixture
def env(server: ArxivStub, tmp_path: Path) -> dict[str, str]:
    server.reset()
    server.latency = 0.2
    return {
        **os.environ,
        "LCLLM_ARXIV_API_URL": server.url,
        "LCLLM_ARXIV_DELAY": "0",
        "LCLLM_ARXIV_BACKOFF": "0",
        "LCLLM_LOCK_TIMEOUT": "30",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }


@pytest.fixture
def seeded(tmp_path: Path, seed_path: Path, env: dict[str, str]) -> Path:
    path = tmp_path / "entries.toml"
    done = subprocess.run([str(LCLLM), "--file", str(path), "import", str(seed_path)], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert len(store.load(path).entries) == 61
    return path


def start(path: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(LCLLM), "--file", str(path), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=60)
    assert "Traceback" not in err, err
    return proc.returncode, out, err


def assert_nothing_lost(path: Path, added: list[str]) -> None:
    lib = store.load(path)
    ids = [e.arxiv for e in lib.entries if e.arxiv]
    assert len(lib.entries) == SEED_AFTER_DEDUPE + len(added)
    for arxiv_id in added:
        assert ids.count(arxiv_id) == 1, arxiv_id
    assert len(ids) == len(set(ids))  # the seed's repeats were merged, and stayed merged


def test_add_while_dedupe_holds_the_list_waits_and_both_land(
    seeded: Path, env: dict[str, str], server: ArxivStub
) -> None:
    """Deterministic: the test holds the lock, starts dedupe and two adds, then lets go; all wait, all land."""
    server.reset()
    with store.locked(seeded):
        procs = [
            start(seeded, env, "dedupe", "--yes"),
            start(seeded, env, "add", "2403.00001", "2403.00002"),
            start(seeded, env, "add", "2403.00003"),
        ]
        deadline = time.monotonic() + 30
        while len(server.requests) < 2 and time.monotonic() < deadline:  # both adds have fetched
            time.sleep(0.05)
        time.sleep(0.5)  # and reached the lock (dedupe, with nothing to fetch, got there first)
        assert all(p.poll() is None for p in procs)
    results = [finish(p) for p in procs]
    assert [code for code, _, _ in results] == [0, 0, 0], results
    for _, _, err in results:
        assert "waiting for another lcllm process to finish with" in err
    assert "merged 3 groups" in results[0][1]
    assert_nothing_lost(seeded, ["2403.00001", "2403.00002", "2403.00003"])


@pytest.mark.parametrize("round_", range(3))
def test_add_during_dedupe_and_two_adds_at_random_moments_lose_nothing(
    seeded: Path, env: dict[str, str], round_: int
) -> None:
    rng = random.Random(round_)
    jobs = [
        ("dedupe", "--yes"),
        ("add", f"2404.{round_:03d}01", f"2404.{round_:03d}02"),
        ("add", f"2404.{round_:03d}03", "--section", "Later", "--new-section"),
    ]
    rng.shuffle(jobs)
    procs = []
    for job in jobs:
        procs.append(start(seeded, env, *job))
        time.sleep(rng.uniform(0, 0.3))
    results = [finish(p) for p in procs]
    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert_nothing_lost(seeded, [f"2404.{round_:03d}0{n}" for n in (1, 2, 3)])
    later = [e.arxiv for e in store.load(seeded).entries if e.section == "Later"]
    assert later == [f"2404.{round_:03d}03"]


def test_two_adds_of_overlapping_papers_add_each_once(tmp_path: Path, env: dict[str, str]) -> None:
    path = tmp_path / "entries.toml"
    a = start(path, env, "add", "2405.00001", "2405.00002", "2405.00003")
    b = start(path, env, "add", "2405.00003", "2405.00004", "arXiv:2405.00001v1")
    (code_a, out_a, _), (code_b, out_b, _) = finish(a), finish(b)
    assert (code_a, code_b) == (0, 0)
    ids = [e.arxiv for e in store.load(path).entries]
    assert sorted(ids) == ["2405.00001", "2405.00002", "2405.00003", "2405.00004"]
    # whichever came second found the shared papers there
    assert "2 already present" in out_a + out_b


def test_a_lock_held_too_long_is_one_clear_line_and_nothing_written(seeded: Path, env: dict[str, str]) -> None:
    before = seeded.read_bytes()
    release = threading.Event()

    def hold() -> None:
        with store.locked(seeded):
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    time.sleep(0.1)
    try:
        code, _, err = finish(start(seeded, {**env, "LCLLM_LOCK_TIMEOUT": "0.5"}, "add", "2406.00001"))
    finally:
        release.set()
        holder.join()
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: another lcllm process has held {seeded} for 0.5 s"]
    assert "LCLLM_LOCK_TIMEOUT" in err
    assert seeded.read_bytes() == before


# --------------------------------------------------------------------------------------------- ten writers

README_HEAD = "# Our reading list\n\nWritten by hand.\n\n"
README_FOOT = "\n\n## Licence\n\nCC0, by hand too.\n"


def _s2_counts(req: object) -> object:
    import json as _json

    from tests.stubserver import Reply

    ids = _json.loads(req.body)["ids"] if req.body else []  # type: ignore[attr-defined]
    items = [{"paperId": f"p{n}", "citationCount": 11} for n, _ in enumerate(ids)]
    return Reply(200, _json.dumps(items), content_type="application/json")


@pytest.mark.parametrize("round_", range(3))
def test_ten_writers_of_mixed_commands_lose_nothing_and_never_interleave(
    seeded: Path, env: dict[str, str], tmp_path: Path, seed_path: Path, round_: int
) -> None:
    """Issue 21: ten lcllm processes at once on one list (three adds, an import, a dedupe, an enrich, two edits, a
    move, an export into a README), started in a random order at random moments: every one ends 0, and the list
    holds exactly the merged seed, the six papers added, and each edit, move and count; the README's marked part
    is one whole export, the hand-written text around it untouched."""
    from tests.stubserver import StubServer

    rng = random.Random(2100 + round_)
    r = f"{round_:01d}"
    added = [f"2407.{r}0001", f"2407.{r}0002", f"2407.{r}0003", f"2407.{r}0004"]
    imported = [f"2408.{r}0001", f"2408.{r}0002"]
    extra = tmp_path / "extra.md"
    extra.write_text(
        "# Extra\n\n## Imported\n"
        + "".join(
            f"- **Imported paper {i}**, `arXiv, {a}`, [arxiv](http://arxiv.org/abs/{a})\n"
            for i, a in enumerate(imported)
        ),
        encoding="utf-8",
    )
    readme = tmp_path / "README.md"
    readme.write_text(README_HEAD + "<!-- lcllm:start -->\nold\n<!-- lcllm:end -->" + README_FOOT, encoding="utf-8")
    seed_arxiv = {e.arxiv for e in store.load(seeded).entries if e.arxiv}
    with StubServer(_s2_counts) as s2:  # type: ignore[arg-type]
        wenv = {**env, "LCLLM_S2_API_URL": s2.url + "/graph/v1", "LCLLM_S2_INTERVAL": "0", "LCLLM_LOCK_TIMEOUT": "60"}
        jobs = [
            ("add", added[0], added[1]),
            ("add", added[2]),
            ("add", added[3], "--section", "Later", "--new-section"),
            ("import", str(extra)),
            ("dedupe", "--yes"),
            ("enrich", "--citations", "--ttl", "0"),
            ("edit", "2402.13753", "--note", f"kept note {r}"),
            ("edit", "2402.13718", "--highlight"),
            ("move", "2312.17044", "--section", "Moved", "--new-section"),
            ("export", "--markdown", "--in-place", str(readme)),
        ]
        rng.shuffle(jobs)
        procs = []
        for job in jobs:
            procs.append((job, start(seeded, wenv, *job)))
            time.sleep(rng.uniform(0, 0.15))
        results = [(job, *finish(p)) for job, p in procs]
    assert [(job[0], code) for job, code, _, _ in results] == [(job[0], 0) for job, _, _, _ in results], results
    lib = store.load(seeded)
    ids = [e.arxiv for e in lib.entries if e.arxiv]
    assert len(lib.entries) == SEED_AFTER_DEDUPE + len(added) + len(imported)
    assert len(ids) == len(set(ids))
    for arxiv_id in added + imported:
        assert ids.count(arxiv_id) == 1, arxiv_id
    by_id = {e.arxiv: e for e in lib.entries if e.arxiv}
    assert by_id["2402.13753"].notes == f"kept note {r}"
    assert by_id["2402.13718"].highlight is True
    assert by_id["2312.17044"].section == "Moved"
    assert by_id[added[3]].section == "Later"
    for arxiv_id in seed_arxiv:  # enrich read the list before or after the others: the seed's papers were there
        assert by_id[arxiv_id].citations is not None and by_id[arxiv_id].citations.count == 11, arxiv_id
    text = readme.read_text(encoding="utf-8")
    assert text.startswith(README_HEAD + "<!-- lcllm:start -->\n") and text.endswith("<!-- lcllm:end -->" + README_FOOT)
    inside = text[len(README_HEAD) : -len(README_FOOT)]
    assert inside.count("<!-- lcllm:start -->") == 1 and inside.count("<!-- lcllm:end -->") == 1
    assert "LongRoPE" in inside and "\nold\n" not in inside  # one whole export, from one state of the list
