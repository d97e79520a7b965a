"""The reading pages: feeds by day, week and month, trending, papers, people, topics, For you,
about and robots.txt; each imports services, never another view module."""
