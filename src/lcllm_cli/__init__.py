"""lcllm: a command-line bibliography manager for curated awesome lists of research papers."""

__version__ = "0.1.0"
