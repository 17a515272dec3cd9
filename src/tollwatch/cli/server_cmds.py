"""`tollwatch serve` and the account commands (`tollwatch users ...`)."""

from __future__ import annotations

import sys

import click

from tollwatch.app import users as accounts
from tollwatch.cli.context import pass_app
from tollwatch.cli.output import dumps, emit, format_option
from tollwatch.core.errors import InputError
from tollwatch.core.limits import limits_from, parse_options


def register(cli: click.Group) -> None:
    cli.add_command(serve)
    cli.add_command(users)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--tiles-url", envvar="TOLLWATCH_TILES_URL", help="XYZ tile URL template for online map tiles (off by default).")
@click.option("--log-level", default="info", show_default=True, type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDR",
              help="A reverse proxy's address or network (repeatable): only from it is X-Forwarded-For "
                   "read for the client address. Without it the peer address is used.")
@click.option("--limit", "limit_options", multiple=True, metavar="NAME=VALUE",
              help="An upload limit (repeatable), e.g. max_pages=500; names and defaults in docs/server.md. "
                   "Overrides the TOLLWATCH_<NAME> variable.")
@pass_app
def serve(app, host, port, tiles_url, log_level, trusted_proxies, limit_options):
    """Run the web app and API (yente-compatible /match, docs at /docs)."""
    import uvicorn

    from tollwatch.server.app import UVICORN_OPTIONS, create_app

    try:
        limits = limits_from(options=parse_options(limit_options))
    except InputError as exc:
        raise click.BadParameter(str(exc), param_hint="--limit") from None
    try:
        web = create_app(store=app.store, tiles_url=tiles_url, warm_screening=True, trusted_proxies=trusted_proxies, limits=limits)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--trusted-proxy") from None
    if not accounts.has_users(app.store):
        click.echo("no accounts yet: everyone reads public material only. "
                   "Add one with `tollwatch users add NAME --role admin`.", err=True)
    click.echo(f"tollwatch serving on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(web, host=host, port=port, log_level=log_level, access_log=log_level == "debug", **UVICORN_OPTIONS)


@click.group()
def users():
    """Accounts for the web app: admin, analyst (ingests and reviews), viewer (reads public material)."""


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "analyst", "viewer"]), required=True)
@click.option("--clearance", type=click.Choice(["public", "restricted", "confidential"]),
              help="Highest sensitivity the user reads (default: admin confidential, analyst restricted, viewer public).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@click.option("--no-password", is_flag=True, help="No password: the account signs in with API keys only.")
@pass_app
def users_add(app, name, role, clearance, password_stdin, no_password):
    """Create an account."""
    password = None if no_password else _password(password_stdin)
    try:
        user = accounts.add_user(app.store, app.actor, name, role, password=password, clearance=clearance)
    except accounts.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {user.name}: {user.role}, reads up to {user.clearance.value}")


@users.command("list")
@format_option()
@pass_app
def users_list(app, fmt):
    """List accounts (never passwords or keys)."""
    rows = [
        {"name": u.name, "role": u.role, "clearance": u.clearance.value, "disabled": u.disabled}
        for u in accounts.list_users(app.store)
    ]
    emit(rows, fmt, ["name", "role", "clearance", "disabled"])


@users.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True)
@pass_app
def users_passwd(app, name, password_stdin):
    """Set a user's password."""
    try:
        accounts.set_password(app.store, app.actor, name, _password(password_stdin))
    except accounts.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"password set for {name}")


@users.command("set")
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "analyst", "viewer"]))
@click.option("--clearance", type=click.Choice(["public", "restricted", "confidential"]))
@click.option("--disable/--enable", default=None)
@pass_app
def users_set(app, name, role, clearance, disable):
    """Change a user's role, clearance, or disable the account."""
    try:
        u = accounts.set_account(app.store, app.actor, name, role=role, clearance=clearance, disabled=disable)
    except accounts.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{u.name}: {u.role}, reads up to {u.clearance.value}{', disabled' if u.disabled else ''}")


@users.command("sign-out")
@click.argument("name")
@pass_app
def users_sign_out(app, name):
    """Sign NAME out everywhere: every web session ends at once (API keys stay; see `users revoke`)."""
    try:
        ended = accounts.end_sessions(app.store, app.actor, name)
    except accounts.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"signed {name} out: {ended} session{'' if ended == 1 else 's'} ended")


@users.command("key")
@click.argument("name")
@click.option("--label", help="What the key is for (shown in `users keys`).")
@format_option(default="table", choices=("table", "json"))
@pass_app
def users_key(app, name, label, fmt):
    """Create an API key for NAME; it is shown once. Send it as `Authorization: Bearer KEY`."""
    try:
        key = accounts.create_api_key(app.store, app.actor, name, label).key
    except accounts.UserError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(dumps({"user": name, "key": key}))
    else:
        click.echo(key)
        click.echo("store it now: it cannot be shown again", err=True)


@users.command("keys")
@click.argument("name", required=False)
@format_option()
@pass_app
def users_keys(app, name, fmt):
    """List API keys (ids and labels, never the secrets)."""
    rows = accounts.list_api_keys(app.store, name)
    emit(rows, fmt, ["key_id", "user_name", "label", "created_at", "revoked_at"])


@users.command("revoke")
@click.argument("key_id")
@pass_app
def users_revoke(app, key_id):
    """Revoke an API key by its id (the part after `tw_`)."""
    try:
        accounts.revoke_api_key(app.store, app.actor, key_id)
    except accounts.UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"revoked {key_id}")
