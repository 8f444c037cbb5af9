package org.postiljon.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Sieve script as parsed (RFC 5228 §8): commands with their arguments, tests and blocks.
 * Parsing checks the grammar and the limits below; what commands and tests mean (and whether a
 * script uses only what it requires) is checked by {@link Sieve#compile}.
 */
public record Script(List<Command> commands) {

    /** A script larger than this is refused (RFC 5804 lets a server limit script size). */
    public static final int MAX_BYTES = 256 * 1024;
    /** Blocks and tests nested deeper than this are refused (a bounded stack). */
    public static final int MAX_NESTING = 32;
    /** Strings in one string list. */
    public static final int MAX_LIST = 1024;

    /** One argument: a tag, a number or a string list (a single string is a list of one). */
    public sealed interface Argument permits Tag, Num, Strings { }

    public record Tag(String name) implements Argument { }

    public record Num(long value) implements Argument { }

    public record Strings(List<String> values) implements Argument { }

    /** {@code name arguments [test | test-list]}: a test, or a command's test part. */
    public record Test(String name, List<Argument> arguments, List<Test> tests, int line) { }

    /** {@code name arguments [test | test-list] (";" | block)}. */
    public record Command(String name, List<Argument> arguments, List<Test> tests, List<Command> block, int line) { }

    /** A script that is not Sieve, with the line where the parser stopped. */
    public static final class SyntaxError extends Exception {
        public final int line;

        public SyntaxError(int line, String message) {
            super("line " + line + ": " + message, null, false, false);
            this.line = line;
        }
    }

    public static Script parse(String text) throws SyntaxError {
        if (text.length() > MAX_BYTES) throw new SyntaxError(1, "a script is at most " + MAX_BYTES + " characters");
        Parser p = new Parser(text);
        List<Command> commands = p.commands(0);
        p.skip();
        if (!p.atEnd()) throw p.error("unexpected '" + p.peek() + "'");
        return new Script(commands);
    }

    /** A recursive-descent parser over the text, with the line number for every error. */
    private static final class Parser {
        private final String s;
        private int at;
        private int line = 1;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return at >= s.length();
        }

        char peek() {
            return s.charAt(at);
        }

        SyntaxError error(String message) {
            return new SyntaxError(line, message);
        }

        /** White space and comments (§8.1: hash comments to the end of the line, bracket comments). */
        void skip() throws SyntaxError {
            while (!atEnd()) {
                char c = peek();
                if (c == '\n') {
                    line++;
                    at++;
                } else if (c == ' ' || c == '\t' || c == '\r') {
                    at++;
                } else if (c == '#') {
                    while (!atEnd() && peek() != '\n') at++;
                } else if (s.startsWith("/*", at)) {
                    int end = s.indexOf("*/", at + 2);
                    if (end < 0) throw error("a comment that does not end");
                    for (int i = at; i < end; i++) if (s.charAt(i) == '\n') line++;
                    at = end + 2;
                } else {
                    return;
                }
            }
        }

        List<Command> commands(int depth) throws SyntaxError {
            List<Command> out = new ArrayList<>();
            while (true) {
                skip();
                if (atEnd() || peek() == '}') return out;
                out.add(command(depth));
            }
        }

        Command command(int depth) throws SyntaxError {
            int l = line;
            String name = identifier();
            List<Argument> args = arguments();
            List<Test> tests = testPart(depth);
            skip();
            if (atEnd()) throw error("';' or '{' expected after " + name);
            if (peek() == ';') {
                at++;
                return new Command(name, args, tests, List.of(), l);
            }
            if (peek() == '{') {
                if (depth >= MAX_NESTING) throw error("blocks nested deeper than " + MAX_NESTING);
                at++;
                List<Command> block = commands(depth + 1);
                if (atEnd()) throw error("'}' expected");
                at++;
                return new Command(name, args, tests, block, l);
            }
            throw error("';' or '{' expected after " + name + ", not '" + peek() + "'");
        }

        /** A test or a parenthesised test list after the arguments, or none. */
        List<Test> testPart(int depth) throws SyntaxError {
            skip();
            if (atEnd()) return List.of();
            if (peek() == '(') return testList(depth);
            if (isIdentifierStart(peek())) return List.of(test(depth));
            return List.of();
        }

        List<Test> testList(int depth) throws SyntaxError {
            if (depth >= MAX_NESTING) throw error("tests nested deeper than " + MAX_NESTING);
            at++; // (
            List<Test> out = new ArrayList<>();
            while (true) {
                skip();
                out.add(test(depth + 1));
                skip();
                if (atEnd()) throw error("')' expected");
                char c = peek();
                at++;
                if (c == ')') return out;
                if (c != ',') throw error("',' or ')' expected in a test list, not '" + c + "'");
            }
        }

        Test test(int depth) throws SyntaxError {
            if (depth >= MAX_NESTING) throw error("tests nested deeper than " + MAX_NESTING);
            skip();
            int l = line;
            String name = identifier();
            List<Argument> args = arguments();
            return new Test(name, args, testPart(depth + 1), l);
        }

        List<Argument> arguments() throws SyntaxError {
            List<Argument> out = new ArrayList<>();
            while (true) {
                skip();
                if (atEnd()) return out;
                char c = peek();
                if (c == ':') {
                    at++;
                    out.add(new Tag(identifier()));
                } else if (c >= '0' && c <= '9') {
                    out.add(number());
                } else if (c == '"' || c == '[' || s.startsWith("text:", at)) {
                    out.add(new Strings(stringList()));
                } else {
                    return out;
                }
            }
        }

        /** §8.1: identifier = (ALPHA / "_") *(ALPHA / DIGIT / "_"); compared without case. */
        String identifier() throws SyntaxError {
            if (atEnd() || !isIdentifierStart(peek())) throw error("a command or test name expected" + (atEnd() ? "" : ", not '" + peek() + "'"));
            int start = at;
            while (!atEnd() && (isIdentifierStart(peek()) || Character.isDigit(peek()) && peek() < 128)) at++;
            return s.substring(start, at).toLowerCase(Locale.ROOT);
        }

        private static boolean isIdentifierStart(char c) {
            return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        }

        /** §8.1: number = 1*DIGIT [ "K" / "M" / "G" ]; a value beyond 2^63 is an error. */
        Num number() throws SyntaxError {
            int start = at;
            while (!atEnd() && peek() >= '0' && peek() <= '9') at++;
            long v;
            try {
                v = Long.parseLong(s.substring(start, at));
            } catch (NumberFormatException e) {
                throw error("a number too large");
            }
            if (!atEnd()) {
                int shift = switch (Character.toUpperCase(peek())) {
                    case 'K' -> 10;
                    case 'M' -> 20;
                    case 'G' -> 30;
                    default -> 0;
                };
                if (shift > 0) {
                    at++;
                    if (v > Long.MAX_VALUE >> shift) throw error("a number too large");
                    v <<= shift;
                }
            }
            return new Num(v);
        }

        List<String> stringList() throws SyntaxError {
            if (peek() != '[') return List.of(string());
            at++;
            List<String> out = new ArrayList<>();
            while (true) {
                skip();
                if (atEnd()) throw error("']' expected");
                out.add(string());
                if (out.size() > MAX_LIST) throw error("more than " + MAX_LIST + " strings in a list");
                skip();
                if (atEnd()) throw error("']' expected");
                char c = peek();
                at++;
                if (c == ']') return out;
                if (c != ',') throw error("',' or ']' expected in a string list, not '" + c + "'");
            }
        }

        String string() throws SyntaxError {
            if (atEnd()) throw error("a string expected");
            if (peek() == '"') return quoted();
            if (s.startsWith("text:", at)) return multiLine();
            throw error("a string expected, not '" + peek() + "'");
        }

        /** §2.4.2: "\" escapes the next character; any other backslash is dropped before it. */
        String quoted() throws SyntaxError {
            at++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (atEnd()) throw error("a string that does not end");
                char c = s.charAt(at++);
                if (c == '"') return b.toString();
                if (c == '\\') {
                    if (atEnd()) throw error("a string that does not end");
                    c = s.charAt(at++);
                }
                if (c == '\n') line++;
                b.append(c);
            }
        }

        /** §2.4.2: "text:" to the end of the line, then lines up to a lone "."; a line's leading ".." is ".". */
        String multiLine() throws SyntaxError {
            at += 5;
            while (!atEnd() && (peek() == ' ' || peek() == '\t')) at++;
            if (!atEnd() && peek() == '#') while (!atEnd() && peek() != '\n') at++;
            if (!atEnd() && peek() == '\r') at++;
            if (atEnd() || peek() != '\n') throw error("a line break expected after text:");
            at++;
            line++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (atEnd()) throw error("a multi-line string without its final '.'");
                int end = s.indexOf('\n', at);
                String l = end < 0 ? s.substring(at) : s.substring(at, end);
                at = end < 0 ? s.length() : end + 1;
                line++;
                String bare = l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
                if (bare.equals(".")) return b.toString();
                b.append(bare.startsWith("..") ? bare.substring(1) : bare).append("\r\n");
            }
        }
    }
}
