"""Long-lived state and wiring: settings, stores, workers, refresh, the collaborators the bot is given."""
