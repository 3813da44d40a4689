"""Open data: the public listings shaped after Open Referral HSDS, as JSON and CSV."""
