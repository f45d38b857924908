"""5: Cash lines (bots/store/cash_lines.py): what the engine proposed, what a person posted."""

from bots.store.migrations import insertion_order, run_script

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("""
    CREATE TABLE cash_lines (
        run_id TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('engine', 'person')),
        remittance_id TEXT NOT NULL,
        line_index INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        company_code TEXT NOT NULL,
        customer TEXT NOT NULL,
        document_no TEXT NOT NULL,
        currency TEXT NOT NULL,
        amount_minor INTEGER NOT NULL,
        decision TEXT NOT NULL,
        posted INTEGER NOT NULL,
        row TEXT NOT NULL
    );
    CREATE INDEX cash_lines_run ON cash_lines(run_id, source);
    CREATE INDEX cash_lines_remittance ON cash_lines(remittance_id);
    """)
    insertion_order("cash_lines")
