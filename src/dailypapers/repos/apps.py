from django.apps import AppConfig

from dailypapers.papers.signals import papers_imported


class ReposConfig(AppConfig):
    name = "dailypapers.repos"
    label = "repos"
    verbose_name = "Code repositories"

    def ready(self) -> None:
        # Inside ready(): tasks.py imports models, which load only once the apps are ready.
        from dailypapers.repos.tasks import on_papers_imported

        papers_imported.connect(on_papers_imported, dispatch_uid="repos-link-imported")
