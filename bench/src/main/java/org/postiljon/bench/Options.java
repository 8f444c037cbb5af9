package org.postiljon.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} pairs of a benchmark's command line. */
final class Options {

    private final Map<String, String> values = new HashMap<>();

    Options(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int number(String name, int fallback) {
        return Integer.parseInt(values.getOrDefault(name, String.valueOf(fallback)));
    }
}
