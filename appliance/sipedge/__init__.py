"""Run Kamailio as the SIP edge: config rendering, subscribers, registrations, start checks."""
