package org.postiljon.sieve;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.postiljon.sieve.Script.Argument;
import org.postiljon.sieve.Script.Command;
import org.postiljon.sieve.Script.Num;
import org.postiljon.sieve.Script.Strings;
import org.postiljon.sieve.Script.Tag;
import org.postiljon.sieve.Script.Test;

/**
 * Runs a Sieve script (RFC 5228) over one message: the base language with fileinto, reject and
 * ereject (RFC 5429), envelope, encoded-character, imap4flags (RFC 5232), variables (RFC 5229),
 * vacation and vacation-seconds (RFC 5230, RFC 6131), relational (RFC 5231), subaddress (RFC
 * 5233), copy (RFC 3894), body (RFC 5173, :text), mailbox (RFC 5490, :create), date and index
 * (RFC 5260), editheader (RFC 5293), duplicate (RFC 7352), include (RFC 6609), spamtest,
 * spamtestplus and virustest (RFC 5235) and the i;ascii-numeric comparator (RFC 4790). A script is
 * checked whole before it runs ({@link #check});
 * a run never throws: an error keeps the message (RFC 5228 §2.10.6) and says why.
 */
public final class Sieve {

    /** The extensions a script may require. */
    public static final Set<String> EXTENSIONS = Set.of("fileinto", "reject", "ereject", "envelope", "encoded-character", "imap4flags",
            "variables", "vacation", "vacation-seconds", "relational", "subaddress", "copy", "body", "mailbox", "comparator-i;ascii-numeric", "spamtest", "spamtestplus",
            "comparator-i;octet", "comparator-i;ascii-casemap", "date", "index", "editheader", "duplicate", "include", "virustest");
    /** Redirects one run may make (RFC 5228 §4.2 asks for a limit). */
    public static final int MAX_REDIRECTS = 4;
    /** RFC 5230 §4.1: :days is at least 1, defaults to 7. */
    static final long DAY = 86_400;
    /** RFC 6609 §3.2: how deep includes may nest, and how many one run may make (as Pigeonhole's defaults). */
    public static final int MAX_INCLUDE_DEPTH = 10, MAX_INCLUDES = 255;
    /** RFC 7352 §3.3: how long a duplicate counts as seen without :seconds, and at most. */
    static final long DUPLICATE_DEFAULT = 7 * DAY, DUPLICATE_MAX = 30 * DAY;
    /** The longest value addheader takes (RFC 5293 §4 lets an implementation bound it; Pigeonhole's default). */
    static final int MAX_ADDED_VALUE = 2048;

    private Sieve() { }

    /** The message as a script sees it. */
    public interface Message {
        /** The values of the header fields named {@code name} (any case), unfolded and RFC 2047-decoded, top first. */
        List<String> headers(String name);

        /** The envelope sender ("" for the null sender) and the recipient this run is for. */
        String envelopeFrom();

        String envelopeTo();

        long size();

        /** The text of the message's text parts, for the body test (RFC 5173 :text). */
        String bodyText();

        /**
         * The spam filter's verdict for spamtest (RFC 5235 §3.2): "1" (surely not spam) to "10"
         * (surely spam), or with {@code percent} "0" to "100"; "0" when the message was not tested.
         */
        default String spamtest(boolean percent) {
            return "0";
        }

        /** The virus scanner's verdict for virustest (RFC 5235 §3.3): "0" when the message was not tested. */
        default String virustest() {
            return "0";
        }

        /** The time now, for currentdate (RFC 5260 §5), in the server's zone. */
        default ZonedDateTime now() {
            return ZonedDateTime.now();
        }

        /**
         * Whether {@code key} (a duplicate test's handle and id, RFC 7352) was remembered for this
         * recipient less than {@code seconds} ago ({@link Action.Track} remembers it).
         */
        default boolean seen(String key, long seconds) {
            return false;
        }
    }

    /** The scripts an include (RFC 6609) may name. */
    public interface Includes {
        Includes NONE = (global, name) -> null;

        /** The checked script called {@code name}, the user's own or (when {@code global}) the server's; null when there is none. */
        Script find(boolean global, String name);
    }

    /**
     * What a run decided.
     *
     * @param actions what to do, in order; never empty (an implicit keep is a {@link Action.Keep})
     * @param error   why the script stopped, or null when it ran to its end or "stop"
     */
    public record Result(List<Action> actions, String error) { }

