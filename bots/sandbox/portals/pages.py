"""Server-rendered HTML for the reference portals, accessible on purpose.

Every input has a ``<label for=...>``, every button a visible name, messages
live in ``role="alert"`` (errors) or ``role="status"`` (confirmations) regions,
so the bots can use Playwright's role and label locators as they would on a
well-built real portal. Every value is escaped here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _id(name: str) -> str:
    return "f-" + re.sub(r"[^a-zA-Z0-9_-]", "-", name)


def layout(portal: str, title: str, body: str, *, signed_in: bool = True) -> str:
    """A whole page: the portal's name, a navigation bar when signed in, the body."""
    nav = ('<nav aria-label="Main"><a href="/orders">Orders</a> '
           '<a href="/invoices">Invoices</a> <a href="/invoices/new">Create invoice</a> '
           '<form method="post" action="/logout" style="display:inline">'
           '<button>Sign out</button></form></nav>') if signed_in else ""
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>{esc(title)} - {esc(portal)}</title></head><body>"
            f"<header><strong>{esc(portal)}</strong> {nav}</header>"
            f"<main><h1>{esc(title)}</h1>{body}</main></body></html>")


def text_input(label: str, name: str, value: object = "", *, kind: str = "text",
               readonly: bool = False) -> str:
    ro = " readonly" if readonly else ""
    return (f'<p><label for="{_id(name)}">{esc(label)}</label> '
            f'<input id="{_id(name)}" name="{esc(name)}" type="{kind}" '
            f'value="{esc(value)}"{ro}></p>')


def select(label: str, name: str, options: Sequence[str], value: str = "") -> str:
    opts = "".join(f'<option value="{esc(o)}"{" selected" if o == value else ""}>'
                   f'{esc(o or "(none)")}</option>' for o in options)
    return (f'<p><label for="{_id(name)}">{esc(label)}</label> '
            f'<select id="{_id(name)}" name="{esc(name)}">{opts}</select></p>')


def checkbox(label: str, name: str, checked: bool) -> str:
    mark = " checked" if checked else ""
    return (f'<p><input id="{_id(name)}" name="{esc(name)}" type="checkbox" value="1"{mark}>'
            f' <label for="{_id(name)}">{esc(label)}</label></p>')


def file_input(label: str, name: str) -> str:
    return (f'<p><label for="{_id(name)}">{esc(label)}</label> '
            f'<input id="{_id(name)}" name="{esc(name)}" type="file"></p>')


def button(label: str, value: str = "") -> str:
    value = esc(value or label)
    return f'<button type="submit" name="action" value="{value}">{esc(label)}</button>'


def form(action: str, inner: str, *, multipart: bool = False, label: str = "") -> str:
    enctype = ' enctype="multipart/form-data"' if multipart else ""
    aria = f' aria-label="{esc(label)}"' if label else ""
    return f'<form method="post" action="{esc(action)}"{enctype}{aria}>{inner}</form>'


def search_form(action: str, label: str, name: str, value: str = "") -> str:
    """A GET search box with a Search button."""
    return (f'<form method="get" action="{esc(action)}" role="search">'
            f'<label for="{_id(name)}">{esc(label)}</label> '
            f'<input id="{_id(name)}" name="{esc(name)}" value="{esc(value)}">'
            f'<button type="submit">Search</button></form>')


def table(caption: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table; cells are HTML already (escape values with :func:`esc`)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def alert(message: str) -> str:
    return f'<div role="alert">{esc(message)}</div>' if message else ""


def status(message: str) -> str:
    return f'<div role="status">{esc(message)}</div>'


def link(label: str, href: str) -> str:
    return f'<a href="{esc(href)}">{esc(label)}</a>'
