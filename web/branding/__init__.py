"""The reseller's branding (name, logo, colours) from the applied unit profile."""
