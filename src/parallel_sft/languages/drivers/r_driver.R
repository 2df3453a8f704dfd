# The R test driver (protocol: languages/functions.py). Generated above this text:
# `.psft_head`, a list of the candidate's code (`source`), the function's name (`entry`),
# the return type as a descriptor (`returns`: list(kind, its R name, parts...)) and one
# thunk per test that builds that test's arguments afresh (`calls`).
#
# One process. The driver takes the head out of the global environment and reads the
# token before any candidate code runs, and keeps both in its own environment, whose
# parent is the base environment: the candidate's code, evaluated in the global
# environment, can redefine `cat` or `length` for itself without reaching the driver. A
# result is serialised by the signature's type with R's primitives and `.Internal`
# closures only: a value with a class attribute (S3/S4, a factor, a data frame) is
# refused rather than dispatched on, so no method of the candidate runs. Each report
# starts on a line of its own (after a print without a newline) and goes, flushed, to
# the stdout connection taken before the candidate's code ran: a sink() it opens
# diverts only its own output.
local({
  head <- get(".psft_head", envir = globalenv(), inherits = FALSE)
  rm(".psft_head", envir = globalenv())
  input <- file("stdin")
  token <- readLines(input, n = 1L, warn = FALSE)
  close(input)
  token <- if (length(token) == 1L) gsub("[[:space:]]", "", token) else ""
  out <- stdout()

  say <- function(line) {
    writeLines(paste0("\n", token, " ", line), out, useBytes = TRUE)
    flush.connection(out)
  }
  # A result the signature does not allow: an error of the driver's own class.
  fail <- function(...) {
    stop(structure(class = c("psft_bad", "error", "condition"), list(message = paste0(...))))
  }
  clip <- function(text) {
    text <- gsub("[[:space:]]+", " ", text)
    if (nchar(text, type = "chars") > 300L) substr(text, 1L, 300L) else text
  }
  json_string <- function(s) {
    s <- enc2utf8(s)
    if (!validUTF8(s)) fail("returned a string that is not valid UTF-8")
    s <- gsub("\\", "\\\\", s, fixed = TRUE)
    s <- gsub("\"", "\\\"", s, fixed = TRUE)
    codes <- utf8ToInt(s)
    for (code in unique.default(codes[codes < 32L])) {
      s <- gsub(intToUtf8(code), sprintf("\\u%04x", code), s, fixed = TRUE)
    }
    paste0("\"", s, "\"")
  }
  # A message (the candidate's, in whatever bytes) as a JSON string, whatever happens.
  message_json <- function(text) {
    tryCatch(json_string(clip(iconv(text, "", "UTF-8", sub = "?"))),
      error = function(e) "\"a message that is not text\""
    )
  }
  describe <- function(e) {
    message <- .subset2(e, "message")
    if (!is.character(message) || length(message) != 1L) message <- "an error"
    if (inherits(e, "psft_bad")) return(message)
    call <- .subset2(e, "call")
    where <- if (is.call(call)) paste0(" in ", deparse(call, nlines = 1L)[1L]) else ""
    paste0("Error", where, ": ", message)
  }
  shown <- function(x) {
    if (is.null(x)) return("NULL")
    if (is.atomic(x) || is.list(x)) return(paste0(typeof(x), "(", length(x), ")"))
    typeof(x)
  }
  number <- function(x) {
    if (is.nan(x)) return("NaN")
    if (is.infinite(x)) return(if (x > 0) "Infinity" else "-Infinity")
    for (digits in 15:17) {
      text <- sprintf("%.*g", digits, x)
      if (as.numeric(text) == x) break
    }
    if (grepl("^-?[0-9]+$", text)) paste0(text, ".0") else text
  }
  # The items of a list-like value: a vector's elements (each of length 1) or a list's.
  items <- function(x, type) {
    if (is.null(x)) return(list())
    if (is.list(x)) return(lapply(seq_along(x), function(i) .subset2(x, i)))
    if (is.atomic(x)) return(lapply(seq_along(x), function(i) .subset(x, i)))
    fail("returned ", shown(x), " where the signature has ", type[[2L]])
  }
  scalar <- function(x, type) {
    kind <- type[[1L]]
    ok <- is.atomic(x) && length(x) == 1L && switch(kind,
      int = is.numeric(x), float = is.numeric(x), bool = is.logical(x), str = is.character(x)
    )
    if (!ok) fail("returned ", shown(x), " where the signature has ", type[[2L]])
    if (is.na(x) && !(kind == "float" && is.nan(x))) fail("returned NA where the signature has ", type[[2L]])
    switch(kind,
      int = if (is.integer(x)) sprintf("%d", x) else if (is.finite(x) && x == trunc(x)) {
        sprintf("%.0f", x)
      } else fail("returned ", number(x), " where the signature has integer"),
      float = number(as.double(x)),
      bool = if (x) "true" else "false",
      str = json_string(x)
    )
  }
  key <- function(name, type) {
    if (type[[1L]] == "str") return(json_string(name))
    if (!grepl("^[+-]?[0-9]+$", name)) fail("returned the name ", json_string(name), " where the names are integers")
    digits <- sub("^[+-]?0*([0-9])", "\\1", name)
    paste0("\"", if (startsWith(name, "-") && digits != "0") "-" else "", digits, "\"")
  }
  # `x` as canonical JSON of the type `type` (list(kind, R name, parts...)).
  emit <- function(x, type) {
    if (is.object(x)) fail("returned an object of class ", oldClass(x)[1L], ", not a plain value")
    kind <- type[[1L]]
    if (kind == "none") return("null") # a procedure's last value, whatever it is
    if (kind == "optional") {
      absent <- is.null(x) || (is.atomic(x) && length(x) == 1L && is.na(x) && !(is.double(x) && is.nan(x)))
      return(if (absent) "null" else emit(x, type[[3L]]))
    }
    if (kind %in% c("int", "float", "bool", "str")) return(scalar(x, type))
    parts <- items(x, type)
    if (kind == "list") {
      return(paste0("[", paste(vapply(parts, emit, "", type[[3L]]), collapse = ", "), "]"))
    }
    if (kind == "tuple") {
      types <- type[-(1:2)]
      if (length(parts) != length(types)) fail("returned ", shown(x), " where the signature has ", type[[2L]])
      return(paste0("[", paste(mapply(emit, parts, types), collapse = ", "), "]"))
    }
    if (length(parts) == 0L) return("{}")
    names <- names(x)
    if (is.null(names) || anyNA(names)) fail("returned ", shown(x), " without names where the signature has ", type[[2L]])
    keys <- vapply(names, key, "", type[[3L]], USE.NAMES = FALSE)
    twice <- match(keys, keys) != seq_along(keys)
    if (any(twice)) fail("returned the name ", keys[twice][1L], " twice")
    values <- vapply(parts, emit, "", type[[4L]])
    paste0("{", paste0(keys, ": ", values, collapse = ", "), "}")
  }

  calls <- head$calls
  program <- tryCatch(parse(text = head$source, keep.source = FALSE), error = function(e) e)
  if (inherits(program, "error")) {
    say(paste0("compile ", message_json(sub("^<text>", "solution.R", .subset2(program, "message")))))
    return(invisible())
  }
  loaded <- tryCatch(
    {
      for (expression in program) eval(expression, globalenv())
      found <- exists(head$entry, envir = globalenv(), mode = "function", inherits = FALSE)
      if (!found) fail("no function ", head$entry, " is defined")
      ""
    },
    error = function(e) paste0("loading the program: ", describe(e))
  )
  if (nzchar(loaded)) {
    for (i in seq_along(calls)) say(paste0(i - 1L, " error ", message_json(loaded)))
    say("done")
    return(invisible())
  }
  for (i in seq_along(calls)) {
    line <- tryCatch(
      paste0("ok ", emit(do.call(head$entry, calls[[i]](), envir = globalenv()), head$returns)),
      error = function(e) paste0("error ", message_json(describe(e)))
    )
    say(paste0(i - 1L, " ", line))
  }
  say("done")
}, envir = new.env(parent = baseenv()))