    /** A script that parses but cannot run: an unknown command, a missing require, a wrong argument. */
    public static final class InvalidScript extends Exception {
        public InvalidScript(int line, String message) {
            super("line " + line + ": " + message, null, false, false);
        }
    }

    /** Parses and checks {@code text}; the script, ready to {@link #run}. */
    public static Script compile(String text) throws Script.SyntaxError, InvalidScript {
        Script s = Script.parse(text);
        check(s);
        return s;
    }

    /** RFC 5228 §3.2 and §2.10.5: require first, only known extensions, every command and test known and required. */
    public static void check(Script script) throws InvalidScript {
        Set<String> required = new LinkedHashSet<>();
        boolean pastRequire = false;
        for (Command c : script.commands()) {
            if (c.name().equals("require")) {
                if (pastRequire) throw new InvalidScript(c.line(), "require must come before every other command");
                for (String ext : strings(c, 0)) {
                    String e = ext.toLowerCase(Locale.ROOT);
                    if (!EXTENSIONS.contains(e)) throw new InvalidScript(c.line(), "the extension \"" + ext + "\" is not supported");
                    required.add(e);
                }
            } else {
                pastRequire = true;
            }
        }
        checkBlock(script.commands(), required, true);
    }

    private static void checkBlock(List<Command> commands, Set<String> req, boolean top) throws InvalidScript {
        String previous = null;
        for (Command c : commands) {
            String needs = switch (c.name()) {
                case "require" -> {
                    if (!top) throw new InvalidScript(c.line(), "require only at the top of a script");
                    yield null;
                }
                case "if", "stop", "keep", "discard", "redirect" -> null;
                case "include", "return" -> "include";
                case "global" -> {
                    if (!req.contains("variables")) throw new InvalidScript(c.line(), "global needs require \"variables\""); // RFC 6609 §3.3
                    yield "include";
                }
                case "addheader", "deleteheader" -> "editheader";
                case "elsif", "else" -> {
                    if (!"if".equals(previous) && !"elsif".equals(previous)) throw new InvalidScript(c.line(), c.name() + " without if");
                    yield null;
                }
                case "fileinto" -> "fileinto";
                case "reject" -> "reject";
                case "ereject" -> "ereject";
                case "setflag", "addflag", "removeflag" -> "imap4flags";
                case "set" -> "variables";
                case "vacation" -> "vacation";
                default -> throw new InvalidScript(c.line(), "unknown command " + c.name());
            };
            if (needs != null && !req.contains(needs)) throw new InvalidScript(c.line(), c.name() + " needs require \"" + needs + "\"");
            boolean control = c.name().equals("if") || c.name().equals("elsif") || c.name().equals("else");
            if (!control && !c.block().isEmpty()) throw new InvalidScript(c.line(), c.name() + " takes no block");
            if ((c.name().equals("if") || c.name().equals("elsif")) && c.tests().size() != 1) throw new InvalidScript(c.line(), c.name() + " needs one test");
            if (!(c.name().equals("if") || c.name().equals("elsif")) && !c.tests().isEmpty()) throw new InvalidScript(c.line(), c.name() + " takes no test");
            for (Test t : c.tests()) checkTest(t, req);
            for (Argument a : c.arguments()) if (a instanceof Tag tag) checkTag(c.line(), c.name(), tag.name(), req);
            if (c.name().equals("include") && c.arguments().stream().filter(x -> x instanceof Tag t && (t.name().equals("personal") || t.name().equals("global")))
                    .count() > 1) {
                throw new InvalidScript(c.line(), "include takes :personal or :global, not both");
            }
            checkBlock(c.block(), req, false);
            previous = c.name();
        }
    }

    private static void checkTest(Test t, Set<String> req) throws InvalidScript {
        String needs = switch (t.name()) {
            case "address", "header", "exists", "size", "allof", "anyof", "not", "true", "false" -> null;
            case "envelope" -> "envelope";
            case "hasflag" -> "imap4flags";
            case "string" -> "variables";
            case "body" -> "body";
            case "date", "currentdate" -> "date";
            case "duplicate" -> "duplicate";
            case "virustest" -> "virustest";
            case "spamtest" -> req.contains("spamtestplus") ? null : "spamtest"; // RFC 5235 §3.1: spamtestplus implies spamtest
            default -> throw new InvalidScript(t.line(), "unknown test " + t.name());
        };
        if (needs != null && !req.contains(needs)) throw new InvalidScript(t.line(), t.name() + " needs require \"" + needs + "\"");
        boolean list = t.name().equals("allof") || t.name().equals("anyof");
        if (list && t.tests().isEmpty() || t.name().equals("not") && t.tests().size() != 1 || !list && !t.name().equals("not") && !t.tests().isEmpty()) {
            throw new InvalidScript(t.line(), "wrong tests for " + t.name());
        }
        for (Argument a : t.arguments()) if (a instanceof Tag tag) checkTag(t.line(), t.name(), tag.name(), req);
        for (Test sub : t.tests()) checkTest(sub, req);
    }

