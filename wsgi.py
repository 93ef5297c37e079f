"""Entry point for gunicorn (``gunicorn wsgi:app``) and ``flask --app wsgi``."""
from app import create_app
from app.serving import tune_process

app = create_app()
tune_process(app)
