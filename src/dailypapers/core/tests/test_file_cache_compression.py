"""The shared file cache stores pages compressed at zlib's fastest level and reads back
what Django's file cache wrote."""

from __future__ import annotations

from django.core.cache.backends.filebased import FileBasedCache

from dailypapers.core.filecache import SharedFileCache


def test_a_page_stored_by_the_shared_cache_reads_back_whole_in_both_caches(tmp_path):
    page = {"content": ("<p>Sorting &amp; searching</p>" * 500).encode(), "headers": {}}
    ours = SharedFileCache(str(tmp_path), {})
    ours.set("page", page, 60)
    assert ours.get("page") == page
    assert FileBasedCache(str(tmp_path), {}).get("page") == page  # the layout is Django's


def test_pages_are_compressed_faster_than_django_would_for_little_more_disk(tmp_path):
    ours = SharedFileCache(str(tmp_path / "ours"), {})
    django = FileBasedCache(str(tmp_path / "django"), {})
    html = "".join(f"<li><a href='/papers/2501.{n:05d}/'>Paper {n}</a></li>" for n in range(800))
    ours.set("page", html, 60)
    django.set("page", html, 60)
    [ours_file] = (tmp_path / "ours").glob("*.djcache")
    [django_file] = (tmp_path / "django").glob("*.djcache")
    assert ours_file.stat().st_size < len(html) / 3  # still compressed
    assert ours_file.stat().st_size < django_file.stat().st_size * 2