    private static void checkTag(int line, String where, String tag, Set<String> req) throws InvalidScript {
        String needs = switch (tag) {
            case "is", "contains", "matches", "comparator", "all", "localpart", "domain", "over", "under" -> null;
            case "value", "count" -> "relational";
            case "user", "detail" -> "subaddress";
            case "copy" -> "copy";
            case "create" -> "mailbox";
            case "flags" -> "imap4flags";
            case "days", "subject", "from", "addresses", "mime" -> "vacation";
            case "handle" -> where.equals("duplicate") ? "duplicate" : "vacation";
            case "seconds" -> where.equals("duplicate") ? "duplicate" : "vacation-seconds";
            case "header", "uniqueid" -> "duplicate";
            case "last" -> switch (where) {
                case "addheader", "deleteheader" -> "editheader";
                case "duplicate" -> "duplicate";
                default -> "index";
            };
            case "index" -> where.equals("deleteheader") ? "editheader" : "index";
            case "zone", "originalzone" -> "date";
            case "personal", "global", "once", "optional" -> "include";
            case "text", "raw", "content" -> "body";
            case "percent" -> "spamtestplus";
            case "lower", "upper", "lowerfirst", "upperfirst", "quotewildcard", "length" -> "variables";
            default -> throw new InvalidScript(line, "unknown tag :" + tag + " for " + where);
        };
        if (needs != null && !req.contains(needs)) throw new InvalidScript(line, ":" + tag + " needs require \"" + needs + "\"");
    }

    private static List<String> strings(Command c, int index) throws InvalidScript {
        int n = 0;
        for (Argument a : c.arguments()) {
            if (a instanceof Strings s && n++ == index) return s.values();
        }
        throw new InvalidScript(c.line(), c.name() + " needs a string");
    }

    /** Runs a checked script over {@code m}. */
    public static Result run(Script script, Message m) {
        return run(script, m, Includes.NONE);
    }

    /** Runs a checked script over {@code m}, its includes found by {@code includes} (RFC 6609). */
    public static Result run(Script script, Message m, Includes includes) {
        Shared sh = new Shared(m, includes);
        String error = null;
        try {
            new Run(script, sh).block(script.commands());
        } catch (Stop | Return s) {
            // "stop", or "return" in the main script (RFC 6609 §3.4: as stop)
        } catch (RunError e) {
            error = "line " + e.line + ": " + e.getMessage();
            sh.actions.clear();
            sh.cancelled = false; // §2.10.6: an error keeps the message, whatever ran before
            sh.edits = new HeaderEdits.State();
        }
        List<Action> out = new ArrayList<>(sh.actions);
        if (!sh.cancelled) out.add(0, new Action.Keep(Set.copyOf(sh.flags), sh.edits.snapshot()));
        return new Result(List.copyOf(out), error);
    }

    private static final class Stop extends RuntimeException {
        Stop() {
            super(null, null, false, false);
        }
    }

    /** RFC 6609 §3.4: back to the including script. */
    private static final class Return extends RuntimeException {
        Return() {
            super(null, null, false, false);
        }
    }

    static final class RunError extends RuntimeException {
        final int line;

        RunError(int line, String message) {
            super(message, null, false, false);
            this.line = line;
        }
    }

    /** What every script of one run shares: the actions, the implicit keep and its flags, global variables, header edits. */
    private static final class Shared {
        final Message m;
        final Includes includes;
        final List<Action> actions = new ArrayList<>();
        final Set<String> flags = new LinkedHashSet<>();
        final Map<String, String> globals = new HashMap<>();
        final Set<String> included = new HashSet<>();
        final Deque<String> including = new ArrayDeque<>();
        HeaderEdits.State edits = new HeaderEdits.State();
        boolean cancelled;
        int redirects, includeCount;

        Shared(Message m, Includes includes) {
            this.m = m;
            this.includes = includes;
        }
    }

