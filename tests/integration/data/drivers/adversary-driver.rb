#!/usr/bin/ruby
# adversary-driver.rb - for t0205-driver-pairs-scripts (issue 57): the
# shipped Ruby mysql2 driver (drivers/ruby/driver.rb: protocol 5,
# features cases and spawn, kept and spawned as the shipped one is), both
# a polluter and a canary, as adversary-driver.py is for PyMySQL.
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
# it was at its greeting (CLASSES below) and, when anything differs,
# fails the step: errno 0, error_class Polluted, a message naming each
# class that differs.
require 'fiddle'
require 'socket'

# The shipped driver, its last line (main) left out: it is this file's.
SHIPPED = File.expand_path('../../../../drivers/ruby/driver.rb', __dir__)
eval(File.read(SHIPPED).sub(/^main\s*\z/, ''), TOPLEVEL_BINDING, SHIPPED, 1) # rubocop:disable Security/Eval

class Polluted < StandardError; end

SETLOCALE = Fiddle::Function.new(Fiddle.dlopen(nil)['setlocale'],
                                 [Fiddle::TYPE_INT, Fiddle::TYPE_VOIDP],
                                 Fiddle::TYPE_VOIDP)
LC_NUMERIC = 1
LC_ALL = 6
RECEIVERS = [] # a framework's signal: run on every new connection
HELD = []      # what the polluter keeps alive: sockets, clients
ARMED = []     # late classes, fired at end-case: [kind, ms, host, port]

def own_fds(skip)
  Dir.children('/proc/self/fd').map(&:to_i).reject { |fd| skip.include?(fd) }
     .map { |fd| [fd, (File.readlink("/proc/self/fd/#{fd}") rescue nil)] } # rubocop:disable Style/RescueModifier
     .reject { |_, t| t.nil? }.map { |fd, t| [fd, t.sub(' (deleted)', '')] }.sort
end

def children
  Dir.children('/proc/self/task').flat_map do |t|
    File.read("/proc/self/task/#{t}/children").split
  end.sort
end

def status_field(name)
  File.read('/proc/self/status')[/^#{name}:\s*(\S+)/, 1]
end

CLASSES = {
  'umask' => ->(_) { File.umask },
  'env' => ->(_) { ENV.to_h },
  'receiver' => ->(_) { RECEIVERS.size },
  'globals' => ->(_) { Mysql2::Client.default_query_options.to_a.inspect },
  'threads' => ->(_) { Thread.list.map(&:object_id).sort },
  'children' => ->(_) { children },
  'rlimits' => lambda { |_|
    Process.constants.grep(/\ARLIMIT_/).to_h { |k| [k, Process.getrlimit(Process.const_get(k))] }
  },
  'signals' => ->(_) { [status_field('SigIgn'), status_field('SigCgt')] },
  'locale' => ->(_) { SETLOCALE.call(LC_ALL, nil).to_s },
  'tz' => ->(_) { [ENV['TZ'], Time.now.zone, Time.now.utc_offset] },
  'syspath' => ->(_) { $LOAD_PATH.dup },
  'fds' => ->(skip) { own_fds(skip) }
}.freeze
BASE = {}

def record
  BASE.replace(CLASSES.transform_values { |f| f.call([]) })
end

def differs(skip)
  CLASSES.filter_map do |k, f|
    now = f.call(skip)
    "#{k} (#{BASE[k].inspect[0, 150]} -> #{now.inspect[0, 150]})" if now != BASE[k]
  end
end

def late(kind, msec, host, port)
  sleep(msec / 1000.0)
  if kind == 'latesock'
    begin
      HELD << TCPSocket.new(host, port)
    rescue SystemCallError => e
      log("adversary: late socket to #{host}:#{port}: #{e.message}")
    end
  else
    $stdout.write("{\"adversary\": \"a late line\"}\n")
    $stdout.flush
  end
end

def other_locale
  now = SETLOCALE.call(LC_NUMERIC, nil).to_s
  %w[c.utf8 c.utf-8].include?(now.downcase) ? 'C' : 'C.UTF-8'
end

def pollute(cls, req)
  case cls
  when 'none' then nil
  when 'files' then File.write('adversary-left.txt', "left by a case\n")
  when 'umask' then File.umask(0o077)
  when 'env' then ENV['MYSQL_PWD'] = 'adversary'
  when 'receiver' then RECEIVERS << ->(c) { c.query('SET SESSION wait_timeout = 5') }
  when 'globals' then Mysql2::Client.default_query_options[:cast] = false
  when 'threads' then Thread.new { sleep 600 }
  when 'children' then Process.fork { sleep 600; exit!(0) }
  when 'rlimits'
    soft, hard = Process.getrlimit(Process::RLIMIT_NOFILE)
    Process.setrlimit(Process::RLIMIT_NOFILE, soft - 1, hard)
  when 'signals' then Signal.trap('TERM', 'IGNORE')
  when 'locale' then SETLOCALE.call(LC_NUMERIC, other_locale)
  when 'tz' then ENV['TZ'] = 'ADV-9'
  when 'syspath' then $LOAD_PATH.unshift(Dir.pwd)
  when 'pool'
    2.times do
      HELD << Mysql2::Client.new(host: req['host'], port: (req['port'] || 3306).to_i,
                                 username: req['user'], password: req['password'] || '')
    end
  when /\A(latesock|lateline)-(\d+)\z/
    ARMED << [Regexp.last_match(1), Regexp.last_match(2).to_i, req['host'], (req['port'] || 3306).to_i]
  else raise Unsupported, "adversary: no class #{cls.inspect}"
  end
end

# The canary and the polluter in the shipped Session's steps.
module Adversary
  def canary(skip)
    bad = differs(skip)
    raise Polluted, "adversary: this process is not as it was at its greeting: #{bad.join('; ')}" unless bad.empty?
  end

  def do_connect(req)
    @api = 'adversary canary'
    canary([])
    @last_req = req
    rep = super
    RECEIVERS.each { |r| r.call(@client) }
    rep
  end

  def do_query(req)
    sql = req['sql'] || ''
    if (m = sql.match(/\ASELECT 'adversary:(.*)'\z/))
      pollute(m[1], @last_req || {})
    else
      @api = 'adversary canary'
      canary([@client.socket])
    end
    super
  end

  def end_case
    super
    ARMED.each { |a| Thread.new { late(*a) } }
    ARMED.clear
  end
end
Session.prepend(Adversary)

alias shipped_greeting greeting
def greeting
  record
  shipped_greeting
end

main
