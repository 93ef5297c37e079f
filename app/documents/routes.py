"""Routes of the documents area."""
from app.documents import bp  # noqa: F401
