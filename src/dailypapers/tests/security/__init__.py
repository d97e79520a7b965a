"""The outside security review, kept alive: each module replays one attack class."""
