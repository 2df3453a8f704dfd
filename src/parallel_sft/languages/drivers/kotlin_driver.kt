// The test driver of a Kotlin function problem (protocol: languages/functions.py), after
// the candidate's code in the same file. Its own object, not the file's facade class: the
// candidate's top-level properties initialise on the first call, after the token is read.
@Suppress("UNCHECKED_CAST", "USELESS_CAST", "NAME_SHADOWING")
object Psft_Driver {
    private class PsftType(val kind: kotlin.String, vararg val parts: PsftType)

    private val PSFT_RETURNS = @RETURNS@

    @JvmStatic
    fun main(psftArgs: kotlin.Array<kotlin.String>) {
        val channel = java.io.FileOutputStream(java.io.FileDescriptor.out)
        val token = psftToken()
        var index = 0
        while (index < @COUNT@) {
            var line: kotlin.String
            var fatal: kotlin.Throwable? = null
            try {
                val out = java.lang.StringBuilder()
                psftWrite(out, psftCall(index), PSFT_RETURNS)
                line = java.lang.Integer.toString(index) + " ok " + out.toString()
            } catch (err: kotlin.Throwable) {
                line = java.lang.Integer.toString(index) + " error " + psftQuote(psftDescribe(err))
                if (err is java.lang.OutOfMemoryError) fatal = err  // the JVM's: MEMORY_LIMIT
            }
            psftReport(channel, token, line)
            if (fatal != null) throw fatal
            index++
        }
        psftReport(channel, token, "done")
        java.lang.Runtime.getRuntime().halt(0)  // no shutdown hook or thread of the candidate's
    }

    private fun psftToken(): kotlin.String {
        val input = java.io.FileInputStream(java.io.FileDescriptor.`in`)
        val token = java.lang.StringBuilder()
        var c = input.read()
        while (c != -1 && c != 10) {
            if (c > 32) token.append(c.toChar())
            c = input.read()
        }
        return token.toString()
    }

    // A newline first: a candidate's print without one cannot swallow the report.
    private fun psftReport(channel: java.io.FileOutputStream, token: kotlin.String, line: kotlin.String) {
        val buffer = java.nio.charset.StandardCharsets.UTF_8.encode("\n" + token + " " + line + "\n")
        val bytes = kotlin.ByteArray(buffer.remaining())
        buffer.get(bytes)
        channel.write(bytes)
        channel.flush()
    }

    // Java's getClass, not Kotlin's `javaClass`: an extension the candidate could shadow.
    private fun psftClass(value: kotlin.Any): java.lang.Class<*> = (value as java.lang.Object).getClass()

    private fun psftDescribe(err: kotlin.Throwable): kotlin.String {
        var text = psftClass(err).getName()
        val message: kotlin.String? = try {
            err.message
        } catch (again: kotlin.Throwable) {
            "(its message raised)"
        }
        if (message != null) text += ": " + message
        return if (text.length > 300) text.subSequence(0, 300).toString() else text
    }

    private const val PSFT_HEX = "0123456789abcdef"

    private fun psftQuote(s: kotlin.String): kotlin.String {
        val out = java.lang.StringBuilder("\"")
        var i = 0
        while (i < s.length) {
            val c = s[i++]
            if (c == '"' || c == '\\') {
                out.append('\\').append(c)
            } else if (c < ' ' || c >= '\u007f') {
                val code = c.toInt()
                out.append('\\').append('u').append(PSFT_HEX[code shr 12]).append(PSFT_HEX[(code shr 8) and 15])
                    .append(PSFT_HEX[(code shr 4) and 15]).append(PSFT_HEX[code and 15])
            } else {
                out.append(c)
            }
        }
        return out.append('"').toString()
    }

    private fun psftBad(value: kotlin.Any?, want: kotlin.String): java.lang.IllegalArgumentException {
        val got = if (value == null) "null" else "a " + psftClass(value).getName()
        return java.lang.IllegalArgumentException("returned " + got + " where it is " + want)
    }

