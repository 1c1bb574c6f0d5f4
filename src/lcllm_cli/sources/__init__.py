"""Remote metadata sources: arXiv (``arxiv``), Semantic Scholar, GitHub. Each module imports its HTTP stack lazily."""
