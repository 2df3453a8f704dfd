// The test driver of a Scala function problem (protocol: languages/functions.py), after
// the candidate's code in the same file. The candidate's objects initialise at their
// first use, by the first call: after the token is read.
object Psft_Driver {
  private final class PsftType(val kind: _root_.java.lang.String, val parts: PsftType*)

  private val psftReturns = @RETURNS@

  def main(psftArgs: _root_.scala.Array[_root_.java.lang.String]): _root_.scala.Unit = {
    val channel = new _root_.java.io.FileOutputStream(_root_.java.io.FileDescriptor.out)
    val token = psftToken()
    var index = 0
    while (index < @COUNT@) {
      var line: _root_.java.lang.String = null
      var fatal: _root_.java.lang.Throwable = null
      try {
        val out = new _root_.java.lang.StringBuilder()
        psftWrite(out, psftCall(index), psftReturns)
        line = _root_.java.lang.Integer.toString(index) + " ok " + out.toString
      } catch {
        case err: _root_.java.lang.Throwable =>
          line = _root_.java.lang.Integer.toString(index) + " error " + psftQuote(psftDescribe(err))
          if (err.isInstanceOf[_root_.java.lang.OutOfMemoryError]) fatal = err // MEMORY_LIMIT
      }
      psftReport(channel, token, line)
      if (fatal != null) throw fatal
      index += 1
    }
    psftReport(channel, token, "done")
    _root_.java.lang.Runtime.getRuntime.halt(0) // no shutdown hook or thread of the candidate's
  }

  private def psftToken(): _root_.java.lang.String = {
    val input = new _root_.java.io.FileInputStream(_root_.java.io.FileDescriptor.in)
    val token = new _root_.java.lang.StringBuilder()
    var c = input.read()
    while (c != -1 && c != 10) {
      if (c > 32) token.append(c.toChar)
      c = input.read()
    }
    token.toString
  }

  // A newline first: a candidate's print without one cannot swallow the report.
  private def psftReport(channel: _root_.java.io.FileOutputStream, token: _root_.java.lang.String,
                         line: _root_.java.lang.String): _root_.scala.Unit = {
    channel.write(("\n" + token + " " + line + "\n").getBytes(_root_.java.nio.charset.StandardCharsets.UTF_8))
    channel.flush()
  }

  private def psftDescribe(err: _root_.java.lang.Throwable): _root_.java.lang.String = {
    var text = err.getClass.getName
    val message = try err.getMessage catch { case _: _root_.java.lang.Throwable => "(its message raised)" }
    if (message != null) text = text + ": " + message
    if (text.length > 300) text.substring(0, 300) else text
  }

  private val psftHex = "0123456789abcdef"

  private def psftQuote(s: _root_.java.lang.String): _root_.java.lang.String = {
    val out = new _root_.java.lang.StringBuilder("\"")
    var i = 0
    while (i < s.length) {
      val c = s.charAt(i)
      if (c == '"' || c == '\\') out.append('\\').append(c)
      else if (c < ' ' || c >= 0x7f) {
        out.append('\\').append('u').append(psftHex.charAt(c >> 12)).append(psftHex.charAt((c >> 8) & 15))
          .append(psftHex.charAt((c >> 4) & 15)).append(psftHex.charAt(c & 15))
      } else out.append(c)
      i += 1
    }
    out.append('"').toString
  }

  private def psftBad(value: _root_.scala.Any, want: _root_.java.lang.String): _root_.java.lang.IllegalArgumentException = {
    val got = if (value == null) "null" else "a " + value.getClass.getName
    new _root_.java.lang.IllegalArgumentException("returned " + got + " where it is " + want)
  }

  // Sequences, maps and tuples of the JDK or of the Scala library's own jar, never a
  // candidate's class.
  private def psftSource(c: _root_.java.lang.Class[_]): _root_.java.lang.String = {
    val domain = c.getProtectionDomain
    val source = if (domain == null) null else domain.getCodeSource
    if (source == null || source.getLocation == null) null else source.getLocation.toString
  }

  private val psftLibrary = psftSource(classOf[_root_.scala.Option[_]])

  private def psftTrusted(value: _root_.scala.Any): _root_.scala.Boolean = {
    val c = value.getClass
    c.getClassLoader == null || (psftLibrary != null && psftLibrary.equals(psftSource(c)))
  }

