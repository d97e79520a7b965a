from django.apps import AppConfig
from django.urls import register_converter
from django.urls.converters import get_converters


class CoreConfig(AppConfig):
    name = "dailypapers.core"
    label = "core"
    verbose_name = "Site core"

    def ready(self) -> None:
        from django.core import checks

        from dailypapers.core import scheduling
        from dailypapers.core.checks import shared_cache_check
        from dailypapers.core.converters import IdConverter

        checks.register(shared_cache_check, checks.Tags.caches)

        # Every app's models are loaded by now, which its jobs module may need.
        scheduling.discover()

        # Here rather than in the project URLconf: every URLconf module, imported in any
        # order, builds its <id:…> patterns after the apps are ready.
        if "id" not in get_converters():  # ready() runs again when tests change INSTALLED_APPS
            register_converter(IdConverter, "id")
