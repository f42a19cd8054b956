"""A real SMTP server for tests (aiosmtpd), and the handler that keeps what
it is sent. The ``smtp_server`` fixture (tests/conftest.py) starts one."""

import asyncio
import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts. With
    ``hold_after=N`` it accepts N messages, then holds the next DATA
    unanswered until ``release`` is set, and refuses it: the client never
    hears that message accepted (what a crash mid-send looks like to it)."""

    def __init__(self, hold_after=None):
        self.messages = []
        self.hold_after = hold_after
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Not accepted; try again later"
        message = message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope, message))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, inbox=None):
        from aiosmtpd.controller import Controller

        self.inbox = inbox or Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=free_port())
        self.controller.start()

    @property
    def host(self):
        return self.controller.hostname

    @property
    def port(self):
        return self.controller.port

    def stop(self):
        self.inbox.release.set()
        self.controller.stop()


def use_smtp(settings, server):
    """What EMAIL_URL=smtp://127.0.0.1:<port> configures (tests/test_settings.py)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
