"""Exporters write the list in the formats people publish it in: awesome-list Markdown (:mod:`.markdown`) and
BibTeX (:mod:`.bibtex`). The ``export`` command that drives them is :mod:`lcllm_cli.commands.export`."""
