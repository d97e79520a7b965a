from django.apps import AppConfig

from dailypapers.accounts.signals import credentials_revoked


class ApiConfig(AppConfig):
    name = "dailypapers.api"
    # "api" alone is a label third-party apps like to take; ours stays unambiguous.
    label = "dailypapers_api"
    verbose_name = "Open interfaces"

    def ready(self) -> None:
        from dailypapers.api.tokens import revoke_tokens_on_revocation

        credentials_revoked.connect(revoke_tokens_on_revocation, dispatch_uid="api-tokens")
