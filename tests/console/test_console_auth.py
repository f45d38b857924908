"""Sign-in, sessions, tokens, CSRF, roles and throttling of the console."""

from __future__ import annotations

from fastapi.testclient import TestClient

from bots.config import Config
from bots.console import create_app
from bots.console.auth import COOKIE, MAX_FAILURES, add_user, issue_token, token_hash
from bots.store import Store
from tests.console.conftest import PASSWORD, csrf_of


def test_the_login_page_has_the_labelled_fields_and_the_button(console_world: Config) -> None:
    page = TestClient(create_app(console_world)).get("/login").text
    assert '<label for="username">User name</label>' in page
    assert '<label for="password">Password</label>' in page
    assert '<button type="submit">Sign in</button>' in page


def test_nothing_answers_without_a_session_or_token_but_healthz(console_world: Config) -> None:
    client = TestClient(create_app(console_world))
    assert client.get("/healthz").text == "ok"
    for page in ("/", "/runs", "/runs/new", "/users", "/runs/x"):
        answer = client.get(page, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/login"), page
    for api in ("/api/runs", "/api/runs/x", "/api/me", "/api/openapi.json"):
        assert client.get(api).status_code == 401, api
    assert client.post("/api/runs", json={"bot": "openitems"}).status_code == 401
    assert client.get("/api/runs", headers={"Authorization": "Bearer arb_forged"}
                      ).status_code == 401


def test_sign_in_sets_a_signed_httponly_samesite_cookie(console_world: Config) -> None:
    client = TestClient(create_app(console_world))
    token = csrf_of(client.get("/login").text)
    answer = client.post("/login", data={"username": "alice", "password": PASSWORD,
                                         "csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/runs"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(COOKIE) and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/api/me").json() == {"name": "alice", "role": "ar_staff"}
    forged = TestClient(create_app(console_world), cookies={COOKIE: cookie.split(";")[0]
                                                            .split("=", 1)[1] + "x"})
    assert forged.get("/api/me").status_code == 401


def test_wrong_password_is_refused_and_the_form_needs_its_csrf_token(console_world: Config
                                                                      ) -> None:
    client = TestClient(create_app(console_world))
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"username": "alice", "password": "nope",
                                        "csrf_token": token})
    assert wrong.status_code == 401 and "wrong user name or password" in wrong.text
    no_csrf = client.post("/login", data={"username": "alice", "password": PASSWORD})
    assert no_csrf.status_code == 403
    assert client.get("/api/me").status_code == 401


def test_sign_in_is_throttled_after_repeated_failures(console_world: Config) -> None:
    client = TestClient(create_app(console_world))
    token = csrf_of(client.get("/login").text)
    for _ in range(MAX_FAILURES):
        client.post("/login", data={"username": "sam", "password": "guess",
                                    "csrf_token": token})
    answer = client.post("/login", data={"username": "sam", "password": PASSWORD,
                                         "csrf_token": token})
    assert answer.status_code == 429 and "too many failed sign-ins" in answer.text
    assert client.get("/api/me").status_code == 401
    with Store(console_world.store_path) as store:  # an admin resets the password
        add_user(store, "sam", "supervisor", "another passphrase")
    again = client.post("/login", data={"username": "sam", "password": "another passphrase",
                                        "csrf_token": token}, follow_redirects=False)
    assert again.status_code == 303


def test_a_token_is_kept_as_a_hash_and_answers_the_api(console_world: Config) -> None:
    with Store(console_world.store_path) as store:
        token = issue_token(store, "sam")
        kept = [tuple(r) for r in store.db.execute("SELECT * FROM console_tokens")]
    assert token not in repr(kept) and token_hash(token) in repr(kept)
    client = TestClient(create_app(console_world))
    answer = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert answer.json() == {"name": "sam", "role": "supervisor"}


def test_a_form_without_the_csrf_token_changes_nothing(client_for) -> None:
    client, csrf = client_for("ada")
    refused = client.post("/users", data={"name": "mallory", "role": "admin",
                                          "password": "long enough pw"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    wrong = client.post("/api/runs", json={"bot": "openitems", "dry_run": True},
                        headers={"X-CSRF-Token": csrf + "x"})
    assert wrong.status_code == 403
    assert "mallory" not in client.get("/users").text
    assert client.get("/api/runs").json() == []


def test_ar_staff_cannot_manage_users_an_admin_can(client_for) -> None:
    staff, csrf = client_for("alice")
    assert staff.get("/users").status_code == 403
    answer = staff.post("/users", data={"name": "eve", "role": "admin",
                                        "password": "long enough pw", "csrf_token": csrf})
    assert answer.status_code == 403
    admin, admin_csrf = client_for("ada")
    assert "eve" not in admin.get("/users").text
    added = admin.post("/users", data={"name": "eve", "role": "ar_staff",
                                       "password": "long enough pw", "csrf_token": admin_csrf})
    assert added.status_code == 200 and "user eve saved as ar_staff" in added.text


def test_a_supervisor_reads_but_does_not_start_runs(client_for) -> None:
    client, csrf = client_for("sam")
    assert client.get("/runs").status_code == 200
    answer = client.post("/api/runs", json={"bot": "openitems"},
                         headers={"X-CSRF-Token": csrf})
    assert answer.status_code == 403 and "ar_staff" in answer.json()["detail"]


def test_sign_out_ends_the_session(client_for) -> None:
    client, csrf = client_for("alice")
    client.post("/logout", data={"csrf_token": csrf})
    assert client.get("/api/me").status_code == 401


def test_every_route_but_healthz_and_login_needs_a_session_or_token(console_world) -> None:
    from fastapi.routing import APIRoute

    from bots.console import api, pages

    client = TestClient(create_app(console_world))
    routes = [("", r) for r in pages.router.routes] + [("/api", r) for r in api.router.routes]
    checked = 0
    for prefix, route in routes:
        assert isinstance(route, APIRoute)
        if route.path.startswith("/login"):  # the sign-in pages, and the provider's answer
            continue
        path = prefix + route.path.replace("{run_id}", "r").replace("{remittance_id}", "x") \
            .replace("{action}", "approve")
        for method in route.methods:
            answer = client.request(method, path, follow_redirects=False)
            assert answer.status_code in (303, 401), (method, path, answer.status_code)
            checked += 1
    assert checked >= 20
