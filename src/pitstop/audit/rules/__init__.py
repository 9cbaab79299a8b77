"""One module per rule, each defining ``RULE`` (see :mod:`pitstop.audit.rule`)."""
