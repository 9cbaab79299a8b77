from tests.fix.helpers import pin_source

__all__ = ["pin_source"]
