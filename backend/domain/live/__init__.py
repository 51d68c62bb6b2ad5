"""The live feed: what changed in a project, pushed to open ``GET /api/projects/{p}/live`` streams."""
