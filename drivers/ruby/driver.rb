#!/usr/bin/ruby
# Ruby mysql2 driver for goneaway (docs/driver-protocol.md).
#
#     ruby drivers/ruby/driver.rb
#
# Needs Debian's ruby-mysql2 (the mysql2 gem 0.5.3 over MariaDB
# Connector/C 3.3), run by Debian's ruby; json is in Ruby's standard
# library.  One request per line on standard input, one reply per line on
# standard output; whatever helps a human goes to standard error.
#
# What the gem does that the other connectors do not: its own
# read_timeout waits for a query's answer in Ruby (rb_wait_for_single_fd)
# and raises Mysql2::Error::TimeoutError without a number; after that, or
# after a failed write, it invalidates the socket (dup2 of /dev/null onto
# it), and every later call raises "MySQL client is not connected".  Its
# errors from a streamed result carry the library's message but no number.
#
# One process serves case after case (protocol 5, feature "cases"): all a
# case's state is its Session; end-case closes what it opened and the
# next case gets a new one.  No step changes the gem's class-wide
# settings (Mysql2::Client.default_query_options: a client copies them,
# and a query merges its own options into a copy).
#
# It declares "spawn" too (docs/driver-protocol.md, "Spawn") where this
# Ruby can fork: started once as a zygote, it forks a copy of itself
# for each process goneaway asks for (spawn_copy), and goneaway gives
# every case a fresh copy, so nothing a case leaves in a process
# reaches the next.
require 'json'
require 'mysql2'

STEPS = %w[connect query ping close prepare execute long-data stream fetch
           fork reset change-user].freeze
VERSION_TEXT = Mysql2::VERSION
LIBRARY = "mysql2 (Ruby) #{Mysql2::VERSION} over #{Mysql2::Client.info[:version]}"
UNSUPPORTED = {
  'long-data' => 'the mysql2 gem has no mysql_stmt_send_long_data',
  'reset' => 'the mysql2 gem 0.5.3 has no mysql_reset_connection',
  'change-user' => 'the mysql2 gem has no mysql_change_user'
}.freeze

# The options of Mysql2::Client.new a scenario's driver-option may name
# (client.rb 0.5.3 reads these and ignores any other): those the
# connection's own options set are taken, and default_file and
# default_group (they read configuration files) are not passed.
KNOWN = %w[init_command secure_auth default_auth
           enable_cleartext_plugin encoding flags automatic_close
           connect_attrs].freeze
TAKEN = %w[username password host port database socket connect_timeout
           read_timeout write_timeout reconnect sslkey sslcert sslca
           sslcapath sslcipher sslverify ssl_mode local_infile].freeze

class Unsupported < StandardError; end
class NotConnected < StandardError; end

def log(msg)
  $stderr.puts(msg)
  $stderr.flush
end

def now
  Process.clock_gettime(Process::CLOCK_MONOTONIC)
end

def truthy(v)
  v == true || v == 1 || v == 'on'
end

# A column value as the protocol wants it: the server's text, nil for
# NULL; bytes that are not UTF-8 as U+FFFD.
def text(v)
  return nil if v.nil?
  v.to_s.dup.force_encoding(Encoding::UTF_8).scrub("\uFFFD")
end

# A driver option's value (a string, as written) as the gem wants it:
# "true"/"false" a boolean, a whole number an Integer, else the string.
def option_value(v)
  return v == 'true' if %w[true false].include?(v)
  return Integer(v, 10) if v =~ /\A-?\d+\z/
  v
end

