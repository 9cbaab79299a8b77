"""A WebSocket client as small as a smoke check needs (RFC 6455): the opening handshake, text
messages sent masked as a client must, messages received (fragments joined, pings answered),
and the closing handshake."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import ssl
import struct
from urllib.parse import urlsplit

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
TEXT, BINARY, CLOSE, PING, PONG, CONTINUATION = 0x1, 0x2, 0x8, 0x9, 0xA, 0x0


class WebSocketError(Exception):
    pass


class WebSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, url: str, headers: dict[str, str]) -> WebSocket:
        parts = urlsplit(url)
        secure = parts.scheme == "wss"
        port = parts.port or (443 if secure else 80)
        reader, writer = await asyncio.open_connection(
            parts.hostname, port, ssl=ssl.create_default_context() if secure else None
        )
        key = base64.b64encode(os.urandom(16)).decode()
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        lines = [
            f"GET {target} HTTP/1.1",
            f"Host: {parts.netloc}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await writer.drain()
        status = (await reader.readline()).decode(errors="replace").strip()
        answer: dict[str, str] = {}
        while True:
            line = (await reader.readline()).decode(errors="replace").strip()
            if not line:
                break
            name, _, value = line.partition(":")
            answer[name.strip().lower()] = value.strip()
        if " 101 " not in f"{status} ":
            writer.close()
            raise WebSocketError(f"the server answered {status or 'nothing'} to the upgrade")
        digest = hashlib.sha1((key + GUID).encode(), usedforsecurity=False).digest()  # RFC 6455
        accept = base64.b64encode(digest).decode()
        if answer.get("sec-websocket-accept") != accept:
            writer.close()
            raise WebSocketError("the server's Sec-WebSocket-Accept does not match the key")
        return cls(reader, writer)

    async def send(self, text: str) -> None:
        await self._frame(TEXT, text.encode())

    async def receive(self) -> str:
        """The next text or binary message, its fragments joined."""
        parts: list[bytes] = []
        while True:
            opcode, fin, payload = await self._read_frame()
            if opcode == PING:
                await self._frame(PONG, payload)
            elif opcode == CLOSE:
                raise WebSocketError("the server closed the connection")
            elif opcode in (TEXT, BINARY, CONTINUATION):
                parts.append(payload)
                if fin:
                    return b"".join(parts).decode(errors="replace")

    async def close(self) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self._frame(CLOSE, struct.pack("!H", 1000))
        self.writer.close()
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            await self.writer.wait_closed()

    async def _frame(self, opcode: int, payload: bytes) -> None:
        mask = os.urandom(4)
        size = len(payload)
        if size < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | size)
        elif size < 1 << 16:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, size)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, size)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.writer.write(head + mask + masked)
        await self.writer.drain()

    async def _read_frame(self) -> tuple[int, bool, bytes]:
        first, second = await self.reader.readexactly(2)
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", await self.reader.readexactly(2))
        elif size == 127:
            (size,) = struct.unpack("!Q", await self.reader.readexactly(8))
        mask = await self.reader.readexactly(4) if second & 0x80 else b""
        payload = await self.reader.readexactly(size)
        if mask:
            payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        return first & 0x0F, bool(first & 0x80), payload
