"""How calls reach the service: one ``Channel`` per transport (see ``base``)."""
