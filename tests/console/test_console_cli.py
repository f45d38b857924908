"""``arbots console add-user`` and ``arbots console token``."""

from __future__ import annotations

from click.testing import CliRunner
from fastapi.testclient import TestClient

from bots.cli import main
from bots.console import create_app
from bots.store import Store


def test_add_user_reads_the_password_from_stdin_and_token_answers_the_api(world) -> None:
    runner = CliRunner()
    config = ["--config", world.source]
    added = runner.invoke(main, ["console", "add-user", "carla", "--role", "supervisor",
                                 "--password-stdin", *config], input="a long password\n",
                          env={"ARBOTS_HOME": str(world.home)})
    assert added.exit_code == 0, added.output
    with Store(world.store_path) as store:
        row = store.console_user("carla")
    assert row["role"] == "supervisor" and row["password_hash"].startswith("$argon2")
    issued = runner.invoke(main, ["console", "token", "carla", *config],
                           env={"ARBOTS_HOME": str(world.home)})
    token = issued.stdout.strip()
    assert issued.exit_code == 0 and token.startswith("arb_")
    me = TestClient(create_app(world)).get("/api/me",
                                           headers={"Authorization": f"Bearer {token}"})
    assert me.json() == {"name": "carla", "role": "supervisor"}


def test_add_user_refuses_a_password_argument_and_short_passwords(world) -> None:
    runner = CliRunner()
    config = ["--config", world.source]
    no_stdin = runner.invoke(main, ["console", "add-user", "dan", "--role", "admin", *config])
    assert no_stdin.exit_code == 2 and "--password-stdin" in no_stdin.output
    short = runner.invoke(main, ["console", "add-user", "dan", "--role", "admin",
                                 "--password-stdin", *config], input="short\n")
    assert short.exit_code == 1 and "at least 8 characters" in short.output
    unknown = runner.invoke(main, ["console", "token", "nobody", *config])
    assert unknown.exit_code == 1 and "no console user 'nobody'" in unknown.output


def test_arbots_run_refuses_a_company_code_it_cannot_keep_to(world) -> None:
    runner = CliRunner()
    env = {"ARBOTS_HOME": str(world.home)}
    config = ["--config", world.source]
    whole = runner.invoke(main, ["run", "cashapp", "--company-code", "1000", *config], env=env)
    assert whole.exit_code == 2 and "always run for every company code" in whole.output
    unknown = runner.invoke(main, ["run", "openitems", "--company-code", "42", *config],
                            env=env)
    assert unknown.exit_code == 2 and "company code '42'" in unknown.output
    with Store(world.store_path) as store:
        assert store.runs(5) == []
