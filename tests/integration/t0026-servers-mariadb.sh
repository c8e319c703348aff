#!/bin/sh
# t0026-servers-mariadb: t0025-servers' tests against the MariaDB roots
# (11.8 from "make roots", and 10.5 when its root is there): every
# shipped scenario PASSes there (--strict), and the mutants of the lines
# that applied FAIL.  A file of its own so that run-all runs it side by
# side with t0025's MySQL 9.7.
GA_T0025_ROOTS="mariadb-11.8 mariadb-10.5"
. "$(dirname "$0")/t0025-servers.sh"
