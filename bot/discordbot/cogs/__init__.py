"""One cog per Discord surface; each module has the ``setup(bot)`` discord.py's extensions expect."""
