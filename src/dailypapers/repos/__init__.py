"""Code repositories and other links of papers: GitHub stars and their history, project
pages, and the Hugging Face models, datasets and Spaces a paper links.

- ``models.py``: a GitHub repository per owner/name, its link to papers, its star history.
- ``links.py``: which repository is each paper's (its first GitHub code link).
- ``refresh.py``: which repositories are due and how an answer from GitHub is stored.
- ``tasks.py`` / ``jobs.py``: the refresh on the task queue and on the site's schedule.
- ``queries.py``: stars on lists, "Trending on GitHub", and stars in the trending fallback.
- ``api.py``: the Hugging Face API's fields for a paper (``githubStars``, ``projectPage``,
  ``linkedModels`` …).
"""
