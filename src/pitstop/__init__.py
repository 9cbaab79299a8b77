"""pitstop: run, plan, audit and fix GitHub Actions pipelines from the workflows themselves."""

__version__ = "0.1.0"
