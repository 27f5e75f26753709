package org.mailward.check;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The result of checking one domain: every finding, a status per area and overall, and the manual items.
 * Status: {@code error} when any ERROR finding, else {@code warning} when any WARN, else {@code pass}; INFO and
 * INCONCLUSIVE never lower the status (CHECKS.md 0).
 */
public record DomainReport(String domain, Status status, Map<Area, Status> areas, List<Finding> findings, List<String> manual,
                           int dnsQuestions, long millis) {

    public enum Status {
        PASS, WARNING, ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public DomainReport {
        areas = Map.copyOf(areas);
        findings = List.copyOf(findings);
        manual = List.copyOf(manual);
    }

    public static Status statusOf(List<Finding> fs) {
        if (fs.stream().anyMatch(f -> f.severity() == Severity.ERROR)) {
            return Status.ERROR;
        }
        if (fs.stream().anyMatch(f -> f.severity() == Severity.WARN)) {
            return Status.WARNING;
        }
        return Status.PASS;
    }

    static Map<Area, Status> areaStatuses(List<Area> areas, List<Finding> fs) {
        Map<Area, Status> m = new EnumMap<>(Area.class);
        for (Area a : areas) {
            m.put(a, statusOf(fs.stream().filter(f -> f.area() == a).toList()));
        }
        return m;
    }

    /** The distinct finding ids, sorted (what tests compare). */
    public Set<String> ids() {
        Set<String> s = new TreeSet<>();
        findings.forEach(f -> s.add(f.id()));
        return s;
    }
}
