#!/bin/sh
# The shell npm runs install scripts with while scripts/e2e-setup.sh installs code-server: only
# those scripts see npm_config_unsafe_perm, which code-server's postinstall wants when run as root.
# Set for npm itself it would print `npm warn Unknown env config "unsafe-perm"` (npm 11 has no such setting).
npm_config_unsafe_perm=true exec /bin/sh "$@"
