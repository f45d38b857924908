"""Cash application on data it was not tuned on: the goal figures of issue 11.

    python -m bench cashapp_heldout                       # the figures (about 20 s)
    python bench/cashapp_heldout.py --write-calibration   # rebuild bench/cashapp_calibration.json
    python bench/cashapp_heldout.py --detail              # recall per payer habit too

The split (see :mod:`bench.cashapp_corpus`): the engine is developed on the
*tune* mix; the *calibration* part (tune mix, its own seeds) builds the
per-rule, per-band error table checked in as ``bench/cashapp_calibration.json``;
the *held-out* part (another mix and other seeds, fixed before the first
measurement) gives the goal figures and is never used for development
(``--detail`` is for the report, not for tuning). The first held-out mix was
retired when its habits were copied into a tune set; its figures are printed
too, as what they now are: tune figures.

Prints, for the default :class:`~bots.cashapp.Policy`:

* the held-out auto recall (per line; an amount-only payment counts once) and
  auto precision (item, cash and treatment right), each with its 95 %
  Clopper–Pearson interval, the precision judged on item and cash alone, the
  cash put on account, the ambiguous payments and whether both sets were listed;
* the false postings that must never happen, per kind;
* precision per rule and per confidence band on the held-out part, and how many
  rule/band cells there are wrong more often than their confidence promises;
* how many stated deductions got their reason's code (:data:`REASON_CODES`);
* whether the checked-in calibration table is still the engine's;
* the baseline: the same figures of the engine before issue 11's treatments
  (:data:`BASELINE`), and the goal with met / NOT met.
Scoring and bounds: :mod:`bench.cashapp_quality`. Generation is not timed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.cashapp_corpus import (  # noqa: E402
    CALIBRATION_SEEDS,
    HELDOUT,
    HELDOUT2,
    HELDOUT2_SEEDS,
    HELDOUT_SEEDS,
    TUNE,
    Mix,
    generate,
)
from bench.cashapp_quality import Score, breakdown, calibration, promise, score  # noqa: E402
from bots.cashapp import Policy, match, policy_from_config  # noqa: E402

CALIBRATION_FILE = REPO / "bench" / "cashapp_calibration.json"
PAYMENTS = 1500  # per seed
GOAL_RECALL, GOAL_PRECISION, GOAL_AUTO_LINES = 0.97, 0.999, 3000
#: ``[sap.posting.reason_codes]`` of the held-out run, and the key each reason class of the
#: corpus must get (the held-out reasons are printed in German, French, Dutch, English).
REASON_CODES = {"DAMAGED": "D01", "PRICING": "P01", "SHORTAGE": "S01", "FREIGHT": "F01",
                "PROMOTION": "W01", "DEFAULT": "Z99"}
REASON_KEY = {"damaged": "DAMAGED", "pricing": "PRICING", "shortage": "SHORTAGE",
              "freight": "FREIGHT", "promotion": "PROMOTION"}

#: The figures of the engine before issue 11's treatments (bots/cashapp as of ce3fb84, run
#: at 8c4fe28): the figures to beat, per held-out mix. Every auto row then had the right
#: item and cash; many lacked the treatment (a residual, a write-off).
BASELINE = {
    HELDOUT2.name: {"recall": 0.5759, "precision": 0.8820, "item_precision": 1.0,
                    "auto_rows": 6907},
    HELDOUT.name: {"recall": 0.6705, "precision": 0.8920, "item_precision": 1.0,
                   "auto_rows": 7323},
}


def run(mix: Mix, seeds: tuple[int, ...], policy: Policy | None = None) -> Score:
    """The score of the engine over ``seeds`` of ``mix``, added up."""
    total = Score()
    for seed in seeds:
        corpus = generate(seed=seed, payments=PAYMENTS, mix=mix)
        result = match(corpus.open_items, corpus.remittances, corpus.customers,
                       policy or Policy(), already_applied=corpus.already_applied)
        total = total + score(corpus, result)
    return total


def calibration_table(policy: Policy | None = None) -> dict[str, object]:
    """The calibration part's table, as ``bench/cashapp_calibration.json`` keeps it."""
    s = run(TUNE, CALIBRATION_SEEDS, policy)
    return {"part": "calibration", "mix": TUNE.name, "seeds": list(CALIBRATION_SEEDS),
            "payments_per_seed": PAYMENTS, "policy": "Policy() defaults",
            "interval": "Clopper-Pearson, 95 % two-sided",
            "wrong": "item, cash or treatment not the truth's",
            "rules": calibration(s)}


