"""`record`: a dataclass that is frozen for the type checker, and cheap to define at run time."""

import dataclasses
from typing import TYPE_CHECKING, Any

__all__ = ["record"]

if TYPE_CHECKING:
    from dataclasses import dataclass as record
else:

    def record(*, frozen: bool = False, **options: Any) -> Any:
        """`dataclass`, frozen for the type checker only.

        mypy (strict, in CI) sees frozen classes and refuses any assignment to a field; at run time
        the generated __setattr__/__delattr__ of 27 frozen classes would cost about 10 ms of every
        start-up (measured), so they are left out. Collections are tuples either way.
        """
        return dataclasses.dataclass(**options)
