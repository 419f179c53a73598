"""A real SMTP server (aiosmtpd) on a free loopback port, scripted to accept, defer or refuse."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """aiosmtpd handler: answers DATA with the next scripted reply, else accepts and records."""

    received: list[Received] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    delay_seconds: float = 0.0
    stall_first_seconds: float = 0.0  # record the first message, then hold its reply this long
    first_arrived: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.replies:
            return self.replies.pop(0)
        self.received.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if not self.first_arrived.is_set():
            self.first_arrived.set()
            if self.stall_first_seconds:
                await asyncio.sleep(self.stall_first_seconds)
        return "250 2.0.0 OK"

    def message_ids(self) -> list[str]:
        return [str(item.message["Message-ID"]) for item in self.received]


@dataclass
class SmtpServer:
    port: int
    recorder: Recorder
    controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port(), Recorder())
    server.start()
    yield server
    server.stop()
