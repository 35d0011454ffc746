"""The demo farm: generated gov-like sites with planted defects and a truth file.

    farm = build_farm(seed=7)                      # deterministic from the seed
    with FarmServer(farm) as server:               # 127.0.0.1, virtual hosts by Host header
        config = server.fetch_config()             # host map + loopback allow-list
        ...scan farm.sites...
    farm.truth                                     # what a correct scan must report

`python -m demo.farm.static OUT --pages 20000` writes the big static farm for nginx.
"""

from demo.farm.build import Farm, FarmHost, FarmPage
from demo.farm.server import FarmServer
from demo.farm.sites import build_farm

__all__ = ["Farm", "FarmHost", "FarmPage", "FarmServer", "build_farm"]
