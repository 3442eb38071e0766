"""chipbot.bot: cited answers, the CLI and the Discord bot."""
