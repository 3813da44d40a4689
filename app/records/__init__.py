"""The office's records: listings, clients, consent, units, photos, phones, audit, and who may see which."""
