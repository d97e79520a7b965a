from django.apps import AppConfig
from django.urls import register_converter
from django.urls.converters import get_converters


class CoreConfig(AppConfig):
    name = "dailypapers.core"
    label = "core"
    verbose_name = "Site core"

    def ready(self) -> None:
        from django.core import checks
        from django.core.signals import request_finished

        from dailypapers.core import scheduling, task_logging
        from dailypapers.core.checks import shared_cache_check
        from dailypapers.core.converters import IdConverter
        from dailypapers.core.request_id import forget_request_id

        checks.register(shared_cache_check, checks.Tags.caches)

        # Every app's models are loaded by now, which its jobs module may need.
        scheduling.discover()

        # Here rather than in the project URLconf: every URLconf module, imported in any
        # order, builds its <id:…> patterns after the apps are ready.
        if "id" not in get_converters():  # ready() runs again when tests change INSTALLED_APPS
            register_converter(IdConverter, "id")

        # Log lines name the request and the task they belong to (core/logcontext.py).
        task_logging.connect()
        request_finished.connect(forget_request_id, dispatch_uid="dailypapers-request-id")
