"""E-mail: SMTP (``smtp.py``) and the outbox every message goes through (``outbox.py``).

Areas record what to send (``outbox.queue``) inside their own transaction and ask for delivery
(``outbox.deliver_soon``); a worker (``flask --app wsgi worker``, app/jobs.py) builds each message
from the records, sends it, retries with backoff and records the outcome.
"""
