@SuppressWarnings({"unchecked", "rawtypes"})
final class @DRIVER@ {
    public static void main(java.lang.String[] psftArgs) throws java.lang.Throwable {
        java.io.FileOutputStream channel = new java.io.FileOutputStream(java.io.FileDescriptor.out);
        java.lang.String token = token();
        for (int index = 0; index < @COUNT@; index++) {
            java.lang.String line;
            java.lang.Throwable fatal = null;
            try {
                java.lang.StringBuilder out = new java.lang.StringBuilder();
                w0(out, call(index));
                line = index + " ok " + out.toString();
            } catch (java.lang.Throwable err) {
                line = index + " error " + quote(describe(err));
                fatal = err instanceof java.lang.OutOfMemoryError ? err : null;
            }
            report(channel, token, line);
            if (fatal != null) throw fatal;  // the JVM's own message: MEMORY_LIMIT
        }
        report(channel, token, "done");
    }
    static java.lang.String token() throws java.io.IOException {
        java.io.FileInputStream in = new java.io.FileInputStream(java.io.FileDescriptor.in);
        java.lang.StringBuilder token = new java.lang.StringBuilder();
        for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) token.append((char) c);
        return token.toString().strip();
    }
    // A newline first: a candidate's print without one cannot swallow the report.
    static void report(java.io.FileOutputStream channel, java.lang.String token,
                       java.lang.String line) throws java.io.IOException {
        channel.write(("\n" + token + " " + line + "\n")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        channel.flush();
    }
    static java.lang.String describe(java.lang.Throwable err) {
        java.lang.String text = err.getClass().getName(), message = null;
        try {
            message = err.getMessage();
        } catch (java.lang.Throwable again) {
            message = "(getMessage raised)";
        }
        if (message != null && message.getClass() == java.lang.String.class) text += ": " + message;
        return text.length() > 300 ? text.substring(0, 300) : text;
    }
    static final java.lang.String HEX = "0123456789abcdef";
    static java.lang.String quote(java.lang.String s) {
        java.lang.StringBuilder out = new java.lang.StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                out.append('\\').append('u');
                for (int k = 12; k >= 0; k -= 4) out.append(HEX.charAt((c >> k) & 15));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
    static java.lang.IllegalArgumentException bad(java.lang.Object value, java.lang.String want) {
        java.lang.String got = value == null ? "null" : "a " + value.getClass().getName();
        return new java.lang.IllegalArgumentException("returned " + got + " where it is " + want);
    }
    static java.lang.Class<?> kind(java.lang.Object value) {
        return value == null ? null : value.getClass();
    }
    static java.lang.String integer(java.lang.Object value) {
        java.lang.Class<?> c = kind(value);
        if (c == java.lang.Long.class || c == java.lang.Integer.class
                || c == java.lang.Short.class || c == java.lang.Byte.class) {
            return java.lang.Long.toString(((java.lang.Number) value).longValue());
        }
        if (c == java.math.BigInteger.class) return ((java.math.BigInteger) value).toString(10);
        throw bad(value, "an int (long)");
    }
    static java.lang.String real(java.lang.Object value) {
        java.lang.Class<?> c = kind(value);
        if (c != java.lang.Double.class && c != java.lang.Float.class
                && c != java.lang.Long.class && c != java.lang.Integer.class) {
            throw bad(value, "a float (double)");
        }
        double d = ((java.lang.Number) value).doubleValue();
        if (java.lang.Double.isNaN(d)) return "NaN";
        if (java.lang.Double.isInfinite(d)) return d > 0 ? "Infinity" : "-Infinity";
        return java.lang.Double.toString(d);
    }
    static java.lang.String bool(java.lang.Object value) {
        if (kind(value) != java.lang.Boolean.class) throw bad(value, "a bool (boolean)");
        return ((java.lang.Boolean) value).booleanValue() ? "true" : "false";
    }
    static java.lang.String string(java.lang.Object value) {
        if (kind(value) != java.lang.String.class) throw bad(value, "a str (String)");
        return quote((java.lang.String) value);
    }
    // Lists and maps: the JDK's own classes (the boot loader's), never a candidate's.
    static java.util.List<?> list(java.lang.Object value) {
        if (value instanceof java.util.List && value.getClass().getClassLoader() == null) {
            return (java.util.List<?>) value;
        }
        throw bad(value, "a list (a java.util.List of the JDK)");
    }
    static java.util.Map<?, ?> map(java.lang.Object value) {
        if (value instanceof java.util.Map && value.getClass().getClassLoader() == null) {
            return (java.util.Map<?, ?>) value;
        }
        throw bad(value, "a dict (a java.util.Map of the JDK)");
    }
    static <K, V> java.util.LinkedHashMap<K, V> map(java.util.LinkedHashMap<K, V> map,
                                                    java.lang.Object... pairs) {
        for (int i = 0; i < pairs.length; i += 2) map.put((K) pairs[i], (V) pairs[i + 1]);
        return map;
    }
    static java.lang.Object call(int index) throws java.lang.Throwable {
        switch (index) {
@CASES@            default: throw new java.lang.IllegalStateException("no test " + index);
        }
    }
@METHODS@}
