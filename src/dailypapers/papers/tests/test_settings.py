"""Settings come from the environment.

Production passes `check --deploy`; bad values stop the start with a clear message.
"""

from __future__ import annotations

from dailypapers.testing.commands import run_dailypapers


def test_production_settings_pass_the_deploy_check_without_warnings(tmp_path):
    result = run_dailypapers(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        SITE_URL="https://papers.example.org",
        SECRET_KEY="x" * 30 + "a-long-random-production-secret-value-0123456789",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_generated_secret_key_is_kept_between_starts(tmp_path):
    run_dailypapers(["check"], tmp_path)
    key = (tmp_path / "secret_key").read_text()
    run_dailypapers(["check"], tmp_path)
    assert (tmp_path / "secret_key").read_text() == key
    assert len(key) >= 50
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_a_bad_setting_value_stops_the_start_and_names_the_variable(tmp_path):
    result = run_dailypapers(["check"], tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_rq_without_a_redis_url_is_refused_with_a_hint(tmp_path):
    result = run_dailypapers(["check"], tmp_path, TASK_BACKEND="rq")
    assert result.returncode != 0
    assert "TASK_BACKEND=rq needs REDIS_URL" in result.stderr


def test_an_unsupported_database_url_is_refused_clearly(tmp_path):
    result = run_dailypapers(["check"], tmp_path, DATABASE_URL="mongodb://localhost/x")
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr
