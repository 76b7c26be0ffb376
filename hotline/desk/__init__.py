"""The agents' desk: accounts (``accounts``), sessions, logins and CSRF (``auth``), and the
console's API (``api``: the live queue, accept, the case form, the supervisor's overview).
The console's pages are ``hotline/static/agent.*``."""