class Session
  attr_accessor :api, :rows

  def initialize
    @client = nil
    @closed_client = nil   # after a close step: its closed client
    @after_close = false
    @stmt = nil
    @stream = nil
    @api = nil
    @rows = nil
  end

  def tid
    return 0 if @client.nil? || @after_close
    @client.thread_id.to_i
  rescue StandardError
    0
  end

  def error_fields(e)
    f = { 'errno' => e.respond_to?(:error_number) ? e.error_number.to_i : 0,
          'message' => text(e.message),
          'error_class' => e.class.name }
    f['errno'] = 0 unless f['errno'].between?(0, 65_535)
    state = e.respond_to?(:sql_state) ? e.sql_state : nil
    f['sqlstate'] = state if state && state =~ /\A[0-9A-Za-z]{5}\z/
    f
  end

  def handle(req)
    step = req['step']
    return { 'result' => 'unsupported', 'message' => "unknown step #{step.inspect}" } unless STEPS.include?(step)
    return { 'result' => 'unsupported', 'message' => UNSUPPORTED[step] } if UNSUPPORTED.key?(step)

    @api = step
    @rows = nil
    @after_close = step != 'connect' && @client.nil? && !@closed_client.nil?
    @client = @closed_client if @after_close
    before = step == 'connect' ? 0 : tid
    t0 = now
    rep = nil
    begin
      raise NotConnected, 'no connection: no successful connect step before this one' if step != 'connect' && @client.nil?
      rep = send("do_#{step.tr('-', '_')}", req) || {}
      rep['result'] ||= 'ok'
    rescue Unsupported => e
      return { 'result' => 'unsupported', 'message' => e.message }
    rescue NotConnected => e
      @api = 'driver'
      rep = { 'result' => 'error', 'errno' => 0, 'message' => e.message, 'error_class' => 'NotConnected' }
    rescue Mysql2::Error => e
      rep = { 'result' => 'error' }.merge(error_fields(e))
    rescue StandardError => e
      log("#{e.class}: #{e.message}\n#{e.backtrace&.join("\n")}")
      rep = { 'result' => 'error', 'errno' => 0, 'message' => text(e.message), 'error_class' => e.class.name }
    ensure
      if @after_close
        @client = nil
        @after_close = false
      end
      @closed_client = nil if step == 'connect'
    end
    rep['rows'] = @rows if rep['result'] == 'error' && %w[fetch stream].include?(step) && !@rows.nil?
    rep['api'] = @api
    rep['elapsed_ms'] = ((now - t0) * 1000.0).round(3)
    rep['thread_before'] = before
    rep['thread_after'] = tid
    rep
  end

  # end-case: what the case opened closed, its streamed result freed
  # (mysql_free_result reads the rest of it), its prepared statement
  # closed, then its client and the closed one a use after close would
  # call; no automatic reconnect on the way.  goneaway may have cut their
  # sockets: the errors are not the case's.
  def end_case
    clients = [@client, @closed_client].compact.uniq
    clients.each { |c| quietly { c.reconnect = false } }
    quietly { @stream&.free }
    quietly { @stmt&.close }
    clients.each { |c| quietly { c.close } }
    @client = @closed_client = @stmt = @stream = nil
  end

  def quietly
    yield
  rescue StandardError => e
    log("end-case: #{e.class}: #{e.message}")
  end

  def close_quietly
    @client&.close
  rescue StandardError
    nil
  ensure
    @client = nil
    @stmt = nil
    @stream = nil
  end

  def do_connect(req)
    o = req['options'] || {}
    close_quietly unless @client.nil?
    raise Unsupported, "the mysql2 gem has no option for the client's max_allowed_packet" if o['max_allowed_packet'].to_i.positive?
    raise Unsupported, 'the mysql2 gem has no keepalive option (Connector/C, under it, has none either)' if o['keepalive'].is_a?(Hash) && o['keepalive']['count'].to_i.positive?

    opts = { username: req['user'], password: req['password'] || '',
             database: req['database'] }
    if o['transport'] == 'socket'
      opts[:socket] = req['socket']
    else
      opts[:host] = req['host']
      opts[:port] = (req['port'] || 3306).to_i
    end
    # the gem's default connect_timeout is 120 s; 0 keeps it
    %w[connect_timeout read_timeout write_timeout].each do |k|
      opts[k.to_sym] = o[k].to_i if o[k].to_i.positive?
    end
    opts[:reconnect] = true if truthy(o['reconnect'])
    tls = o['tls'] || 'off'
    case tls
    when 'required'
      # mysql_ssl_set with no key, certificate or CA: Connector/C 3.3
      # then requires TLS (MYSQL_OPT_SSL_ENFORCE) without verifying the
      # certificate; the gem's ssl_mode does nothing over Connector/C
      opts[:sslverify] = false
    when 'off'
      nil # Connector/C 3.3 uses TLS only when asked to
    else
      raise Unsupported, "tls=#{tls}"
    end
    flags = []
    (o['driver_options'] || {}).each do |k, v|
      raise Unsupported, "driver option #{k} is what the connection's own options set" if TAKEN.include?(k)
      unless KNOWN.include?(k)
        raise Unsupported, "the mysql2 gem #{VERSION_TEXT} has no Mysql2::Client.new option #{k} here (it takes: #{KNOWN.join(', ')})"
      end

      if k == 'flags'
        # words of Mysql2::Client's constants: it warns about others and
        # goes on without them
        v.to_s.split(/[\s,]+/).each do |f|
          name = f.sub(/\A-/, '')
          unless name =~ /\A[A-Z_]+\z/ && Mysql2::Client.const_defined?(name)
            raise Unsupported, "the mysql2 gem has no connection flag #{name} (flags=#{v})"
          end
          raise Unsupported, "flags=#{v}: LOCAL_FILES is what the connection's own local_infile sets" if name == 'LOCAL_FILES'

          flags << f
        end
      elsif k == 'connect_attrs'
        raise Unsupported, 'connect_attrs is a Hash: the driver has no way to pass one'
      else
        opts[k.to_sym] = option_value(v)
      end
    end
    flags << 'INTERACTIVE' if truthy(o['interactive'])
    opts[:flags] = flags unless flags.empty?
    # last: the library's local infile off (Connector/C's default is
    # on); the gem's own handler opens whatever the server names, and
    # Connector/C has no directory to keep it within
    if o['local_infile'].is_a?(Array) && !o['local_infile'].empty?
      raise Unsupported, "the mysql2 gem #{VERSION_TEXT} cannot keep LOAD DATA LOCAL within the case's directory (its local infile handler opens any file, and Connector/C has no directory option): local_infile is not run"
    end
    opts[:local_infile] = false
    # values as the server's text, rows as arrays
    opts[:as] = :array
    opts[:cast] = false
    @api = 'Mysql2::Client.new'
    client = Mysql2::Client.new(opts)
    if tls == 'required' && client.ssl_cipher.nil?
      client.close
      raise Mysql2::Error.new('TLS required but the session is not encrypted (the mysql2 gem connected without TLS)', nil, 0)
    end
    @client = client
    @stmt = nil
    @stream = nil
    {}
  end

  def query_value(sql)
    r = @client.query(sql)
    row = r&.first
    row ? text(row[0]) : nil
  end

  def do_query(req)
    @api = 'Mysql2::Client#query'
    r = @client.query(req['sql'] || '')
    return {} if r.nil?

    row = r.first
    row ? { 'value' => text(row[0]) } : {}
  end

  def do_ping(_req)
    @api = 'Mysql2::Client#ping'
    # true or false: the gem raises nothing, and keeps no error number
    return {} if @client.ping

    { 'result' => 'error', 'errno' => 0, 'error_class' => 'Mysql2::Client#ping',
      'message' => 'ping returned false' }
  end

  def do_close(_req)
    @api = 'Mysql2::Client#close'
    c = @client
    @client = nil
    @stmt = nil
    @stream = nil
    @closed_client = c unless @after_close
    c.close
    {}
  end

  # The first row of an unbuffered result (mysql_use_result): the block
  # leaves the gem's each at once, and a later each goes on from the
  # next row.
  def do_stream(req)
    @api = 'Mysql2::Client#query (stream: true)'
    @rows = 0
    @stream = nil
    r = @client.query(req['sql'] || '', stream: true, cache_rows: false)
    return {} if r.nil?

    @stream = r
    @api = 'Mysql2::Result#each (stream: true)'
    first = nil
    got = false
    r.each do |row|
      first = row
      got = true
      break
    end
    got ? { 'value' => text(first[0]) } : {}
  end

  def do_fetch(req)
    raise NotConnected, 'no stream step before fetch' if @stream.nil?

    r = @stream
    @stream = nil
    batch = req['batch'].to_i
    every = req['every_ms'].to_f / 1000.0
    @api = 'Mysql2::Result#each (stream: true)'
    @api += " sleeping #{req['every_ms']} ms every #{batch} rows" if every.positive? && batch.positive?
    @rows = 0
    r.each do |_row|
      @rows += 1
      # a slow reader: the rest of the result waits on the wire
      sleep(every) if every.positive? && batch.positive? && (@rows % batch).zero?
    end
    { 'value' => @rows.to_s }
  end

  def do_prepare(req)
    @api = 'Mysql2::Client#prepare'
    @stmt&.close
    @stmt = nil
    @stmt = @client.prepare(req['sql'] || '')
    {}
  end

  def do_execute(req)
    raise NotConnected, 'no prepare step before execute' if @stmt.nil?

    args = []
    args << ('x' * req['blob'].to_i).force_encoding(Encoding::BINARY) if req['blob'].to_i.positive?
    # an Integer is bound as MYSQL_TYPE_LONGLONG, a String as text, nil NULL
    args.concat(req['params'] || [])
    @api = 'Mysql2::Statement#execute'
    r = @stmt.execute(*args)
    r&.free
    {}
  end

  # SELECT 'who:i' count times; stops at the first error.
  def tally(who, count)
    t = { 'ok' => 0, 'wrong' => 0, 'errors' => 0 }
    count.times do |i|
      want = "#{who}:#{i}"
      begin
        got = query_value("SELECT '#{want}'")
      rescue StandardError => e
        t['errors'] += 1
        t['error'] = e.is_a?(Mysql2::Error) ? error_fields(e) : { 'errno' => 0, 'message' => e.message, 'error_class' => e.class.name }
        break
      end
      if got == want
        t['ok'] += 1
      else
        t['wrong'] += 1
        t['first_wrong'] ||= "asked '#{want}', got #{got.nil? ? 'NULL' : "'#{got}'"}"
      end
    end
    t
  end

  def do_fork(req)
    mode = req['mode']
    count = req['count'].to_i
    raise Unsupported, "fork mode #{mode.inspect}" unless %w[close exit share].include?(mode)

    @api = 'Process.fork'
    if mode == 'share'
      rd, wr = IO.pipe
      gate_rd, gate_wr = IO.pipe # the child's "ready": both start together
    end
    $stdout.flush
    $stderr.flush
    pid = Process.fork do
      begin
        case mode
        when 'close'
          @client.close
        when 'share'
          rd.close
          gate_rd.close
          gate_wr.write('r') # ready: the parent starts too
          gate_wr.close
          wr.write(JSON.generate(tally('child', count)))
          wr.close
        end
      rescue StandardError => e
        log("child: #{e.class}: #{e.message}")
      end
      # no at_exit, no finalizer: the gem's automatic_close would
      # otherwise close the inherited connection (as _exit(2))
      Process.exit!(0)
    end
    if mode != 'share'
      Process.waitpid(pid)
      return { 'message' => mode == 'close' ? 'child called close and exited' : 'child exited' }
    end
    wr.close
    @api = 'Mysql2::Client#query (parent and child)'
    # Start when the child is ready to: a child scheduled late on a busy
    # machine otherwise found the parent's queries all done, and the run
    # was ok, not the race.  EOF (the child died first) starts the parent
    # all the same.
    gate_wr.close
    gate_rd.read(1)
    gate_rd.close
    mine = tally('parent', count)
    data = rd.read
    rd.close
    Process.waitpid(pid)
    theirs = data.to_s.empty? ? nil : JSON.parse(data)
    share_outcome(mine, theirs)
  end

  def share_outcome(mine, theirs)
    part = lambda do |who, t|
      next "#{who}: died without a tally" if t.nil?

      s = "#{who}: #{t['ok']} ok, #{t['wrong']} wrong"
      s += ", error #{t['error']['message']}" if t['error']
      s
    end
    msg = "#{part.call('parent', mine)}; #{part.call('child', theirs)}"
    theirs ||= { 'ok' => 0, 'wrong' => 0, 'errors' => 0 }
    if mine['wrong'].positive? || theirs['wrong'].positive?
      return { 'result' => 'wrong-result', 'message' => msg,
               'value' => mine['first_wrong'] || theirs['first_wrong'] }
    end
    err = mine['error'] || theirs['error']
    return { 'result' => 'error' }.merge(err).merge('message' => "#{err['message']} (#{msg})") if err

    { 'message' => msg }
  end
