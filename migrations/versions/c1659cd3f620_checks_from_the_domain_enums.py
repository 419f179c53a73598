"""CHECKs from the domain enums: gender and Korean checks written as the enum columns write them

The status, role, language and consent columns became SQLAlchemy Enum columns (VARCHAR of the
same length, native_enum=False) whose CHECK constraints are generated from matcher.domain's
enums under the names they already had, with the same text. Only two texts differ: the
nullable gender and Korean columns' checks drop the explicit "IS NULL OR" (a CHECK that
evaluates to NULL passes, so the rule is the same). They are re-created so that a migrated
database and one built from the models hold identical constraints. No data changes: the
rule is unchanged, so every existing row already satisfies it.

Revision ID: c1659cd3f620
Revises: c3a7e5d1f902
Create Date: 2026-12-07 02:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c1659cd3f620'
down_revision = 'c3a7e5d1f902'
branch_labels = None
depends_on = None

# The values are written out: a migration must keep producing what it produced on the day
# it was written, whatever the enums become.
NEW = {
    'gender_known': "gender IN ('female', 'male', 'other')",
    'korean_known': "korean IN ('none', 'basic', 'fluent')",
}
OLD = {
    'gender_known': "gender IS NULL OR gender IN ('female', 'male', 'other')",
    'korean_known': "korean IS NULL OR korean IN ('none', 'basic', 'fluent')",
}


def _replace_checks(checks):
    with op.batch_alter_table('applicants', schema=None) as batch_op:
        for name, sql in checks.items():
            batch_op.drop_constraint(op.f(f'ck_applicants_{name}'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_applicants_{name}'), sql)


def upgrade():
    _replace_checks(NEW)


def downgrade():
    _replace_checks(OLD)
