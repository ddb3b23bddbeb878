"""Fill deploy/nginx.conf.template: python deploy/render_nginx.py HOST:PORT [HOST:PORT ...] > nginx.conf

Options (environment): LISTEN (default 8080), PREFIX (nginx's working folder, default
/tmp/playground-nginx), MAX_UPLOAD_MB (default 20, as PLAYGROUND_MAX_UPLOAD_MB).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def render(
    replicas: list[str],
    *,
    listen: str = "8080",
    prefix: str = "/tmp/playground-nginx",
    max_upload_mb: int = 20,
) -> str:
    upstreams = "\n".join(f"        server {r} max_fails=1 fail_timeout=5s;" for r in replicas)
    # nginx's own $variables stay: safe_substitute fills only the ${NAMES} given here.
    return Template(TEMPLATE.read_text()).safe_substitute(
        UPSTREAMS=upstreams, LISTEN=listen, PREFIX=prefix, MAX_UPLOAD_MB=str(max_upload_mb)
    )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    print(
        render(
            sys.argv[1:],
            listen=os.environ.get("LISTEN", "8080"),
            prefix=os.environ.get("PREFIX", "/tmp/playground-nginx"),
            max_upload_mb=int(os.environ.get("MAX_UPLOAD_MB", "20")),
        )
    )