    /** One script's run: its own variables and extensions over the run's shared state. */
    private static final class Run implements Match.MatchVariables {
        final Shared sh;
        final Message m;
        final boolean variables;
        final boolean encoded;
        final Map<String, Set<String>> flagVariables = new HashMap<>();
        final Map<String, String> vars = new HashMap<>();
        final Set<String> globalNames = new HashSet<>();
        final List<String> matched = new ArrayList<>();

        @Override
        public void matched(String whole, List<String> groups) {
            if (!variables) return;
            matched.clear();
            matched.add(whole);
            matched.addAll(groups);
        }

        Run(Script s, Shared sh) {
            this.sh = sh;
            this.m = sh.m;
            Set<String> req = new LinkedHashSet<>();
            for (Command c : s.commands()) {
                if (!c.name().equals("require")) break;
                for (Argument a : c.arguments()) if (a instanceof Strings st) st.values().forEach(v -> req.add(v.toLowerCase(Locale.ROOT)));
            }
            this.variables = req.contains("variables");
            this.encoded = req.contains("encoded-character");
        }

        void block(List<Command> commands) {
            boolean branchTaken = false;
            for (Command c : commands) {
                switch (c.name()) {
                    case "require" -> { }
                    case "if" -> {
                        branchTaken = test(c.tests().getFirst());
                        if (branchTaken) block(c.block());
                    }
                    case "elsif" -> {
                        if (!branchTaken) {
                            branchTaken = test(c.tests().getFirst());
                            if (branchTaken) block(c.block());
                        }
                    }
                    case "else" -> {
                        if (!branchTaken) block(c.block());
                        branchTaken = true;
                    }
                    default -> action(c);
                }
            }
        }

        void action(Command c) {
            Args a = new Args(c.line(), c.arguments(), this);
            switch (c.name()) {
                case "stop" -> throw new Stop();
                case "return" -> throw new Return();
                case "keep" -> {
                    add(new Action.Keep(a.flagsOr(sh.flags), sh.edits.snapshot()));
                    sh.cancelled = true;
                }
                case "discard" -> sh.cancelled = true;
                case "fileinto" -> {
                    String folder = a.string(0);
                    add(new Action.FileInto(folder, a.flagsOr(sh.flags), a.has("create"), sh.edits.snapshot()));
                    if (!a.has("copy")) sh.cancelled = true;
                }
                case "redirect" -> {
                    String to = a.string(0);
                    if (!to.matches("[^@\\s<>()\",;]+@[^@\\s<>()\",;]+")) throw new RunError(c.line(), "redirect needs an address, not \"" + to + "\"");
                    if (++sh.redirects > MAX_REDIRECTS) throw new RunError(c.line(), "more than " + MAX_REDIRECTS + " redirects");
                    add(new Action.Redirect(to, sh.edits.snapshot()));
                    if (!a.has("copy")) sh.cancelled = true;
                }
                case "reject", "ereject" -> {
                    // RFC 5429 §2.1: reject is incompatible with vacation and with keep/fileinto/redirect already done.
                    if (sh.actions.stream().anyMatch(x -> !(x instanceof Action.Discard) && !(x instanceof Action.Track))) {
                        throw new RunError(c.line(), c.name() + " after another action");
                    }
                    add(new Action.Reject(a.string(0)));
                    sh.cancelled = true;
                }
                case "setflag", "addflag", "removeflag" -> {
                    List<String> list = a.strings(a.count() - 1);
                    Set<String> target = a.count() > 1 ? flagVariables.computeIfAbsent(a.string(0).toLowerCase(Locale.ROOT), k -> new LinkedHashSet<>()) : sh.flags;
                    List<String> words = new ArrayList<>();
                    for (String f : list) for (String w : f.split(" ")) if (!w.isEmpty()) words.add(w);
                    if (c.name().equals("setflag")) target.clear();
                    if (c.name().equals("removeflag")) words.forEach(w -> target.removeIf(x -> x.equalsIgnoreCase(w)));
                    else for (String w : words) if (target.stream().noneMatch(x -> x.equalsIgnoreCase(w))) target.add(w);
                }
                case "set" -> {
                    String name = a.string(0).toLowerCase(Locale.ROOT);
                    if (!name.matches("(global\\.)?[a-z_][a-z0-9_]*")) throw new RunError(c.line(), "not a variable name: " + name);
                    setVariable(name, modified(a, a.string(1)));
                }
                case "global" -> {
                    // RFC 6609 §3.3: these names are the variables every script of the run shares.
                    for (String v : a.strings(0)) {
                        String name = v.toLowerCase(Locale.ROOT);
                        if (!name.matches("[a-z_][a-z0-9_]*")) throw new RunError(c.line(), "not a variable name: " + name);
                        globalNames.add(name);
                    }
                }
                case "include" -> include(c.line(), a);
                case "vacation" -> {
                    if (sh.actions.stream().anyMatch(x -> x instanceof Action.Reject)) throw new RunError(c.line(), "vacation after reject");
                    long seconds = a.has("seconds") ? a.number("seconds") : a.has("days") ? a.number("days") * DAY : 7 * DAY;
                    String reason = a.string(0);
                    add(new Action.Vacation(reason, Math.max(seconds, 0), a.tagString("subject"), a.tagString("from"), a.tagStrings("addresses"),
                            a.has("mime"), a.has("handle") ? a.tagString("handle") : null));
                }
                case "addheader" -> addHeader(c.line(), a);
                case "deleteheader" -> deleteHeader(c.line(), a);
                default -> throw new RunError(c.line(), "unknown command " + c.name());
            }
        }

