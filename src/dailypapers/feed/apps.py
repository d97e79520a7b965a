from django.apps import AppConfig

from dailypapers.accounts.signals import credentials_revoked


class FeedConfig(AppConfig):
    name = "dailypapers.feed"
    label = "feed"
    verbose_name = "Feed"

    def ready(self) -> None:
        # Here, not at the top: personal_feed imports models, loaded only once apps are ready.
        from dailypapers.feed.personal_feed import forget_feed_token_on_revocation

        credentials_revoked.connect(forget_feed_token_on_revocation, dispatch_uid="feed-token")
