"""Community actions on papers: votes, comments, collections, submissions and curation.

One module per feature, each holding its views and the small services they call; the
services are plain functions so tests (and the admin) can use them without HTTP.
"""
