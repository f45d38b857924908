"""A sandbox world with console users, and signed-in test clients for it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from bots.config import Config
from bots.console import create_app
from bots.console.auth import add_user
from bots.store import Store
from tests.pipeline.conftest import small_sandbox, world  # noqa: F401  (fixtures)

PASSWORD = "correct horse battery"
USERS = {"alice": "ar_staff", "sam": "supervisor", "ada": "admin"}


@pytest.fixture
def console_world(world: Config) -> Config:  # noqa: F811  (the imported fixture)
    """The sandbox world with one user per role (password :data:`PASSWORD`)."""
    with Store(world.store_path) as store:
        for name, role in USERS.items():
            add_user(store, name, role, PASSWORD)
    return world


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def signed_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign ``client`` in as ``name`` through the login form; the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": name, "password": password,
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return csrf_of(client.get("/runs").text)


@pytest.fixture
def client_for(console_world: Config) -> Callable[[str], tuple[TestClient, str]]:
    """A test client signed in as the given user, and its CSRF token."""
    app = create_app(console_world)

    def make(name: str) -> tuple[TestClient, str]:
        client = TestClient(app)
        return client, signed_in(client, name)

    return make