        void add(Action x) {
            if (!sh.actions.contains(x)) sh.actions.add(x); // §2.10.3: the same fileinto twice files once
        }

        /** RFC 6609 §3.2: runs the named script within this run, once with :once, nothing when missing with :optional. */
        void include(int line, Args a) {
            String name = a.string(0);
            boolean global = a.has("global");
            String key = (global ? "global/" : "personal/") + name;
            if (a.has("once") && sh.included.contains(key)) return;
            if (sh.including.contains(key)) throw new RunError(line, "the script \"" + name + "\" includes itself");
            if (sh.including.size() >= MAX_INCLUDE_DEPTH) throw new RunError(line, "includes nest deeper than " + MAX_INCLUDE_DEPTH);
            if (++sh.includeCount > MAX_INCLUDES) throw new RunError(line, "more than " + MAX_INCLUDES + " includes");
            Script s;
            try {
                s = sh.includes.find(global, name);
            } catch (RuntimeException e) {
                throw new RunError(line, "the script \"" + name + "\" cannot be included: " + e.getMessage());
            }
            if (s == null) {
                if (a.has("optional")) return;
                throw new RunError(line, "there is no " + (global ? "global" : "personal") + " script \"" + name + "\" to include");
            }
            sh.included.add(key);
            sh.including.push(key);
            try {
                new Run(s, sh).block(s.commands());
            } catch (Return r) {
                // back here
            } finally {
                sh.including.pop();
            }
        }

        /** RFC 5293 §4: a field at the top, or with :last at the end. */
        void addHeader(int line, Args a) {
            String name = fieldName(line, a.string(0));
            String value = a.string(1);
            if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_ADDED_VALUE) {
                throw new RunError(line, "addheader takes values of at most " + MAX_ADDED_VALUE + " octets");
            }
            HeaderEdits.Field f = new HeaderEdits.Field(name, value.replaceAll("\r?\n(?![ \t])", "\r\n "));
            if (a.has("last")) sh.edits.bottom.add(f);
            else sh.edits.top.add(0, f);
        }

        /**
         * RFC 5293 §5: every field of the name, or the :index'th (from the end with :last), those
         * whose value matches the patterns when given. Received and Auto-Submitted stay (as Pigeonhole keeps them).
         */
        void deleteHeader(int line, Args a) {
            String name = fieldName(line, a.string(0)).toLowerCase(Locale.ROOT);
            if (name.equals("received") || name.equals("auto-submitted")) return;
            List<Occurrence> all = occurrences(name);
            List<Occurrence> chosen = all;
            if (a.has("index")) {
                long n = a.number("index");
                int at = (int) Math.min(Integer.MAX_VALUE, a.has("last") ? all.size() - n : n - 1);
                chosen = n >= 1 && at >= 0 && at < all.size() ? List.of(all.get(at)) : List.of();
            }
            List<String> patterns = a.count() > 1 ? a.strings(1) : null;
            for (Occurrence o : chosen) {
                if (patterns != null && !Match.any(a, List.of(o.value), patterns, null)) continue;
                switch (o.where) {
                    case 't' -> sh.edits.top.remove(o.field);
                    case 'b' -> sh.edits.bottom.remove(o.field);
                    default -> sh.edits.deleted.computeIfAbsent(name, k -> new HashSet<>()).add(o.index);
                }
            }
        }

