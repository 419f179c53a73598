"""applicants.erased_at: when a person's data was erased, instead of recognising the "(erased)" name

Until now an erased applicant was recognised by the placeholder name "(erased)", which is
encrypted, so every check had to decrypt names in Python. The upgrade marks the rows erased
so far: candidates are found by what erasure leaves in plain columns (withdrawn, zone UTC,
no private link), and only those names are decrypted with the app's data key (from the app
context `flask db` runs in; none is needed when there is no candidate). erased_at is the
time of the row's `applicant.erase` audit event, or the upgrade's time if there is none.
The v1 decryption is copied here on purpose (see 888ec8cf4117). Downgrade drops the column:
the placeholder names are still there, so nothing is lost.

Revision ID: 9d927e6d292a
Revises: c1659cd3f620
Create Date: 2026-12-07 02:45:00

"""
import base64
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# revision identifiers, used by Alembic.
revision = '9d927e6d292a'
down_revision = 'c1659cd3f620'
branch_labels = None
depends_on = None

ERASED_NAME = '(erased)'
PREFIX = 'v1:'
NONCE_BYTES = 12

applicants = sa.table(
    'applicants',
    sa.column('id', sa.Integer),
    sa.column('public_id', sa.String),
    sa.column('display_name', sa.Text),
    sa.column('status', sa.String),
    sa.column('timezone', sa.String),
    sa.column('edit_token_hash', sa.String),
    sa.column('erased_at', sa.DateTime(timezone=True)),
)
audit_events = sa.table(
    'audit_events',
    sa.column('at', sa.DateTime(timezone=True)),
    sa.column('action', sa.String),
    sa.column('target', sa.String),
)


def _cipher():
    root = current_app.extensions['data_keys'].root
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b'lelp-match applicant fields v1'
    ).derive(root)
    return AESGCM(key)


def _name(cipher, stored):
    if not stored or not stored.startswith(PREFIX):
        return None
    blob = base64.b64decode(stored[len(PREFIX):])
    return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], b'display_name').decode('utf-8')


def upgrade():
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))

    bind = op.get_bind()
    candidates = bind.execute(
        sa.select(applicants.c.id, applicants.c.public_id, applicants.c.display_name).where(
            applicants.c.status == 'withdrawn',
            applicants.c.timezone == 'UTC',
            applicants.c.edit_token_hash.is_(None),
        )
    ).all()
    if not candidates:
        return
    cipher = _cipher()
    erased = [row for row in candidates if _name(cipher, row.display_name) == ERASED_NAME]
    now = datetime.now(timezone.utc)
    for row in erased:
        when = bind.execute(
            sa.select(sa.func.max(audit_events.c.at)).where(
                audit_events.c.action == 'applicant.erase',
                audit_events.c.target == row.public_id,
            )
        ).scalar()
        bind.execute(
            applicants.update().where(applicants.c.id == row.id).values(erased_at=when or now)
        )


def downgrade():
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
