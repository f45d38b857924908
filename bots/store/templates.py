"""Learned templates (payer + layout -> invoice column) and the layouts they come from.

Kept apart from the hand-written templates in ``config/templates/``: these
are learned from corrections AR staff make in review
(:mod:`bots.remittance.learned`), each with who learned it and when (also
in the audit log), and each can be forgotten again.
"""

from __future__ import annotations

import json

from bots.remittance.learned import Hint, Layout
from bots.store.audit import AuditLog
from bots.store.database import Row


class LearnedTemplates(AuditLog):
    """Keeping, listing and forgetting learned templates (part of :class:`bots.store.Store`)."""

    def keep_layout(self, remittance_id: str, layout: Layout) -> None:
        """Keep the layout a remittance was read from, to learn from a correction later."""
        self.db.execute("INSERT INTO remittance_layouts (remittance_id, layout) VALUES (?, ?)"
                        " ON CONFLICT (remittance_id) DO UPDATE SET layout = excluded.layout",
                        (remittance_id, json.dumps(layout.to_json())))

    def layout_of(self, remittance_id: str) -> Layout | None:
        """The layout remittance ``remittance_id`` was read from, or None (not a table)."""
        row = self.db.execute("SELECT layout FROM remittance_layouts WHERE remittance_id = ?",
                              (remittance_id,)).fetchone()
        return Layout.from_json(json.loads(row["layout"])) if row else None

    def learn_template(self, layout: Layout, label: str, learned_by: str,
                       remittance_id: str | None = None) -> int:
        """Remember that ``label`` is the invoice column of this payer's ``layout``
        (replacing what was learned before for the same payer and layout); its id."""
        self.db.execute(
            "INSERT INTO learned_templates (payer, fingerprint, format, label, learned_by,"
            " learned_at, remittance_id) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (payer, fingerprint) DO UPDATE SET label = excluded.label,"
            " format = excluded.format, learned_by = excluded.learned_by,"
            " learned_at = excluded.learned_at, remittance_id = excluded.remittance_id",
            (layout.payer, layout.fingerprint, layout.format, label, learned_by, self._now(),
             remittance_id))
        row = self.db.execute("SELECT id FROM learned_templates WHERE payer = ? AND"
                              " fingerprint = ?", (layout.payer, layout.fingerprint)).fetchone()
        template_id = int(row["id"])
        self.audit(None, "learned_template", str(template_id), "learned",
                   {"payer": layout.payer, "fingerprint": layout.fingerprint, "label": label,
                    "by": learned_by, "remittance": remittance_id})
        return template_id

    def learned_templates(self, payer: str | None = None) -> list[Row]:
        """The learned templates, of one payer key or all, oldest first."""
        if payer is None:
            return list(self.db.execute("SELECT * FROM learned_templates ORDER BY id"))
        return list(self.db.execute("SELECT * FROM learned_templates WHERE payer = ?"
                                    " ORDER BY id", (payer,)))

    def learned_hints(self) -> tuple[Hint, ...]:
        """Every learned template, as the readers take them."""
        return tuple(Hint(r["payer"], r["fingerprint"], r["label"])
                     for r in self.learned_templates())

    def forget_template(self, template_id: int, by: str) -> bool:
        """Forget learned template ``template_id``; False when there is none."""
        cur = self.db.execute("DELETE FROM learned_templates WHERE id = ?", (template_id,))
        if cur.rowcount:
            self.audit(None, "learned_template", str(template_id), "forgotten", {"by": by})
        return cur.rowcount == 1
