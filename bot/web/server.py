"""Running the HTTP app inside the bot's event loop: uvicorn on a socket bound here."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)

SERVER_STOP_TIMEOUT_SECONDS = 10.0


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its signal handlers: the bot's runtime owns SIGINT / SIGTERM."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def bound_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (uvicorn listens on it).

    Made with proto=IPPROTO_TCP on purpose: asyncio turns Nagle off only for sockets that say
    they are TCP, and `socket.create_server` leaves proto at 0. With Nagle on, every response
    (headers, then body) waited ~40 ms for the client's delayed ACK.
    """
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


@dataclass
class RunningServer:
    """A uvicorn server running as a task in the current loop."""

    server: uvicorn.Server
    task: asyncio.Task[None]
    port: int

    async def stop(self, *, grace_seconds: float = SERVER_STOP_TIMEOUT_SECONDS) -> None:
        """Stop accepting, let requests in flight finish (up to `grace_seconds`), then return."""
        self.server.should_exit = True
        try:
            await asyncio.wait_for(asyncio.shield(self.task), grace_seconds)
        except TimeoutError:
            self.server.force_exit = True
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task


async def serve(
    app: ASGIApp,
    *,
    port: int,
    host: str = "0.0.0.0",
    graceful_seconds: int = int(SERVER_STOP_TIMEOUT_SECONDS),
) -> RunningServer:
    """Start uvicorn on `host:port` in the running loop and return once it accepts connections.

    The socket is bound here, so a port already in use raises OSError to the caller instead of
    uvicorn's sys.exit inside a task. `port=0` picks a free port (see RunningServer.port).
    """
    sock = bound_socket(host, port)
    bound_port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        app,
        log_config=None,  # keep the bot's logging set-up
        access_log=False,  # paths only, but a health check every few seconds is noise
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=graceful_seconds,
    )
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"http-server:{bound_port}")
    while not server.started:
        if task.done():
            sock.close()
            task.result()  # raises what stopped it
            raise RuntimeError("the HTTP server stopped while starting")
        await asyncio.sleep(0.01)
    log.info("HTTP server listening on %s:%d", host, bound_port)
    return RunningServer(server=server, task=task, port=bound_port)
