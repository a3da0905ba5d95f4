"""The Open Referral UK 3.0 feed of our services (routes.py, /openreferral) and the public
page explaining our open data (page_routes.py, /open-data). docs/open-data.md says how each
field is mapped, the extension fields, paging and how to harvest changes and deletions."""
