#!/usr/bin/perl
# Perl DBI driver for goneaway (docs/driver-protocol.md), for either of
# the two DBI drivers of MySQL and MariaDB, named as DBI names them:
#
#     perl drivers/perl/driver.pl MariaDB     # DBD::MariaDB ("perl")
#     perl drivers/perl/driver.pl mysql       # DBD::mysql ("perl-dbd-mysql")
#
# Needs Debian's libdbd-mariadb-perl or libdbd-mysql-perl (DBI, and the
# DBD over MariaDB Connector/C); JSON::PP and Time::HiRes are in Perl's
# core.  The two DBDs take the same calls; what differs (the prefix of
# their attributes, what each cannot do) is in %DBDS below.
#
# Protocol 5 with "cases", and "spawn" where this perl can fork
# (docs/driver-protocol.md, "Spawn"): started once as a zygote, it forks
# a copy of itself for each process goneaway asks for (spawn_copy), and
# goneaway gives every case a fresh copy.
use strict;
use warnings;
use DBI qw(:sql_types);
use JSON::PP;
use B ();
use Config;
use POSIX ();
use Time::HiRes qw(time);

my %STEPS = map { $_ => 1 } qw(connect query ping close prepare execute
			       long-data stream fetch fork reset change-user);

# What each DBD is: its greeting's name, its attributes' prefix, the
# connect attributes it documents (an unknown private attribute fails
# the connect: the driver passes only these), and what it cannot do.
my %DBDS = (
	MariaDB => {
		name => 'perl',
		module => 'DBD::MariaDB',
		# documented connect attributes of DBD::MariaDB 1.22
		attrs => [qw(mariadb_auto_reconnect
			mariadb_bind_comment_placeholders mariadb_bind_type_guessing
			mariadb_client_found_rows mariadb_compression mariadb_conn_attrs
			mariadb_init_command mariadb_multi_statements
			mariadb_no_autocommit_cmd mariadb_server_prepare
			mariadb_server_prepare_disable_fallback mariadb_skip_secure_auth
			mariadb_use_result)],
		# MYSQL_OPT_MAX_ALLOWED_PACKET before mysql_real_connect: set on
		# a connected handle it no longer limits what the library reads
		max_allowed_packet => 'mariadb_max_allowed_packet',
		# "Enforcing SSL encryption is not supported without
		# mariadb_ssl_verify_server_cert=1", and verifying needs a CA
		# file the request does not carry
		tls_required => undef,
		no_tls => 'DBD::MariaDB enforces TLS only with server '
			. 'certificate verification (mariadb_ssl_verify_server_cert'
			. '=1), which needs a CA the request does not carry',
		unsupported => {
			'long-data' => 'DBD::MariaDB has no mysql_stmt_send_long_data',
			'reset' => 'DBD::MariaDB has no mysql_reset_connection',
			'change-user' => 'DBI and DBD::MariaDB have no mysql_change_user',
		},
	},
	mysql => {
		name => 'perl-dbd-mysql',
		module => 'DBD::mysql',
		# documented connect attributes of DBD::mysql 4.050, less the
		# ones that read configuration files (mysql_read_default_*),
		# the embedded server's and MySQL Fabric's
		attrs => [qw(mysql_auto_reconnect mysql_bind_comment_placeholders
			mysql_bind_type_guessing mysql_client_found_rows
			mysql_compression mysql_conn_attrs mysql_enable_utf8
			mysql_enable_utf8mb4 mysql_get_server_pubkey mysql_init_command
			mysql_multi_statements mysql_no_autocommit_cmd
			mysql_server_prepare mysql_server_prepare_disable_fallback
			mysql_server_pubkey mysql_skip_secure_auth mysql_use_result)],
		max_allowed_packet => undef,
		no_max_allowed_packet => 'DBD::mysql 4.050 has no attribute for '
			. "the client's max_allowed_packet",
		# over MariaDB Connector/C 3.x (a client version below
		# 10.1.6), mysql_ssl=1 fails the connect with "SSL connection
		# error: Enforcing SSL encryption is not supported" (dbdimp.c's
		# ssl_verify_also_enforce_ssl), and verifying needs a CA
		tls_required => undef,
		no_tls => 'DBD::mysql 4.050 over MariaDB Connector/C enforces '
			. 'TLS only with server certificate verification '
			. '(mysql_ssl_verify_server_cert=1, which needs a CA the '
			. 'request does not carry); mysql_ssl=1 alone fails with '
			. '"Enforcing SSL encryption is not supported"',
		unsupported => {
			'long-data' => 'DBD::mysql has no mysql_stmt_send_long_data',
			'reset' => 'DBD::mysql 4.050 has no mysql_reset_connection',
			'change-user' => 'DBI and DBD::mysql 4.050 have no mysql_change_user',
		},
	},
);

