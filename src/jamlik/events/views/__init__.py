"""The pages of the events app: ``public`` (token links, no account) and ``staff``
(organisers, login required)."""
