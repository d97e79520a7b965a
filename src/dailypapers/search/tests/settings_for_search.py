"""Until the search app is wired into the project: the project settings plus this app."""

from dailypapers.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "dailypapers.search"]  # noqa: F405
ROOT_URLCONF = "dailypapers.search.tests.urls_for_search"
