// The C# test driver of function problems (protocol: languages/functions.py), a class of
// its own after the candidate's code (C# 7, as Mono's mcs compiles it). csharp_functions.py
// adds the generated calls and result writers where the `@CALLS@` comment is. Every name
// is qualified from `global::`: the candidate's usings and types cannot shadow them.
static class PsftDriver
{
    // Main reads the token and opens its own stream on fd 1 (a Console.SetOut does not
    // matter) before any candidate type is touched: C# runs a type's static initialiser
    // at its first use, which is inside a call, and the calls are never inlined into Main.
    static void Main()
    {
        string token = Token();
        global::System.IO.Stream output = global::System.Console.OpenStandardOutput();
        for (int index = 0; index < Count; index++)
        {
            string line;
            global::System.Exception fatal = null;
            try
            {
                line = index + " ok " + Call(index);
            }
            catch (global::System.Exception err)
            {
                line = index + " error " + Quote(Describe(err));
                fatal = err is global::System.OutOfMemoryException ? err : null;
            }
            Report(output, token, line);
            if (fatal != null)
            {
                throw fatal; // the runtime's own message: MEMORY_LIMIT
            }
        }
        Report(output, token, "done");
    }

    static string Token()
    {
        global::System.IO.Stream input = global::System.Console.OpenStandardInput();
        global::System.Text.StringBuilder token = new global::System.Text.StringBuilder();
        for (int c = input.ReadByte(); c != -1 && c != '\n'; c = input.ReadByte())
        {
            if (c != '\r' && c != ' ')
            {
                token.Append((char)c);
            }
        }
        return token.ToString();
    }

    // A newline first: a candidate's print without one cannot swallow the report.
    static void Report(global::System.IO.Stream output, string token, string line)
    {
        byte[] bytes = global::System.Text.Encoding.ASCII.GetBytes("\n" + token + " " + line + "\n");
        output.Write(bytes, 0, bytes.Length);
        output.Flush();
    }

    static string Describe(global::System.Exception err)
    {
        string text = err.GetType().FullName;
        try
        {
            string message = err.Message;
            if (!string.IsNullOrEmpty(message))
            {
                text += ": " + message;
            }
        }
        catch (global::System.Exception)
        {
            text += " (its Message raised)";
        }
        return text.Length > 300 ? text.Substring(0, 300) : text;
    }

    static global::System.InvalidOperationException Bad(string what)
    {
        return new global::System.InvalidOperationException("returned " + what);
    }

    // A JSON string, ASCII only: a line separator (U+2028, U+0085) written raw would split
    // the report's line. C# strings are UTF-16: each unit is escaped as it is.
    static string Quote(string s)
    {
        global::System.Text.StringBuilder o = new global::System.Text.StringBuilder();
        WriteString(o, s);
        return o.ToString();
    }

    const string Hex = "0123456789abcdef";

    static void WriteString(global::System.Text.StringBuilder o, string s)
    {
        if (s == null)
        {
            throw Bad("null where the signature has a str (string)");
        }
        o.Append('"');
        foreach (char c in s)
        {
            if (c == '"' || c == '\\')
            {
                o.Append('\\').Append(c);
            }
            else if (c >= 0x20 && c < 0x7f)
            {
                o.Append(c);
            }
            else
            {
                o.Append('\\').Append('u');
                for (int k = 12; k >= 0; k -= 4)
                {
                    o.Append(Hex[(c >> k) & 15]);
                }
            }
        }
        o.Append('"');
    }

    static void WriteLong(global::System.Text.StringBuilder o, long v)
    {
        o.Append(v.ToString(global::System.Globalization.CultureInfo.InvariantCulture));
    }

    static void WriteLongKey(global::System.Text.StringBuilder o, long v)
    {
        o.Append('"');
        WriteLong(o, v);
        o.Append('"');
    }

    static void WriteDouble(global::System.Text.StringBuilder o, double v)
    {
        global::System.Globalization.CultureInfo invariant =
            global::System.Globalization.CultureInfo.InvariantCulture;
        if (double.IsNaN(v))
        {
            o.Append("NaN");
            return;
        }
        if (double.IsInfinity(v))
        {
            o.Append(v > 0 ? "Infinity" : "-Infinity");
            return;
        }
        if (v == 0)
        {
            o.Append(1 / v < 0 ? "-0.0" : "0.0");
            return;
        }
        // Mono's "R" is not always round-trip (.NET Framework's was not): then 17 digits.
        string text = v.ToString("R", invariant);
        if (double.Parse(text, invariant) != v)
        {
            text = v.ToString("G17", invariant);
        }
        o.Append(text);
        if (text.IndexOf('.') < 0 && text.IndexOf('E') < 0)
        {
            o.Append(".0");
        }
    }

    static void WriteBool(global::System.Text.StringBuilder o, bool v)
    {
        o.Append(v ? "true" : "false");
    }

    static void CheckKey(global::System.Collections.Generic.HashSet<string> seen, string key)
    {
        if (!seen.Add(key))
        {
            throw Bad("a dict with a key twice (its comparer's doing)");
        }
    }

    // @CALLS@
}
