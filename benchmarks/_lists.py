"""Synthetic lists for the scale benchmarks, made once and kept in a cache folder.

For each size the folder holds:

* ``nokeys.toml``: the list as ``benchmarks/synth.py`` makes it (5-10 authors, 2-3 links, dates, venue, planted
  duplicates and near-misses), written by ``store.dumps``;
* ``entries.toml``: the same list after one ``lcllm export --bibtex`` gave every entry its citation key (the state
  a list is in after its first BibTeX export, so later exports are read-only);
* ``list.md``: ``lcllm export --markdown`` of it, the input of the import benchmark;
* ``truth.json``: which entries are planted duplicates (for bench_dedupe's scoring).

The folder name carries a hash of the generator (synth.py), so a change to it makes new lists; delete
the folder to remake them after a change to lcllm's own formats. Default folder: ``$LCLLM_BENCH_DATA``, else
``<user cache dir>/lcllm-bench``.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SRC = ROOT / "src" / "lcllm_cli"
# The generator's code decides the lists; lcllm's own code only their formatting, which any lcllm version reads.
INPUTS = [HERE / "synth.py"]
LISTS_VERSION = 1  # raise when what prepare() writes changes


@dataclass(slots=True)
class Lists:
    n: int
    folder: Path

    @property
    def nokeys(self) -> Path:
        return self.folder / "nokeys.toml"

    @property
    def toml(self) -> Path:
        return self.folder / "entries.toml"

    @property
    def markdown(self) -> Path:
        return self.folder / "list.md"

    @property
    def truth(self) -> Path:
        return self.folder / "truth.json"

    def size_mb(self) -> float:
        return self.toml.stat().st_size / 2**20


def data_root() -> Path:
    explicit = os.environ.get("LCLLM_BENCH_DATA")
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("lcllm-bench"))


def _fingerprint(n: int, seed: int) -> str:
    h = hashlib.blake2b(digest_size=8)
    h.update(f"{n} {seed} {sys.version_info[:2]} v{LISTS_VERSION}".encode())
    for path in INPUTS:
        h.update(path.name.encode())
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()


def lcllm_exe() -> Path:
    return Path(sys.executable).with_name("lcllm")


def prepare(n: int, *, seed: int | None = None, log: Callable[[str], None] = print) -> Lists:
    """The lists for size ``n``, generated now if the cache has none for the current code."""
    seed = n if seed is None else seed
    folder = data_root() / f"{n}-{_fingerprint(n, seed)}"
    lists = Lists(n, folder)
    if (folder / "done").exists():
        return lists
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    log(f"making a synthetic list of {n:,} entries in {folder} (once; cached) ...")
    # In a child process: a benchmark's children report their peak memory from wait4, and on Linux a child's peak
    # starts at the size of the process it was forked from, so the 100k list must never live in the benchmark's own.
    code = f"import sys; sys.path.insert(0, {str(HERE)!r}); import _lists; _lists._write_generated(*sys.argv[1:])"
    subprocess.run([sys.executable, "-c", code, str(n), str(seed), str(folder)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_")}
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    lists.toml.write_bytes(lists.nokeys.read_bytes())
    exe = str(lcllm_exe())
    for args in (["export", "--bibtex", "-o", os.devnull], ["export", "--markdown", "-o", str(lists.markdown)]):
        proc = subprocess.run([exe, "--file", str(lists.toml), *args], env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            raise SystemExit(f"preparing {folder}: lcllm {' '.join(args)} failed: {proc.stderr.strip()[-500:]}")
    _rmtree(folder / "cache")
    (folder / "done").write_text("")
    log(f"  made in {time.perf_counter() - started:.1f} s ({lists.size_mb():.1f} MB of TOML)")
    return lists


def _write_generated(n: str, seed: str, folder: str) -> None:
    """Generate the list of size ``n`` (as given on a command line) and write its ``nokeys.toml`` and
    ``truth.json`` into ``folder``."""
    from lcllm_cli import store

    lists = Lists(int(n), Path(folder))
    library, truth = _generate(int(n), int(seed))
    store.write_atomic(lists.nokeys, store.dumps(library))  # type: ignore[arg-type]
    lists.truth.write_text(json.dumps(truth))


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def _generate(n: int, seed: int) -> tuple[object, dict[str, object]]:
    """(Library, truth) from benchmarks/synth.py; a plainer generator of our own if it cannot be imported."""
    sys.path.insert(0, str(HERE))
    try:
        from synth import generate
    except ImportError:
        return _plain_generate(n, seed), {"work": list(range(n)), "planted": [], "near_misses": []}
    finally:
        sys.path.remove(str(HERE))
    synth = generate(n, seed=seed)
    return synth.library, synth.truth()


def _plain_generate(n: int, seed: int) -> object:
    """Realistic-looking entries without planted duplicates: 5-10 authors, 2-3 links, dates, venue."""
    from lcllm_cli.model import Citations, Entry, Library, Link, Section

    rng = random.Random(seed)
    words = [
        "Long",
        "Context",
        "Attention",
        "Memory",
        "Retrieval",
        "Sparse",
        "Efficient",
        "Scaling",
        "Window",
        "Position",
        "Encoding",
        "Streaming",
    ]
    names = [
        "Wei",
        "Chen",
        "Ana",
        "Silva",
        "Omar",
        "Ali",
        "Yuki",
        "Sato",
        "Emma",
        "Brown",
        "Liu",
        "Yang",
        "Ravi",
        "Patel",
        "Sara",
        "Kim",
        "Jonas",
        "Berg",
    ]
    lib = Library(title="Synthetic list", sections=[Section("Papers"), Section("Projects")])
    for i in range(n):
        year = rng.randint(2019, 2025)
        month = rng.randint(1, 12)
        if i % 10 == 9:
            slug = f"{rng.choice(words).lower()}-{i}"
            lib.entries.append(
                Entry(
                    kind="project",
                    title=slug,
                    section="Projects",
                    url=f"https://github.com/lab{i % 97}/{slug}",
                    owner=f"lab{i % 97}",
                    description=" ".join(rng.sample(words, 5)),
                    stars=rng.randint(0, 20000),
                )
            )
            continue
        title = " ".join(rng.sample(words, 6)) + f" {i}"
        links = [Link("code", f"https://github.com/lab{i % 97}/repo-{i}"), Link("blog", f"https://blog.example/{i}")]
        if rng.random() < 0.5:
            links.append(Link("model", f"https://huggingface.co/lab{i % 97}/m-{i}"))
        lib.entries.append(
            Entry(
                kind="paper",
                title=title,
                arxiv=f"{year % 100:02d}{month:02d}.{i % 100000:05d}",
                version=rng.randint(1, 3),
                authors=[f"{rng.choice(names)} {rng.choice(names)}{k}" for k in range(rng.randint(5, 10))],
                published=f"{year}-{month:02d}-{rng.randint(1, 28):02d}",
                year=year,
                venue=rng.choice(["arXiv", f"ICLR {year}", f"NeurIPS {year}", f"ACL {year}"]),
                primary_category="cs.CL",
                categories=["cs.CL", "cs.LG"],
                links=links,
                citations=Citations(rng.randint(0, 500), "Semantic Scholar") if rng.random() < 0.4 else None,
            )
        )
    return lib