my $which = @ARGV ? $ARGV[0] : 'MariaDB';
my $D = $DBDS{$which} or do {
	print STDERR "usage: perl driver.pl MariaDB|mysql (the DBI driver)\n";
	exit 2;
};
my $p = lc $which;      # the attributes' prefix: mariadb_, mysql_
eval "require $D->{module}; 1" or do {
	print STDERR "driver.pl: $D->{module} is not installed: $@";
	exit 2;
};
my $VERSION = $D->{module}->VERSION;
my %UNSUPPORTED = %{ $D->{unsupported} };
if ($which eq 'MariaDB' && $VERSION < 1.23) {
	# mariadb_use_result: execute reports no rows (it asks mysql_num_rows
	# too early) and the stream stays unread: DBD-MariaDB issue #173
	my $why = "DBD::MariaDB $VERSION: mariadb_use_result " .
		'returns no rows (DBD-MariaDB issue #173, fixed after 1.22)';
	$UNSUPPORTED{stream} = $why;
	$UNSUPPORTED{fetch} = $why;
}
my $json = JSON::PP->new->utf8->canonical;

# The case's state, all of it: a new hash for each case (end_case), so
# nothing of one case reaches the next.  Its members: dbh, the
# connection; sth, the prepared statement; stream, the streamed one; api,
# the call the reply names; rows, the rows a stream or fetch read (a
# failed one reports them); closed, after a close step the disconnected
# handle, which a step after it uses (a use after close: DBI defines what
# a disconnected handle does), and after_close, set while such a step
# runs.
my $S = {};

sub logmsg { print STDERR @_, "\n" }

sub tid {
	return 0 unless $S->{dbh} && !$S->{after_close};
	my $t = eval { $S->{dbh}->{"${p}_thread_id"} };
	return defined $t ? $t + 0 : 0;
}

sub text {
	my ($v) = @_;
	return undef unless defined $v;
	utf8::decode($v);       # the server's UTF-8 bytes, as characters
	return "$v";
}

sub on { my ($v) = @_; return defined $v && ($v eq '1' || $v eq 'on' || (ref $v && $$v)) }

# The error of the handle that failed (RaiseError has died with its text).
sub error_fields {
	my ($h, $die) = @_;
	$h ||= $S->{dbh};
	my $err = $h ? $h->err : $DBI::err;
	my $f = {
		errno => defined $err ? $err + 0 : 0,
		message => ($h ? $h->errstr : $DBI::errstr) // "$die",
		error_class => $h ? ref($h) : 'DBI',
	};
	my $state = $h ? $h->state : $DBI::state;
	$f->{sqlstate} = $state if defined $state && $state ne '';
	return $f;
}

