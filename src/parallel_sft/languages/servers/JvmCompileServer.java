// A JVM compiler kept warm for a sandbox session: psft's compile server for Java and
// Scala (see verify/compile_server.py). It runs inside the session's sandbox, in
// namespaces and a cgroup of its own, and compiles one program per request with the
// toolchain's own compiler, called as its command-line tool calls it, with the same
// arguments. A cold compiler spends most of a small program's compile starting and
// warming its JVM (javac: 0.30 s of 0.32 s); a warm one is 5x (scalac) to 20x (javac) faster.
//
// It never runs a program's code: javac gets -proc:none (no annotation processors), and
// the compilers execute nothing else of what they compile.
//
// Usage: java ... JvmCompileServer.java javac|scalac
// Protocol, on stdin and stdout: a request is one line, the compiler's arguments separated
// by tabs (paths relative to this process's working directory); the reply is a line
// "<exit code> <n>" followed by n bytes: everything the compiler printed. An exit code
// above 2 (the compiler's own failure) ends the process after its reply: the host then
// compiles that program with the command instead.
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import javax.tools.ToolProvider;

public final class JvmCompileServer {
    /** Where System.out and System.err go: the current request's buffer. */
    static final class Capture extends OutputStream {
        ByteArrayOutputStream target = new ByteArrayOutputStream();

        @Override public void write(int b) { target.write(b); }
        @Override public void write(byte[] b, int off, int len) { target.write(b, off, len); }
    }

    interface Compiler {
        int compile(String[] args, PrintStream printed) throws Exception;
    }

    static Compiler compiler(String name) throws Exception {
        switch (name) {
            case "javac": {
                javax.tools.JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
                return (args, printed) -> javac.run(null, printed, printed, args);
            }
            case "scalac": {  // as scala.tools.nsc.Main.main: 0 or 1, printed to Console.err
                Class<?> main = Class.forName("scala.tools.nsc.Main$");
                Object driver = main.getField("MODULE$").get(null);
                Method process = main.getMethod("process", String[].class);
                Method reporter = main.getMethod("reporter");
                return (args, printed) -> {
                    process.invoke(driver, (Object) args);
                    Object errors = reporter.invoke(driver);
                    return (Boolean) errors.getClass().getMethod("hasErrors").invoke(errors) ? 1 : 0;
                };
            }
            default:
                throw new IllegalArgumentException("no such compiler: " + name);
        }
    }

    public static void main(String[] argv) throws Exception {
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        Capture capture = new Capture();
        PrintStream printed = new PrintStream(capture, true, StandardCharsets.UTF_8);
        System.setOut(printed);  // before the compiler's classes load: Scala's Console keeps them
        System.setErr(printed);
        Compiler compiler = compiler(argv[0]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] args = line.isEmpty() ? new String[0] : line.split("\t", -1);
            capture.target = new ByteArrayOutputStream();
            int code;
            try {
                code = compiler.compile(args, printed);
            } catch (Throwable t) {
                printed.println("psft compile server: " + t);
                code = 4;
            }
            printed.flush();
            byte[] body = capture.target.toByteArray();
            out.write((code + " " + body.length + "\n").getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            if (code > 2) {
                System.exit(code);
            }
        }
    }
}
