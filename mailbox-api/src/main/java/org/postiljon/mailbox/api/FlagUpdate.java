package org.postiljon.mailbox.api;

/** A STORE-like change of flags (RFC 9051 §6.4.6): replace, add or remove. */
public record FlagUpdate(Mode mode, Flags flags) {

    public enum Mode { REPLACE, ADD, REMOVE }

    public Flags applyTo(Flags current) {
        return switch (mode) {
            case REPLACE -> flags;
            case ADD -> current.with(flags);
            case REMOVE -> current.without(flags);
        };
    }
}