  // `value` as canonical JSON of `t`, by exact classes: never its equals or toString.
  private def psftWrite(out: _root_.java.lang.StringBuilder, value: _root_.scala.Any, t: PsftType): _root_.scala.Unit = {
    t.kind match {
      case "optional" =>
        if (value.isInstanceOf[_root_.scala.Some[_]]) psftWrite(out, value.asInstanceOf[_root_.scala.Some[_]].get, t.parts(0))
        else if (value.asInstanceOf[_root_.scala.AnyRef] eq _root_.scala.None) out.append("null")
        else throw psftBad(value, "an Option")
      case "None" =>
        if (value != null && !(value.asInstanceOf[_root_.scala.AnyRef] eq _root_.scala.runtime.BoxedUnit.UNIT)) {
          throw psftBad(value, "None (Unit)")
        }
        out.append("null")
      case "int" => value match {
        case v: _root_.java.lang.Long => out.append(v.longValue)
        case v: _root_.java.lang.Integer => out.append(v.longValue)
        case v: _root_.java.lang.Short => out.append(v.longValue)
        case v: _root_.java.lang.Byte => out.append(v.longValue)
        case _ => throw psftBad(value, "an int (Long)")
      }
      case "float" =>
        val d = value match {
          case v: _root_.java.lang.Double => v.doubleValue
          case v: _root_.java.lang.Float => v.doubleValue
          case v: _root_.java.lang.Long => v.doubleValue
          case v: _root_.java.lang.Integer => v.doubleValue
          case _ => throw psftBad(value, "a float (Double)")
        }
        out.append(
          if (_root_.java.lang.Double.isNaN(d)) "NaN"
          else if (_root_.java.lang.Double.isInfinite(d)) (if (d > 0) "Infinity" else "-Infinity")
          else _root_.java.lang.Double.toString(d))
      case "bool" => value match {
        case v: _root_.java.lang.Boolean => out.append(if (v.booleanValue) "true" else "false")
        case _ => throw psftBad(value, "a bool (Boolean)")
      }
      case "str" => value match {
        case v: _root_.java.lang.String => out.append(psftQuote(v))
        case _ => throw psftBad(value, "a str (String)")
      }
      case "list" =>
        // A List, or another sequence of the library's (a Vector, an ArrayBuffer).
        if (!value.isInstanceOf[_root_.scala.collection.Seq[_]] || !psftTrusted(value)) throw psftBad(value, "a List")
        val items = value.asInstanceOf[_root_.scala.collection.Seq[_]].iterator
        out.append('[')
        var n = 0
        while (items.hasNext) {
          if (n > 0) out.append(',')
          psftWrite(out, items.next(), t.parts(0))
          n += 1
        }
        out.append(']')
      case "dict" =>
        if (!value.isInstanceOf[_root_.scala.collection.Map[_, _]] || !psftTrusted(value)) throw psftBad(value, "a Map")
        val entries = value.asInstanceOf[_root_.scala.collection.Map[_, _]].iterator
        val seen = new _root_.java.util.HashSet[_root_.java.lang.String]()
        out.append('{')
        while (entries.hasNext) {
          val entry = entries.next()
          val key = new _root_.java.lang.StringBuilder()
          psftWrite(key, entry._1, t.parts(0))
          val quoted = if (t.parts(0).kind == "str") key.toString else psftQuote(key.toString)
          if (!seen.add(quoted)) throw new _root_.java.lang.IllegalArgumentException("returned a Map with the key " + quoted + " twice")
          if (seen.size > 1) out.append(',')
          out.append(quoted).append(':')
          psftWrite(out, entry._2, t.parts(1))
        }
        out.append('}')
      case "tuple" =>
        val arity = t.parts.length
        val ok = value.isInstanceOf[_root_.scala.Product] && psftTrusted(value) &&
          value.getClass.getName.startsWith("scala.Tuple" + arity) &&
          value.asInstanceOf[_root_.scala.Product].productArity == arity
        if (!ok) throw psftBad(value, "a tuple of " + arity)
        val tuple = value.asInstanceOf[_root_.scala.Product]
        out.append('[')
        var i = 0
        while (i < arity) {
          if (i > 0) out.append(',')
          psftWrite(out, tuple.productElement(i), t.parts(i))
          i += 1
        }
        out.append(']')
      case other => throw new _root_.java.lang.IllegalStateException("no type " + other)
    }
  }

  private def psftCall(index: _root_.scala.Int): _root_.scala.Any = index match {
@CASES@    case _ => throw new _root_.java.lang.IllegalStateException("no test " + index)
  }
@METHODS@}
// psft: end of the Scala test driver
