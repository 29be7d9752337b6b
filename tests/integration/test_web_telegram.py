"""POST /telegram (webhook mode), GET /healthz, and the server running inside the bot's loop."""

from __future__ import annotations

import asyncio
import json
import socket

import httpx
import pytest

from bot.db.engine import Database, DatabaseUnavailable
from bot.web.app import create_web_app, serve
from tests.web_helpers import WEBHOOK_SECRET, asgi_client, inbound_for, make_core

UPDATE = {
    "update_id": 10001,
    "message": {
        "message_id": 1,
        "date": 1_800_000_000,
        "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "Ada"},
        "text": "/start",
    },
}


class UpdateSink:
    """Stands in for `application.update_queue.put`: keeps what it was handed."""

    def __init__(self) -> None:
        self.updates: list[dict] = []

    async def __call__(self, update: dict) -> None:
        self.updates.append(update)


@pytest.fixture
def sink() -> UpdateSink:
    return UpdateSink()


@pytest.fixture
def core(sqlite_db, clock):
    return make_core(sqlite_db, clock)


@pytest.fixture
async def client(core, sink):
    app = create_web_app(core=core, inbound=inbound_for(core), telegram_webhook=sink)
    async with asgi_client(app) as http:
        yield http


async def post_update(client, *, secret: str | None, body: bytes | None = None):
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return await client.post(
        "/telegram", content=body if body is not None else json.dumps(UPDATE), headers=headers
    )


# --- the secret token ---------------------------------------------------------------------------


async def test_an_update_with_the_right_secret_is_handed_on(client, sink):
    response = await post_update(client, secret=WEBHOOK_SECRET)

    assert response.status_code == 200
    assert sink.updates == [UPDATE]


@pytest.mark.parametrize("secret", ["wrong", WEBHOOK_SECRET + "x", WEBHOOK_SECRET[:-1], ""])
async def test_an_update_with_a_wrong_secret_is_refused(secret, client, sink):
    response = await post_update(client, secret=secret)

    assert response.status_code == 403
    assert sink.updates == []


async def test_an_update_without_the_secret_header_is_refused(client, sink):
    response = await post_update(client, secret=None)

    assert response.status_code == 403
    assert sink.updates == []


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"message": {}}', b"\xff\xfe"])
async def test_a_body_that_is_not_an_update_is_a_bad_request(body, client, sink):
    response = await post_update(client, secret=WEBHOOK_SECRET, body=body)

    assert response.status_code == 400
    assert sink.updates == []


@pytest.mark.parametrize("depth", [65, 100_000])
async def test_a_deeply_nested_body_is_a_bad_request_not_a_crash(depth, client, sink):
    nested = b'{"update_id": 1, "message": ' + b"[" * depth + b"]" * depth + b"}"

    response = await post_update(client, secret=WEBHOOK_SECRET, body=nested)

    assert response.status_code == 400
    assert sink.updates == []


async def test_brackets_inside_strings_do_not_count_as_nesting(client, sink):
    update = {**UPDATE, "message": {**UPDATE["message"], "text": "[" * 5000}}

    response = await post_update(client, secret=WEBHOOK_SECRET, body=json.dumps(update).encode())

    assert response.status_code == 200
    assert sink.updates == [update]


async def test_an_oversized_update_is_refused(client, sink):
    huge = json.dumps({"update_id": 1, "padding": "x" * (2 * 1024 * 1024)}).encode()

    response = await post_update(client, secret=WEBHOOK_SECRET, body=huge)

    assert response.status_code == 413
    assert sink.updates == []


async def test_without_webhook_mode_the_route_is_not_there(core):
    async with asgi_client(create_web_app(core=core, inbound=inbound_for(core))) as client:
        response = await post_update(client, secret=WEBHOOK_SECRET)

    assert response.status_code == 404


async def test_an_update_that_cannot_be_queued_is_a_500_so_telegram_retries(core):
    async def refuse(update: dict) -> None:
        raise RuntimeError("queue closed")

    app = create_web_app(core=core, inbound=inbound_for(core), telegram_webhook=refuse)
    async with asgi_client(app) as client:
        response = await post_update(client, secret=WEBHOOK_SECRET)

    assert response.status_code == 500


# --- health -------------------------------------------------------------------------------------


async def test_readyz_says_ok_when_the_database_answers(client):
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "outbox_lag_seconds": 0.0}


class DownDatabase(Database):
    """A database that cannot be reached (a fake for the health check)."""

    def check(self) -> None:
        raise DatabaseUnavailable("DATABASE_URL: cannot connect")


async def test_readyz_is_503_but_healthz_200_when_the_database_is_down(core, tmp_path):
    core.db = DownDatabase(f"sqlite:///{tmp_path / 'down.db'}")
    async with asgi_client(create_web_app(core=core, inbound=inbound_for(core))) as client:
        ready = await client.get("/readyz")
        alive = await client.get("/healthz")

    assert ready.status_code == 503
    assert ready.json()["database"] == "down"
    assert alive.status_code == 200


# --- the server ---------------------------------------------------------------------------------


async def test_the_server_runs_in_the_current_loop_and_stops_gracefully(core, sink):
    app = create_web_app(core=core, inbound=inbound_for(core), telegram_webhook=sink)

    server = await serve(app, port=0, host="127.0.0.1")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}") as http:
            health = await http.get("/healthz")
            update = await http.post(
                "/telegram",
                content=json.dumps(UPDATE),
                headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
            )
    finally:
        await server.stop()

    assert health.status_code == 200
    assert update.status_code == 200
    assert sink.updates == [UPDATE]
    assert server.task.done()
    assert server.task.exception() is None
    with pytest.raises(httpx.ConnectError):
        async with httpx.AsyncClient() as http:
            await http.get(f"http://127.0.0.1:{server.port}/healthz")


async def test_a_port_in_use_fails_at_start_not_later(core):
    app = create_web_app(core=core, inbound=inbound_for(core))
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]

        with pytest.raises(OSError):  # noqa: PT011 - the errno text differs between systems
            await serve(app, port=port, host="127.0.0.1")

    assert [t for t in asyncio.all_tasks() if t.get_name().startswith("http-server")] == []
