"""The `.pre-commit-hooks.yaml` the repository ships: its hooks name commands and options lcllm has, run offline
on the files they say, and do what docs/pre-commit.md says (check passes on a current README, fails on a stale one;
export makes it current). With pre-commit installed, `pre-commit try-repo` runs the real thing."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from lcllm_cli.cli import app
from tests.paths import ROOT, needs_index

HOOKS = ROOT / ".pre-commit-hooks.yaml"
LCLLM = str(Path(sys.executable).with_name("lcllm"))


def hooks() -> dict[str, dict[str, str]]:
    """The hooks file read as the flat YAML it is: a list of mappings of scalars (no YAML library needed)."""
    out: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in HOOKS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = re.fullmatch(r"(- |  )([a-z_]+): (.*)", line)
        assert m, f"not a flat mapping line: {line!r}"
        if m[1] == "- ":
            current = {}
        assert current is not None
        current[m[2]] = m[3]
        if m[2] == "id":
            out[m[3]] = current
    return out


def test_the_hooks_are_the_documented_ones() -> None:
    found = hooks()
    assert set(found) == {"lcllm-check", "lcllm-export"}
    docs = (ROOT / "docs" / "pre-commit.md").read_text(encoding="utf-8")
    for hook_id, hook in found.items():
        assert hook["language"] == "python" and hook["pass_filenames"] == "false"
        assert f"id: {hook_id}" in docs and f"`{hook['entry']}`" in docs


def test_every_hook_names_a_command_and_options_lcllm_has() -> None:
    group = typer.main.get_command(app)
    ctx = group.make_context("lcllm", ["--help"], resilient_parsing=True)
    for hook in hooks().values():
        program, name, *args = shlex.split(hook["entry"])
        assert program == "lcllm"
        command = group.get_command(ctx, name)  # type: ignore[attr-defined]
        assert command is not None, f"no command {name!r}"
        options = {opt for p in command.params for opt in (*p.opts, *p.secondary_opts)}
        for arg in args:
            if arg.startswith("-"):
                assert arg in options, f"lcllm {name} has no option {arg}"


@pytest.mark.parametrize(
    ("path", "runs"),
    [("entries.toml", True), ("README.md", True), ("lists/ml/entries.toml", True), ("docs/cli.md", False),
     ("entries.toml.bak", False), ("my-entries.toml", False)],
)  # fmt: skip
def test_the_hooks_run_when_the_list_or_readme_changes(path: str, runs: bool) -> None:
    for hook in hooks().values():
        assert bool(re.search(hook["files"], path)) is runs


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "list"
    repo.mkdir()
    for name in ("entries.toml", "README.md"):
        shutil.copy(ROOT / name, repo / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-qm", "list"], cwd=repo, check=True)
    return repo


def _offline_env() -> dict[str, str]:
    """No service reachable: every LCLLM_*_URL points at a closed port, and no proxy is configured."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LCLLM_") and "proxy" not in k.lower()}
    sources = ROOT / "src" / "lcllm_cli"
    names = {n for f in sources.rglob("*.py") for n in re.findall(r"LCLLM_[A-Z0-9_]+_URL", f.read_text("utf-8"))}
    assert len(names) >= 6  # arXiv, Semantic Scholar, GitHub, the Hub, doi.org, OpenReview, ...
    env.update(dict.fromkeys(names, "http://127.0.0.1:9"))
    return env


def _hook(hook_id: str, repo: Path) -> subprocess.CompletedProcess[str]:
    _, *args = shlex.split(hooks()[hook_id]["entry"])
    return subprocess.run(
        [LCLLM, *args], cwd=repo, capture_output=True, text=True, env=_offline_env(), timeout=60,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_check_passes_fails_on_a_stale_readme_and_export_makes_it_current(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert _hook("lcllm-check", repo).returncode == 0
    text = (repo / "entries.toml").read_text(encoding="utf-8")
    old = "Lost in the Middle: How Language Models Use Long Contexts"
    (repo / "entries.toml").write_text(text.replace(old, "Lost in the Middle (edited)"), encoding="utf-8")
    stale = _hook("lcllm-check", repo)
    assert stale.returncode == 1 and "README.md" in stale.stdout and "(edited)" in stale.stdout
    fixed = _hook("lcllm-export", repo)
    assert fixed.returncode == 0, fixed.stderr
    assert "(edited)" in (repo / "README.md").read_text(encoding="utf-8")
    assert _hook("lcllm-check", repo).returncode == 0


@needs_index
def test_pre_commit_try_repo_runs_the_check_hook(tmp_path: Path) -> None:
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (it is in the test extra: pip install -e '.[test]')")
    repo = _repo(tmp_path)
    # pip (inside pre-commit) reaches the package index, through the proxy when one is set; the hook itself asks
    # nothing (its services point at a closed port)
    proxies = {k: v for k, v in os.environ.items() if "proxy" in k.lower()}
    env = {**_offline_env(), **proxies, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}

    def try_repo() -> subprocess.CompletedProcess[str]:
        cmd = [str(pre_commit), "try-repo", str(ROOT), "lcllm-check", "--all-files"]
        return subprocess.run(cmd, cwd=repo, capture_output=True, text=True, env=env, timeout=600)

    ok = try_repo()
    assert ok.returncode == 0, ok.stdout[-3000:] + ok.stderr[-3000:]
    text = (repo / "entries.toml").read_text(encoding="utf-8")
    (repo / "entries.toml").write_text(text.replace("LongRoPE: Extending", "LongRoPE (edited): Extending"), "utf-8")
    stale = try_repo()
    assert stale.returncode == 1 and "(edited)" in stale.stdout, stale.stdout[-3000:]
