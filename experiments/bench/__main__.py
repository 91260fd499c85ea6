"""``python -m experiments.bench``: the same as ``qml bench``."""

import sys

from experiments.bench import main

sys.exit(main())
