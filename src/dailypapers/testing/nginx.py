"""Debian's nginx in front of test web nodes, with the proxy settings deploy/ ships.

The generated configuration includes ``deploy/nginx/dailypapers-proxy.conf``, the snippet
the production site (deploy/nginx/dailypapers.conf) includes: the headers, body limit and
upstream behaviour under test are the ones operators install. Only what a test cannot
have (TLS certificates, port 443, /etc paths) differs.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dailypapers.testing.processes import Service, free_port

REPO_ROOT = Path(__file__).resolve().parents[3]
PROXY_SNIPPET = REPO_ROOT / "deploy" / "nginx" / "dailypapers-proxy.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )


def missing_reason() -> str:
    """Why nginx cannot run here ("" when it can)."""
    if nginx_binary() is None:
        return "nginx is not installed (Debian package nginx; .ci/run installs it)"
    if not PROXY_SNIPPET.is_file():
        return f"{PROXY_SNIPPET} is missing (tests run from a checkout)"
    return ""


def site_config(folder: Path, port: int, upstreams: list[int]) -> str:
    """nginx.conf for a non-daemon nginx on 127.0.0.1:``port``, every path in ``folder``."""
    servers = "\n".join(f"        server 127.0.0.1:{upstream};" for upstream in upstreams)
    # As root, nginx would switch its workers to "nobody", who cannot enter pytest's
    # private temporary folders.
    user = "user root;" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""\
{user}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} warn;
events {{ worker_connections 256; }}
http {{
{temp}
    access_log {folder / "access.log"};
    upstream dailypapers {{
{servers}
        keepalive 8;
    }}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost 127.0.0.1;
        location / {{
            include {PROXY_SNIPPET};
            proxy_pass http://dailypapers;
        }}
    }}
}}
"""


def nginx_service(folder: Path, upstreams: list[int], env: dict[str, str]) -> tuple[Service, int]:
    """nginx (not started) proxying a free loopback port to ``upstreams``, and that port."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError(missing_reason())
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = folder / "nginx.conf"
    config.write_text(site_config(folder, port, upstreams))
    argv = [binary, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log"),
            "-g", "daemon off;"]  # fmt: skip
    return Service("nginx", argv, env, folder, folder), port
