package org.mailward.auth.dmarc.psl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Public Suffix List (https://publicsuffix.org/list/): which names are public suffixes, and so which name is the
 * registrable domain ("Organizational Domain" of RFC 7489 3.2) of a host name.
 *
 * <p>Algorithm (publicsuffix.org "Formal Algorithm"): labels are matched from the right; a rule {@code *.x} matches
 * any one label followed by {@code x}; an exception rule {@code !a.x} beats every other rule and means the public
 * suffix is its rule minus the leftmost label; otherwise the matching rule with the most labels wins; when no rule
 * matches the prevailing rule is {@code *} (the TLD alone is the public suffix). The registrable domain is the public
 * suffix plus one label, and does not exist when the name is itself a public suffix.
 *
 * <p>Names are compared as A-labels in lower case: U-labels in the list and in queries are converted with
 * {@link IDN#toASCII}. A query with an empty label (leading dot, {@code a..b}) or a label IDNA refuses has no public
 * suffix and no registrable domain.
 *
 * <p>The list is an immutable value; {@link #bundled()} is the copy shipped inside Mailward (snapshot date in
 * {@link #BUNDLED_SNAPSHOT}); {@link #load(Path)} reads an operator's newer file.
 */
public final class PublicSuffixList {

    /** Where a rule came from: the {@code ===BEGIN ICANN DOMAINS===} or {@code ===BEGIN PRIVATE DOMAINS===} part. */
    public enum Section { ICANN, PRIVATE }

    /** The date of the list copy inside the jar (Debian publicsuffix 20230209.2326-1). */
    public static final String BUNDLED_SNAPSHOT = "2023-02-09";

    static final String BUNDLED_RESOURCE = "/org/mailward/auth/dmarc/psl/public_suffix_list.dat";

    private static volatile PublicSuffixList bundled;

    private enum Kind { NORMAL, WILDCARD, EXCEPTION }

    /** Rules keyed by their name part: "co.uk" for {@code co.uk}, "ck" for {@code *.ck}, "www.ck" for {@code !www.ck}. */
    private final Map<String, Section> normal;
    private final Map<String, Section> wildcard;
    private final Map<String, Section> exception;
    private final Set<Section> sections;
    private final String source;
    private final List<String> problems;

    private PublicSuffixList(Map<String, Section> normal, Map<String, Section> wildcard, Map<String, Section> exception,
                             Set<Section> sections, String source, List<String> problems) {
        this.normal = normal;
        this.wildcard = wildcard;
        this.exception = exception;
        this.sections = Set.copyOf(sections);
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /**
     * Parses list text. Never throws: lines that cannot be rules (a label IDNA refuses, an empty label, a misplaced
     * wildcard) are skipped and described in {@link #problems()}.
     */
    public static PublicSuffixList parse(String text, String source) {
        Objects.requireNonNull(text);
        Map<String, Section> normal = new HashMap<>();
        Map<String, Section> wildcard = new HashMap<>();
        Map<String, Section> exception = new HashMap<>();
        List<String> problems = new ArrayList<>();
        Section section = Section.ICANN;
        int lineNo = 0;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.startsWith("//")) {
                if (line.contains("===BEGIN PRIVATE DOMAINS===")) {
                    section = Section.PRIVATE;
                } else if (line.contains("===BEGIN ICANN DOMAINS===")) {
                    section = Section.ICANN;
                }
                continue;
            }
            if (line.isEmpty()) {
                continue;
            }
            // The rule is the text up to the first white space (publicsuffix.org: "Each line is only read up to
            // the first whitespace").
            int ws = indexOfWhitespace(line);
            String rule = ws < 0 ? line : line.substring(0, ws);
            Kind kind = Kind.NORMAL;
            if (rule.startsWith("!")) {
                kind = Kind.EXCEPTION;
                rule = rule.substring(1);
            } else if (rule.startsWith("*.")) {
                kind = Kind.WILDCARD;
                rule = rule.substring(2);
            }
            Optional<String> name = toAscii(rule);
            if (name.isEmpty() || name.get().contains("*")) {
                problems.add(source + ":" + lineNo + ": not a usable rule: " + raw.strip());
                continue;
            }
            switch (kind) {
                case NORMAL -> normal.putIfAbsent(name.get(), section);
                case WILDCARD -> wildcard.putIfAbsent(name.get(), section);
                case EXCEPTION -> exception.putIfAbsent(name.get(), section);
            }
        }
        return new PublicSuffixList(Map.copyOf(normal), Map.copyOf(wildcard), Map.copyOf(exception),
                EnumSet.allOf(Section.class), source, problems);
    }

    /** Reads a list file (UTF-8), e.g. an operator's newer copy of public_suffix_list.dat. */
    public static PublicSuffixList load(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
    }

    /** The override file when given, else the bundled copy. */
    public static PublicSuffixList loadOrBundled(Optional<Path> override) throws IOException {
        return override.isPresent() ? load(override.get()) : bundled();
    }

    /** The copy shipped inside Mailward (snapshot {@value #BUNDLED_SNAPSHOT}); parsed once and shared. */
    public static PublicSuffixList bundled() {
        PublicSuffixList b = bundled;
        if (b == null) {
            try (InputStream in = PublicSuffixList.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("bundled Public Suffix List missing from the jar: " + BUNDLED_RESOURCE);
                }
                b = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled PSL " + BUNDLED_SNAPSHOT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bundled = b;
        }
        return b;
    }

    /** The same rules restricted to some sections (e.g. ICANN only, as some receivers choose). */
    public PublicSuffixList withSections(Set<Section> only) {
        return new PublicSuffixList(normal, wildcard, exception, EnumSet.copyOf(only), source, problems);
    }

    /**
     * The public suffix of a name, or empty when the name is not a valid host name (empty label, leading dot,
     * IDNA failure).
     */
    public Optional<String> publicSuffix(String domain) {
        Optional<String[]> labels = labels(domain);
        if (labels.isEmpty()) {
            return Optional.empty();
        }
        String[] l = labels.get();
        int n = suffixLabelCount(l);
        return Optional.of(join(l, l.length - n));
    }

    /**
     * The registrable domain (public suffix plus one label); empty when the name is itself a public suffix or is
     * not a valid host name. This is the RFC 7489 3.2 Organizational Domain.
     */
    public Optional<String> registrableDomain(String domain) {
        Optional<String[]> labels = labels(domain);
        if (labels.isEmpty()) {
            return Optional.empty();
        }
        String[] l = labels.get();
        int n = suffixLabelCount(l);
        if (l.length <= n) {
            return Optional.empty();
        }
        return Optional.of(join(l, l.length - n - 1));
    }

    /** True when the name is exactly a public suffix (including an unlisted TLD, under the implicit {@code *} rule). */
    public boolean isPublicSuffix(String domain) {
        Optional<String[]> labels = labels(domain);
        return labels.isPresent() && suffixLabelCount(labels.get()) >= labels.get().length;
    }

    /** Number of rules (all kinds, all sections) read. */
    public int ruleCount() {
        return normal.size() + wildcard.size() + exception.size();
    }

    /** Where the list came from (file name or the bundled snapshot). */
    public String source() {
        return source;
    }

    /** Lines that were skipped while parsing, with line numbers. */
    public List<String> problems() {
        return problems;
    }

    private boolean active(Section s) {
        return s != null && sections.contains(s);
    }

    /** Number of labels of the public suffix of {@code l}, per the publicsuffix.org algorithm. */
    private int suffixLabelCount(String[] l) {
        int n = l.length;
        // Exception rules take priority: the public suffix is the exception rule minus its leftmost label.
        for (int i = 0; i < n; i++) {
            if (active(exception.get(join(l, i)))) {
                return n - i - 1;
            }
        }
        // Otherwise the longest matching rule; i = 0 is the longest candidate.
        for (int i = 0; i < n; i++) {
            String suffix = join(l, i);
            if (active(normal.get(suffix))) {
                return n - i;
            }
            if (i + 1 < n && active(wildcard.get(join(l, i + 1)))) {
                return n - i;
            }
        }
        return 1; // the implicit "*" rule
    }

    private static String join(String[] labels, int from) {
        return String.join(".", java.util.Arrays.copyOfRange(labels, from, labels.length));
    }

    private static Optional<String[]> labels(String domain) {
        if (domain == null) {
            return Optional.empty();
        }
        return toAscii(domain).filter(d -> d.indexOf('*') < 0).map(d -> d.split("\\.", -1));
    }

    /** Lower-case A-label form, or empty when a label is empty or IDNA refuses the name. */
    static Optional<String> toAscii(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.contains("..")) {
            return Optional.empty();
        }
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty()) {
            return Optional.empty();
        }
        String ascii;
        try {
            ascii = IDN.toASCII(n, IDN.ALLOW_UNASSIGNED);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        ascii = ascii.toLowerCase(Locale.ROOT);
        for (String label : ascii.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63) {
                return Optional.empty();
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                // LDH (plus "_", seen in service names); "*" is let through for the rule parser to reject.
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*')) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of(ascii);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return "PublicSuffixList[" + source + ", " + ruleCount() + " rules, sections " + sections + "]";
    }
}
