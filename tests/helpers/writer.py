"""A process that saves people one by one and prints each id once committed (killed by a test)."""
import json
import os
import sys

from app import create_app
from app.extensions import db
from app.models import Civility, Person

config = json.loads(os.environ["SEANCES_TEST_CONFIG"])
organisation_id = int(sys.argv[1])
app = create_app(config)
with app.app_context():
    for number in range(100_000):
        person = Person(organisation_id=organisation_id, civility=Civility.MRS, last_name=f"Écrivaine {number}",
                        first_name="Anne", email=f"anne.{number}@example.fr")
        db.session.add(person)
        db.session.commit()
        print(person.id, flush=True)
