"""``pitstop summary``: the JSON of ``run``, ``audit`` and the gates as one pull-request
comment (``compose``), created or updated in place through GitHub's REST API (``post``)."""
