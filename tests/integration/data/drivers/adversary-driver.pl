#!/usr/bin/perl
# adversary-driver.pl - for t0205-driver-pairs-scripts (issue 57): the
# shipped Perl DBI driver (drivers/perl/driver.pl: protocol 5, features
# cases and spawn, kept and spawned as the shipped one is; its argument,
# the DBD, passed on), both a polluter and a canary, as
# adversary-driver.py is for PyMySQL.
#
# Polluter: "SELECT 'adversary:CLASS'" leaves one CLASS of state in the
# process (then runs the query: its value is the marker):
#   latesock-N  a thread opens a TCP connection to the case's server
#               N ms after end-case, and holds it
#   lateline-N  a thread writes a line on standard output N ms after
#               end-case
#   umask env receiver globals threads children rlimits signals locale
#   tz syspath files pool   (see pollute below)
#   none        nothing (the control)
# Canary: at every connect and query it compares the process with what
# a fresh process is at that point (%CLASSES below: as at its greeting,
# then as after its first connect, settle) and, when anything differs,
# fails the step: errno 0, error_class Polluted, a message naming each
# class that differs.
#
# The shipped driver's text is run with this file's own part (after
# __DATA__) put before its last lines (serve, exit): that part sees the
# driver's file-scoped state ($S, %DO) and wraps its steps.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;

my $shipped = File::Spec->rel2abs(dirname(__FILE__) .
	'/../../../../drivers/perl/driver.pl');
open(my $f, '<', $shipped) or die "adversary: $shipped: $!\n";
my $text = do { local $/; <$f> };
close $f;
my $mine = do { local $/; <DATA> };
# DATA closed: a copy's close_others closes its descriptor under PerlIO,
# which still counts it open, so that the first file the copy opened on
# that number (the canary's /proc/self/status) would never be closed
close DATA;
$text =~ s/^\$\| = 1;\nserve\(\\\*STDIN\);\nexit 0;\n\z/$mine/m
	or die "adversary: $shipped does not end as it did\n";
eval "package main;\n#line 1 \"$shipped\"\n$text";
die $@ if $@;
exit 0;

__DATA__
use threads;
use IO::Socket::INET;

our @RECEIVERS;      # a framework's signal: run on every new connection
our @HELD;           # what the polluter keeps alive: sockets, handles
our @ARMED;          # late classes, fired at end-case: [kind, ms, host, port]
my %BASE;
my $LAST = {};

