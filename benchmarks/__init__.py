"""Speed runs of pymlp against the legacy algorithm and other libraries."""
