package io.github.pgpool.it.app;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The JPA scenario's entity. An assigned id keeps the test free of provider-specific id generation. */
@Entity
@Table(name = "pgpool_it_note")
public class Note {
    @Id
    private String id;
    private String text;

    protected Note() {
    }

    public Note(String id, String text) {
        this.id = id;
        this.text = text;
    }

    public String getId() {
        return id;
    }

    public String getText() {
        return text;
    }
}
