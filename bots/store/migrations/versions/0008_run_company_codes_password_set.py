"""8: The company codes a run covered (``arbots run --company-code``, the console's runs
list), and when a console user's password was last set (ends a failed sign-in streak; to
the microsecond, as sign-in attempts are kept)."""

from bots.store.migrations import run_script

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    run_script("""
    ALTER TABLE runs ADD COLUMN company_codes TEXT;
    ALTER TABLE console_users ADD COLUMN password_set TEXT;
    """)
