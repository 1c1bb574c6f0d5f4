"""A fuzz run of the Markdown importer over mutated real input: it never crashes, and what it imports stores."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lcllm_cli import store
from lcllm_cli.importers.markdown import parse
from tests.paths import FIXTURES

SEED = (FIXTURES / "awesome-long-context-llm.md").read_text(encoding="utf-8")
LINES = SEED.split("\n")
SPECIALS = [
    "*",
    "**",
    "[",
    "]",
    "(",
    ")",
    "`",
    "\\",
    "#",
    "- ",
    "\t",
    "\n",
    "<!--",
    "-->",
    "```",
    "🌟",
    "·",
    "|",
    "\x00",
    "\u202e",
    "](",
    "javascript:",
    "<script>",
    "{",
    "}",
    "%",
    "@",
]


def mutate(rng: random.Random, text: str, n: int) -> str:
    chars = list(text)
    for _ in range(n):
        op = rng.randrange(4)
        pos = rng.randrange(len(chars) + 1)
        if op == 0 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif op == 1:
            chars.insert(pos, rng.choice(SPECIALS))
        elif op == 2 and chars:
            a = rng.randrange(len(chars))
            b = min(len(chars), a + rng.randrange(1, 80))
            chars[pos:pos] = chars[a:b]
        else:
            chars.insert(pos, chr(rng.randrange(1, 0x2FFFF)))
    return "".join(c for c in "".join(chars) if not 0xD800 <= ord(c) <= 0xDFFF)


def check(text: str) -> None:
    result = parse(text)
    assert len(result.lines) == len(result.library.entries)
    # whatever was imported can be stored and read back unchanged
    assert store.loads(store.dumps(result.library)) == result.library


def test_fuzz_mutated_seed_never_crashes() -> None:
    rng = random.Random(20261128)
    for _ in range(300):
        start = rng.randrange(len(LINES))
        chunk = "\n".join(LINES[start : start + rng.randrange(1, 40)])
        check(mutate(rng, chunk, rng.randrange(1, 30)))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LINES + SPECIALS) | st.text(max_size=20), max_size=30))
def test_fuzz_recombined_lines_never_crash(pieces: list[str]) -> None:
    check("\n".join(pieces))
