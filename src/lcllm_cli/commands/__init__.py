"""The commands' work, one module per command: ``run(...)`` does it and returns a report with ``to_dict()``.

Every command that fetches follows one skeleton, :func:`lcllm_cli.commands.workflow.fetch_then_apply`: read the
list, fetch what it needs without holding the lock (a slow service never blocks another command), then re-read the
list under the lock and apply what was fetched to it, so that an edit made meanwhile is kept; ``--dry-run`` applies
to a copy and writes nothing. The command line (:mod:`lcllm_cli.cli`) only parses options, calls ``run`` and
renders the report.
"""
