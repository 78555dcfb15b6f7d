import sys

from waypoint.cli import main

sys.exit(main())
