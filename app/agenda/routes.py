from app.agenda import bp  # noqa: F401
