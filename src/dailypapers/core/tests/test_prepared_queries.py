"""Prepared queries (core/prepared.py): compiled once, run with new values, same answers as
the ORM, values always bound as parameters."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailypapers.core.prepared import PreparedQuery
from dailypapers.feed.models import Submission
from dailypapers.papers.models import Paper
from dailypapers.testing.factories import make_member, make_submission, store_paper

pytestmark = pytest.mark.django_db


def by_id() -> PreparedQuery[Paper]:
    return PreparedQuery(lambda arxiv_id: Paper.objects.with_submitter().filter(arxiv_id=arxiv_id))


def test_a_prepared_query_answers_what_the_orm_answers_for_each_new_value():
    store_paper("2501.00001", title="First")
    store_paper("2501.00002", title="Second")
    query = by_id()
    assert query.first("2501.00001").title == "First"
    assert query.first("2501.00002").title == "Second"
    assert query.first("2501.99999") is None


def test_a_prepared_query_loads_related_rows_and_converts_columns():
    paper = store_paper("2501.00001", date(2025, 1, 6))
    make_submission(paper, make_member(name="Grace"), day=date(2025, 1, 7))
    found = by_id().first("2501.00001")
    with CaptureQueriesContext(connection) as queries:
        assert found.announced_on == date(2025, 1, 6)
        submission: Submission = found.submission
        assert submission.feed_day == date(2025, 1, 7)
        assert submission.submitted_by.public_name == "Grace"
    assert len(queries) == 0  # the submission and submitter came with the paper


def test_list_values_are_compiled_per_length_and_an_empty_list_asks_nothing():
    ids = [store_paper(f"2501.0000{n}").pk for n in range(1, 4)]
    query = PreparedQuery(lambda pks: Paper.objects.filter(pk__in=pks).order_by("arxiv_id"))
    assert [p.pk for p in query.all(ids)] == ids
    assert [p.pk for p in query.all(ids[:1])] == ids[:1]
    assert [p.pk for p in query.all(ids[1:])] == ids[1:]
    assert query.all([]) == []


def test_values_are_bound_as_parameters_never_pasted_into_the_sql():
    store_paper("2501.00001", title="Kept")
    query = by_id()
    hostile = "2501.00001' OR '1'='1"
    assert query.first(hostile) is None
    with CaptureQueriesContext(connection) as queries:
        query.first("x'; DROP TABLE papers_paper; --")
    assert "DROP TABLE" not in queries[0]["sql"].split("WHERE")[0]
    assert Paper.objects.filter(title="Kept").exists()


def test_a_lookup_that_transforms_its_value_is_refused():
    store_paper("2501.00001", title="Sorting")
    query = PreparedQuery(lambda word: Paper.objects.filter(title__icontains=word))
    with pytest.raises(RuntimeError, match="cannot prepare"):
        query.all("sort")


def test_threads_each_run_the_query_on_their_own_connection(transactional_db):
    store_paper("2501.00001", title="Shared")
    query = by_id()
    assert query.first("2501.00001") is not None  # compiled on this thread
    answers: list[str] = []

    def read() -> None:
        found = query.first("2501.00001")
        answers.append(found.title if found else "")
        connection.close()

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    assert answers == ["Shared"]


def test_rows_read_with_the_same_sql_become_the_same_instances_without_a_query():
    paper = store_paper("2501.00001", date(2025, 1, 6), title="Rows")
    make_submission(paper, make_member(name="Grace"), day=date(2025, 1, 7))
    from dailypapers.feed.queries import paper_for_page, paper_page_row

    row = paper_page_row("2501.00001")
    assert row is not None
    with CaptureQueriesContext(connection) as queries:
        built = paper_for_page("2501.00001", row)
        assert built is not None
        assert built.submission.submitted_by.public_name == "Grace"
    assert len(queries) == 0
    asked = paper_for_page("2501.00001")
    assert asked is not None
    assert [getattr(built, f.attname) for f in Paper._meta.concrete_fields] == [
        getattr(asked, f.attname) for f in Paper._meta.concrete_fields
    ]
    assert built.announced_on == date(2025, 1, 6) and built.title == "Rows"
