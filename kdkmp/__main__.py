import sys

from kdkmp.cli import main

sys.exit(main())
