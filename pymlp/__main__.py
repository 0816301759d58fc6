"""``python -m pymlp``: the same as the ``pymlp`` command."""

import sys

from .cli import main

sys.exit(main())
