"""Numbers from the environment: the one parser every ``LCLLM_*`` number goes through.

``nan``, ``inf``, negative numbers (or zero, where a positive one is needed) and fractions where a count is
needed are refused with one line naming the variable, never passed on to a timeout or a loop.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

from lcllm_cli.errors import UsageError


def env_url(name: str, default: str) -> str:
    """A service's base URL from the environment variable ``name`` (unset or empty: ``default``), without a
    trailing slash."""
    return (os.environ.get(name, "").strip() or default).rstrip("/")


def env_number(
    name: str,
    default: float,
    *,
    minimum: float = 0.0,
    positive: bool = False,
    integer: bool = False,
    parse: Callable[[str], float] = float,
    unit: str = "",
) -> float:
    """The number in ``$name`` (``default`` when unset or blank), checked as the keywords say."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = parse(raw)
    except (UsageError, ValueError):
        raise UsageError(f"{name}={raw!r} is not a number", hint=f"fix or unset {name}") from None
    ok = math.isfinite(value) and value >= minimum and (value > 0 or not positive)
    if not ok or (integer and value != int(value)):
        what = ("a positive " if positive else "a ") + ("whole number" if integer else "number")
        bound = "" if positive or not minimum else f" of at least {minimum:g}"
        raise UsageError(
            f"{name} must be {what}{' of ' + unit if unit else ''}{bound}, not {raw!r}", hint=f"fix or unset {name}"
        )
    return value
