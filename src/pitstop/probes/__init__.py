"""Probes of a deployment's health, which pipelines call in place of ``sleep 30``: ``wait``
until targets answer (``targets``, ``backoff``, ``wait``)."""
