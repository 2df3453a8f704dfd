-- The Lua test driver (protocol: languages/functions.py; layout: lua.py). lua.py puts
-- four locals before this text: SOURCE (the candidate's code, ending in a `return` of
-- its entry point), ENTRY, RETURNS (the return type: {kind, its LuaLS name, parts...})
-- and CALLS (one function per test that makes its arguments afresh).
--
-- Everything used here is a local captured before the candidate's code exists as a
-- function: a candidate that replaces string.format, print, pairs or io.write, or sets
-- metatables with __index, __pairs, __len or __tostring, changes nothing here. Tables
-- are read raw (next, rawget) and checked against the signature's type, so a metatable
-- never answers for a value. The candidate runs in a chunk of its own (load), which
-- sees the globals but none of these locals.
local format, find, sub, gsub, char = string.format, string.find, string.sub, string.gsub, string.char
local concat, pack, unpack = table.concat, table.pack, table.unpack
local mtype, huge = math.type, math.huge
local type, next, rawget, pcall, load, tonumber, error = type, next, rawget, pcall, load, tonumber, error
local utf8_len, utf8_codes = utf8.len, utf8.codes
local exit = os.exit
local stdout = io.stdout
local write, flush = stdout.write, stdout.flush

local token = gsub(io.read("l") or "", "%s", "")

local function report(line)
  write(stdout, "\n", token, " ", line, "\n")
  flush(stdout)
end

-- A JSON string: ASCII only (everything else as \u escapes).
local function quoted(s)
  if utf8_len(s) == nil then
    error("returned a string that is not valid UTF-8", 0)
  end
  local out = { '"' }
  for _, c in utf8_codes(s) do
    if c == 34 then
      out[#out + 1] = '\\"'
    elseif c == 92 then
      out[#out + 1] = "\\\\"
    elseif c >= 32 and c < 127 then
      out[#out + 1] = char(c)
    elseif c < 0x10000 then
      out[#out + 1] = format("\\u%04x", c)
    else
      c = c - 0x10000
      out[#out + 1] = format("\\u%04x\\u%04x", 0xD800 + (c >> 10), 0xDC00 + (c & 0x3FF))
    end
  end
  out[#out + 1] = '"'
  return concat(out)
end

local function text(message)
  if type(message) ~= "string" then
    message = "a " .. type(message) .. " error value"
  end
  message = gsub(sub(message, 1, 300), "%s+", " ")
  if utf8_len(message) == nil then
    message = gsub(message, "[\128-\255]", "?")
  end
  return quoted(message)
end

-- The shortest of %.15g, %.16g and %.17g that reads back as the same number.
local function number(x, float)
  if x ~= x then
    return "NaN"
  elseif x == huge or x == -huge then
    return x > 0 and "Infinity" or "-Infinity"
  elseif mtype(x) == "integer" then
    return format(float and "%d.0" or "%d", x)
  end
  local digits
  for precision = 15, 17 do
    digits = format("%." .. precision .. "g", x)
    if tonumber(digits) == x then
      break
    end
  end
  if not find(digits, "[.e]") then
    digits = digits .. ".0"
  end
  return digits
end

local emit

-- The keys 1..n of a table, or an error: a list has no other keys, and no holes.
local function length(value, name)
  local n = 0
  for key in next, value do
    if mtype(key) ~= "integer" or key < 1 then
      error("returned a table with the key " .. (type(key) == "string" and quoted(key)
        or type(key)) .. " where the signature has " .. name, 0)
    end
    n = n + 1
  end
  for i = 1, n do
    if rawget(value, i) == nil then
      error("returned a table with holes where the signature has " .. name, 0)
    end
  end
  return n
end

local function list(value, t)
  local items = {}
  for i = 1, length(value, t[2]) do
    items[i] = emit(rawget(value, i), t[3])
  end
  return "[" .. concat(items, ", ") .. "]"
end

local function tuple(value, t)
  local arity = #t - 2
  for key in next, value do
    if mtype(key) ~= "integer" or key < 1 or key > arity then
      error("returned a table that is not a " .. t[2], 0)
    end
  end
  local items = {}
  for i = 1, arity do
    items[i] = emit(rawget(value, i), t[i + 2])
  end
  return "[" .. concat(items, ", ") .. "]"
end

local function dict(value, t)
  local pairs, integers = {}, t[3][1] == "int"
  for key, item in next, value do
    if integers and mtype(key) == "integer" then
      key = '"' .. format("%d", key) .. '"'
    elseif not integers and type(key) == "string" then
      key = quoted(key)
    else
      error("returned a table with a " .. (mtype(key) or type(key)) .. " key where the "
        .. "signature has " .. t[2], 0)
    end
    pairs[#pairs + 1] = key .. ": " .. emit(item, t[4])
  end
  return "{" .. concat(pairs, ", ") .. "}"
end

-- `value` as canonical JSON for type `t`; an error where it is not one of that type.
function emit(value, t)
  local kind, name, vtype = t[1], t[2], type(value)
  if kind == "optional" then
    if value == nil then
      return "null"
    end
    return emit(value, t[3])
  elseif kind == "None" and value == nil then
    return "null"
  elseif kind == "bool" and vtype == "boolean" then
    return value and "true" or "false"
  elseif (kind == "int" or kind == "float") and vtype == "number" then
    return number(value, kind == "float")
  elseif kind == "str" and vtype == "string" then
    return quoted(value)
  elseif vtype == "table" and (kind == "list" or kind == "tuple" or kind == "dict") then
    return (kind == "list" and list or kind == "tuple" and tuple or dict)(value, t)
  end
  error("returned " .. (value == nil and "nil" or "a " .. (mtype(value) or vtype))
    .. " where the signature has " .. name, 0)
end

-- A tuple may also come back as multiple return values: `return word, index`.
local tuple_type = RETURNS[1] == "tuple" and RETURNS
  or RETURNS[1] == "optional" and RETURNS[3][1] == "tuple" and RETURNS[3]

local function result(results)
  if tuple_type and results.n > 2 then
    return emit({ unpack(results, 2, results.n) }, tuple_type)
  end
  return emit(results[2], RETURNS)
end

local function call(entry, make)
  return entry(make())
end

local program, problem = load(SOURCE, "=solution.lua", "t")
if not program then
  report("compile " .. text(problem))
  exit(0)
end
local loaded, entry = pcall(program)
if not loaded or type(entry) ~= "function" then
  local why = loaded and "no function " .. ENTRY .. " is defined" or entry
  why = text("loading the program: " .. (type(why) == "string" and why or "an error value"))
  for index = 1, #CALLS do
    report(format("%d error %s", index - 1, why))
  end
else
  for index = 1, #CALLS do
    local results = pack(pcall(call, entry, CALLS[index]))
    local line
    if results[1] then
      local ok, json = pcall(result, results)
      line = ok and "ok " .. json or "error " .. text(json)
    else
      line = "error " .. text(results[2])
    end
    report(format("%d %s", index - 1, line))
  end
end
report("done")
exit(0) -- without closing the state: no __gc or __close of the candidate runs after this
