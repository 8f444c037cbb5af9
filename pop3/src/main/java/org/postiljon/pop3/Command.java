package org.postiljon.pop3;

import java.io.IOException;

/** One POP3 command: parses its arguments, calls the mailbox model, writes the response. */
interface Command {

    /** @param args the text after the keyword and one space; "" when there is none */
    void run(Session s, String args) throws IOException;
}
