"""securebase: understand how you attach to the people who matter to you."""
