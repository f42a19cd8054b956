"""The production server as README runs it (gunicorn -c gunicorn.conf.py):
it refuses to start on weak settings, and bounds the request line, the
headers and (through Django) the body."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
STRONG_KEY = "a-production-like-secret-key-that-is-long-and-random-0123456789abcdef"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(tmp_path, **overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=STRONG_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        EMAIL_URL="console:",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        GUNICORN_WORKERS="1",
    )
    env.update(overrides)
    return env


def start(tmp_path, port, **overrides):
    env = production_env(tmp_path, GUNICORN_BIND=f"127.0.0.1:{port}", **overrides)
    return subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "tracker.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read())
        try:
            status, _ = send(port, b"GET /accounts/login/ HTTP/1.1\r\n")
            if status:
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def send(port, head, body=b""):
    """Send a raw request (request line and extra headers in ``head``) and
    return the status code and the response."""
    request = (
        head + b"Host: 127.0.0.1\r\nX-Forwarded-Proto: https\r\nConnection: close\r\n\r\n" + body
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        response = b""
        while chunk := connection.recv(65536):
            response += chunk
    status_line = response.split(b"\r\n", 1)[0]
    return int(status_line.split()[1]) if status_line else 0, response


@pytest.fixture
def server(tmp_path):
    port = free_port()
    # The test settings: production ones, but static files served unhashed,
    # without a collectstatic run.
    settings_module = {"DJANGO_SETTINGS_MODULE": "tracker.settings_test"}
    # A migrated database, as on a real deployment: every page's footer lists
    # the texts followed, so even the sign-in page reads the database.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=production_env(tmp_path, **settings_module),
        check=True,
        capture_output=True,
    )
    process = start(tmp_path, port, **settings_module)
    try:
        wait_for(port, process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_gunicorn_refuses_to_start_on_a_weak_key(tmp_path):
    process = start(tmp_path, free_port(), SECRET_KEY="short")
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError("gunicorn started with SECRET_KEY=short") from None
    assert process.returncode != 0
    assert "SECRET_KEY is too weak for production" in stderr


def test_gunicorn_bounds_the_request(server):
    status, _ = send(server, b"GET /accounts/login/ HTTP/1.1\r\n")
    assert status == 200
    # A request line over 4094 bytes.
    status, _ = send(server, b"GET /pledges/?q=" + b"x" * 5000 + b" HTTP/1.1\r\n")
    assert status == 414
    # A header over 8190 bytes.
    status, _ = send(server, b"GET / HTTP/1.1\r\nX-Big: " + b"x" * 9000 + b"\r\n")
    assert status in (400, 431)
    # More than 50 headers.
    many = b"".join(b"X-H%d: 1\r\n" % n for n in range(60))
    status, _ = send(server, b"GET / HTTP/1.1\r\n" + many)
    assert status in (400, 431)
    # A body declared over MAX_UPLOAD_SIZE is refused before it is sent.
    status, response = send(
        server,
        b"POST /accounts/login/ HTTP/1.1\r\n"
        b"Content-Type: multipart/form-data; boundary=xyz\r\n"
        b"Content-Length: 20971520\r\n",
    )
    assert status == 413
    assert b"larger than this site accepts (10 MB at most)" in response
