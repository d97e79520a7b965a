from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dailypapers.api"
    # "api" alone is a label third-party apps like to take; ours stays unambiguous.
    label = "dailypapers_api"
    verbose_name = "Open interfaces"
