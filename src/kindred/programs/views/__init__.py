"""Program pages, by audience: public (contact, privacy, accessibility, leaving safely)
and staff."""
