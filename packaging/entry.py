"""The frozen `tilldesk` command: PyInstaller starts here and hands over to cli.main."""

import sys
from pathlib import Path

if __name__ == "__main__":
    if sys.argv[1:] == ["--version"]:
        # Answered before the CLI imports every subcommand: a probe for scripts and installers.
        print(f"tilldesk {(Path(sys._MEIPASS) / 'VERSION').read_text().strip()}")
        sys.exit(0)
    from cli.main import main

    sys.exit(main())
