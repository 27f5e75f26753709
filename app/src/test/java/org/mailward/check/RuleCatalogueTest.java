package org.mailward.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The catalogue and the code cannot drift: parses the shared CHECKS.md and asserts that {@link Rule} has exactly its
 * ids, each with the catalogue's primary severity, every severity of the catalogue's severity column, and no
 * severity the catalogue never names for it; and that the per-area counts match the catalogue's count table.
 */
class RuleCatalogueTest {

    private record Row(String id, Severity primary, Set<Severity> column, Set<Severity> mentioned) {
    }

    private static final Pattern SEV = Pattern.compile("\\b(ERROR|WARN|INFO|INCONCLUSIVE)\\b");

    private static List<Row> rows() throws Exception {
        String shared = System.getProperty("mailward.shared", "../shared");
        Path file = Path.of(shared, "CHECKS.md");
        if (!Files.exists(file)) {
            file = Path.of("..", "..", "shared", "CHECKS.md");
        }
        Assumptions.assumeTrue(Files.exists(file), "CHECKS.md not found (set -Dmailward.shared): skipping");
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.startsWith("| ")) {
                continue;
            }
            String[] cells = line.substring(2).split(" \\| ");
            String id = cells[0].trim();
            if (!id.matches("[A-Z0-9]+(-[A-Z0-9]+)+")) {
                continue;
            }
            Set<Severity> column = EnumSet.noneOf(Severity.class);
            Severity primary = null;
            Matcher m = SEV.matcher(cells[1]);
            while (m.find()) {
                Severity s = Severity.valueOf(m.group(1));
                primary = primary == null ? s : primary;
                column.add(s);
            }
            Set<Severity> mentioned = EnumSet.copyOf(column);
            Matcher c = SEV.matcher(cells[2]);
            while (c.find()) {
                mentioned.add(Severity.valueOf(c.group(1)));
            }
            rows.add(new Row(id, primary, column, mentioned));
        }
        return rows;
    }

    @Test
    void registryHasExactlyTheCatalogueIdsAndSeverities() throws Exception {
        List<Row> rows = rows();
        assertThat(rows).hasSize(150);
        assertThat(java.util.Arrays.stream(Rule.values()).map(Rule::id).toList())
                .containsExactlyElementsOf(rows.stream().map(Row::id).toList());
        for (Row r : rows) {
            Rule rule = Rule.byId(r.id()).orElseThrow();
            assertThat(rule.severity()).as(r.id() + " primary severity").isEqualTo(r.primary());
            assertThat(rule.severities()).as(r.id() + " severities").containsAll(r.column());
            assertThat(r.mentioned()).as(r.id() + " severities allowed in code but not named in CHECKS.md").containsAll(rule.severities());
        }
    }

    @Test
    void areaCountsMatchTheCountTable() throws Exception {
        rows();
        Map<Area, Integer> counts = new LinkedHashMap<>();
        for (Rule r : Rule.values()) {
            counts.merge(r.area(), 1, Integer::sum);
        }
        assertThat(counts).containsEntry(Area.GEN, 3).containsEntry(Area.DMARC, 24).containsEntry(Area.REPORTAUTH, 3)
                .containsEntry(Area.SPF, 23).containsEntry(Area.DKIM, 14).containsEntry(Area.MX, 10).containsEntry(Area.TLS, 16)
                .containsEntry(Area.CERT, 10).containsEntry(Area.PTR, 4).containsEntry(Area.MTASTS, 14).containsEntry(Area.TLSRPT, 6)
                .containsEntry(Area.DNSSEC, 8).containsEntry(Area.RPKI, 1).containsEntry(Area.BIMI, 3).containsEntry(Area.UK, 11);
    }

    @Test
    void findingRejectsASeverityTheCatalogueDoesNotAllow() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Finding.of(Rule.MX_NULL, "x").severity(Severity.ERROR).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Finding.of(Rule.MX_NULL, "x").severity(Severity.INCONCLUSIVE).build().severity()).isEqualTo(Severity.INCONCLUSIVE);
    }
}
