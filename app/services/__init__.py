"""Services: the operations that change data. Each one audits and commits."""
