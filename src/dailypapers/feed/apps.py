from django.apps import AppConfig

from dailypapers.accounts.signals import credentials_revoked


class FeedConfig(AppConfig):
    name = "dailypapers.feed"
    label = "feed"
    verbose_name = "Feed"

    def ready(self) -> None:
        # Here, not at the top: core.scheduling imports models, loaded only once apps are ready.
        from dailypapers.core import scheduling
        from dailypapers.feed.jobs import JOBS
        from dailypapers.feed.personal_feed import forget_feed_token_on_revocation

        for job in JOBS:
            scheduling.register(job)
        credentials_revoked.connect(forget_feed_token_on_revocation, dispatch_uid="feed-token")