    // Lists and maps of the JDK or of the Kotlin library (no other code may declare in the
    // `kotlin` package), never a candidate's own class.
    private fun psftTrusted(value: kotlin.Any): kotlin.Boolean {
        val type = psftClass(value)
        if (type.getClassLoader() == null) return true
        val name = type.getName()
        val prefix = "kotlin."
        if (name.length <= prefix.length) return false
        var i = 0
        while (i < prefix.length) {
            if (name[i] != prefix[i]) return false
            i++
        }
        return true
    }

    // `value` as canonical JSON of `type`, by exact classes: never its equals or toString.
    // Members and Java methods only: an extension (trim, iterator, javaClass) is something
    // a candidate's own declaration in the file's package would shadow.
    private fun psftWrite(out: java.lang.StringBuilder, value: kotlin.Any?, type: PsftType) {
        when (type.kind) {
            "optional" -> if (value == null) out.append("null") else psftWrite(out, value, type.parts[0])
            "None" -> {
                if (value != null && value !== kotlin.Unit) throw psftBad(value, "None (Unit)")
                out.append("null")
            }
            "int" -> {
                if (value !is kotlin.Long && value !is kotlin.Int && value !is kotlin.Short && value !is kotlin.Byte) {
                    throw psftBad(value, "an int (Long)")
                }
                out.append(java.lang.Long.toString((value as kotlin.Number).toLong()))
            }
            "float" -> {
                if (value !is kotlin.Double && value !is kotlin.Float && value !is kotlin.Long && value !is kotlin.Int) {
                    throw psftBad(value, "a float (Double)")
                }
                val d = (value as kotlin.Number).toDouble()
                out.append(
                    if (java.lang.Double.isNaN(d)) "NaN"
                    else if (java.lang.Double.isInfinite(d)) (if (d > 0) "Infinity" else "-Infinity")
                    else java.lang.Double.toString(d)
                )
            }
            "bool" -> {
                if (value !is kotlin.Boolean) throw psftBad(value, "a bool (Boolean)")
                out.append(if (value) "true" else "false")
            }
            "str" -> {
                if (value !is kotlin.String) throw psftBad(value, "a str (String)")
                out.append(psftQuote(value))
            }
            "list" -> {
                if (value !is kotlin.collections.List<*> || !psftTrusted(value)) throw psftBad(value, "a List")
                out.append('[')
                val items = value.iterator()
                var n = 0
                while (items.hasNext()) {
                    if (n++ > 0) out.append(',')
                    psftWrite(out, items.next(), type.parts[0])
                }
                out.append(']')
            }
            "dict" -> {
                if (value !is kotlin.collections.Map<*, *> || !psftTrusted(value)) throw psftBad(value, "a Map")
                val seen = java.util.HashSet<kotlin.String>()
                val entries = value.entries.iterator()
                out.append('{')
                while (entries.hasNext()) {
                    val entry = entries.next()
                    val key = java.lang.StringBuilder()
                    psftWrite(key, entry.key, type.parts[0])
                    val quoted = if (type.parts[0].kind == "str") key.toString() else psftQuote(key.toString())
                    if (!seen.add(quoted)) throw java.lang.IllegalArgumentException("returned a Map with the key " + quoted + " twice")
                    if (seen.size > 1) out.append(',')
                    out.append(quoted).append(':')
                    psftWrite(out, entry.value, type.parts[1])
                }
                out.append('}')
            }
            "tuple" -> {
                out.append('[')
                if (value is kotlin.Pair<*, *> && type.parts.size == 2) {
                    psftWrite(out, value.first, type.parts[0])
                    out.append(',')
                    psftWrite(out, value.second, type.parts[1])
                } else if (value is kotlin.Triple<*, *, *> && type.parts.size == 3) {
                    psftWrite(out, value.first, type.parts[0])
                    out.append(',')
                    psftWrite(out, value.second, type.parts[1])
                    out.append(',')
                    psftWrite(out, value.third, type.parts[2])
                } else {
                    throw psftBad(value, if (type.parts.size == 2) "a Pair" else "a Triple")
                }
                out.append(']')
            }
            else -> throw java.lang.IllegalStateException("no type " + type.kind)
        }
    }

    private fun psftCall(index: kotlin.Int): kotlin.Any? {
        when (index) {
@CASES@        }
        throw java.lang.IllegalStateException("no test " + index)
    }
@METHODS@}
// psft: end of the Kotlin test driver
