"""The declarative base: one constraint naming convention so migrations are stable on every engine."""

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the engine stores.

    SQLite keeps no offset, PostgreSQL does; without this the two engines would hand back
    naive and aware values and comparisons between them would fail at run time.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum: type[StrEnum], *, name: str, length: int) -> Enum:
    """A column of one of the domain's enums: VARCHAR(``length``) holding the members' values,
    with a CHECK listing them named ``ck_<table>_<name>`` (the naming convention above).

    The CHECK comes from the enum itself, so a new member reaches the database through one
    migration and no hand-written list. Plain strings are bound unchanged (the CHECK judges
    them, as it always has); rows are read back as members.
    """
    return Enum(
        enum,
        native_enum=False,
        create_constraint=True,
        values_callable=lambda members: [m.value for m in members],
        name=name,
        length=length,
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


# Primary keys are INTEGER: an id past this cannot exist, and PostgreSQL refuses to bind one.
LARGEST_ROW_ID = 2**31 - 1


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
