"""``virtnum fake-server``: the fake Data API in the foreground, and the lines that point
the CLI at it, with a URL the CLI accepts (loopback for a server on every address)."""

from __future__ import annotations

import sys

import click

from virtnum.cli.errors import CannotListenError
from virtnum.cli.options import whole_number

__all__ = ["client_url", "fake_server"]

_EVERY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    import ipaddress  # here: ``virtnum --help`` builds this command without it

    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def client_url(host: str, server_url: str) -> tuple[str, str | None]:
    """The URL a client on this machine uses for a server bound to ``host`` (and
    listening at ``server_url``), and a note when the CLI needs a flag for it."""
    from urllib.parse import urlsplit

    port = urlsplit(server_url).port
    if host.strip("[]") in _EVERY_ADDRESS:
        return f"http://{_EVERY_ADDRESS[host.strip('[]')]}:{port}", None
    if _is_loopback(host):
        return server_url, None
    note = "plain http to another host: the CLI there needs --allow-insecure-http"
    return server_url, note


@click.command("fake-server")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0: every address).",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free one).",
)
@whole_number(
    "--numbers", "count", minimum=0, default=1000, help="How many synthetic numbers it holds."
)
@click.option("--token", default=None, help="Token the server accepts [default: fake-token].")
@whole_number(
    "--available-mobile",
    minimum=0,
    default=10,
    help="Mobile numbers the contract can add (numbers available).",
)
@click.option(
    "--activation-delay",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds an added mobile number stays in activation.",
)
def fake_server(
    host: str,
    port: int,
    count: int,
    token: str | None,
    available_mobile: int,
    activation_delay: float,
) -> None:
    """Serve the fake Data API in the foreground (Ctrl-C stops it)."""
    from virtnum.testing import FakeServer

    server = FakeServer(
        count,
        token=token or "fake-token",
        host=host,
        port=port,
        available_mobile=available_mobile,
        activation_delay=activation_delay,
        record_requests=False,  # nothing can read them here; kept, they would only grow
    )

    async def serve() -> None:
        try:
            await server.start()
        except OSError as exc:  # the port is taken, the host is not this machine's, ...
            reason = exc.strerror or type(exc).__name__
            raise CannotListenError(f"cannot listen on {host}:{port}: {reason}") from None
        url, note = client_url(host, server.url)
        click.echo(f"fake server on {server.url} with {count} numbers", err=True)
        if note:
            click.echo(f"virtnum: note: {note}", err=True)
        click.echo(f"export VIRTNUM_BASE_URL={url}")
        if token is None:
            click.echo("export VIRTNUM_TOKEN=fake-token")
        sys.stdout.flush()
        await server.serve_forever()

    try:
        import asyncio

        asyncio.run(serve())
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
