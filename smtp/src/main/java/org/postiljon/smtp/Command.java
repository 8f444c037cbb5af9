package org.postiljon.smtp;

import java.io.IOException;

/** One SMTP command: parses its arguments, acts, writes the reply. */
interface Command {

    /** @param args the text after the verb and one space; "" when there is none */
    void run(Session s, String args) throws IOException;
}
