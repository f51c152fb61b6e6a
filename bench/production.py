"""What the benches that load a real server share: a production-mode environment on a
throwaway database, the demo atlas in it, and gunicorn started and stopped as the README runs
it. Used by throughput.py, load_test.py and live_bench.py."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def production_env(tmp: Path, *, database: str = "") -> dict:
    """The environment of a production server (DEBUG off, a fresh secret key) whose database,
    media and static files live in `tmp`, unless `database` names another database."""
    return {
        **os.environ,
        "DATABASE_URL": database or f"sqlite:///{tmp}/bench.sqlite3",
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str, **options) -> subprocess.CompletedProcess:
    """Run manage.py with these arguments in that environment; its output is dropped unless
    `capture_output` is asked for."""
    if not options.get("capture_output"):
        options.setdefault("stdout", subprocess.DEVNULL)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True, **options
    )


def prepare_demo(env: dict) -> None:
    """Migrate the throwaway database, load the demo atlas and collect the static files."""
    print("preparing a throwaway database with the demo atlas ...", flush=True)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo", "--no-admin")
    manage(env, "collectstatic", "--noinput")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    env: dict, port: int, workers: int, log: Path, *, app: str = "atlas.wsgi", cwd: Path = ROOT
) -> subprocess.Popen:
    """gunicorn with `workers` sync workers on 127.0.0.1:`port`, once it accepts connections."""
    command = [str(BIN / "gunicorn"), app, "--workers", str(workers)]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "30"]
    handle = open(log, "wb")
    server = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn ({app}) exited at start-up:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    sys.exit(f"gunicorn ({app}) did not listen within 30 s")


def stop(server: subprocess.Popen) -> None:
    """Stop gunicorn as a process manager would (SIGTERM, then SIGKILL after 20 s)."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
