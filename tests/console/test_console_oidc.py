"""Sign-in at an OpenID provider (``[console.oidc]``): a real provider on 127.0.0.1
(:mod:`tests.console.oidc_provider`), the authorization-code flow with PKCE, and every
way a sign-in must be refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc.jwk import RSAKey

from bots.config import Config, ConfigError, load_config
from bots.console import create_app
from bots.console.auth import SignInRefused, sign_in
from bots.console.oidc import COOKIE, settings
from bots.store import Store
from tests.console.conftest import PASSWORD
from tests.console.oidc_provider import CLIENT_ID, CLIENT_SECRET, USER, LocalProvider, serving

CONSOLE = "http://testserver"
CALLBACK = f"{CONSOLE}/login/oidc/callback"


def oidc_section(issuer: str) -> str:
    return f"""
[console.oidc]
issuer = "{issuer}"
client_id = "{CLIENT_ID}"
client_secret = {{ env = "ARBOTS_TEST_OIDC_SECRET" }}
redirect_uri = "{CALLBACK}"
label = "Sign in with Test IdP"

[console.oidc.roles]
ar_staff = ["AR-Team"]
supervisor = ["AR-Supervisors"]
admin = ["IT-Admins"]
"""


@pytest.fixture
def idp(console_world: Config, monkeypatch: pytest.MonkeyPatch
        ) -> Iterator[tuple[LocalProvider, Config]]:
    """The test provider, and the console world configured to sign in at it."""
    monkeypatch.setenv("ARBOTS_TEST_OIDC_SECRET", CLIENT_SECRET)
    with serving(CALLBACK) as provider:
        with Path(console_world.source).open("a", encoding="utf-8") as config:
            config.write(oidc_section(provider.issuer))
        yield provider, load_config(console_world.source, home=console_world.home)


def at_provider(client: TestClient) -> dict[str, str]:
    """Start the sign-in and let the provider answer: the query it redirects back with."""
    start = client.get("/login/oidc", follow_redirects=False)
    assert start.status_code == 303, start.text
    cookie = start.headers["set-cookie"]
    assert cookie.startswith(COOKIE) and "HttpOnly" in cookie and "SameSite=lax" in cookie
    sent = parse_qs(urlsplit(start.headers["location"]).query)
    assert sent["code_challenge_method"] == ["S256"] and sent["state"] and sent["nonce"]
    back = httpx.get(start.headers["location"], follow_redirects=False)
    assert back.status_code == 302, back.text
    assert back.headers["location"].startswith(CALLBACK)
    return {k: v[0] for k, v in parse_qs(urlsplit(back.headers["location"]).query).items()}


def refused(client: TestClient, answer: dict[str, str], why: str) -> None:
    page = client.get("/login/oidc/callback", params=answer)
    assert page.status_code == 403 and "sign-in refused" in page.text and why in page.text, \
        page.text
    assert client.get("/api/me").status_code == 401


def test_a_sign_in_at_the_provider_maps_the_groups_to_the_role(idp) -> None:
    provider, cfg = idp
    provider.groups = ["Everyone", "AR-Supervisors"]
    client = TestClient(create_app(cfg))
    assert "Sign in with Test IdP" in client.get("/login").text
    page = client.get("/login/oidc/callback", params=at_provider(client))
    assert page.status_code == 200 and "url=/runs" in page.text, page.text
    assert client.get("/api/me").json() == {"name": USER, "role": "supervisor"}
    (request,) = provider.token_requests  # the PKCE verifier went with the code
    assert request["code_verifier"]
    assert client.get("/login/oidc/callback", params={"code": request["code"]}
                      ).status_code == 403  # the flow's cookie was used up
    with Store(cfg.store_path) as store:
        with pytest.raises(SignInRefused):  # no password sign-in for this person
            sign_in(store, USER, "")


def test_the_highest_mapped_role_wins_and_a_new_sign_in_takes_the_new_role(idp) -> None:
    provider, cfg = idp
    provider.groups = ["AR-Team", "IT-Admins"]
    client = TestClient(create_app(cfg))
    client.get("/login/oidc/callback", params=at_provider(client))
    assert client.get("/api/me").json()["role"] == "admin"
    provider.groups = ["AR-Team"]
    client.get("/login/oidc/callback", params=at_provider(client))
    assert client.get("/api/me").json()["role"] == "ar_staff"


def test_a_person_without_a_mapped_group_is_refused(idp) -> None:
    provider, cfg = idp
    provider.groups = ["Everyone", "Sales"]
    client = TestClient(create_app(cfg))
    refused(client, at_provider(client), "none of your groups is mapped")
    with Store(cfg.store_path) as store:
        assert store.console_user(USER) is None


def test_a_wrong_state_is_refused(idp) -> None:
    _, cfg = idp
    client = TestClient(create_app(cfg))
    answer = at_provider(client)
    refused(client, {**answer, "state": answer["state"] + "x"}, "state")


def test_an_answer_without_the_flow_cookie_is_refused(idp) -> None:
    _, cfg = idp
    started = TestClient(create_app(cfg))
    answer = at_provider(started)
    refused(TestClient(create_app(cfg)), answer, "start it again")


def test_a_wrong_nonce_is_refused(idp) -> None:
    provider, cfg = idp
    provider.nonce = "a nonce of another sign-in"
    client = TestClient(create_app(cfg))
    refused(client, at_provider(client), "nonce")


def test_an_id_token_signed_by_another_key_is_refused(idp) -> None:
    provider, cfg = idp
    provider.signing_key = RSAKey.generate_key(2048, auto_kid=True)
    client = TestClient(create_app(cfg))
    refused(client, at_provider(client), "signature")


def test_an_expired_id_token_is_refused(idp) -> None:
    provider, cfg = idp
    provider.lifetime = -600
    client = TestClient(create_app(cfg))
    refused(client, at_provider(client), "exp")


def test_a_local_user_of_the_same_name_is_not_taken_over(idp) -> None:
    _, cfg = idp
    with Store(cfg.store_path) as store:
        from bots.console.auth import add_user

        add_user(store, USER, "ar_staff", PASSWORD)
    client = TestClient(create_app(cfg))
    refused(client, at_provider(client), "a local console user of that name exists")


def test_the_client_secret_is_never_shown(idp) -> None:
    provider, cfg = idp
    provider.groups = []
    client = TestClient(create_app(cfg))
    answer = client.get("/login/oidc/callback", params=at_provider(client))
    assert CLIENT_SECRET not in answer.text
    assert CLIENT_SECRET not in repr(settings(cfg))


def test_without_oidc_configured_there_is_no_provider_sign_in(console_world) -> None:
    client = TestClient(create_app(console_world))
    assert "/login/oidc" not in client.get("/login").text
    assert client.get("/login/oidc", follow_redirects=False).status_code == 404


def test_a_role_the_console_does_not_know_is_a_configuration_error(console_world) -> None:
    with Path(console_world.source).open("a", encoding="utf-8") as config:
        config.write(oidc_section("https://idp.example").replace('admin = ["IT-Admins"]',
                                                                 'root = ["IT-Admins"]'))
    with pytest.raises(ConfigError, match=r"console\.oidc\.roles\.root: unknown key"):
        settings(load_config(console_world.source, home=console_world.home))


def test_a_provider_error_is_shown_escaped_and_signs_no_one_in(idp) -> None:
    _, cfg = idp
    client = TestClient(create_app(cfg))
    answer = at_provider(client)
    xss = "<script>alert(1)</script>"
    page = client.get("/login/oidc/callback", params={"state": answer["state"],
                                                      "error": "access_denied",
                                                      "error_description": xss})
    assert page.status_code == 403 and "access_denied" in page.text
    assert xss not in page.text and "&lt;script&gt;" in page.text
    assert client.get("/api/me").status_code == 401
