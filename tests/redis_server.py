"""A real redis-server of the test's own, on a free port, that the test may
stop, freeze or make read-only. The shared Redis (6379) is never touched."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self, directory):
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed (apt-get install -y redis-server)"
            if os.environ.get("CI") == "true":
                pytest.fail(message)
            pytest.skip(message)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(directory), "--logfile", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.frozen = False
        self.admin = redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.admin.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)

    def stop(self):
        """Kill it, as a crash would."""
        self.thaw()
        self.process.kill()
        self.process.wait(timeout=10)

    def freeze(self):
        """SIGSTOP: it still accepts connections (the kernel does), but
        answers nothing."""
        self.process.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self):
        if self.frozen:
            self.process.send_signal(signal.SIGCONT)
            self.frozen = False

    def read_only(self, on=True):
        """A replica of a master that does not exist refuses every write and
        still answers reads, from the data it holds."""
        if on:
            self.admin.execute_command("REPLICAOF", "127.0.0.1", str(free_port()))
        else:
            self.admin.execute_command("REPLICAOF", "NO", "ONE")

    def keys(self, pattern="*"):
        return self.admin.keys(pattern)

    def close(self):
        self.thaw()
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.admin.close()
