"""``S4Client``: the read side of :class:`~bots.sap.client.SapClient` on S/4HANA's OData APIs.

The bots use it as they use the RFC client (``ctx.sap``); it gives the same
records:

* open items from ``API_OPLACCTGDOCITEMCUBE_SRV/A_OperationalAcctgDocItemCube``:
  customer items (``FinancialAccountType`` D) without special G/L indicator,
  posted by the key date and not cleared by it. Amounts arrive external and
  signed, as Edm.Decimal text, and become ``Decimal`` rounded to the
  currency's decimals; net due and discount dates are SAP's own
  (``NetDueDate``, ``CashDiscount1DueDate``);
* customers from ``API_BUSINESS_PARTNER`` (names and addresses of all
  customers in one ``$batch`` of chunked reads): ``A_CustomerCompany`` (terms,
  clerk, e-mail per company code), ``A_Customer`` (name, group key as the
  paying parent, as :mod:`bots.sap.customers` reads KNA1-KONZS),
  ``A_BusinessPartnerAddress`` (country, city, language: its ISO code turned
  back into SAP's one-letter key; the business partner number is taken to be
  the customer number, the usual CVI set-up) and ``A_CustomerDunning`` (the
  account's dunning block and level over its dunning areas, as from KNB5);
* credit holds (:mod:`bots.sap.s4.credit`): blocked sales documents, credit
  accounts (SAP's limit, an exposure approximated from open items and open
  sales orders for the proposal), and the release of a credit block, whose
  function import commits on its own (so :meth:`S4Client.commit` and
  :meth:`~S4Client.rollback` have nothing to do);
* cash posting (:mod:`bots.sap.s4.posting`): asynchronous, as lockbox is:
  :meth:`S4Client.submit_clearing` sends a lockbox batch,
  :meth:`~S4Client.find_document_by_reference` finds the payment once SAP
  has posted it, :meth:`~S4Client.find_submission` the batch before that;
* SD billing documents with their lines (:mod:`bots.sap.s4.billing`,
  ``API_BILLING_DOCUMENT_SRV`` and the sales order items' PO lines);
* collection notes as text files attached to the document or the customer
  (:mod:`bots.sap.s4.notes`, ``API_CV_ATTACHMENT_SRV``).

Not available in s4 mode yet (a :class:`~bots.config.ConfigError` naming
the operation): synchronous clearings (applying cash on account, transfer
postings) and resetting clearings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn

from bots.config import ConfigError
from bots.domain import CollectionNote, Customer, OpenItem, quantize
from bots.sap.billing import BillingDocument
from bots.sap.credit import BlockedOrder, CreditMaster
from bots.sap.errors import SapBusinessError
from bots.sap.posting import ClearingRequest
from bots.sap.s4 import billing, credit, notes, posting
from bots.sap.s4.odata import ODataClient, date_literal, parse_date, quote
from bots.sap.values import alpha, sap_language

CUBE = ("API_OPLACCTGDOCITEMCUBE_SRV", "A_OperationalAcctgDocItemCube")
BP = "API_BUSINESS_PARTNER"
CHUNK = 40  # customer numbers per $filter of master data reads (URL length)
ITEM_PROPERTIES = (
    "CompanyCode", "FiscalYear", "AccountingDocument", "AccountingDocumentItem", "Customer",
    "TransactionCurrency", "AmountInTransactionCurrency", "PostingDate", "DocumentDate",
    "NetDueDate", "DueCalculationBaseDate", "CashDiscount1Percent", "CashDiscount1DueDate",
    "DocumentReferenceID", "AssignmentReference", "AccountingDocumentType", "DunningLevel",
    "DunningBlockingReason", "DocumentItemText")


class S4Client:
    """Reads customers and open items over the S/4HANA OData APIs."""

    def __init__(self, odata: ODataClient, *, on_close: Any = None) -> None:
        """``on_close``: called after the HTTP client closes (stops a sandbox simulator)."""
        self.odata = odata
        self._on_close = on_close

    # ---------------------------------------------------------------- health

    def ping(self) -> float:
        """Round-trip time of the open-item service's service document, in seconds."""
        started = time.perf_counter()
        self.odata.get(CUBE[0], self.odata.service_url(CUBE[0]), {"$format": "json"},
                       what=f"{CUBE[0]}: service document")
        return time.perf_counter() - started

    def system_info(self) -> str:
        """What this client talks to."""
        return f"S/4HANA OData APIs at {self.odata.base_url}"

    # ---------------------------------------------------------------- reading

    def customers(self, company_codes: Sequence[str]) -> list[Customer]:
        """Customers of the company codes (A_CustomerCompany + A_Customer + address)."""
        accounts = list(self.odata.entities(
            BP, "A_CustomerCompany", filter=_any_of("CompanyCode", company_codes),
            select=("Customer", "CompanyCode", "PaymentTerms", "AccountingClerk",
                    "AccountingClerkInternetAddress")))
        numbers = sorted({a["Customer"] for a in accounts})
        general: dict[str, dict[str, Any]] = {}
        places: dict[str, dict[str, Any]] = {}
        chunks = [numbers[start:start + CHUNK] for start in range(0, len(numbers), CHUNK)]
        answers = self.odata.read_batch(BP, [read for chunk in chunks for read in (
            ("A_Customer", _any_of("Customer", chunk),
             ("Customer", "CustomerName", "CustomerCorporateGroup")),
            ("A_BusinessPartnerAddress", _any_of("BusinessPartner", chunk),
             ("BusinessPartner", "AddressID", "Country", "CityName", "Language")))])
        for names, addresses in zip(answers[::2], answers[1::2], strict=True):
            general.update((row["Customer"], row) for row in names)
            for row in addresses:
                places.setdefault(row["BusinessPartner"], row)  # the first address
        dunning = self._dunning(company_codes)
        result = []
        for account in accounts:
            number = account["Customer"]
            master, place = general.get(number, {}), places.get(number, {})
            group = master.get("CustomerCorporateGroup", "")
            result.append(Customer(
                number=number, name=master.get("CustomerName", ""),
                company_code=account["CompanyCode"], country=place.get("Country", ""),
                city=place.get("CityName", ""), parent=group if group != number else "",
                payment_terms=account["PaymentTerms"], clerk=account["AccountingClerk"],
                email=account["AccountingClerkInternetAddress"],
                language=sap_language(place.get("Language", "")),
                **dunning.get((account["CompanyCode"], number), {})))
        return sorted(result, key=lambda c: (c.company_code, c.number))

    def _dunning(self, company_codes: Sequence[str]) -> dict[tuple[str, str], dict[str, Any]]:
        """Per (company code, customer): the first dunning block and the highest level
        over the account's dunning areas (A_CustomerDunning)."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for row in self.odata.entities(
                BP, "A_CustomerDunning", filter=_any_of("CompanyCode", company_codes),
                select=("Customer", "CompanyCode", "DunningArea", "DunningBlock",
                        "DunningLevel")):
            data = found.setdefault((row["CompanyCode"], row["Customer"]),
                                    {"dunning_block": "", "dunning_level": 0})
            data["dunning_block"] = data["dunning_block"] or row["DunningBlock"]
            data["dunning_level"] = max(data["dunning_level"], int(row["DunningLevel"] or 0))
        return found

    def iter_open_items(self, company_codes: Sequence[str],
                        key_date: date) -> Iterator[OpenItem]:
        """All open items of the company codes at ``key_date``, page by page."""
        for code in company_codes:
            yield from self._open_items(f"CompanyCode eq {quote(code)}", key_date)

    def open_items_of(self, company_code: str, customer: str,
                      key_date: date) -> list[OpenItem]:
        """One customer's open items at ``key_date``."""
        return list(self._open_items(f"CompanyCode eq {quote(company_code)} and Customer eq "
                                     f"{quote(alpha(customer))}", key_date))

    def is_open(self, company_code: str, document_no: str, fiscal_year: str) -> bool:
        """Whether the document still has an open customer item now."""
        condition = (f"CompanyCode eq {quote(company_code)} and AccountingDocument eq "
                     f"{quote(document_no)} and FiscalYear eq {quote(fiscal_year)} and "
                     "FinancialAccountType eq 'D' and SpecialGLCode eq '' and IsCleared eq false")
        return any(True for _ in self.odata.entities(*CUBE, filter=condition,
                                                     select=("AccountingDocument",), top=1))

    def _open_items(self, condition: str, key_date: date) -> Iterator[OpenItem]:
        day = date_literal(key_date)
        query = (f"{condition} and FinancialAccountType eq 'D' and SpecialGLCode eq '' and "
                 f"PostingDate le {day} and (IsCleared eq false or ClearingDate gt {day})")
        for entity in self.odata.entities(*CUBE, filter=query, select=ITEM_PROPERTIES):
            yield open_item(entity)

    # ---------------------------------------------------------------- credit holds

    def blocked_orders(self, credit_area: str) -> list[BlockedOrder]:
        """Sales documents blocked for credit (API_SLS_DOC_WITH_CREDIT_BLOCK), each in
        credit segment ``credit_area`` (configured: the API names none)."""
        return credit.blocked_orders(self.odata, credit_area)

    def credit_masters(self, accounts: Sequence[str], credit_area: str,
                       currency: str) -> dict[str, CreditMaster]:
        """Limit (SAP's) and exposure (arbots' approximation for the proposal, see
        :mod:`bots.sap.s4.credit`) of ``accounts`` in credit segment ``credit_area``."""
        return credit.credit_masters(self.odata, accounts, credit_area, currency)

    def release_credit_block(self, order: str, note: Sequence[str]) -> bool:
        """Release ``order`` after SAP's re-check (committed by the service); True: it was
        no longer blocked. The API takes no text, so ``note`` is not written."""
        return credit.release_order(self.odata, order)

    def commit(self) -> None:
        """Nothing to do: each OData function import commits its own work."""

    def rollback(self) -> None:
        """Nothing to do: a refused function import wrote nothing."""

    # ---------------------------------------------------------------- cash posting (lockbox)

    def submit_clearing(self, request: ClearingRequest) -> str:
        """Send ``request`` as a lockbox batch; its key. SAP posts it later."""
        return posting.submit(self.odata, request)

    def find_document_by_reference(self, company_code: str, reference: str) -> str | None:
        """The payment document posted under ``reference`` (its check number), or None."""
        return posting.find_posted(self.odata, company_code, reference)

    def find_submission(self, company_code: str, reference: str) -> str | None:
        """The lockbox batch SAP received for ``reference``, posted or not, or None."""
        return posting.find_submitted(self.odata, reference)

    # ---------------------------------------------------------------- billing, notes

    def billing_documents(self, items: Sequence[OpenItem]
                          ) -> dict[tuple[str, str, str], BillingDocument]:
        """The SD billing documents behind open invoices, with their lines, keyed by
        (company code, document, fiscal year) (:mod:`bots.sap.s4.billing`)."""
        return billing.billing_documents(self.odata, items)

    def save_note(self, note: CollectionNote) -> None:
        """Attach ``note`` to its account or document (:mod:`bots.sap.s4.notes`)."""
        notes.save_note(self.odata, note)

    def read_notes(self, company_code: str, customer: str, document: str = "",
                   fiscal_year: str = "") -> list[CollectionNote]:
        """The arbots notes on the account (or on one of its documents), oldest first."""
        return notes.read_notes(self.odata, company_code, customer, document, fiscal_year)

    def has_note(self, company_code: str, customer: str, idempotency_key: str,
                 document: str = "", fiscal_year: str = "") -> bool:
        """Whether a note with this idempotency key is attached already."""
        return notes.has_note(self.odata, company_code, customer, idempotency_key, document,
                              fiscal_year)

    # ---------------------------------------------------------------- not in s4 mode yet

    def post_clearing(self, request: object) -> NoReturn:
        _unavailable("posting a clearing synchronously (applying cash on account, "
                     "transfer postings)")

    def reset_clearing(self, *args: object, **kwargs: object) -> NoReturn:
        _unavailable("resetting a clearing")

    # ---------------------------------------------------------------- lifecycle

    def close(self) -> None:
        """Close the HTTP client (and stop the sandbox simulator, if this started one)."""
        self.odata.close()
        if self._on_close is not None:
            self._on_close()
            self._on_close = None

    def __enter__(self) -> S4Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_item(entity: dict[str, Any]) -> OpenItem:
    """An entity of A_OperationalAcctgDocItemCube as an :class:`OpenItem`."""
    what = (f"{entity['CompanyCode']} {entity['AccountingDocument']}/"
            f"{entity['FiscalYear']}")
    doc_date, due = parse_date(entity["DocumentDate"]), parse_date(entity["NetDueDate"])
    if doc_date is None or due is None:
        raise SapBusinessError(f"{what}: item without a document date or net due date")
    currency = entity["TransactionCurrency"]
    discount_date = parse_date(entity["CashDiscount1DueDate"])
    return OpenItem(
        company_code=entity["CompanyCode"], customer=entity["Customer"],
        document_no=entity["AccountingDocument"], fiscal_year=entity["FiscalYear"],
        line_item=entity["AccountingDocumentItem"], currency=currency,
        amount=quantize(Decimal(entity["AmountInTransactionCurrency"]), currency),
        doc_date=doc_date, due_date=due, invoice_ref=entity["DocumentReferenceID"],
        po_number=entity["AssignmentReference"],
        posting_date=parse_date(entity["PostingDate"]),
        baseline_date=parse_date(entity["DueCalculationBaseDate"]),
        discount_pct=Decimal(entity["CashDiscount1Percent"]) if discount_date else None,
        discount_date=discount_date, doc_type=entity["AccountingDocumentType"],
        dunning_level=int(entity["DunningLevel"] or 0),
        assignment=entity["AssignmentReference"], text=entity["DocumentItemText"],
        dunning_block=entity["DunningBlockingReason"])


def _any_of(name: str, values: Sequence[str]) -> str:
    """``(name eq 'a' or name eq 'b')``."""
    return "(" + " or ".join(f"{name} eq {quote(v)}" for v in values) + ")"


def _unavailable(what: str) -> NoReturn:
    raise ConfigError(f'sap.mode = "s4": {what} is not available in s4 mode yet (the '
                      'S/4 adapter reads open items, customers and billing documents, '
                      'releases credit holds, posts payments by lockbox and attaches '
                      'notes); use mode = '
                      '"rfc" or "sandbox" for this bot')
