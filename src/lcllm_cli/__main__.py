"""Entry point for ``python -m lcllm_cli`` and the ``lcllm`` console script."""

from __future__ import annotations


def main() -> None:
    from lcllm_cli.cli import run

    run()


if __name__ == "__main__":
    main()
