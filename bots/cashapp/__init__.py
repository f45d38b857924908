"""Cash application: which open items does a remittance pay, and can we post it unattended?

A remittance advice says "this payment pays these invoices"; the payer's
references are noisy, amounts are net of discounts and deductions, and some
payers send no references at all. This package proposes, for every remittance
line, the open items it pays, with a decision (``auto``: would post
unattended; ``review``: a person must confirm), a confidence and one sentence
an AR specialist can check::

    from bots.cashapp import Policy, match

    result = match(open_items, remittances, customers, Policy())
    for p in result.proposals:
        print(p.decision.value, p.document_no, p.applied_amount, p.reason)
    for u in result.unmatched:
        print("unmatched", u.remittance_id, u.line_index, u.reason)

``auto`` is a promise: the engine says it only when the reference (or a unique
amount for an identified payer) and the amounts agree (for a partial or an
over-payment: the identified payer confirms the invoice and no other open item
fits) and nothing in the batch contradicts it. When in doubt, review. Each row
says what the posting does to the item (``treatment``: clear, residual,
partial, write-off, or cash on account with no item) and, for a difference,
its SAP reason code; the sure lines of a payment post even when others wait,
their cash parked on the payer's account.

Modules, one responsibility each:

* :mod:`.engine`: :func:`match`, the batch and its checks (duplicates, conflicts);
* :mod:`.rules`: the ordered rule table and the confidence of each finding;
* :mod:`.refs`: reference normalisation, OCR folding, transpositions;
* :mod:`.parties`: who paid (account, names, aliases, parents, domains);
* :mod:`.amounts`: discounts, tolerances, short pays, the treatment of each
  difference, subset sums (minor units);
* :mod:`.reasons`: a payer's deduction reason (in six languages) to a reason key
  and the SAP reason code;
* :mod:`.explain`: the reason sentence;
* :mod:`.policy`: the validated policy (``[cashapp]`` configuration table) and
  its threshold table per company code (:class:`Limits`);
* :mod:`.memory`: learned aliases and reference patterns (SQLite), :func:`learn`;
* :mod:`.index`: the run's open items indexed for the rules;
* :mod:`.halves`: part of a large batch's work in a forked process (second core);
* :mod:`.interchange`: the CSV/JSONL files of ``arbots match``.

The seeded synthetic corpus with ground truth lives outside the product, in
``bench/cashapp_corpus.py``.

Limits: the engine matches one batch against one snapshot of open items; it
does not post (that is the SAP port's job) and never sees cleared items, so a
payment for an already-cleared invoice is recognised only by its reference not
being open.
"""

from bots.cashapp.engine import MatchResult, MatchStats, OnAccount, Unmatched, match
from bots.cashapp.memory import Learned, Memory, learn
from bots.cashapp.policy import Limits, Policy, policy_from_config, policy_from_options

__all__ = ["match", "MatchResult", "MatchStats", "OnAccount", "Unmatched", "Policy", "Limits",
           "policy_from_config", "policy_from_options", "Memory", "Learned", "learn"]