        /** One field of a name as the script sees it now: added at the top ('t'), the message's own ('m', its occurrence), added at the end ('b'). */
        private record Occurrence(char where, HeaderEdits.Field field, int index, String value) { }

        private List<Occurrence> occurrences(String lowerName) {
            List<Occurrence> out = new ArrayList<>();
            for (HeaderEdits.Field f : sh.edits.top) if (f.name().equalsIgnoreCase(lowerName)) out.add(new Occurrence('t', f, -1, f.value()));
            List<String> own = m.headers(lowerName);
            Set<Integer> gone = sh.edits.deleted.getOrDefault(lowerName, Set.of());
            for (int i = 0; i < own.size(); i++) if (!gone.contains(i)) out.add(new Occurrence('m', null, i, own.get(i)));
            for (HeaderEdits.Field f : sh.edits.bottom) if (f.name().equalsIgnoreCase(lowerName)) out.add(new Occurrence('b', f, -1, f.value()));
            return out;
        }

        /** The values of a field as tests see them: with the script's edits so far (RFC 5293 §7). */
        List<String> headers(String name) {
            if (sh.edits.top.isEmpty() && sh.edits.bottom.isEmpty() && sh.edits.deleted.isEmpty()) return m.headers(name);
            return occurrences(name.toLowerCase(Locale.ROOT)).stream().map(Occurrence::value).toList();
        }

        /** RFC 5322 §3.6.8: a field name is printable ASCII without a colon, within a line. */
        private static String fieldName(int line, String name) {
            if (name.isEmpty() || name.length() > 997 || !name.chars().allMatch(ch -> ch > 32 && ch < 127 && ch != ':')) {
                throw new RunError(line, "not a header field name: \"" + name + "\"");
            }
            return name;
        }

        /** The values selected by :index (RFC 5260 §6): the n'th, or with :last the n'th from the end; all without it. */
        List<String> indexed(Args a, List<String> values) {
            if (!a.has("index")) return values;
            long n = a.number("index");
            long at = a.has("last") ? values.size() - n : n - 1;
            return n >= 1 && at >= 0 && at < values.size() ? List.of(values.get((int) at)) : List.of();
        }

        void setVariable(String name, String value) {
            if (name.startsWith("global.")) sh.globals.put(name.substring(7), value);
            else if (globalNames.contains(name)) sh.globals.put(name, value);
            else vars.put(name, value);
        }

        String variable(String name) {
            if (name.startsWith("global.")) return sh.globals.getOrDefault(name.substring(7), "");
            if (globalNames.contains(name)) return sh.globals.getOrDefault(name, "");
            return vars.getOrDefault(name, "");
        }

        /** RFC 5229 §4.1: modifiers, applied longest-precedence first. */
        String modified(Args a, String v) {
            if (a.has("lower")) v = v.toLowerCase(Locale.ROOT);
            if (a.has("upper")) v = v.toUpperCase(Locale.ROOT);
            if (a.has("lowerfirst") && !v.isEmpty()) v = v.substring(0, 1).toLowerCase(Locale.ROOT) + v.substring(1);
            if (a.has("upperfirst") && !v.isEmpty()) v = v.substring(0, 1).toUpperCase(Locale.ROOT) + v.substring(1);
            if (a.has("quotewildcard")) v = v.replaceAll("([*?\\\\])", "\\\\$1");
            if (a.has("length")) v = String.valueOf(v.codePointCount(0, v.length()));
            return v;
        }

        /** A string argument as the script means it: encoded characters, then variables (RFC 5229 §3). */
        String expand(String s) {
            if (encoded && s.contains("${")) s = EncodedCharacters.decode(s);
            if (!variables || !s.contains("${")) return s;
            return EncodedCharacters.substitute(s, inner -> {
                String name = inner.toLowerCase(Locale.ROOT);
                if (name.matches("[0-9]+")) {
                    int n = Integer.parseInt(name.length() > 3 ? "999" : name);
                    return n < matched.size() ? matched.get(n) : "";
                }
                // Not a variable reference: the text itself.
                return name.matches("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*") ? variable(name) : null;
            });
        }

        /** RFC 5260 §4.1: the zone a date test compares in: :zone's, the field's own with :originalzone, else the server's. */
        ZoneId zone(Args a, int line) {
            if (a.has("originalzone")) return null;
            String z = a.tagString("zone");
            if (z == null) return ZonedDateTime.now().getZone();
            ZoneOffset offset = Dates.offset(z);
            if (offset == null) throw new RunError(line, "a zone is written +hhmm or -hhmm, not \"" + z + "\"");
            return offset;
        }

