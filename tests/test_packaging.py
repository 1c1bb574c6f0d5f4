"""The built wheel (issue 20): it holds lcllm and nothing else (no tests, benchmarks or docs), and installed in a
fresh virtual environment it runs: `lcllm --version` and the README's main job on the shipped list."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from lcllm_cli import __version__
from tests.paths import ROOT, needs_index


def _copy_of_the_project(dest: Path) -> None:
    """The checkout as a clone would hold it (no virtual environment, git data or build output), so the build leaves
    the checkout as it was."""
    shutil.copytree(
        ROOT, dest, ignore=shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__")
    )


def _assert_a_working_install(lcllm: list[str], python: Path, under: Path, env: dict[str, str], work: Path) -> None:
    """`lcllm_cli` is imported from `under` (not from this checkout), `lcllm --version` tells the version, and the
    README's main job runs on the shipped list in `work`."""
    where = subprocess.run(
        [str(python), "-c", "import lcllm_cli; print(lcllm_cli.__file__)"], capture_output=True, text=True, env=env
    )
    assert where.stdout.strip().startswith(str(under)), where.stdout + where.stderr
    version = subprocess.run([*lcllm, "--version"], capture_output=True, text=True, env=env)
    assert version.stdout.strip() == f"lcllm {__version__}", version.stdout + version.stderr
    shutil.copyfile(ROOT / "entries.toml", work / "entries.toml")
    md = subprocess.run([*lcllm, "export", "--markdown"], capture_output=True, text=True, env=env, cwd=work)
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# ") and "arxiv.org/abs/" in md.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The wheel pip builds from a copy of the project (the checkout is left as it was: no build/ folder)."""
    pytest.importorskip("wheel", reason="building a wheel without the network needs the wheel package (test extra)")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "project"
    _copy_of_the_project(src)
    out = tmp / "dist"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    (built,) = out.glob("lcllm-*.whl")
    yield built


def test_the_wheel_holds_the_package_and_nothing_else(wheel: Path) -> None:
    assert wheel.name == f"lcllm-{__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/", 1)[0] for name in names}
    assert tops == {"lcllm_cli", f"lcllm-{__version__}.dist-info"}
    assert "lcllm_cli/__main__.py" in names and "lcllm_cli/exporters/html.py" in names
    assert not [n for n in names if n.startswith(("tests/", "benchmarks/", "docs/")) or "/tests/" in n]
    entry_points = zipfile.ZipFile(wheel).read(f"lcllm-{__version__}.dist-info/entry_points.txt").decode()
    assert "lcllm = lcllm_cli.__main__:main" in entry_points


def test_the_installed_wheel_runs_in_a_fresh_environment(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    target = venv / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" / "site-packages"
    # pip of this environment installs the wheel into the new one (no download: --no-deps, --no-index)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    # lcllm's own dependencies come from this environment (PYTHONPATH adds no .pth file, so the editable lcllm of
    # this checkout is not seen: what runs is the wheel's)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = sysconfig.get_paths()["purelib"]
    python = venv / "bin" / "python"
    _assert_a_working_install([str(python), "-m", "lcllm_cli"], python, target, env, tmp_path)


@needs_index
def test_pipx_install_of_the_checkout_gives_a_working_lcllm(tmp_path: Path) -> None:
    """`pipx install .` as a user runs it: pipx makes a virtual environment of its own and pip-installs lcllm and its
    dependencies into it from the package index; the `lcllm` it puts on the PATH tells its version and does the
    README's main job."""
    pipx = Path(sys.executable).with_name("pipx")
    if not pipx.exists():
        pytest.skip("pipx is not installed (it is in the test extra: pip install -e '.[test]')")
    src = tmp_path / "lcllm"
    _copy_of_the_project(src)
    home = tmp_path / "pipx"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIPX_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(PIPX_HOME=str(home), PIPX_BIN_DIR=str(home / "bin"), PIPX_MAN_DIR=str(home / "man"))
    proc = subprocess.run(
        [str(pipx), "install", "--python", sys.executable, str(src)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    work = tmp_path / "list"
    work.mkdir()
    venv = home / "venvs" / "lcllm"
    _assert_a_working_install([str(home / "bin" / "lcllm")], venv / "bin" / "python", venv, env, work)
