"""Pure helpers with no Django in them: arXiv formats and client, text, ranking, signing."""
