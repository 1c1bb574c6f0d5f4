"""Commands of this area are registered here (see lcllm_cli.cli)."""
