package io.github.pgpool.it.app;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import javax.naming.InitialContext;

/**
 * Payara only: runs an asadmin command through the {@code org.glassfish.embeddable.CommandRunner} the embedded
 * server binds in JNDI, so a test can create (and remove) server resources while the server runs.
 * {@code /admin/run?cmd=create-connector-connection-pool&arg=--raname&arg=pgpool&...} answers {@code exit},
 * {@code output} and, if any, {@code failure} (the cause chain). Reflection, because the test application compiles
 * against the Jakarta APIs only.
 */
@WebServlet("/admin/*")
public class AdminServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply = new Reply(System.nanoTime());
        try {
            Object runner = new InitialContext().lookup("org.glassfish.embeddable.CommandRunner");
            ClassLoader loader = runner.getClass().getClassLoader();
            Class<?> runnerType = Class.forName("org.glassfish.embeddable.CommandRunner", false, loader);
            Class<?> resultType = Class.forName("org.glassfish.embeddable.CommandResult", false, loader);
            String[] args = req.getParameterValues("arg") == null ? new String[0] : req.getParameterValues("arg");
            Object result = runnerType.getMethod("run", String.class, String[].class)
                    .invoke(runner, req.getParameter("cmd"), args);
            reply.put("exit", resultType.getMethod("getExitStatus").invoke(result));
            reply.put("output", resultType.getMethod("getOutput").invoke(result));
            Throwable failure = (Throwable) resultType.getMethod("getFailureCause").invoke(result);
            StringBuilder chain = new StringBuilder();
            for (Throwable t = failure; t != null && chain.length() < 4000; t = t.getCause()) {
                chain.append(t.getClass().getName()).append(": ").append(t.getMessage()).append(" <- ");
            }
            reply.put("failure", chain);
            reply.send(resp);
        } catch (InvocationTargetException e) {
            reply.fail(resp, e.getCause());
        } catch (Exception e) {
            reply.fail(resp, e);
        }
    }
}
