"""External FXO/FXS gateways seen as a board: their ports map to SIP accounts (sipgw)."""
