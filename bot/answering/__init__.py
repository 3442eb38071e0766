"""The answer engine (pure): question -> search -> cited Answer or abstention. Imports only corpus and index."""
