"""The community's pages and forms; each calls its services module."""
