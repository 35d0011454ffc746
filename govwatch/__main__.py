from govwatch.cli import main

raise SystemExit(main())
