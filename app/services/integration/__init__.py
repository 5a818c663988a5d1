"""Integrations: other systems reading and writing through the JSON API (``/api/v1/``).

- ``tokens``: the admin makes, lists and revokes an integration's token (only its hash is
  kept); the API finds the token a request carries and writes each call to the audit log.
- ``changes``: arrivals, moves, transfers and departures recorded since a time, in pages.
- ``lookups``: a person by ID number and a person's service schedule, within the token's areas.

Registration goes through ``registry.people`` like the form: one act, one write path.
"""
