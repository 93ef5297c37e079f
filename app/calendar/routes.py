"""Routes of the calendar area."""
from app.calendar import bp  # noqa: F401