sub do_connect {
	my ($r) = @_;
	my $o = $r->{options} || {};
	if ($S->{dbh}) {
		eval { $S->{dbh}->disconnect };
		undef $S->{dbh};
	}
	undef $S->{sth};
	undef $S->{stream};
	die { unsupported => "$D->{module} cannot set CLIENT_INTERACTIVE" }
		if on($o->{interactive});
	# the DSN is ATTR=VALUE;...: a ';' in the database would add
	# attributes of the scenario's to it
	die { unsupported => "$D->{module}'s DSN cannot carry a database "
	      . "name with ';' (it would end the name and begin an "
	      . "attribute)" } if ($r->{database} // '') =~ /;/;
	my $dsn = "DBI:$which:";
	$dsn .= 'database=' . $r->{database} . ';' if $r->{database};
	if (($o->{transport} // 'tcp') eq 'socket') {
		$dsn .= "host=localhost;${p}_socket=" . $r->{socket} . ';';
	} else {
		$dsn .= 'host=' . $r->{host} . ';port=' . ($r->{port} || 3306) . ';';
	}
	my %attr = (RaiseError => 1, PrintError => 0, AutoCommit => 1);
	for my $k (qw(connect_timeout read_timeout write_timeout)) {
		$attr{"${p}_$k"} = $o->{$k} + 0 if $o->{$k};
	}
	$attr{"${p}_auto_reconnect"} = 1 if on($o->{reconnect});
	if ($o->{max_allowed_packet}) {
		die { unsupported => $D->{no_max_allowed_packet} }
			unless $D->{max_allowed_packet};
		$attr{$D->{max_allowed_packet}} = $o->{max_allowed_packet} + 0;
	}
	die { unsupported => "$D->{module} has no attribute for TCP keepalive" }
		if ref $o->{keepalive} eq 'HASH' && $o->{keepalive}{count};
	my $tls = $o->{tls} // 'off';
	if ($tls eq 'required') {
		die { unsupported => $D->{no_tls} } unless $D->{tls_required};
		%attr = (%attr, %{ $D->{tls_required} });
	} elsif ($tls eq 'off') {
		$attr{"${p}_ssl"} = 0;
	} else {
		die { unsupported => "tls=$tls" };
	}
	driver_options(\%attr, $o->{driver_options} || {});
	# last: the library's local infile off (Connector/C's default is
	# on); the DBD has no handler of its own nor a directory to keep a
	# file request within
	die { unsupported => "$D->{module} $VERSION cannot keep LOAD DATA "
	      . "LOCAL within the case's directory (no local infile handler, "
	      . "and Connector/C no directory option): local_infile is not "
	      . "run" } if ref $o->{local_infile} eq 'ARRAY' && @{ $o->{local_infile} };
	$attr{"${p}_local_infile"} = 0;
	$S->{api} = 'DBI->connect';
	$S->{dbh} = DBI->connect($dsn, $r->{user}, $r->{password} // '', \%attr);
	return {};
}

# The connect attributes the DBD documents (%DBDS: an unknown private
# attribute would fail the connect after logging in); those the
# connection's own options set are taken.
my %ATTRS = map { $_ => 1 } @{ $D->{attrs} };
my %TAKEN = map { $_ => 1 } ((map { "${p}_$_" } qw(connect_timeout
	read_timeout write_timeout max_allowed_packet socket ssl
	ssl_optional ssl_verify_server_cert local_infile)),
	qw(RaiseError PrintError AutoCommit));

# The connection's driver options as connect attributes: a whole number
# a number, anything else the string.
sub driver_options {
	my ($attr, $opts) = @_;
	for my $k (sort keys %$opts) {
		die { unsupported => "driver option $k is what the connection's "
		      . "own options set" } if $TAKEN{$k};
		die { unsupported => "$D->{module} $VERSION takes "
		      . "no connect attribute $k here (it takes: "
		      . join(', ', sort keys %ATTRS) . ')' } unless $ATTRS{$k};
		my $v = $opts->{$k};
		$attr->{$k} = $v =~ /^-?[0-9]+$/ ? $v + 0 : $v;
	}
}

sub query_value {
	my ($sql) = @_;
	my $s = $S->{dbh}->prepare($sql);
	$s->execute;
	my $row = $s->{NUM_OF_FIELDS} ? $s->fetchrow_arrayref : undef;
	$s->finish;
	return $row ? text($row->[0]) : undef;
}

sub do_query {
	my ($r) = @_;
	$S->{api} = '$dbh->prepare';
	my $s = $S->{dbh}->prepare($r->{sql} // '');
	$S->{api} = '$sth->execute';
	$s->execute;
	return {} unless $s->{NUM_OF_FIELDS};
	$S->{api} = '$sth->fetchrow_arrayref';
	my $row = $s->fetchrow_arrayref;
	$s->finish;
	return $row ? { value => text($row->[0]) } : {};
}

sub do_ping {
	$S->{api} = '$dbh->ping';
	# the DBD's ping answers true/false without raising
	return {} if $S->{dbh}->ping;
	my $f = error_fields($S->{dbh});
	$f->{message} = 'ping returned false' unless defined $S->{dbh}->errstr;
	return { result => 'error', %$f };
}

sub do_close {
	$S->{api} = '$dbh->disconnect';
	my $h = $S->{dbh};
	undef $S->{sth};
	undef $S->{stream};
	undef $S->{dbh};
	$S->{closed} = $h unless $S->{after_close};
	$h->disconnect;
	return {};
}

sub do_stream {
	my ($r) = @_;
	$S->{rows} = 0;      # a stream that fails at its query read no row
	$S->{api} = "\$dbh->prepare (${p}_use_result)";
	$S->{stream} = $S->{dbh}->prepare($r->{sql} // '', { "${p}_use_result" => 1 });
	$S->{api} = '$sth->execute';
	$S->{stream}->execute;
	return {} unless $S->{stream}->{NUM_OF_FIELDS};
	$S->{api} = '$sth->fetchrow_arrayref';
	my $row = $S->{stream}->fetchrow_arrayref;
	return $row ? { value => text($row->[0]) } : {};
}

sub do_fetch {
	my ($r) = @_;
	die { notconnected => 'no stream step before fetch' } unless $S->{stream};
	my $s = $S->{stream};
	undef $S->{stream};
	$S->{api} = '$sth->fetchrow_arrayref';
	my ($batch, $every) = ($r->{batch} || 0, $r->{every_ms} || 0);
	my $n = 0;
	$S->{rows} = 0;
	local $@;
	while ($s->fetchrow_arrayref) {
		$S->{rows} = ++$n;
		# a slow reader: a pause after every batch rows
		Time::HiRes::sleep($every / 1000)
			if $every > 0 && $batch > 0 && $n % $batch == 0;
	}
	$s->finish;
	return { value => "$n" };
}

sub do_prepare {
	my ($r) = @_;
	undef $S->{sth};
	$S->{api} = "\$dbh->prepare (${p}_server_prepare)";
	$S->{sth} = $S->{dbh}->prepare($r->{sql} // '', { "${p}_server_prepare" => 1,
		"${p}_server_prepare_disable_fallback" => 1 });
	return {};
}

sub do_execute {
	my ($r) = @_;
	die { notconnected => 'no prepare step before execute' } unless $S->{sth};
	my $i = 1;
	if (($r->{blob} // 0) > 0) {
		$S->{api} = '$sth->bind_param';
		$S->{sth}->bind_param($i++, 'x' x $r->{blob}, SQL_BLOB);
	}
	for my $v (@{ $r->{params} || [] }) {
		$S->{api} = '$sth->bind_param';
		# JSON integers stay numbers: bind them as integers
		if (defined $v && !ref $v && B::svref_2object(\$v)->FLAGS &
		    (B::SVp_IOK | B::SVp_NOK) && !(B::svref_2object(\$v)->FLAGS &
		    B::SVp_POK)) {
			$S->{sth}->bind_param($i++, $v, SQL_BIGINT);
		} else {
			$S->{sth}->bind_param($i++, $v);
		}
	}
	$S->{api} = '$sth->execute';
	$S->{sth}->execute;
	$S->{sth}->finish;
	return {};
}

# SELECT 'who:i' count times; stops at the first error.
sub tally {
	my ($who, $count) = @_;
	my $t = { ok => 0, wrong => 0, errors => 0 };
	for my $i (0 .. $count - 1) {
		my $want = "$who:$i";
		my $got = eval { query_value("SELECT '$want'") };
		if ($@) {
			$t->{errors}++;
			$t->{error} = error_fields($S->{dbh}, $@);
			last;
		}
		if (!defined $got || $got ne $want) {
			$t->{wrong}++;
			$t->{first_wrong} //= "asked '$want', got " .
				(defined $got ? "'$got'" : 'NULL');
		} else {
			$t->{ok}++;
		}
	}
	return $t;
}

sub do_fork {
	my ($r) = @_;
	my $mode = $r->{mode} // '';
	my $count = $r->{count} // 0;
	die { unsupported => "fork mode '$mode'" }
		unless $mode =~ /^(close|exit|share)$/;
	$S->{api} = 'fork';
	my ($rd, $wr, $gate_rd, $gate_wr);
	if ($mode eq 'share') {
		pipe($rd, $wr) or die "pipe: $!";
		# the child's "ready": both start together
		pipe($gate_rd, $gate_wr) or die "pipe: $!";
	}
	STDOUT->flush;
	my $pid = fork;
	die "fork: $!" unless defined $pid;
	if ($pid == 0) {
		eval {
			if ($mode eq 'close') {
				$S->{dbh}->disconnect;
			} elsif ($mode eq 'share') {
				close $rd;
				close $gate_rd;
				syswrite $gate_wr, 'r';  # ready: the parent starts too
				close $gate_wr;
				print $wr $json->encode(tally('child', $count));
				close $wr;
			}
		};
		logmsg("child: $@") if $@;
		POSIX::_exit(0);        # no DESTROY, no END: as _exit(2)
	}
	if ($mode ne 'share') {
		waitpid($pid, 0);
		return { message => $mode eq 'close' ?
			 'child called disconnect and exited' : 'child exited' };
	}
	close $wr;
	$S->{api} = '$sth->execute (parent and child)';
	# Start when the child is ready to: a child scheduled late on a busy
	# machine otherwise found the parent's queries all done, and the run
	# was ok, not the race.  EOF (the child died first) starts the
	# parent all the same.
	close $gate_wr;
	sysread $gate_rd, my $ready, 1;
	close $gate_rd;
	my $mine = tally('parent', $count);
	my $data = do { local $/; <$rd> };
	close $rd;
	waitpid($pid, 0);
	my $theirs = length($data // '') ? $json->decode($data) : undef;
	my $part = sub {
		my ($who, $t) = @_;
		return "$who: died without a tally" unless $t;
		my $s = "$who: $t->{ok} ok, $t->{wrong} wrong";
		$s .= ", error $t->{error}{message}" if $t->{error};
		return $s;
	};
	my $msg = $part->('parent', $mine) . '; ' . $part->('child', $theirs);
	$theirs ||= { ok => 0, wrong => 0, errors => 0 };
	if ($mine->{wrong} || $theirs->{wrong}) {
		return { result => 'wrong-result', message => $msg,
			 value => $mine->{first_wrong} // $theirs->{first_wrong} };
	}
	my $err = $mine->{error} // $theirs->{error};
	return { result => 'error', %$err, message => "$err->{message} ($msg)" }
		if $err;
	return { message => $msg };
}

my %DO = (connect => \&do_connect, query => \&do_query, ping => \&do_ping,
	  close => \&do_close, stream => \&do_stream, fetch => \&do_fetch,
	  prepare => \&do_prepare, execute => \&do_execute, fork => \&do_fork);

sub handle {
	my ($r) = @_;
	my $step = $r->{step} // '';
	return { result => 'unsupported', message => "unknown step '$step'" }
		unless $STEPS{$step};
	return { result => 'unsupported', message => $UNSUPPORTED{$step} }
		if $UNSUPPORTED{$step};
	$S->{api} = $step;
	undef $S->{rows};
	$S->{after_close} = $step ne 'connect' && !$S->{dbh} && $S->{closed};
	$S->{dbh} = $S->{closed} if $S->{after_close};
	my $before = $step eq 'connect' ? 0 : tid();
	my $t0 = time;
	my $rep = eval {
		die { notconnected => 'no connection: no successful connect '
		      . 'step before this one' } if $step ne 'connect' && !$S->{dbh};
		$DO{$step}->($r);
	};
	my $e = $@;
	if ($S->{after_close}) {
		undef $S->{dbh};
		$S->{after_close} = 0;
	}
	undef $S->{closed} if $step eq 'connect';
	my $elapsed = (time - $t0) * 1000;
	if (!$rep) {
		if (ref $e eq 'HASH' && $e->{unsupported}) {
			return { result => 'unsupported', message => $e->{unsupported} };
		} elsif (ref $e eq 'HASH' && $e->{notconnected}) {
			$S->{api} = 'driver';
			$rep = { result => 'error', errno => 0,
				 message => $e->{notconnected},
				 error_class => 'NotConnected' };
		} else {
			my $h = $DBI::lasth;
			$h = undef if $h && !$h->err;
			$rep = { result => 'error', %{ error_fields($h, $e) } };
			$rep->{errno} ||= 0;
			$rep->{rows} = $S->{rows} if defined $S->{rows} &&
				($step eq 'fetch' || $step eq 'stream');
		}
	}
	$rep->{result} //= 'ok';
	$rep->{api} = $S->{api};
	$rep->{elapsed_ms} = sprintf('%.3f', $elapsed) + 0;
	$rep->{thread_before} = $before;
	$rep->{thread_after} = tid();
	return $rep;
}

# begin-case: the case's directory becomes the working directory.
sub begin_case {
	my ($r) = @_;
	my $dir = $r->{dir} // '';
	return { result => 'error', errno => 0, error_class => 'BadRequest',
		 message => 'begin-case without an absolute dir' }
		unless $dir =~ m{^/};
	return { result => 'error', errno => 0, error_class => 'chdir',
		 message => "chdir $dir: $!" } unless chdir $dir;
	return { result => 'ok' };
}

# end-case: everything the case opened closed, then a new state for the
# next case.  The statements first (finish reads the rest of a streamed
# result), then the connections, the one a use after close would call
# included; no automatic reconnect on the way (goneaway may have cut
# their sockets: the errors are not the case's).
sub end_case {
	my $s = $S;
	for my $k (qw(stream sth)) {
		eval { $s->{$k}->finish if $s->{$k} };
		delete $s->{$k};
	}
	for my $k (qw(dbh closed)) {
		my $h = delete $s->{$k} or next;
		eval { $h->{"${p}_auto_reconnect"} = 0 };
		eval { $h->disconnect };
	}
	$S = {};
	return { result => 'ok' };
}

# "spawn" (docs/driver-protocol.md, "Spawn"): only where this perl can
# fork; the process greets with it and is then a zygote, sent only spawn
my @SPAWN = $Config{d_fork} ? ('spawn') : ();

# Every descriptor but 0 to 2 closed: those /proc/self/fd names, read
# whole first (the listing's own descriptor is closed before any).
sub close_others {
	opendir(my $dh, '/proc/self/fd') or die "/proc/self/fd: $!";
	my @fds = grep { /^[0-9]+$/ && $_ > 2 } readdir $dh;
	closedir $dh;
	POSIX::close($_) for @fds;    # the listing's own: EBADF, ignored
}

# In a copy just forked (spawn_copy below): a process group of its own,
# the named pipes $paths->[0] and [1] its standard input and output,
# [2] its standard error appended to, every other descriptor closed,
# then a driver just started serving them with a new state.  Never
# returns.
sub become_copy {
	my ($paths) = @_;
	eval {
		POSIX::setpgid(0, 0) or die "setpgid: $!";
		my @fds = (POSIX::open($paths->[0], POSIX::O_RDONLY()),
			   POSIX::open($paths->[1], POSIX::O_WRONLY()),
			   POSIX::open($paths->[2], POSIX::O_WRONLY() | POSIX::O_APPEND()));
		for my $i (0 .. 2) {
			defined $fds[$i] or die "open $paths->[$i]: $!";
		}
		for my $i (0 .. 2) {
			defined POSIX::dup2($fds[$i], $i) or die "dup2: $!";
		}
		close_others();
		$S = {};
		# a new reader of descriptor 0: nothing the zygote's STDIN had
		# read ahead reaches the copy
		open(my $in, '<&=', 0) or die "fdopen 0: $!";
		serve($in);
		STDOUT->flush;
		1;
	} or do {
		logmsg("spawn: $@");
		POSIX::_exit(2);
	};
	POSIX::_exit(0);
}

# spawn: a copy of this process, forked now, serves the named pipes
# "stdin" and "stdout" (its standard error appended to "stderr") as a
# driver just started would.  goneaway sends it only to a process that
# has served no case.  It is forked through a process that exits at
# once, so that its parent is the namespace's init, which reaps it and
# tells goneaway how it ended; this process waits for that one alone.
sub spawn_copy {
	my ($r) = @_;
	my @paths = map { $r->{$_} } qw(stdin stdout stderr);
	return { result => 'error', errno => 0, error_class => 'BadRequest',
		 message => 'spawn needs absolute stdin, stdout and stderr' }
		if grep { !defined $_ || ref $_ || $_ !~ m{^/} } @paths;
	STDOUT->flush;
	STDERR->flush;
	my $mid = fork;
	return { result => 'error', errno => 0, error_class => 'fork',
		 message => "fork: $!" } unless defined $mid;
	if ($mid == 0) {
		my $pid = fork;
		POSIX::_exit(defined $pid ? 0 : 2) if !defined $pid || $pid != 0;
		become_copy(\@paths);
	}
	waitpid($mid, 0);
	return { result => 'ok' };
}

# Greets, then answers each request line of $in until its end.
sub serve {
	my ($in) = @_;
	print $json->encode({ hello => 'goneaway-driver', protocol => 5,
		features => [qw(params fetch-pace driver-options keepalive
				local-infile cases), @SPAWN],
		driver => $D->{name}, library => "$D->{module} $VERSION " .
		"(DBI $DBI::VERSION)", runtime => sprintf('Perl %vd', $^V),
		unsupported => \%UNSUPPORTED }), "\n";
	while (my $line = <$in>) {
		next unless $line =~ /\S/;
		my $r = eval { $json->decode($line) };
		if (!$r) {
			logmsg("not a JSON request: $@");
			exit 2;
		}
		my $step = $r->{step} // '';
		my $rep;
		if ($step eq 'begin-case' || $step eq 'end-case' ||
		    $step eq 'spawn') {
			my $t0 = time;
			$rep = $step eq 'begin-case' ? begin_case($r) :
				$step eq 'spawn' ? spawn_copy($r) : end_case();
			$rep->{api} = $step eq 'spawn' ? 'fork' : 'driver';
			$rep->{elapsed_ms} = sprintf('%.3f', (time - $t0) * 1000) + 0;
		} else {
			$rep = handle($r);
		}
		$rep->{id} = $r->{id};
		print $json->encode($rep), "\n";
	}
}

$| = 1;
serve(\*STDIN);
exit 0;
