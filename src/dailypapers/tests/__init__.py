"""Cross-cutting tests of the whole site."""
