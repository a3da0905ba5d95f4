"""A person's data rights (UK GDPR, issue 11; docs/data-rights.md).

- models.py: export requests, their zip files (in the database) and the information views log.
- views_log.py: noting that a supporter or staff member looked at a holder's plan, budget or
  orders (one insert per page or API call), and reading the log for the holder.
- exports.py: asking for a copy (one at a time), and the worker's side: claiming a request,
  building it part by part with progress, finishing with an email, expiring old copies.
- parts.py: what a part of the copy is and how values are written; person_sections.py,
  holder_sections.py (with on_behalf.py), supporter_sections.py, provider_sections.py and
  staff_sections.py: the parts for each kind of account; archive.py: the zip.
- jobs.py: the `data-exports` scheduled job; routes.py: /account/data and
  /account/who-has-seen.
"""