        String datePart(int line, ZonedDateTime d, String part) {
            String v = Dates.part(d, part);
            if (v == null) throw new RunError(line, "no date part \"" + part + "\" (RFC 5260 §4.2)");
            return v;
        }

        boolean test(Test t) {
            Args a = new Args(t.line(), t.arguments(), this);
            return switch (t.name()) {
                case "true" -> true;
                case "false" -> false;
                case "not" -> !test(t.tests().getFirst());
                case "allof" -> {
                    for (Test x : t.tests()) if (!test(x)) yield false;
                    yield true;
                }
                case "anyof" -> {
                    for (Test x : t.tests()) if (test(x)) yield true;
                    yield false;
                }
                case "exists" -> {
                    for (String h : a.strings(0)) if (headers(h).isEmpty()) yield false;
                    yield true;
                }
                case "size" -> {
                    long limit = a.firstNumber();
                    if (a.has("over")) yield m.size() > limit;
                    if (a.has("under")) yield m.size() < limit;
                    throw new RunError(t.line(), "size needs :over or :under");
                }
                case "header" -> {
                    List<String> values = new ArrayList<>();
                    for (String h : a.strings(0)) values.addAll(indexed(a, headers(h)));
                    yield Match.any(a, values, a.strings(1), this);
                }
                case "address" -> {
                    List<String> values = new ArrayList<>();
                    for (String h : a.strings(0)) for (String v : indexed(a, headers(h))) for (String addr : Addresses.parse(v)) {
                        String p = Addresses.part(addr, a);
                        if (p != null) values.add(p); // no detail to compare: this address does not match (RFC 5233 §4)
                    }
                    yield Match.any(a, values, a.strings(1), this);
                }
                case "date" -> {
                    // RFC 5260 §4: the first field of the name (or :index's), as Pigeonhole reads it; no readable date, no match.
                    ZoneId zone = zone(a, t.line());
                    List<String> values = new ArrayList<>();
                    List<String> fields = indexed(a, headers(a.string(0)));
                    for (String v : fields.isEmpty() ? fields : fields.subList(0, 1)) {
                        ZonedDateTime d = Dates.parse(v);
                        if (d != null) values.add(datePart(t.line(), Dates.in(d, zone), a.string(1)));
                    }
                    yield Match.any(a, values, a.strings(2), this);
                }
                case "currentdate" -> {
                    ZoneId zone = zone(a, t.line());
                    yield Match.any(a, List.of(datePart(t.line(), Dates.in(m.now(), zone == null ? m.now().getZone() : zone), a.string(0))),
                            a.strings(1), this);
                }
                case "envelope" -> {
                    List<String> values = new ArrayList<>();
                    for (String part : a.strings(0)) {
                        String v = switch (part.toLowerCase(Locale.ROOT)) {
                            case "from" -> m.envelopeFrom();
                            case "to" -> m.envelopeTo();
                            default -> throw new RunError(t.line(), "envelope knows \"from\" and \"to\", not \"" + part + "\"");
                        };
                        // RFC 5228 §5.4: the null reverse path is "" and matches only an empty key with :all.
                        String p = v.isEmpty() ? "" : Addresses.part(v, a);
                        if (p != null) values.add(p);
                    }
                    yield Match.any(a, values, a.strings(1), this);
                }
                case "body" -> Match.any(a, List.of(m.bodyText() == null ? "" : m.bodyText()), a.strings(0), this);
                case "string" -> Match.any(a, a.strings(0), a.strings(1), this);
                // RFC 5235 §3.2: the verdict as a number, compared with i;ascii-numeric unless told otherwise.
                case "spamtest" -> Match.any(a, List.of(m.spamtest(a.has("percent"))), a.strings(0), this, "i;ascii-numeric");
                case "virustest" -> Match.any(a, List.of(m.virustest()), a.strings(0), this, "i;ascii-numeric");
                case "duplicate" -> duplicate(t.line(), a);
                case "hasflag" -> {
                    Set<String> source = new LinkedHashSet<>();
                    if (a.count() > 1) {
                        for (String v : a.strings(0)) source.addAll(flagVariables.getOrDefault(v.toLowerCase(Locale.ROOT), Set.of()));
                    } else {
                        source.addAll(sh.flags);
                    }
                    yield Match.any(a, List.copyOf(source), a.strings(a.count() - 1), this);
                }
                default -> throw new RunError(t.line(), "unknown test " + t.name());
            };
        }

