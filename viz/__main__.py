"""``python -m viz``: the ``pathgrad`` command line."""

import sys

from viz.cli import main

sys.exit(main())
