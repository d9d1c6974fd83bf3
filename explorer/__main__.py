"""``python -m explorer``: the window, or a subcommand."""

import sys

from explorer.cli import main

sys.exit(main())
