package org.mailward.auth.dmarc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The structured side of the parser's warnings (kinds, tags, positions, tag order) that the domain checker reads. */
class DmarcRecordIssuesTest {

    private static DmarcRecordParse.Valid valid(String text) {
        return (DmarcRecordParse.Valid) DmarcRecordParser.parse(text);
    }

    @Test
    void eachWarningHasAStructuredIssue() {
        DmarcRecordParse.Valid v = valid("v=DMARC1; rua=mailto:a@example.com,notauri; adkim=x; zz=1; ruf:mailto:b@example.com; 9x=1");
        assertThat(v.issues()).hasSameSizeAs(v.warnings());
        assertThat(v.issues()).extracting(DmarcRecordParse.Issue::kind).containsExactlyInAnyOrder(
                DmarcRecordParse.IssueKind.NOT_TAG_VALUE, DmarcRecordParse.IssueKind.BAD_TAG_NAME, DmarcRecordParse.IssueKind.INVALID_VALUE,
                DmarcRecordParse.IssueKind.INVALID_URI, DmarcRecordParse.IssueKind.UNKNOWN_TAG, DmarcRecordParse.IssueKind.MISSING_POLICY);
        DmarcRecordParse.Issue adkim = v.issues().stream().filter(i -> i.kind() == DmarcRecordParse.IssueKind.INVALID_VALUE).findFirst().orElseThrow();
        assertThat(adkim.tag()).isEqualTo("adkim");
        assertThat(adkim.position()).isEqualTo(v.record().text().indexOf("adkim"));
        assertThat(v.issues()).extracting(DmarcRecordParse.Issue::message).containsExactlyElementsOf(v.warnings());
    }

    @Test
    void tagNamesKeepTheOrderAsWritten() {
        assertThat(valid("v=DMARC1; rua=mailto:a@example.com; P=reject; x=1").tagNames()).isEqualTo(List.of("v", "rua", "p", "x"));
    }

    @Test
    void invalidRecordsSayWhy() {
        assertThat(((DmarcRecordParse.Invalid) DmarcRecordParser.parse("v=DMARC1; p=reject; P=none")).kind())
                .isEqualTo(DmarcRecordParse.InvalidKind.DUPLICATE_TAG);
        assertThat(((DmarcRecordParse.Invalid) DmarcRecordParser.parse("v=DMARC1; sp=reject")).kind())
                .isEqualTo(DmarcRecordParse.InvalidKind.MISSING_POLICY);
        DmarcRecordParse.Invalid bad = (DmarcRecordParse.Invalid) DmarcRecordParser.parse("v=DMARC1; p=reject; np=maybe");
        assertThat(bad.kind()).isEqualTo(DmarcRecordParse.InvalidKind.INVALID_POLICY);
        assertThat(bad.tag()).isEqualTo("np");
        assertThat(((DmarcRecordParse.Invalid) DmarcRecordParser.parse("v=DMARC1;p=none;" + "x".repeat(5000))).kind())
                .isEqualTo(DmarcRecordParse.InvalidKind.TOO_LONG);
    }
}
