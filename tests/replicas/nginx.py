"""A real nginx process in front of the replicas, running ``deploy/nginx.conf`` itself.

The site file of the deployment is reused with only the upstream servers and the listen address
replaced (plus an ``X-Upstream`` response header naming the replica, so tests can see the
round-robin). It is wrapped in a main configuration whose pid, logs and temp folders live in a
folder of the test, so nginx runs as root or not, next to a system nginx or none.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "deploy" / "nginx.conf"
UPSTREAM_HEADER = "X-Upstream"
_UPSTREAM_BLOCK = re.compile(r"(upstream mcp_orch \{\n)((?:\s*server [^;]+;\n)+)")


def nginx_binary() -> str | None:
    """The nginx executable (``scripts/setup`` installs Debian's ``nginx-light``), or ``None``."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def render_site(listen: str, upstreams: list[str], *, header: bool = True) -> str:
    """``deploy/nginx.conf`` with other upstream servers and listen address."""
    text = SITE.read_text(encoding="utf-8")
    servers = "".join(f"    server {address};\n" for address in upstreams)
    text, found = _UPSTREAM_BLOCK.subn(lambda m: m[1] + servers, text)
    assert found == 1, "deploy/nginx.conf: upstream mcp_orch block not found"
    assert "    listen 8000;\n" in text, "deploy/nginx.conf: 'listen 8000;' not found"
    text = text.replace("    listen 8000;\n", f"    listen {listen};\n")
    if header:
        proxy_pass = "        proxy_pass http://mcp_orch;\n"
        assert proxy_pass in text, "deploy/nginx.conf: proxy_pass not found"
        text = text.replace(proxy_pass, proxy_pass + f"        add_header {UPSTREAM_HEADER} $upstream_addr always;\n")
    return text


def _temp_paths(binary: str, folder: Path) -> str:
    """Temp folders in ``folder`` for every module compiled in (the defaults need root)."""
    built = subprocess.run([binary, "-V"], capture_output=True, text=True, check=True).stderr
    lines = [f"    client_body_temp_path {folder}/body;", f"    proxy_temp_path {folder}/proxy;"]
    for module in ("fastcgi", "uwsgi", "scgi"):
        if f"--without-http_{module}_module" not in built:
            lines.append(f"    {module}_temp_path {folder}/{module};")
    return "\n".join(lines)


def render_main(binary: str, folder: Path, site: Path) -> str:
    """A whole nginx configuration around ``site``, everything it writes inside ``folder``."""
    # As root the workers would switch to ``nobody``, who cannot enter a private test folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n"
        f"    access_log {folder}/access.log;\n"
        f"{_temp_paths(binary, folder)}\n"
        f"    include {site};\n"
        "}\n"
    )


@dataclass
class Nginx:
    """One running nginx: its base URL and process."""

    url: str
    folder: Path
    proc: subprocess.Popen[bytes]

    def errors(self) -> str:
        """The error log (for failure reports)."""
        path = self.folder / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Fast shutdown (SIGTERM), then SIGKILL if it lingers; only this process."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_nginx(folder: Path, port: int, upstreams: list[str], *, timeout: float = 20.0) -> Nginx:
    """Check the configuration (``nginx -t``), start nginx in the foreground, wait until it answers."""
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is missing: run scripts/setup (installs nginx-light)")
    folder.mkdir(parents=True, exist_ok=True)
    site = folder / "mcp-orch.conf"
    site.write_text(render_site(f"127.0.0.1:{port}", upstreams), encoding="utf-8")
    conf = folder / "nginx.conf"
    conf.write_text(render_main(binary, folder, site), encoding="utf-8")
    base = [binary, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)]
    check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    log = (folder / "stderr.log").open("wb")
    proc = subprocess.Popen([*base, "-g", "daemon off;"], stdout=log, stderr=subprocess.STDOUT)
    log.close()
    nginx = Nginx(f"http://127.0.0.1:{port}", folder, proc)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with {proc.returncode}:\n{nginx.errors()}")
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(f"{nginx.url}/health", timeout=2)
            return nginx
        time.sleep(0.05)
    nginx.stop()
    raise RuntimeError(f"nginx did not answer on port {port} within {timeout} s:\n{nginx.errors()}")
