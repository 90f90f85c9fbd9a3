"""Secret stores behind ports.secrets.SecretStore (the OS keyring)."""
