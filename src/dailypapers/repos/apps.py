from django.apps import AppConfig


class ReposConfig(AppConfig):
    name = "dailypapers.repos"
    label = "repos"
    verbose_name = "Code repositories"
