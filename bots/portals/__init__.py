"""Portal bots: key invoices into customers' AP portals, once, and report what happened.

Big customers accept an invoice only once it is keyed into their AP portal
(Coupa, Ariba, Taulia, ...). This package does that with Playwright:

* :mod:`.invoice` - the :class:`PortalInvoice` to submit (Decimal money,
  arithmetic checked), :func:`load_invoices` from JSON; :mod:`.pdf` renders a
  PDF when none is given;
* :mod:`.recipes` - one recipe per portal family (sign in, find, PO flip,
  submit, read the confirmation);
* :mod:`.runner` - :class:`PortalRunner`: ledger intent/done around each
  submission, search before submit, retries of technical failures only,
  TOTP (:mod:`.totp`), saved sessions, parallel contexts with a per-portal
  rate limit (:mod:`.ratelimit`), a trace and a screenshot per attempt,
  retries on the shared policy (:mod:`.retry`);
* :mod:`.cxml` / :mod:`.cxml_sender` - buyers that take cXML
  InvoiceDetailRequest over HTTPS (``family = "cxml"``): no browser, the
  same ledger, the buyer's Status@code as the outcome;
* :mod:`.traces` - trace zips scrubbed of cookies and credentials;
* :mod:`.settings` - the ``[portals]`` configuration section;
* :mod:`.browser` - the headless Chromium to drive, and its process ids.

The reference portals to run against live in :mod:`bots.sandbox.portals`.
"""

from bots.portals.browser import open_browser
from bots.portals.invoice import Charge, InvoiceError, InvoiceLine, PortalInvoice, load_invoices
from bots.portals.results import Outcome, SubmissionResult
from bots.portals.retry import portal_policy
from bots.portals.runner import PortalRunner
from bots.portals.settings import PortalsConfig, PortalSite, portals_config

__all__ = ["Charge", "InvoiceError", "InvoiceLine", "Outcome", "PortalInvoice", "PortalRunner",
           "PortalSite", "PortalsConfig", "SubmissionResult", "load_invoices", "open_browser",
           "portal_policy", "portals_config"]
