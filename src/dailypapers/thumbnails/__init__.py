"""Thumbnails of page 1 of each paper, fetched politely from arXiv and rendered to WebP.

One stage per module:

- ``gate``: one arXiv request per interval across every process (a row in the database);
- ``fetching``: the claim (a paper is fetched once), the download and the render;
- ``storage``: where pictures live under the data folder, and the placeholder picture;
- ``tasks`` / ``jobs``: new papers queued on import, the backlog worked through on schedule;
- ``views`` / ``fields``: the image address, and the fields pages and the API show.
"""
