"""Finding papers to read: the feed pages, paper pages, people, topics and recommendations.

``views/`` holds the pages; ``services/`` what they (and the API) compute beyond the
feed-wide queries in dailypapers.feed (queries, topics, trending, recommend).
"""
