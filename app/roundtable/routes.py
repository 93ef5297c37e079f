from app.roundtable import bp  # noqa: F401
