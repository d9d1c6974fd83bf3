"""The bundle's ``explorer-gui`` executable (Windows: no console window; Start-menu entry)."""

import sys

from explorer.cli import gui_main

sys.exit(gui_main())
