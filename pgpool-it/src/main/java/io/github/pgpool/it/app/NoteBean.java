package io.github.pgpool.it.app;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/** Persists and reads through the persistence unit whose jta-data-source is a pgpool resource. */
@Stateless
public class NoteBean {
    @PersistenceContext(unitName = "pgpool-it")
    private EntityManager em;

    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void create(String id, String text) {
        em.persist(new Note(id, text));
    }

    /** A new transaction and a fresh persistence context, so the read really goes to the database. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public String read(String id) {
        Note note = em.find(Note.class, id);
        return note == null ? null : note.getText();
    }
}
