"""``python -m securebase.manual``: build the technical manual (see :mod:`build`)."""

import sys

from securebase.manual.build import main

sys.exit(main())
