"""flask commands of the documents area, registered by app.cli."""

commands: list = []