# (closed here: a handle left to its scope may still be open when the
# descriptors are listed next, and is then taken for the case's)
sub slurp {
	my ($p) = @_;
	open(my $h, '<', $p) or return '';
	my $t = do { local $/; <$h> };
	close $h;
	return $t;
}
sub status_field { my ($n) = @_; return (slurp('/proc/self/status') =~ /^$n:\s*(\S+)/m)[0] // '' }
sub own_fds {
	my %skip = map { $_ => 1 } @_;
	opendir(my $d, '/proc/self/fd') or return '';
	my @fds = grep { /^\d+$/ && !$skip{$_} } readdir $d;
	closedir $d;
	return join ',', map { my $t = readlink("/proc/self/fd/$_"); defined $t ?
		"$_=" . ($t =~ s/ \(deleted\)$//r) : () } sort { $a <=> $b } @fds;
}
sub kids {
	opendir(my $d, '/proc/self/task') or return '';
	my @k = map { split ' ', slurp("/proc/self/task/$_/children") }
		grep { /^\d+$/ } readdir $d;
	return join ',', sort @k;
}
sub tasks { opendir(my $d, '/proc/self/task') or return 0; return scalar grep { /^\d+$/ } readdir $d }

my %CLASSES = (
	umask => sub { sprintf '%04o', umask },
	env => sub { join "\n", map { "$_=$ENV{$_}" } sort keys %ENV },
	receiver => sub { scalar @RECEIVERS },
	globals => sub { join ',', $DBI::neat_maxlen // '', $DBI::stderr // '' },
	threads => sub { tasks() },
	children => sub { kids() },
	rlimits => sub { slurp('/proc/self/limits') },
	signals => sub { status_field('SigIgn') . '/' . status_field('SigCgt') },
	locale => sub { POSIX::setlocale(POSIX::LC_ALL()) // '' },
	tz => sub { join ',', $ENV{TZ} // '', POSIX::tzname() },
	syspath => sub { join ':', @INC },
	fds => sub { own_fds(@_) },
);

sub record { %BASE = map { $_ => $CLASSES{$_}->() } keys %CLASSES }

# The first connect of a process sets what the client library sets once
# (libmysqlclient ignores SIGPIPE at its init): a fresh process's B sees
# that too, so every class but the descriptors (the connection's own)
# is recorded again after it.  Anything a case changes after that is
# the case's.
my $SETTLED = 0;
sub settle {
	return if $SETTLED++;
	$BASE{$_} = $CLASSES{$_}->() for grep { $_ ne 'fds' } keys %CLASSES;
}

# What changed from WAS to NOW: the items gone and come of a list (the
# descriptors, the children), else both, cut short.
sub change {
	my ($was, $now) = @_;
	return substr($was, 0, 150) . ' -> ' . substr($now, 0, 150)
		unless "$was$now" =~ /,/ && "$was$now" !~ /\n/;
	my %w = map { $_ => 1 } split /,/, $was;
	my %n = map { $_ => 1 } split /,/, $now;
	return join ' ', (map { "-$_" } grep { !$n{$_} } sort keys %w),
		(map { "+$_" } grep { !$w{$_} } sort keys %n);
}

sub canary {
	my @skip = @_;
	my @bad;
	for my $k (sort keys %CLASSES) {
		my $now = $CLASSES{$k}->(@skip);
		push @bad, "$k (" . change($BASE{$k}, $now) . ')'
			if $now ne $BASE{$k};
	}
	die { polluted => 'adversary: this process is not as a fresh one is '
	      . 'here: ' . join('; ', @bad) } if @bad;
}

sub late {
	my ($kind, $ms, $host, $port) = @_;
	select(undef, undef, undef, $ms / 1000);
	if ($kind eq 'latesock') {
		my $s = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port)
			or logmsg("adversary: late socket to $host:$port: $!");
		push @HELD, $s if $s;
		sleep 600;      # held while the thread lives
	} else {
		syswrite(STDOUT, qq({"adversary": "a late line"}\n));
	}
}

sub other_locale {
	my $now = POSIX::setlocale(POSIX::LC_NUMERIC()) // '';
	return $now =~ /^c\.utf-?8$/i ? 'C' : 'C.UTF-8';
}

sub pollute {
	my ($cls) = @_;
	my ($host, $port) = ($LAST->{host}, $LAST->{port} // 3306);
	if ($cls eq 'none') {
	} elsif ($cls eq 'files') {
		open(my $h, '>', 'adversary-left.txt') or die "adversary: $!";
		print $h "left by a case\n";
		close $h;
	} elsif ($cls eq 'umask') { umask 077 }
	elsif ($cls eq 'env') { $ENV{MYSQL_PWD} = 'adversary' }
	elsif ($cls eq 'receiver') {
		push @RECEIVERS, sub { $_[0]->do('SET SESSION wait_timeout = 5') };
	} elsif ($cls eq 'globals') { $DBI::neat_maxlen = 7 }
	elsif ($cls eq 'threads') { threads->create(sub { sleep 600 })->detach }
	elsif ($cls eq 'children') {
		my $pid = fork;
		if (defined $pid && $pid == 0) { sleep 600; POSIX::_exit(0) }
	} elsif ($cls eq 'rlimits') {
		my ($soft) = slurp('/proc/self/limits') =~ /^Max open files\s+(\d+)/m;
		system('prlimit', "--pid=$$", '--nofile=' . ($soft - 1) . ':') == 0
			or die "adversary: prlimit failed";
	} elsif ($cls eq 'signals') { $SIG{TERM} = 'IGNORE' }
	elsif ($cls eq 'locale') { POSIX::setlocale(POSIX::LC_NUMERIC(), other_locale()) }
	elsif ($cls eq 'tz') { $ENV{TZ} = 'ADV-9'; POSIX::tzset() }
	elsif ($cls eq 'syspath') { require Cwd; unshift @INC, Cwd::getcwd() }
	elsif ($cls eq 'pool') {
		for (1 .. 2) {
			push @HELD, DBI->connect("DBI:$which:host=$host;port=$port",
				$LAST->{user}, $LAST->{password} // '',
				{ RaiseError => 1, PrintError => 0 });
		}
	} elsif ($cls =~ /^(latesock|lateline)-(\d+)$/) {
		push @ARMED, [$1, $2, $host, $port];
	} else {
		die { unsupported => "adversary: no class '$cls'" };
	}
}

# A polluted step: an error of the driver's own (errno 0), its class named.
sub guarded {
	my ($step, $r, @skip) = @_;
	my $ok = eval { canary(@skip); 1 };
	return undef if $ok;
	my $e = $@;
	die $e unless ref $e eq 'HASH' && $e->{polluted};
	$S->{api} = 'adversary canary';
	return { result => 'error', errno => 0, error_class => 'Polluted',
		 message => $e->{polluted} };
}

my $shipped_connect = $DO{connect};
my $shipped_query = $DO{query};
$DO{connect} = sub {
	my ($r) = @_;
	my $bad = guarded('connect', $r);
	return $bad if $bad;
	$LAST = $r;
	my $rep = eval { $shipped_connect->($r) };
	my $e = $@;
	settle();       # failed or not: the library's init is done
	die $e unless $rep;
	$_->($S->{dbh}) for @RECEIVERS;
	return $rep;
};
$DO{query} = sub {
	my ($r) = @_;
	my $sql = $r->{sql} // '';
	if ($sql =~ /^SELECT 'adversary:(.*)'$/) {
		pollute($1);
	} else {
		my $fd = eval { $S->{dbh}->{"${p}_sockfd"} };
		my $bad = guarded('query', $r, defined $fd ? $fd : ());
		return $bad if $bad;
	}
	return $shipped_query->($r);
};

{
	no warnings 'redefine';
	my $shipped_end = \&end_case;
	*end_case = sub {
		my $rep = $shipped_end->(@_);
		threads->create(\&late, @$_)->detach for @ARMED;
		@ARMED = ();
		return $rep;
	};
	my $shipped_serve = \&serve;
	*serve = sub { record(); $shipped_serve->(@_) };
}

$| = 1;
serve(\*STDIN);
exit 0;
