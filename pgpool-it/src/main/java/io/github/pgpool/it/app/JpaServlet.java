package io.github.pgpool.it.app;

import jakarta.ejb.EJB;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** {@code /jpa?id=&text=} persists a {@link Note} in one container-managed transaction and reads it in another. */
@WebServlet("/jpa")
public class JpaServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @EJB
    private NoteBean notes;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Reply reply = new Reply(System.nanoTime());
        try {
            String id = req.getParameter("id");
            notes.create(id, req.getParameter("text"));
            reply.put("read", notes.read(id));
            reply.send(resp);
        } catch (Exception e) {
            reply.fail(resp, e);
        }
    }
}
