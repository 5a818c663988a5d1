"""Services: the operations that change data. Each one audits and commits.

The packages, by what the station does:

- ``registry``: people (registration, edits, moves, departures), search and work lists,
  dwellings, the review queue, transfers between areas, the ledger import and the exports.
- ``cards``: the convenience service contact cards (issuing, printing, revoking) and
  what the public card page reads.
- ``rental``: landlords, their invitations and agreements, the rental ledger and the
  monthly door-to-door sweep.
- ``health``: the free services (服务): service types, planning a month, appointments and
  their export, printed notices, text reminders (``sms``) and what each person asked for.
- ``figures``: the figure store and what it counts (measures, KPIs, their lists), the
  data-quality monitor, the monthly report, report areas, staff performance and audit samples.
- ``admin``: staff accounts, the area tree, settings and reading the audit log.
- ``demo``: the demo county for ``flask seed-demo``.
- ``common``: the plumbing every package uses: writing the audit log, who acts
  (``context``), errors, optimistic locking, bulk writes, rules and dates in SQL, and
  spreadsheet export.
- ``jobs``: background jobs, with no knowledge of the records: a package registers a
  function per kind, a view enqueues it in its transaction, ``flask jobs work`` runs it,
  ``/jobs/<id>`` shows its progress (docs/jobs.md).
- ``backup``: the database and the uploaded files in one archive and back
  (``flask backup create|restore``), checked by row counts and checksums.
- ``scope`` (this folder): least privilege by area, the one filter every query starts from.
"""
