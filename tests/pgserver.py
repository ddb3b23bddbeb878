"""A throwaway PostgreSQL server on loopback, from Debian's ``postgresql`` package.

``.ci/run`` starts one for the whole test run (``python -m tests.pgserver start`` prints its
URL and folder) and stops it afterwards; without ``PLAYGROUND_TEST_DATABASE_URL`` the tests start
their own. As root, the server runs as the ``postgres`` user (initdb refuses root).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

__all__ = ["pg_bin", "start", "stop"]


def pg_bin() -> Path | None:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(args: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start() -> tuple[str, Path]:
    """Initialise and start a server in a new folder under /tmp: its SQLAlchemy URL and folder."""
    bin_dir = pg_bin()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="playground-pg-"))
    folder.chmod(0o755)  # the server's user must reach it
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    data, port = folder / "data", _free_port()
    _run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off"
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
          "-w", "start"])  # fmt: skip
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", folder


def _run(args: list[str]) -> None:
    done = subprocess.run(_as_server_user(args), capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed: {(done.stderr or done.stdout).strip()}")


def stop(folder: str | Path) -> None:
    bin_dir = pg_bin()
    data = Path(folder) / "data"
    if bin_dir and data.exists():
        subprocess.run(_as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast",
                                        "-w", "stop"]), capture_output=True, timeout=60)  # fmt: skip


if __name__ == "__main__":
    if sys.argv[1] == "start":  # prints "URL FOLDER"
        print(*start())
    else:
        stop(sys.argv[2])
