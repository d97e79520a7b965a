"""The files in deploy/ say what the code does: documented settings, matching limits,
commands that exist, and an nginx site that nginx accepts."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

from dailypapers.testing import nginx

REPO_ROOT = nginx.REPO_ROOT
DEPLOY = REPO_ROOT / "deploy"
UNIT_VARIABLES = {"WEB_BIND", "WEB_WORKERS"}  # read by the systemd units, not by the app

pytestmark = pytest.mark.skipif(not DEPLOY.is_dir(), reason="deploy/ is in the checkout only")


def _size_in_bytes(text: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", text).groups()  # type: ignore[union-attr]
    return int(number) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit.lower()]


def test_every_setting_in_the_environment_file_is_documented_in_the_readme():
    readme = (REPO_ROOT / "README.md").read_text()
    example = (DEPLOY / "dailypapers.env.example").read_text()
    names = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, flags=re.M)
    assert "BEHIND_PROXY" in names and "SECRET_KEY" in names
    undocumented = [n for n in names if n not in UNIT_VARIABLES and f"`{n}`" not in readme]
    assert undocumented == []


def test_nginx_body_limit_matches_max_request_body_bytes():
    snippet = nginx.PROXY_SNIPPET.read_text()
    [size] = re.findall(r"^client_max_body_size (\S+);", snippet, flags=re.M)
    example = (DEPLOY / "dailypapers.env.example").read_text()
    [configured] = re.findall(r"^MAX_REQUEST_BODY_BYTES=(\d+)$", example, flags=re.M)
    assert _size_in_bytes(size) == int(configured) == settings.MAX_REQUEST_BODY_BYTES


def test_the_units_run_dailypapers_commands_that_exist():
    commands = get_commands()
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        [start] = re.findall(r"^ExecStart=(.+)$", unit.read_text(), flags=re.M)
        subcommand = start.split()[1]
        assert start.startswith("/opt/dailypapers/venv/bin/dailypapers ")
        # rqworker is django_rq's, installed with TASK_BACKEND=rq.
        assert subcommand in commands or subcommand == "rqworker", unit.name


def test_the_nginx_site_passes_nginx_t(tmp_path: Path):
    """The shipped site, with stand-ins for what certbot writes."""
    binary, openssl = nginx.nginx_binary(), shutil.which("openssl")
    if binary is None or openssl is None:
        pytest.skip("needs nginx and openssl (Debian packages)")
    certs = tmp_path / "le"
    certs.mkdir()
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=papers.example.org", "-keyout", str(certs / "privkey.pem"),
         "-out", str(certs / "fullchain.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [openssl, "dhparam", "-dsaparam", "-out", str(certs / "ssl-dhparams.pem"), "2048"],
        check=True, capture_output=True,
    )  # fmt: skip
    (certs / "options-ssl-nginx.conf").write_text("ssl_protocols TLSv1.2 TLSv1.3;\n")
    site = (DEPLOY / "nginx" / "dailypapers.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/papers.example.org", str(certs))
    site = site.replace("/etc/letsencrypt", str(certs)).replace("/var/log/nginx", str(tmp_path))
    site = site.replace("include snippets/", f"include {nginx.PROXY_SNIPPET.parent}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{ include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run(
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
         "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