end

# begin-case: the case's directory becomes the working directory.
def begin_case(req)
  dir = req['dir']
  unless dir.is_a?(String) && dir.start_with?('/')
    return { 'result' => 'error', 'errno' => 0, 'error_class' => 'BadRequest',
             'message' => 'begin-case without an absolute dir' }
  end

  Dir.chdir(dir)
  { 'result' => 'ok' }
rescue SystemCallError => e
  { 'result' => 'error', 'errno' => 0, 'error_class' => e.class.name, 'message' => e.message }
end

# "spawn" (docs/driver-protocol.md, "Spawn"): only where this Ruby can
# fork; the process greets with it and is then a zygote, sent only spawn
FEATURES = %w[params fetch-pace driver-options keepalive local-infile cases].freeze
SPAWN = Process.respond_to?(:fork) ? %w[spawn].freeze : [].freeze

def greeting
  { 'hello' => 'goneaway-driver', 'protocol' => 5,
    'features' => FEATURES + SPAWN,
    'driver' => 'ruby-mysql2', 'library' => LIBRARY,
    'version' => VERSION_TEXT[/\A\d+(\.\d+){0,2}/],
    'runtime' => "Ruby #{RUBY_VERSION}",
    'unsupported' => UNSUPPORTED }
end

# Every descriptor but 0 to 2 closed: those /proc/self/fd names, read
# whole first (the listing's own descriptor is gone by then: EBADF).
# The VM's own (its timer thread's eventfds) are not the process's to
# close: IO.for_fd refuses them (ArgumentError), and they stay.
def close_others
  Dir.children('/proc/self/fd').map(&:to_i).each do |fd|
    next if fd <= 2

    begin
      IO.for_fd(fd, autoclose: true).close
    rescue Errno::EBADF, ArgumentError
      nil
    end
  end
