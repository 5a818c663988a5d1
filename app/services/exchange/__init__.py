"""Messages between Anju deployments (two counties: a destination and an origin).

- ``signing``: Standard Webhooks signatures (the ``standardwebhooks`` package).
- ``peers`` and ``identity``: who we are, who we talk to.
- ``notify``: the changes that cause a message write it to the outbox in their own
  transaction; ``outbox.deliver`` sends what is due in batches (``flask exchange send``, the job
  ``exchange.send``), with retries and back-off.
- ``inbox.receive`` (one message) and ``inbox.receive_batch`` (several in one signed
  POST): verify, store raw, process once (``handlers``), a savepoint per message; bundle
  files (``bundle``) are stored the same way.

docs/exchange.md lists every message type and the fields it carries.
"""
