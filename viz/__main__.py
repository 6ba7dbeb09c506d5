"""``python -m pathgrad.viz``: the ``pathgrad`` command line."""

import sys

from .cli import main

sys.exit(main())
