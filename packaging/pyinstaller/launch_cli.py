"""The bundle's ``explorer`` executable: the window, or a subcommand (as ``python -m explorer``)."""

import sys

from explorer.cli import main

sys.exit(main())
