"""Everything that imports discord: the client, cogs, rendering, running and syncing."""