def reason_codes_right(s: Score) -> tuple[int, int]:
    """(right, all) reason codes of the right auto residuals whose reason the advice stated."""
    stated = {(cls, code): n for (cls, code), n in s.reason_codes.items() if cls in REASON_KEY}
    right = sum(n for (cls, code), n in stated.items()
                if code == REASON_CODES[REASON_KEY[cls]])
    return right, sum(stated.values())


def _summary(label: str, s: Score) -> list[str]:
    (r_low, r_high), (p_low, p_high) = s.recall_bounds(), s.precision_bounds()
    never = ", ".join(f"{k} {v}" for k, v in sorted(s.never.items())) or "none"
    return [
        f"{label}: auto recall {s.recall:.4f} [{r_low:.4f}, {r_high:.4f}] "
        f"({s.units_auto_right:,} of {s.units_certain:,} lines and amount-only payments "
        f"with a certain answer); top pick right, auto or review, {s.top_pick:.4f}",
        f"{label}: auto precision {s.precision:.4f} [{p_low:.4f}, {p_high:.4f}] "
        f"({s.auto_rows - s.right_auto_rows:,} wrong of {s.auto_rows:,} auto rows; "
        f"{s.wrong_treatment_rows:,} of them only in treatment; item and cash alone "
        f"{s.item_precision:.4f})",
        f"{label}: on account {s.on_account_rows:,} auto rows, {s.wrong_on_account_rows:,} "
        f"wrong; ambiguous payments {s.ambiguous:,}, both sets listed for "
        f"{s.alternatives_listed:,}",
        f"{label}: false postings that must never happen: {never}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-calibration", action="store_true",
                        help=f"rebuild {CALIBRATION_FILE.name} from the calibration part")
    parser.add_argument("--detail", action="store_true",
                        help="held-out recall per payer habit (for the report)")
    args = parser.parse_args(argv)

    table = calibration_table()
    if args.write_calibration:
        CALIBRATION_FILE.write_text(json.dumps(table, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
        print(f"wrote {CALIBRATION_FILE}")
    stored = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8")) \
        if CALIBRATION_FILE.exists() else None
    print(f"calibration table {CALIBRATION_FILE.name}: "
          + ("up to date" if stored == table else
             "STALE (python bench/cashapp_heldout.py --write-calibration)"))

    policy = policy_from_config({}, "bench", reason_codes=REASON_CODES)
    heldout = run(HELDOUT2, HELDOUT2_SEEDS, policy)
    print(f"held-out: mix {HELDOUT2.name!r}, seeds {', '.join(map(str, HELDOUT2_SEEDS))}, "
          f"{PAYMENTS:,} payments each, {heldout.units:,} units, default policy with "
          f"reason codes {REASON_CODES}")
    for line in _summary("held-out", heldout) + breakdown(heldout):
        print(line)
    right, stated = reason_codes_right(heldout)
    print(f"held-out: reason codes of stated deductions right: {right:,} of {stated:,}")
    broken = sum(1 for (_, label), cell in heldout.by_rule_band.items()
                 if cell.rows and cell.error_rate > promise(label))
    print(f"held-out: rule and band cells wrong more often than their confidence promises: "
          f"{broken}")
    if args.detail:
        print("held-out recall per payer habit (missed / certain units):")
        for kind, cell in sorted(heldout.by_kind.items()):
            print(f"  {kind:<28} {cell.wrong:>5} / {cell.rows:<5} recall "
                  f"{1 - cell.error_rate:.3f}")
        print("reason codes of right residuals and write-offs:",
              dict(sorted(heldout.reason_codes.items())))
    retired = run(HELDOUT, HELDOUT_SEEDS, policy)
    for line in _summary(f"retired held-out {HELDOUT.name!r} (its habits are tuned on now)",
                         retired)[:2]:
        print(line)
    for name, base in BASELINE.items():
        print(f"baseline {name!r} (before issue 11's treatments): recall {base['recall']:.4f}, "
              f"precision {base['precision']:.4f} (item and cash "
              f"{base['item_precision']:.4f}), {base['auto_rows']:,} auto rows")
    auto_lines = heldout.units_auto_right
    met = (heldout.recall >= GOAL_RECALL and heldout.precision >= GOAL_PRECISION
           and auto_lines >= GOAL_AUTO_LINES and not heldout.never_total)
    print(f"goal (recall >= {GOAL_RECALL}, precision >= {GOAL_PRECISION} on >= "
          f"{GOAL_AUTO_LINES:,} auto lines, no false posting of the never kinds): "
          f"{'met' if met else 'NOT met'}; precision lower bound "
          f"{heldout.precision_bounds()[0]:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
