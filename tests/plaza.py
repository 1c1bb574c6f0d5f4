# ruff: noqa: E501
"""A small hand-made "plaza" for the workspace tests: three lists, each a Markdown page with its own contents, and
an index README linking each list and its sections (the layout of the seed's family, written here by hand)."""

from __future__ import annotations

import re
from pathlib import Path

from lcllm_cli import store
from lcllm_cli.model import Entry, Library, Section

LONGROPE = "- **LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens**, `arXiv, 2402.13753`, [arxiv](https://arxiv.org/abs/2402.13753v1), [pdf](https://arxiv.org/pdf/2402.13753v1)"

PAGES = {
    "long-context": """# Awesome long-context LLM

Papers and code on long context.

- [Awesome long-context LLM](#awesome-long-context-llm)
  - [Survey](#survey)
  - [Papers](#papers)

## Survey

- **Length Extrapolation of Transformers: A Survey from the Perspective of Position Encoding**, `arXiv, 2312.17044`, [arxiv](https://arxiv.org/abs/2312.17044v2), [pdf](https://arxiv.org/pdf/2312.17044v2)

  *Liang Zhao, Xiaocheng Feng, Xiachong Feng, Bing Qin, Ting Liu*

## Papers

LONGROPE

  *Yiran Ding, Li Lyna Zhang, Chengruidong Zhang*
- **YaRN: Efficient Context Window Extension of Large Language Models**, `arXiv, 2309.00071`, [arxiv](https://arxiv.org/abs/2309.00071v2), [pdf](https://arxiv.org/pdf/2309.00071v2)

  *Bowen Peng, Jeffrey Quesnelle, Honglu Fan, Enrico Shippole* · ([yarn](https://github.com/jquesnelle/yarn) - jquesnelle) ![Star](https://img.shields.io/github/stars/jquesnelle/yarn.svg?style=social&label=Star)
""",
    "rag": """# Awesome RAG

- [Awesome RAG](#awesome-rag)
  - [Papers](#papers)
  - [Projects](#projects)

## Papers

- **Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks**, `arXiv, 2005.11401`, [arxiv](https://arxiv.org/abs/2005.11401v4), [pdf](https://arxiv.org/pdf/2005.11401v4)

  *Patrick Lewis, Ethan Perez, Aleksandra Piktus*
LONGROPE

  *Yiran Ding, Li Lyna Zhang, Chengruidong Zhang*

## Projects

- [LlamaIndex](https://github.com/run-llama/llama_index)
""",
    "agents": """# Awesome LLM agents

- [Awesome LLM agents](#awesome-llm-agents)
  - [Papers](#papers)
    - [Planning](#planning)

## Papers

### Planning

- **ReAct: Synergizing Reasoning and Acting in Language Models**, `arXiv, 2210.03629`, [arxiv](https://arxiv.org/abs/2210.03629v3), [pdf](https://arxiv.org/pdf/2210.03629v3)

  *Shunyu Yao, Jeffrey Zhao, Dian Yu*
""",
}
FILES = {"long-context": "llm_long_context.md", "rag": "llm_rag.md", "agents": "llm_agents.md"}
TITLES = {"long-context": "Long context", "rag": "RAG", "agents": "Agents"}

INDEX = """# Awesome LLM plaza

Curated lists of papers on large language models.

[![Awesome](https://awesome.re/badge.svg)](https://awesome.re)

- [Long context](docs/llm_long_context.md)
  - [Survey](docs/llm_long_context.md#survey)
  - [Papers](docs/llm_long_context.md#papers)
- [RAG](docs/llm_rag.md)
  - [Papers](docs/llm_rag.md#papers)
  - [Projects](docs/llm_rag.md#projects)
- [Agents](docs/llm_agents.md)
  - [Papers](docs/llm_agents.md#papers)
    - [Planning](docs/llm_agents.md#planning)

## Contributing

Pull requests welcome.
"""


