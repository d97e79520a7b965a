"""arXiv identifiers, record formats and the polite HTTP client."""
