"""``pitstop gate``: the blocking checks a pipeline calls. Each gate reads reports, decides pass or
fail against the limits it is given, and says so the same way: a headline, the figures, the
worst offenders; exit 0 pass, 1 the gate failed, 2 bad input."""