def write_plaza(root: Path) -> Path:
    """The hand-made plaza under ``root`` (docs/*.md and README.md); returns the index."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for name, text in PAGES.items():
        (root / "docs" / FILES[name]).write_text(text.replace("LONGROPE", LONGROPE), encoding="utf-8")
    index = root / "README.md"
    index.write_text(INDEX, encoding="utf-8")
    return index


def paper(title: str, arxiv: str, section: str = "Papers") -> Entry:
    return Entry(kind="paper", title=title, arxiv=arxiv, version=1, authors=["A Author", "B Author"], section=section)


def libraries() -> dict[str, Library]:
    """Three lists as entries files would hold them; LongRoPE is in two of them."""
    longrope = "LongRoPE: Extending LLM Context Window Beyond 2 Million Tokens"
    return {
        "long-context": Library(
            title="Awesome long-context LLM",
            sections=[Section("Survey"), Section("Papers")],
            entries=[
                paper("Length Extrapolation of Transformers", "2312.17044", "Survey"),
                paper(longrope, "2402.13753"),
                paper("YaRN: Efficient Context Window Extension", "2309.00071"),
            ],
        ),
        "rag": Library(
            title="Awesome RAG",
            sections=[Section("Papers"), Section("Projects")],
            entries=[
                paper("Retrieval-Augmented Generation for Knowledge-Intensive NLP Tasks", "2005.11401"),
                paper(longrope, "2402.13753"),
                Entry(
                    kind="project",
                    title="LlamaIndex",
                    url="https://github.com/run-llama/llama_index",
                    owner="run-llama",
                    section="Projects",
                ),
            ],
        ),
        "agents": Library(
            title="Awesome LLM agents",
            sections=[Section("Papers"), Section("Planning", level=3)],
            entries=[paper("ReAct: Synergizing Reasoning and Acting", "2210.03629", "Planning")],
        ),
    }


def write_workspace(root: Path, *, cross_listing: str = "allow", counts: bool = False) -> Path:
    """A workspace built directly (entries files, lcllm.toml; pages with markers, an index with markers)."""
    from lcllm_cli.mdsyntax import MARKER_END, MARKER_START

    toml = [
        "[workspace]",
        'title = "Awesome LLM plaza"',
        'description = "Curated lists of papers on large language models."',
        'index = "README.md"',
        f"counts = {'true' if counts else 'false'}",
        f'cross_listing = "{cross_listing}"',
    ]
    (root / "lists").mkdir(parents=True, exist_ok=True)
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for name, lib in libraries().items():
        store.save(lib, root / "lists" / f"{name}.toml")
        page = root / "docs" / FILES[name]
        page.write_text(f"# {lib.title}\n\nA list.\n\n{MARKER_START}\n{MARKER_END}\n", encoding="utf-8")
        toml += [
            "",
            "[[list]]",
            f'name = "{name}"',
            f'entries = "lists/{name}.toml"',
            f'markdown = "docs/{FILES[name]}"',
        ]
    (root / "README.md").write_text(
        f"# Awesome LLM plaza\n\nIntro.\n\n{MARKER_START}\n{MARKER_END}\n\n## Contributing\n\nWelcome.\n",
        encoding="utf-8",
    )
    path = root / "lcllm.toml"
    path.write_text("\n".join(toml) + "\n", encoding="utf-8")
    return path


def github_anchors(markdown: str) -> set[str]:
    """The anchors GitHub gives the ATX headings of ``markdown`` (written here, apart from lcllm's own slug):
    lower case, punctuation but '-' and '_' dropped, spaces to '-', '-1', '-2' ... for repeats."""
    seen: dict[str, int] = {}
    out: set[str] = set()
    in_fence = False
    for line in markdown.split("\n"):
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        m = re.match(r"^#{1,6} +(.*?) *$", line)
        if in_fence or not m:
            continue
        text = re.sub(r"\\(.)", r"\1", m[1])
        base = "".join(c for c in text.lower() if c.isalnum() or c in "-_ ").replace(" ", "-")
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def item_lines(markdown: str) -> list[str]:
    """The lines of a page's items (and their author lines), in order."""
    return [line for line in markdown.split("\n") if line.startswith("- **") or line.startswith("  *") or
            (line.startswith("- [") and "](#" not in line)]  # fmt: skip
