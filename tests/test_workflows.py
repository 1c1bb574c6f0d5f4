"""The ready GitHub Actions workflow in docs/workflows/lcllm.yml (issues 17 and 20), run here: each job's `run:`
steps in order, in bash as GitHub runs them, in a repository holding a small list, with lcllm's services
standing in on 127.0.0.1 and a stand-in `gh` that records what it is asked. `uses:` steps (checkout, Python, the
cache) are GitHub's own and `pip install lcllm` is what tests/test_packaging.py shows to work: both are skipped."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from lcllm_cli import store
from lcllm_cli.model import Entry, Library, Section
from tests.inbox_stub import InboxStub, Paper
from tests.paths import ROOT
from tests.stubserver import Reply, Request, StubServer

WORKFLOW = ROOT / "docs" / "workflows" / "lcllm.yml"
BIN = Path(sys.executable).parent
GH = """#!/bin/sh
echo "$*" >> "$GH_LOG"
"""


@dataclass
class Step:
    name: str
    run: str | None = None
    id: str | None = None
    if_: str | None = None


@dataclass
class Job:
    name: str
    env: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)


def parse(text: str) -> dict[str, Job]:
    """The jobs of the workflow: enough of YAML for this file (a test below checks nothing was left out)."""
    jobs: dict[str, Job] = {}
    lines = text.split("\n")[text.split("\n").index("jobs:") + 1 :]
    job: Job | None = None
    where = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if m := re.fullmatch(r"  ([\w-]+):", line):
            job = jobs[m[1]] = Job(m[1])
            continue
        if job is None or not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.fullmatch(r"    (env|steps):", line):
            where = line.strip()[:-1]
            continue
        if re.match(r"    \S", line):
            where = ""
            continue
        if where == "env" and (m := re.fullmatch(r"      (\w+): (.*?)(?: #.*)?", line)):
            job.env[m[1]] = m[2]
        elif where == "steps" and (m := re.fullmatch(r"      - (\w+): ?(.*)", line)):
            job.steps.append(Step(name=m[2] if m[1] == "name" else m[1]))
            i -= 1
            lines[i] = "        " + line[8:]  # read the step's first key like the others
        elif where == "steps" and (m := re.fullmatch(r"        ([\w-]+): ?(.*)", line)):
            step = job.steps[-1]
            key, value = m[1], m[2]
            if value != "|":
                value = re.sub(r"\s+#.*$", "", value)  # a comment after a plain value
            if key == "run" and value == "|":
                block = []
                while i < len(lines) and (lines[i].startswith("          ") or not lines[i].strip()):
                    block.append(lines[i][10:])
                    i += 1
                value = "\n".join(block).rstrip() + "\n"
            if key == "run":
                step.run = value
            elif key == "id":
                step.id = value
            elif key == "if":
                step.if_ = value
    return jobs


def expand(text: str, outputs: dict[str, dict[str, str]]) -> str:
    def value(m: re.Match[str]) -> str:
        expr = m[1].strip()
        if expr == "github.run_id":
            return "1"
        if expr.startswith("secrets."):
            return ""
        raise AssertionError(f"an expression the local runner does not know: {expr}")

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def condition(expr: str, outputs: dict[str, dict[str, str]]) -> bool:
    m = re.fullmatch(r"steps\.(\w+)\.outputs\.(\w+) (==|!=) '(.*)'", expr.strip())
    assert m, f"a condition the local runner does not know: {expr}"
    got = outputs.get(m[1], {}).get(m[2], "")
    return (got == m[4]) == (m[3] == "==")


class StepFailed(Exception):
    """A step ended with a non-zero status (the job fails there, as on GitHub): (step, stdout, stderr)."""


@dataclass
class Ran:
    steps: list[str]
    gh: list[str]
    summary: str
    files: Path


def run_job(job: Job, repo: Path, env: dict[str, str]) -> Ran:
    outputs: dict[str, dict[str, str]] = {}
    ran: list[str] = []
    summary = repo.parent / "summary.md"
    gh_log = repo.parent / "gh.log"
    for step in job.steps:
        if step.run is None or step.run.strip() == "pip install lcllm":
            continue
        if step.if_ is not None and not condition(step.if_, outputs):
            continue
        output = repo.parent / f"output-{len(ran)}"
        output.write_text("")
        step_env = {**env, **{k: expand(v, outputs) for k, v in job.env.items()}}
        step_env.update(GITHUB_OUTPUT=str(output), GITHUB_STEP_SUMMARY=str(summary), GH_LOG=str(gh_log))
        proc = subprocess.run(
            ["bash", "-e", "-c", expand(step.run, outputs)], cwd=repo, env=step_env, capture_output=True, text=True
        )
        if proc.returncode != 0:
            raise StepFailed(step.name, proc.stdout, proc.stderr)
        if step.id:
            outputs[step.id] = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
        ran.append(step.name)
    gh = gh_log.read_text().splitlines() if gh_log.exists() else []
    return Ran(ran, gh, summary.read_text() if summary.exists() else "", repo)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], InboxStub]]:
    def pages(req: Request) -> Reply:
        if req.path == "/gone":
            return Reply(404, "no such page", content_type="text/html")
        return Reply(200, "<html><title>fine</title></html>", content_type="text/html")

    today = dt.date.today()
    with StubServer(pages) as web, InboxStub() as services:
        services.add_arxiv(  # the list's two papers are on arXiv, and one new paper is
            Paper("2401.00001", "Long Context Scaling", "2024-01-01"),
            Paper("2401.00002", "Long Context Windows", "2024-01-01"),
            Paper("2412.00042", "Long Context Retrieval at Scale", (today - dt.timedelta(days=1)).isoformat(),
                  abstract="long context retrieval"),
        )  # fmt: skip
        repo = tmp_path / "repo"
        repo.mkdir()
        lib = Library(title="Awesome long context", sections=[Section("Long Context"), Section("Links")])
        lib.add_entries(
            [
                Entry(kind="paper", title="Long Context Scaling", arxiv="2401.00001", section="Long Context"),
                Entry(kind="paper", title="Long Context Windows", arxiv="2401.00002", section="Long Context"),
                Entry(kind="link", title="A post that is there", url=f"{web.url}/fine", section="Links"),
                Entry(kind="link", title="A post that is gone", url=f"{web.url}/gone", section="Links"),
            ]
        )
        store.save(lib, repo / "entries.toml")
        (repo / "README.md").write_text("# Awesome\n\n<!-- lcllm:start -->\n<!-- lcllm:end -->\n")
        tools = tmp_path / "tools"
        tools.mkdir()
        (tools / "gh").write_text(GH)
        (tools / "gh").chmod(0o755)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LCLLM_", "GITHUB_", "GH_"))}
        env.update(services.env())
        env.update(
            PATH=f"{tools}:{BIN}:{env.get('PATH', '')}",
            XDG_CACHE_HOME=str(tmp_path / "cache"),
            LCLLM_GITHUB_API_URL="http://127.0.0.1:9",
            LCLLM_S2_API_URL="http://127.0.0.1:9/graph/v1",
            LCLLM_LINKS_RUNS="1",  # the first failure is a broken link (GitHub's cache would carry the history)
            LCLLM_LINKS_INTERVAL="0",
        )
        subprocess.run(
            [str(BIN / "lcllm"), "export", "--markdown", "--in-place", "README.md"], cwd=repo, check=True, env=env
        )
        yield repo, env, services


PAGES = ROOT / "docs" / "github-pages.yml"


def test_the_pages_workflow_checks_the_list_and_builds_the_page(world: tuple[Path, dict[str, str], InboxStub]) -> None:
    repo, env, _ = world
    ran = run_job(parse(PAGES.read_text(encoding="utf-8"))["page"], repo, env)
    assert ran.steps == ["run", "run"]  # lcllm check, then the page
    page = (repo / "site" / "index.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "Long Context Scaling" in page and "A post that is gone" in page


def test_the_local_runner_reads_every_run_step_of_the_workflow() -> None:
    jobs = parse(WORKFLOW.read_text(encoding="utf-8"))
    assert set(jobs) == {"check", "links"}
    runs = sum(1 for job in jobs.values() for step in job.steps if step.run is not None)
    assert runs == WORKFLOW.read_text(encoding="utf-8").count("run:")
    assert jobs["links"].env["LCLLM_LINKS_DEADLINE"] == "20m"


def test_the_pull_request_job_checks_the_list_and_its_readme(world: tuple[Path, dict[str, str], InboxStub]) -> None:
    repo, env, _ = world
    ran = run_job(parse(WORKFLOW.read_text(encoding="utf-8"))["check"], repo, env)
    assert ran.steps == ["run"]
    (repo / "entries.toml").write_text((repo / "entries.toml").read_text().replace("Long Context Windows", "Other"))
    with pytest.raises(StepFailed) as failed:  # a stale README fails the job
        run_job(parse(WORKFLOW.read_text(encoding="utf-8"))["check"], repo, env)
    step, out, _ = failed.value.args
    assert step == "run" and "README.md" in out


def test_the_daily_job_reports_broken_links_and_new_papers_in_issues(
    world: tuple[Path, dict[str, str], InboxStub],
) -> None:
    repo, env, services = world
    ran = run_job(parse(WORKFLOW.read_text(encoding="utf-8"))["links"], repo, env)
    assert ran.steps == [
        "Check the links",
        "Open or update the link-health issue",
        "New papers for the list",
        "Open or update the inbox issue",
    ]
    report = (repo / "link-report.md").read_text()
    assert "/gone" in report and "broken" in report.lower()
    assert any(c.startswith("issue create --title Link health: broken links --label link-health") for c in ran.gh)
    inbox = (repo / "inbox.md").read_text()
    assert "2412.00042" in inbox and "Long Context Retrieval at Scale" in inbox
    assert any(c.startswith("issue create --title Inbox: new papers to consider --label inbox") for c in ran.gh)
    assert "/gone" in ran.summary and "2412.00042" in ran.summary
    assert services.searches()  # the inbox asked the (stand-in) arXiv search


def test_the_daily_job_closes_the_link_issue_when_links_are_well(
    world: tuple[Path, dict[str, str], InboxStub],
) -> None:
    repo, env, _ = world
    lib = store.load(repo / "entries.toml")
    lib.entries = [e for e in lib.entries if "gone" not in (e.url or "")]
    store.save(lib, repo / "entries.toml")
    ran = run_job(parse(WORKFLOW.read_text(encoding="utf-8"))["links"], repo, env)
    assert "Close the issue when all links are well again" in ran.steps
    assert "Open or update the link-health issue" not in ran.steps
    assert ran.gh[0].startswith("issue list --state open --label link-health")
