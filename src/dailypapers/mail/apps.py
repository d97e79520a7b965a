from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "dailypapers.mail"
    label = "mail"
    verbose_name = "Outgoing mail"

    def ready(self) -> None:
        # Here, not at the top: core.scheduling imports models, loaded only once apps are ready.
        from dailypapers.core import scheduling
        from dailypapers.mail.jobs import JOBS

        for job in JOBS:
            scheduling.register(job)
