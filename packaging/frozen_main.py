"""Entry script of the frozen application (PyInstaller): the ``musicpractice`` command.

``freeze_support`` lets the analysis child process (started with the "spawn" method)
re-enter this executable as a worker instead of starting a second window.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from musicpractice.cli import main

    sys.exit(main())
