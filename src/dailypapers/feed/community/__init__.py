"""Community actions on papers: votes, comments, collections, submissions and curation.

``services/`` holds the rules as plain functions (tests, the admin and the API use them
without HTTP); ``views/`` holds the pages and forms that call them.
"""
