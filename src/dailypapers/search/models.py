"""No models: the index lives beside papers_paper (see backends/ and migrations/).

This module exists because Django sends post_migrate only to apps with a models module, and
apps.py relies on that signal to repair the SQLite triggers after a table rebuild.
"""
