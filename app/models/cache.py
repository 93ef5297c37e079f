"""The data generation shared by every app server: a token replaced by each write, so that the
render cache of every process knows when what it holds may be stale."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class DataGeneration(db.Model):
    """One row (id 1); ``token`` changes in every transaction that writes data."""

    __tablename__ = "data_generation"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
