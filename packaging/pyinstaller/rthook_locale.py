"""Runtime hook of the bundle: a UTF-8 character locale when the environment names none.

``python3`` does this itself at start-up (PEP 538, C locale coercion); a frozen program
does not, and Qt then prints a warning about the "C" locale on every start from an
empty environment (a service, a scheduled export, ``env -i``).
"""

import os
import sys

if sys.platform != "win32":
    _names = ("LC_ALL", "LC_CTYPE", "LANG")
    _chosen = next((os.environ[n] for n in _names if os.environ.get(n)), "")
    if _chosen in ("", "C", "POSIX"):
        os.environ["LC_CTYPE"] = "C.UTF-8"