        /**
         * RFC 7352 §3: whether this message's id (Message-ID, the :header field's value or
         * :uniqueid) was seen under this handle within :seconds; it is remembered when the run ends
         * well, again each time with :last. No id, no duplicate and nothing remembered.
         */
        boolean duplicate(int line, Args a) {
            if (a.has("header") && a.has("uniqueid")) throw new RunError(line, "duplicate takes :header or :uniqueid, not both");
            String id;
            if (a.has("uniqueid")) {
                id = a.tagString("uniqueid");
            } else {
                List<String> values = headers(a.has("header") ? a.tagString("header") : "message-id");
                id = values.isEmpty() ? null : values.getFirst().strip();
            }
            if (id == null || id.isEmpty()) return false;
            long seconds = Math.min(DUPLICATE_MAX, a.has("seconds") ? Math.max(0, a.number("seconds")) : DUPLICATE_DEFAULT);
            String handle = a.has("handle") ? a.tagString("handle") : "";
            String key = handle + "\n" + (a.has("uniqueid") ? "uniqueid" : a.has("header") ? a.tagString("header").toLowerCase(Locale.ROOT) : "message-id") + "\n" + id;
            boolean seen = m.seen(key, seconds); // a second test of the same id in this run sees what was stored before it
            if (!seen || a.has("last")) {
                sh.actions.removeIf(x -> x instanceof Action.Track tr && tr.key().equals(key));
                sh.actions.add(new Action.Track(key, seconds));
            }
            return seen;
        }
    }

    /** The arguments of one command or test: tags (with their values) apart from the positional ones. */
    static final class Args {
        /** Tags that take the next argument as their value. */
        private static final Set<String> VALUED = Set.of("comparator", "value", "count", "days", "seconds", "subject", "from", "addresses",
                "handle", "flags", "content", "zone", "index", "header", "uniqueid");
        final int line;
        final Map<String, Argument> tags = new HashMap<>();
        final List<Argument> positional = new ArrayList<>();
        private final Run run;

        Args(int line, List<Argument> arguments, Run run) {
            this.line = line;
            this.run = run;
            for (int i = 0; i < arguments.size(); i++) {
                if (arguments.get(i) instanceof Tag t) {
                    // These tags take the next argument as their value.
                    boolean valued = VALUED.contains(t.name());
                    Argument value = valued && i + 1 < arguments.size() ? arguments.get(++i) : null;
                    if (valued && value == null) throw new RunError(line, ":" + t.name() + " needs a value");
                    tags.put(t.name(), value == null ? t : value);
                } else {
                    positional.add(arguments.get(i));
                }
            }
        }

        boolean has(String tag) {
            return tags.containsKey(tag);
        }

        int count() {
            return positional.size();
        }

        List<String> strings(int index) {
            if (index < 0 || index >= positional.size() || !(positional.get(index) instanceof Strings s)) throw new RunError(line, "a string list expected");
            List<String> out = new ArrayList<>();
            for (String v : s.values()) out.add(run.expand(v));
            return out;
        }

        String string(int index) {
            List<String> l = strings(index);
            if (l.size() != 1) throw new RunError(line, "one string expected, not a list");
            return l.getFirst();
        }

        long firstNumber() {
            for (Argument x : positional) if (x instanceof Num n) return n.value();
            throw new RunError(line, "a number expected");
        }

        long number(String tag) {
            if (tags.get(tag) instanceof Num n) return n.value();
            throw new RunError(line, ":" + tag + " needs a number");
        }

        String tagString(String tag) {
            if (!(tags.get(tag) instanceof Strings s)) return null;
            if (s.values().size() != 1) throw new RunError(line, ":" + tag + " needs one string");
            return run.expand(s.values().getFirst());
        }

        List<String> tagStrings(String tag) {
            if (!(tags.get(tag) instanceof Strings s)) return List.of();
            return s.values().stream().map(run::expand).toList();
        }

        /** :flags when given (RFC 5232 §5), else the run's current flags. */
        Set<String> flagsOr(Set<String> current) {
            if (!has("flags")) return Set.copyOf(current);
            Set<String> out = new LinkedHashSet<>();
            for (String f : tagStrings("flags")) for (String w : f.split(" ")) if (!w.isEmpty()) out.add(w);
            return Set.copyOf(out);
        }
    }
}
