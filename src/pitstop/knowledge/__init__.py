"""What pitstop knows about the world outside the repository, as data with a source per entry:
``permissions.toml`` (what actions and commands need from the GITHUB_TOKEN) and ``majors.toml``
(what changed between the majors of popular actions)."""
