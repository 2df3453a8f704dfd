# ---- the test driver, before the candidate's code (protocol: languages/functions.py) ----
# nim.py fills in the imports and the result's writers, puts the candidate's code at the
# CANDIDATE line and the generated calls after it. Nim binds a name where it is used, so
# the writers, defined here, cannot reach anything the candidate declares (a `$`, an
# `items` or a converter of its own); they write the result type by type from the
# signature. Module initialisation runs in order: the token is read, and fd 1 pointed at
# stderr (the candidate's echo never reaches the reports, which go to a copy of the real
# stdout), before any top-level code of the candidate's runs. Only C's read, write, dup,
# snprintf and strtod are imported, under names of their own: nothing reaches the
# candidate's scope but the signature's modules.
@IMPORTS@
proc psftRead(fd: cint, buf: pointer, n: csize_t): int {.importc: "read", header: "<unistd.h>".}
proc psftWrite(fd: cint, buf: pointer, n: csize_t): int {.importc: "write", header: "<unistd.h>".}
proc psftDup(fd: cint): cint {.importc: "dup", header: "<unistd.h>".}
proc psftDup2(fd, to: cint): cint {.importc: "dup2", header: "<unistd.h>".}
proc psftExit(code: cint) {.importc: "_exit", header: "<unistd.h>", noreturn.}
proc psftSnprintf(buf: cstring, n: csize_t, format: cstring): cint {.importc: "snprintf",
    header: "<stdio.h>", varargs.}
proc psftStrtod(s: cstring, rest: pointer): cdouble {.importc: "strtod", header: "<stdlib.h>".}

proc psftReadToken(): string =
  var c: char
  while result.len < 128 and psftRead(0, addr c, 1) == 1 and c != '\n':
    if c != '\r' and c != ' ': result.add c

let psftToken = psftReadToken()
let psftReports = psftDup(1)
discard psftDup2(2, 1)

# A report line, a newline first (a print without one cannot swallow it), flushed: one
# write(2) straight to the saved stdout.
proc psftReport(index: int, rest: string) =
  var line = "\n" & psftToken & " "
  if index >= 0: line.add $index & " "
  line.add rest & "\n"
  var at = 0
  while at < line.len:
    let n = psftWrite(psftReports, addr line[at], csize_t(line.len - at))
    if n <= 0: psftExit(2)
    at += n

proc psftInt(buf: var string, v: int) = buf.add $v

# The shortest digits that read back as the same float (at most 17).
proc psftFloat(buf: var string, v: float) =
  if v != v: buf.add "NaN"; return
  if v == Inf: buf.add "Infinity"; return
  if v == -Inf: buf.add "-Infinity"; return
  var d: array[40, char]
  var n: cint
  for digits in 1 .. 17:
    n = psftSnprintf(cast[cstring](addr d[0]), 40, "%.*g", cint(digits), cdouble(v))
    if psftStrtod(cast[cstring](addr d[0]), nil) == v: break
  var integral = true
  for i in 0 ..< int(n):
    integral = integral and d[i] notin {'.', 'e'}
    buf.add d[i]
  if integral: buf.add ".0"

proc psftBool(buf: var string, v: bool) = buf.add(if v: "true" else: "false")

# The length of the UTF-8 sequence at s[i], or 0 where it is not one.
proc psftUtf8(s: string, i: int): int =
  let c = ord(s[i])
  var lo = 0x80
  var hi = 0xbf
  let size = if c >= 0xf0: 4 elif c >= 0xe0: 3 else: 2
  if c < 0xc2 or c > 0xf4 or i + size > s.len: return 0
  if c == 0xe0: lo = 0xa0
  if c == 0xed: hi = 0x9f
  if c == 0xf0: lo = 0x90
  if c == 0xf4: hi = 0x8f
  for k in 1 ..< size:
    if ord(s[i + k]) < lo or ord(s[i + k]) > hi: return 0
    lo = 0x80
    hi = 0xbf
  size

# `lenient`: a byte that is not UTF-8 becomes '?' (messages), else the result is refused.
proc psftStr(buf: var string, v: string, lenient = false) =
  const hex = "0123456789abcdef"
  buf.add '"'
  var i = 0
  while i < v.len:
    let c = ord(v[i])
    var size = 1
    if c == ord('"') or c == ord('\\'):
      buf.add '\\'
      buf.add v[i]
    elif c < 0x20:
      buf.add "\\u00"
      buf.add hex[c shr 4]
      buf.add hex[c and 15]
    elif c < 0x80:
      buf.add v[i]
    else:
      size = psftUtf8(v, i)
      if size != 0:
        buf.add v[i ..< i + size]
      elif lenient:
        buf.add '?'
        size = 1
      else:
        raise newException(ValueError, "returned a str that is not UTF-8")
    i += size
  buf.add '"'

proc psftKey(buf: var string, v: int) =
  buf.add '"'
  psftInt(buf, v)
  buf.add '"'

proc psftKey(buf: var string, v: string) = psftStr(buf, v)

# Every call in this process; an exception or a defect (an index out of bounds, a failed
# assertion) is that call's `error`.
proc psftMain(calls: int, call: proc (index: int, buf: var string) {.nimcall.}) =
  for index in 0 ..< calls:
    var line = "ok "
    try:
      call(index, line)
    except Exception as err:
      line = "error "
      let text = $err.name & ": " & err.msg
      psftStr(line, if text.len > 300: text[0 ..< 300] else: text, lenient = true)
    psftReport(index, line)
  psftReport(-1, "done")

@WRITERS@
# ---- the candidate's code ----
@CANDIDATE@
# ---- the test driver's calls, after the candidate's code ----
@CALLS@
psftMain(psftCalls, psftCall)
