"""flask commands of the calendar area, registered by app.cli."""

commands: list = []
