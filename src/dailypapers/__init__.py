"""dailypapers: a self-hostable daily arXiv papers service."""

__version__ = "0.1.0"
