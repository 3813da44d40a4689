"""Who is logged in: accounts and passwords, sessions, two-factor login."""