end

# In a copy just forked (spawn below): a process group of its own, the
# named pipes paths[0] and paths[1] its standard input and output,
# paths[2] its standard error appended to, every other descriptor
# closed, then a driver just started serving them with a new Session.
# Never returns.
def become_copy(paths)
  Process.setpgid(0, 0)
  files = [File.open(paths[0], 'r'), File.open(paths[1], 'w'),
           File.open(paths[2], 'a')]
  [$stdin, $stdout, $stderr].zip(files) { |std, f| std.reopen(f) }
  files.each(&:close)
  close_others
  $stdout.sync = true
  # a new reader of descriptor 0: nothing the zygote's $stdin had read
  # ahead reaches the copy
  serve(IO.for_fd(0, 'r', autoclose: false))
  exit!(0)
rescue Exception => e # rubocop:disable Lint/RescueException
  log("spawn: #{e.class}: #{e.message}\n#{e.backtrace&.join("\n")}")
  exit!(2)
end

# spawn: a copy of this process, forked now, serves the named pipes
# "stdin" and "stdout" (its standard error appended to "stderr") as a
# driver just started would.  goneaway sends it only to a process that
# has served no case.  It is forked through a process that exits at
# once, so that its parent is the namespace's init, which reaps it and
# tells goneaway how it ended; this process waits for that one alone.
def spawn_copy(req)
  paths = %w[stdin stdout stderr].map { |k| req[k] }
  unless paths.all? { |p| p.is_a?(String) && p.start_with?('/') }
    return { 'result' => 'error', 'errno' => 0, 'error_class' => 'BadRequest',
             'message' => 'spawn needs absolute stdin, stdout and stderr' }
  end

  $stdout.flush
  $stderr.flush
  mid = Process.fork
  if mid.nil?
    begin
      exit!(0) unless Process.fork.nil?
    rescue Exception => e # rubocop:disable Lint/RescueException
      log("spawn: #{e.class}: #{e.message}")
      exit!(2)
    end
    become_copy(paths)
  end
  Process.waitpid(mid)
  { 'result' => 'ok' }
rescue SystemCallError => e
  { 'result' => 'error', 'errno' => 0, 'error_class' => e.class.name, 'message' => e.message }
end

# Greets, then answers each request line of inp until its end.
def serve(inp)
  sess = Session.new
  puts JSON.generate(greeting)
  inp.each_line do |line|
    next if line.strip.empty?

    begin
      req = JSON.parse(line)
    rescue JSON::ParserError => e
      log("not a JSON request: #{e.message}")
      exit 2
    end
    case req['step']
    when 'begin-case', 'end-case', 'spawn'
      t0 = now
      if req['step'] == 'begin-case'
        rep = begin_case(req)
      elsif req['step'] == 'spawn'
        rep = spawn_copy(req)
      else
        sess.end_case
        sess = Session.new
        rep = { 'result' => 'ok' }
      end
      rep['api'] = req['step'] == 'spawn' ? 'Process.fork' : 'driver'
      rep['elapsed_ms'] = ((now - t0) * 1000.0).round(3)
    else
      rep = sess.handle(req)
    end
    rep['id'] = req['id']
    puts JSON.generate(rep)
  end
end

def main
  $stdout.sync = true
  serve($stdin)
  exit 0
end

main
