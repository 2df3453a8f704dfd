require "json"

module PsftDriver
  Bad = Class.new(StandardError)
  MAP = Array.instance_method(:map)
  EACH_PAIR = Hash.instance_method(:each_pair)
  INSTANCE_OF = Kernel.instance_method(:instance_of?)
  METHOD = Kernel.instance_method(:method)

  def self.main
    begin
      require "fiddle"
      prctl = Fiddle::Function.new(Fiddle::Handle::DEFAULT["prctl"],
                                   [Fiddle::TYPE_INT] + [Fiddle::TYPE_LONG] * 4, Fiddle::TYPE_INT)
      prctl.call(4, 0, 0, 0, 0) # PR_SET_DUMPABLE 0
    rescue StandardError, LoadError
    end
    begin
      program = RubyVM::InstructionSequence.compile(SOURCE, "solution.rb", "solution.rb", 1)
    rescue SyntaxError => e
      token = STDIN.gets.to_s.strip
      STDOUT.syswrite("#{token} compile #{JSON.generate(clip("SyntaxError: #{e.message}"))}\n")
      exit!(0)
    end
    results, results_w = IO.pipe
    go_r, go = IO.pipe
    child = Process.fork do
      [results, go].each(&:close)
      STDIN.reopen(File::NULL)
      STDOUT.reopen(STDERR)
      exit!(1) unless go_r.read(1)
      go_r.close
      run_calls(program, results_w)
    end
    [results_w, go_r].each(&:close)
    token = STDIN.gets.to_s.strip
    go.write("g")
    go.close
    relay(token, results, child)
  end

  # The child: the candidate's code and calls. What it sends is only a claim the parent checks.
  def self.run_calls(program, channel)
    channel.binmode
    channel.sync = true
    dump = Marshal.method(:dump)
    send = ->(kind, index, data) { channel.write([kind, index, data.bytesize].pack("aNN") + data) }
    begin
      program.eval
      target = TOPLEVEL_BINDING.receiver
      found = target.respond_to?(ENTRY, true)
      raise NoMethodError, "no method `#{ENTRY}' defined at the top level" unless found
      function = METHOD.bind_call(target, ENTRY)
    rescue Exception => e
      send.("L", 0, describe(e))
      exit!(0)
    end
    CALLS.each_with_index do |make, index|
      kind, payload = begin
        ["o", dump.(plain(function.call(*make.call)))]
      rescue Exception => e
        ["e", describe(e)]
      end
      send.(kind, index, payload)
    end
    send.("D", CALLS.size, "")
    exit!(0)
  rescue Exception
    exit!(1)
  end

  def self.describe(error)
    "#{error.class.name}: #{error.message}".b
  rescue Exception
    "an exception whose message raised".b
  end

  # A Hash's default proc cannot be dumped: copy exact Hashes, through exact Arrays.
  def self.plain(value)
    if INSTANCE_OF.bind_call(value, Array)
      MAP.bind_call(value) { |item| plain(item) }
    elsif INSTANCE_OF.bind_call(value, Hash)
      copy = {}
      EACH_PAIR.bind_call(value) { |key, item| copy[plain(key)] = plain(item) }
      copy
    else
      value
    end
  end

  # The parent: the child's reports, checked, as protocol lines.
  def self.relay(token, channel, child)
    channel.binmode
    say = ->(line) { STDOUT.syswrite("#{token} #{line}\n") }
    total, expected, done = CALLS.size, 0, false
    while (head = channel.read(9)) && head.bytesize == 9
      kind, index, size = head.unpack("aNN")
      payload = size.zero? ? "".b : channel.read(size)
      break unless payload && payload.bytesize == size
      if kind == "L" && expected.zero?
        total.times { |i| say.("#{i} error #{text("loading the program: #{payload}")}") }
        done = true
      elsif kind == "D" && index == total && expected == total
        done = true
      elsif %w[o e].include?(kind) && index == expected && expected < total
        say.("#{index} #{kind == "o" ? result(payload) : "error #{text(payload)}"}")
        expected += 1
        next
      end
      break
    end
    if done
      say.("done")
      exit!(0)
    end
    Process.kill(:KILL, child) rescue nil
    _, status = Process.wait2(child)
    exit!(status.signaled? ? 128 + status.termsig : status.exitstatus.to_i)
  end

  def self.result(payload)
    "ok #{emit(Reader.new(payload).value, RETURNS)}"
  rescue StandardError, SystemStackError => e
    "error #{text("TypeError: #{e.message}")}"
  end

  def self.text(raw)
    JSON.generate(clip(raw.dup.force_encoding(Encoding::UTF_8).scrub("?")))
  end

  def self.clip(message)
    message.length > 300 ? message[0, 300] : message
  end

  # `value` (plain, from Reader) as canonical JSON of `type` ([kind, name, *parts]).
  def self.emit(value, type)
    kind, name, *parts = type
    case kind
    when :optional then return value.nil? ? "null" : emit(value, parts[0])
    when :none then return "null" if value.nil?
    when :bool then return value.to_s if value == true || value == false
    when :int then return value.to_s if value.instance_of?(Integer)
    when :float
      return value.to_f.to_s if value.instance_of?(Float) || value.instance_of?(Integer)
    when :str then return JSON.generate(utf8(value)) if value.instance_of?(String)
    when :list
      return "[#{value.map { |v| emit(v, parts[0]) }.join(", ")}]" if value.instance_of?(Array)
    when :tuple
      if value.instance_of?(Array) && value.size == parts.size
        return "[#{value.zip(parts).map { |v, t| emit(v, t) }.join(", ")}]"
      end
    when :dict
      if value.instance_of?(Hash)
        keys = {}
        pairs = value.map do |k, v|
          key = emit(k, parts[0])
          key = JSON.generate(key) if parts[0][0] == :int
          raise Bad, "returned a Hash with the key #{key} twice" if keys[key]
          keys[key] = true
          "#{key}: #{emit(v, parts[1])}"
        end
        return "{#{pairs.join(", ")}}"
      end
    end
    raise Bad, "returned #{shown(value)} where the signature has #{name}"
  end

  def self.shown(value)
    value.nil? ? "nil" : "a#{"n" if value.class.name =~ /\A[AEIOU]/} #{value.class.name}"
  end

  def self.utf8(string)
    binary = [Encoding::BINARY, Encoding::US_ASCII].include?(string.encoding)
    out = binary ? string.dup.force_encoding(Encoding::UTF_8) : string.encode(Encoding::UTF_8)
    out.valid_encoding? ? out : raise(Bad, "returned a String that is not valid UTF-8")
  rescue EncodingError
    raise Bad, "returned a String in #{string.encoding} that is not text"
  end

  # The plain subset of Marshal 4.8, and nothing else.
  class Reader
    KINDS = { ":" => "a Symbol", ";" => "a Symbol", "o" => "an object", "S" => "a Struct",
              "C" => "a subclass's instance", "e" => "an extended object" }.freeze
    def initialize(data)
      @data, @pos, @objects, @symbols, @open = data.b, 0, [], [], {}
    end

    def value
      raise Bad, "not a Marshal 4.8 value" unless byte == 4 && byte == 8
      found = item
      raise Bad, "trailing bytes after the value" unless @pos == @data.bytesize
      found
    end

    def byte
      found = @data.getbyte(@pos) or raise Bad, "a truncated value"
      @pos += 1
      found
    end

    def bytes(count)
      raise Bad, "a truncated value" if count.negative? || @pos + count > @data.bytesize
      @pos += count
      @data.byteslice(@pos - count, count)
    end

    def long
      c = byte
      c -= 256 if c > 127
      return 0 if c.zero?
      return c - 5 if c > 4
      return c + 5 if c < -4
      x = 0
      c.abs.times { |i| x |= byte << (8 * i) }
      c.positive? ? x : x - (1 << (8 * -c))
    end

    def item
      type = byte.chr
      case type
      when "0" then nil
      when "T" then true
      when "F" then false
      when "i" then long
      when "l"
        sign = byte.chr
        magnitude = bytes(2 * long).reverse.unpack1("H*").to_i(16)
        (@objects << (sign == "-" ? -magnitude : magnitude)).last
      when "f" then (@objects << number(bytes(long))).last
      when '"' then (@objects << bytes(long)).last
      when "I" then encoded
      when "[", "{", "}" then container(type)
      when "@"
        index = long
        raise Bad, "returned a value that contains itself" if @open[index]
        raise Bad, "a bad object link" unless index.between?(0, @objects.size - 1)
        @objects[index]
      else raise Bad, "returned #{KINDS.fetch(type, "an unknown kind")}, not a plain value"
      end
    end

    def number(digits)
      { "inf" => Float::INFINITY, "-inf" => -Float::INFINITY, "nan" => Float::NAN }[digits] ||
        Float(digits)
    rescue ArgumentError
      raise Bad, "a bad float"
    end

    def container(type)
      index = @objects.size
      found = (@objects << (type == "[" ? [] : {})).last
      @open[index] = true
      if type == "["
        long.times { found << item }
      else
        long.times do
          key = item
          found[key] = item
        end
        item if type == "}" # the Hash's default value: not part of it
      end
      @open.delete(index)
      found
    end

    def encoded
      raise Bad, "returned an object with instance variables" unless byte.chr == '"'
      string = (@objects << bytes(long)).last
      long.times do
        name = symbol
        flag = item
        encoding = if name == "E" && (flag == true || flag == false)
          flag ? Encoding::UTF_8 : Encoding::US_ASCII
        elsif name == "encoding" && flag.instance_of?(String)
          Encoding.find(flag) rescue raise(Bad, "a String in an unknown encoding")
        else
          raise Bad, "returned a String with instance variables"
        end
        string.force_encoding(encoding)
      end
      string
    end

    def symbol
      case byte.chr
      when ":" then (@symbols << bytes(long)).last
      when ";" then @symbols.fetch(long) { raise Bad, "a bad symbol link" }
      else raise Bad, "a bad symbol"
      end
    end
  end
end

PsftDriver.main
