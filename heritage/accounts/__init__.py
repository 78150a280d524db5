"""
Accounts: the API tokens users hold (django-rest-knox, stored as digests), the admin page where each user issues and
revokes their own, and the command that issues one for automation.
"""
